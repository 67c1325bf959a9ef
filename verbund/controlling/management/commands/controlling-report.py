"""`verbund controlling-report --year YYYY --out DIR [--contract ID]`: write the council report as PDF and CSV."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.controlling.models import Contract, Report
from verbund.controlling.report import report_csv, report_data, report_pdf
from verbund.controlling.services import report_render


class Command(BaseCommand):
    help = (
        "Write the management-contract report of a year to the council as PDF and CSV into a folder. A report "
        "already submitted to the committee is written from its frozen snapshot; otherwise a draft is built from "
        "the stored figures. Default contract: the newest one whose term covers the year."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--contract", type=int, default=None, help="id of the management contract")

    def handle(self, *args: Any, year: int, out: Path, contract: int | None, **options: Any) -> None:
        contracts = Contract.objects.select_related("provider", "city").order_by("-start_year", "-id")
        if contract is not None:
            chosen = contracts.filter(pk=contract).first()
        else:
            chosen = contracts.filter(start_year__lte=year, end_year__gte=year).first()
        if chosen is None:
            raise CommandError(_("No management contract for %(year)s.") % {"year": year})
        out.mkdir(parents=True, exist_ok=True)
        report = Report.objects.filter(contract=chosen, year=year).first()
        if report is not None:
            snapshot = report.snapshot
            pdf = report_render(actor=None, report=report)
            stem = f"managementkontrakt-bericht-{year}"
        else:
            snapshot = report_data(contract=chosen, year=year)
            pdf = report_pdf(snapshot)
            stem = f"managementkontrakt-entwurf-{year}"
        (out / f"{stem}.pdf").write_bytes(pdf)
        (out / f"{stem}.csv").write_bytes(report_csv(snapshot))
        self.stdout.write(
            _("Wrote %(pdf)s and %(csv)s (%(kind)s).")
            % {
                "pdf": out / f"{stem}.pdf",
                "csv": out / f"{stem}.csv",
                "kind": _("submitted report") if report is not None else _("draft from the stored figures"),
            }
        )
