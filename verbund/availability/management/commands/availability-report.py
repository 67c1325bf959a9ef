"""`verbund availability-report --year YYYY [--member AGS] --format json|pdf --out DIR`: the SLA reports."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.availability import export, presentation, selectors
from verbund.jobs.progress import cli_progress
from verbund.registry.models import Organization


class Command(BaseCommand):
    help = (
        "Write the SLA report (availability against the service commitments) of every member, or of one member "
        "(--member AGS), for a year: one JSON or PDF file per member in the directory --out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--member", default="", help="the member's AGS")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, year: int, member: str, format: str, out: Path, **options: Any) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year must lie between 2000 and 2100."))
        member_ids = None
        if member:
            found = Organization.objects.filter(ags=member).first()
            if found is None:
                raise CommandError(_("No member with the AGS %(ags)s.") % {"ags": member})
            member_ids = [found.pk]
        out.mkdir(parents=True, exist_ok=True)
        report = selectors.system_report(year=year, as_of=timezone.now(), member_ids=member_ids)
        members = [m for m in sorted(report.members.values(), key=lambda m: m.name) if report.member_rows(m.pk)]
        written = 0
        with cli_progress(_("Writing SLA reports")) as progress:
            for index, item in enumerate(members):
                name = f"sla-{item.ags or item.pk}-{year}.{format}"
                if format == "json":
                    (out / name).write_text(export.dumps(export.member_data(report, item.pk)), encoding="utf-8")
                else:
                    html = render_to_string("availability/report_pdf.html", presentation.report_context(report, item))
                    (out / name).write_bytes(presentation.render_pdf(html))
                written += 1
                progress(index + 1, len(members), "")
        self.stdout.write(_("%(n)s reports written to %(dir)s.") % {"n": written, "dir": out})
