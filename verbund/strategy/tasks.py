"""Background job kinds of the strategy app (see `verbund.jobs.kinds`)."""

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.strategy.services import CatalogueFileError, catalogue_import
from verbund.strategy.services.bulk import BulkLoadError, BulkResult, inventory_bulk_load, national_rows

CATALOGUE_IMPORT = "strategy.catalogue_import"


@job_kind(CATALOGUE_IMPORT, label=gettext_lazy("OZG/LeiKa catalogue import"))
def catalogue_import_job(job: Job, progress: Progress) -> Outcome:
    """Import the catalogue files of the configured directory (idempotent: a repeated run changes nothing)."""
    try:
        report = catalogue_import(actor=job.started_by, directory=Path(job.params["directory"]), progress=progress)
    except CatalogueFileError as exc:
        raise ValueError("; ".join(str(e) for e in exc.errors)) from exc
    summary = f"{report.diff_line()}\n{report.summary_line()}"
    if report.skipped:
        summary += "\n" + _("Skipped rows: see the catalogue page.")
    return Outcome(summary=summary, url=reverse("strategy:catalogue"))


INVENTORY_NATIONAL_IMPORT = "strategy.inventory_national_import"


def count_lines(path: Path) -> int:
    """Data lines of a file (for the progress bar), counted in binary chunks."""
    with path.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


@job_kind(INVENTORY_NATIONAL_IMPORT, label=gettext_lazy("National inventory import"))
def inventory_national_import_job(job: Job, progress: Progress) -> Outcome:
    """Import a national file in the dashboard's export format (`services.bulk.national_rows`): all or nothing,
    idempotent (a repeated run changes nothing)."""
    path = Path(job.params["path"])
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            result = inventory_bulk_load(
                actor=job.started_by, rows=national_rows(stream), total=count_lines(path), progress=progress
            )
    except BulkLoadError as exc:
        shown = "; ".join(str(e) for e in exc.errors[:20])
        more = len(exc.errors) - 20
        raise ValueError(shown + (" " + _("(%(n)s more)") % {"n": more} if more > 0 else "")) from exc
    return Outcome(summary=national_summary(result), url=reverse("strategy:comparison"))


def national_summary(result: BulkResult) -> str:
    return _(
        "Inventory rows: %(rows)s for %(municipalities)s municipalities; created %(created)s, changed "
        "%(updated)s, unchanged %(unchanged)s."
    ) % {
        "rows": result.rows,
        "municipalities": result.municipalities,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }
