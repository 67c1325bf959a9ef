"""`verbund import-plan PLAN_ID PATH [--dry-run]`: replace a draft plan's figures by a plan spreadsheet."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.costing import spreadsheet
from verbund.costing.models import PlanVersion
from verbund.jobs.progress import cli_progress


class Command(BaseCommand):
    help = (
        "Replace the figures of a draft plan version by a plan spreadsheet (.csv or .xlsx, the columns of "
        "export-plan). Every line is checked first; a file with any error imports nothing. Re-importing a file "
        "changes nothing. The results of the last calculation are dropped when the figures change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the whole file; write nothing")

    def handle(self, *args: Any, plan_id: int, path: Path, dry_run: bool, **options: Any) -> None:
        plan = PlanVersion.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("No plan version with id %(id)s.") % {"id": plan_id})
        if not path.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            rows = spreadsheet.read_file(path)
            with cli_progress(_("Importing %(name)s") % {"name": path.name}) as progress:
                progress(0, 1, gettext_noop("Importing %(n)s lines"), n=len(rows))
                result = spreadsheet.import_rows(actor=None, plan=plan, rows=rows, dry_run=dry_run)
                progress(1, 1, gettext_noop("Imported"))
        except spreadsheet.PlanImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("The file has %(n)s error(s); nothing was imported.") % {"n": len(exc.errors)}
            ) from exc
        counts = ", ".join(f"{name}: {count}" for name, count in result.counts.items())
        self.stdout.write(f"{plan} (id {plan.pk}) – {counts}")
        if dry_run:
            self.stdout.write(
                _("Dry run: the file is valid and would change the plan; nothing was written.")
                if result.changed
                else _("Dry run: the file is valid and equals the plan's figures; nothing was written.")
            )
        elif result.changed:
            self.stdout.write(_("The plan's figures were replaced; calculate the plan again."))
        else:
            self.stdout.write(_("The file equals the plan's figures; nothing changed."))
