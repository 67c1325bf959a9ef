from django.core.management.base import BaseCommand, CommandError

from verbund.accounts.models import User
from verbund.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once (machine clients send it as 'Authorization: Bearer')."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username: str, name: str, **options):  # type: ignore[no-untyped-def]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        _token, raw = api_token_create(actor=None, user=user, name=name)
        self.stdout.write(raw)
