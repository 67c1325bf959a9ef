"""`verbund import-actuals CLOSING_ID {costs,flows,usage} PATH`: replace a post-calculation's actual figures."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.closing.models import Closing
from verbund.closing.tasks import closing_import
from verbund.core.spreadsheet import SpreadsheetError
from verbund.jobs.progress import cli_progress


class Command(BaseCommand):
    help = (
        "Replace the actual costs, service quantities or usage of a draft post-calculation by a file (.csv or "
        ".xlsx, docs/closing-import-format.md). Every line is checked first; a file with any error imports "
        "nothing. Re-importing a file changes nothing. Runs the same code as the upload's background job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("closing_id", type=int)
        parser.add_argument("kind", choices=["costs", "flows", "usage"])
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, closing_id: int, kind: str, path: Path, **options: Any) -> None:
        closing = Closing.objects.select_related("plan").filter(pk=closing_id).first()
        if closing is None:
            raise CommandError(_("No post-calculation with id %(id)s.") % {"id": closing_id})
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            with cli_progress(_("Importing %(name)s") % {"name": path.name}) as progress:
                summary = closing_import(
                    actor=None, closing=closing, kind=kind, name=path.name, data=path.read_bytes(), progress=progress
                )
        except SpreadsheetError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("The file has %(n)s error(s); nothing was imported.") % {"n": len(exc.errors)}
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(summary)
