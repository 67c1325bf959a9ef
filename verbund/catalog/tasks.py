"""Background job kinds of the catalogue app (see `verbund.jobs.kinds`)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.catalog import spreadsheet
from verbund.catalog.spreadsheet.importer import _validate
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

CATALOGUE_IMPORT = "catalog.import"


def check_rows(rows: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """The quick check of every row (reads only), so that line errors show on the upload page at once; the
    job's import checks again, with the services' own validation, and writes all or nothing."""
    _parsed, errors = _validate(rows)
    if errors:
        raise spreadsheet.CatalogueImportError(errors)


def import_summary(result: spreadsheet.ImportResult) -> str:
    return _(
        "Products created: %(created)s, changed: %(updated)s, unchanged: %(unchanged)s; "
        "families created: %(families)s; draft prices created: %(prices_created)s, "
        "changed: %(prices_updated)s"
    ) % {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "families": result.families_created,
        "prices_created": result.prices_created,
        "prices_updated": result.prices_updated,
    }


@job_kind(CATALOGUE_IMPORT, label=gettext_lazy("Catalogue import"))
def catalogue_import_job(job: Job, progress: Progress) -> Outcome:
    """Import checked catalogue rows (the view has parsed the upload; the import checks every row again and
    writes all or nothing, and re-importing the same rows changes nothing)."""
    rows = [(int(line), dict(values)) for line, values in job.params["rows"]]
    progress(0, 1, gettext_noop("Importing %(n)s lines"), n=len(rows))
    result = spreadsheet.import_rows(actor=job.started_by, rows=rows, dry_run=False)
    progress(1, 1, gettext_noop("Imported"))
    summary = import_summary(result)
    if result.changes:
        summary += "\n" + "\n".join(result.changes[:50])
    return Outcome(summary=summary, url=reverse("catalog:catalogue"))
