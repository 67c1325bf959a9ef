"""Reads for accounts."""

from django.db.models import Q
from django.utils import timezone

from verbund.accounts.models import ApiToken, User


def user_for_api_token(raw: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to; records its use."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(raw), revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
