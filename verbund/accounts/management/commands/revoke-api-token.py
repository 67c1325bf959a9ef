from django.core.management.base import BaseCommand, CommandError

from verbund.accounts.models import ApiToken
from verbund.accounts.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens of a user by token name or key prefix (the first 8 characters, e.g. vbd_AbCd)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("token", help="token name or key prefix")

    def handle(self, *args, username: str, token: str, **options):  # type: ignore[no-untyped-def]
        tokens = list(
            ApiToken.objects.filter(user__username=username, revoked_at__isnull=True).filter(name=token)
            | ApiToken.objects.filter(user__username=username, revoked_at__isnull=True, key_prefix=token)
        )
        if not tokens:
            raise CommandError(f"no active token {token!r} for user {username!r}")
        for item in tokens:
            api_token_revoke(actor=None, token=item)
        self.stdout.write(f"revoked {len(tokens)} token(s)")
