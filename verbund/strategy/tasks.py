"""Background job kinds of the strategy app (see `verbund.jobs.kinds`)."""

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.strategy.services import CatalogueFileError, catalogue_import

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
