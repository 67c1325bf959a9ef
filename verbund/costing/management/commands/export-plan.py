"""`verbund export-plan PLAN_ID --out PATH`: write a plan version's figures as a plan spreadsheet."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.costing import spreadsheet
from verbund.costing.models import PlanVersion
from verbund.costing.spreadsheet.files import write_file


class Command(BaseCommand):
    help = (
        "Write the figures of a plan version (cost centres, cost types, planned costs, service quantities, "
        "products, mappings) as one long table: .csv (UTF-8 with BOM, ';') or .xlsx by the suffix of --out. "
        "import-plan reads the same format."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--out", type=Path, required=True, help="file to write (.csv or .xlsx)")

    def handle(self, *args: Any, plan_id: int, out: Path, **options: Any) -> None:
        plan = PlanVersion.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(_("No plan version with id %(id)s.") % {"id": plan_id})
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(_("Give a .csv or .xlsx file, not %(name)s.") % {"name": out.name})
        rows = spreadsheet.export_rows(plan)
        write_file(rows, out)
        self.stdout.write(
            _("%(n)s lines of %(plan)s written to %(path)s") % {"n": len(rows), "plan": plan, "path": out}
        )
