from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog import spreadsheet
from verbund.catalog.models import Product
from verbund.core.params import YEAR_MAX, YEAR_MIN


class Command(BaseCommand):
    help = (
        "Export every product with its price of a year (the newest draft or approved price in force on 1 January, "
        "else the first starting in the year) as CSV for German Excel or as an Excel workbook."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--year", type=int, default=None, help="the price year (default: the current year)")
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], default=None, help="default: from the extension of --out, else csv"
        )
        parser.add_argument("--out", type=Path, required=True, help="the file to write")

    def handle(self, *args, year: int | None, format: str | None, out: Path, **options):  # type: ignore[no-untyped-def]
        year = year or timezone.localdate().year
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise CommandError(_("The year must lie between 2000 and 2100."))
        kind = format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
        if not out.parent.is_dir():
            raise CommandError(_("The folder does not exist: %(path)s") % {"path": out.parent})
        rows = spreadsheet.export_rows(Product.objects.order_by("number"), year)
        if kind == "xlsx":
            spreadsheet.write_xlsx(rows, out)
        else:
            with out.open("w", encoding="utf-8", newline="") as stream:
                spreadsheet.write_csv(rows, stream)
        self.stdout.write(
            _("%(n)s products with the prices of %(year)s written to %(path)s")
            % {"n": len(rows), "year": year, "path": out}
        )
