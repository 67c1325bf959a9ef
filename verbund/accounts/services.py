"""Writes for users and API tokens."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from verbund.accounts.models import ApiToken, User
from verbund.accounts.roles import Role
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction

_AUDITED_USER_FIELDS = [
    "username",
    "email",
    "first_name",
    "last_name",
    "role",
    "organization_id",
    "is_active",
]


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    role: str,
    organization: Any = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    validate_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": f"unknown role {role!r}"})
    user = User(
        username=username,
        role=role,
        organization=organization,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        if validate_password:
            from django.contrib.auth.password_validation import validate_password as check

            check(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        after=model_snapshot(user, _AUDITED_USER_FIELDS),
        scope_organization_id=user.organization_id,
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the raw key (shown once, never stored)."""
    if not name.strip():
        raise ValidationError({"name": "a token needs a name"})
    raw = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_hash=ApiToken.hash_key(raw),
        key_prefix=raw[:8],
        expires_at=expires_at,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=token,
        after={"user": user.username, "name": token.name, "key_prefix": token.key_prefix},
        scope_organization_id=user.organization_id,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at.isoformat()},
            scope_organization_id=token.user.organization_id,
        )
    return token
