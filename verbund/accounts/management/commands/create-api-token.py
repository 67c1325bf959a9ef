import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from verbund.accounts.models import User
from verbund.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (machine clients send it as 'Authorization: Bearer')."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="valid for this many days (default: no expiry)"
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options):  # type: ignore[no-untyped-def]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days must be a positive number of days")
        expires_at = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
        _token, raw = api_token_create(actor=None, user=user, name=name, expires_at=expires_at)
        self.stdout.write(raw)
