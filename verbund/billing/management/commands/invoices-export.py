"""`verbund invoices-export --run ID|latest --format xrechnung-ubl|xrechnung-cii|pdf|zip --out DIR`.

One file per invoice (or one ZIP). `xrechnung-cii` builds the CII of every issued e-invoice from its frozen data
and validates all of them first: if one fails, nothing is written and the error names the invoices and rule ids.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from verbund.billing.exports import FORMATS, ExportError, export_run
from verbund.billing.models import InvoiceRun
from verbund.billing.selectors import latest_run
from verbund.jobs.progress import cli_progress


class Command(BaseCommand):
    help = (
        "Write the XRechnung XML (UBL as issued, or CII built and validated now) or PDF of every invoice of a run "
        "into a folder (or all of them as a ZIP)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", required=True, help="run id, or 'latest' (the run issued last)")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, run: str, fmt: str, out: Path, **options: Any) -> None:
        if run == "latest":
            found = latest_run()
            if found is None:
                raise CommandError("no run has been issued yet")
        elif run.isdigit():
            found = InvoiceRun.objects.filter(pk=int(run)).first()
            if found is None:
                raise CommandError(f"no run {run}")
        else:
            raise CommandError("--run takes a run id or 'latest'")
        try:
            with cli_progress(_("Exporting the run")) as progress:  # a bar on a terminal, as the other CLI jobs
                paths = export_run(found, fmt=fmt, out_dir=out, progress=progress)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        for path in paths:
            self.stdout.write(str(path))
        self.stdout.write(f"{len(paths)} file(s) written to {out} for run {found.pk} ({found}).")
