"""`verbund scenario-calc MODEL.json`: run the scenario engine on a JSON model. Uses no database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.scenarios.engine import ScenarioError
from verbund.scenarios.engine.cli import DESCRIPTION, add_arguments, calculate_file, dumps


class Command(BaseCommand):
    help = DESCRIPTION
    requires_system_checks: list[str] = []  # the engine needs neither checks nor a database
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = calculate_file(options["model"], trace=not options["no_trace"])
        except ScenarioError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(dumps(data, options["indent"]))
