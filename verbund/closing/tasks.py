"""Background job kinds of closing a year (see `verbund.jobs.kinds`): importing a file of actual figures and
calculating the post-calculation. Both call one atomic service, so a repeated run gives the same result."""

import io
from pathlib import PurePath

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.closing import imports, services
from verbund.closing.choices import ImportKind
from verbund.closing.models import ActualImport, Closing
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

CLOSING_CALCULATE = "closing.calculate"
CLOSING_IMPORT = "closing.import"


def read_rows(name: str, data: bytes, sheet: imports.Sheet) -> list[imports.Row]:
    """The rows of an uploaded CSV or Excel file (by its suffix; CSV otherwise)."""
    if PurePath(name).suffix.lower() == ".xlsx":
        return sheet.read_xlsx(io.BytesIO(data))
    if sheet is imports.USAGE:
        return imports.read_usage_csv(data)  # (the import job streams a usage CSV: `imports.parse_usage_csv`)
    return sheet.read_csv(io.BytesIO(data))


def import_summary(record: ActualImport | None) -> str:
    if record is None:
        return _("The file equals the figures already there; nothing changed.")
    return _("%(rows)s lines imported: %(added)s added, %(changed)s changed, %(removed)s removed.") % {
        "rows": record.rows,
        "added": record.added,
        "changed": record.changed,
        "removed": record.removed,
    }


def closing_import(*, actor: object, closing: Closing, kind: str, name: str, data: bytes, progress: Progress) -> str:
    """Read, check every line, and replace the closing's figures of `kind` (nothing written on any error)."""
    progress(0, 3, gettext_noop("Reading %(name)s"), name=name)
    if kind == ImportKind.USAGE and PurePath(name).suffix.lower() != ".xlsx":
        # Read and checked in one streamed pass (issue #18: 2 million lines).
        lines = max(data.count(b"\n") - 1 + (not data.endswith(b"\n")), 0)
        progress(1, 3, gettext_noop("Checking %(n)s lines"), n=lines)
        figures = imports.parse_usage_csv(closing, data)
        progress(2, 3, gettext_noop("Writing %(n)s lines"), n=len(figures))
        record = services.actual_usage_replace(actor=actor, closing=closing, figures=figures, file_name=name)
        progress(3, 3, gettext_noop("Imported"))
        return import_summary(record)
    rows = read_rows(name, data, imports.SHEETS[kind])
    progress(1, 3, gettext_noop("Checking %(n)s lines"), n=len(rows))
    if kind == ImportKind.COSTS:
        record = services.actual_costs_replace(
            actor=actor, closing=closing, figures=imports.parse_costs(closing, rows), file_name=name
        )
    elif kind == ImportKind.FLOWS:
        record = services.actual_flows_replace(
            actor=actor, closing=closing, figures=imports.parse_flows(closing, rows), file_name=name
        )
    else:
        figures = imports.parse_usage(closing, rows)
        progress(2, 3, gettext_noop("Writing %(n)s lines"), n=len(figures))
        record = services.actual_usage_replace(actor=actor, closing=closing, figures=figures, file_name=name)
    progress(3, 3, gettext_noop("Imported"))
    return import_summary(record)


@job_kind(CLOSING_IMPORT, label=gettext_lazy("Import of actual figures"))
def closing_import_job(job: Job, progress: Progress) -> Outcome:
    closing = Closing.objects.select_related("plan").get(pk=job.subject_key)
    summary = closing_import(
        actor=job.started_by,
        closing=closing,
        kind=job.params["kind"],
        name=job.input_name,
        data=bytes(job.input_data or b""),
        progress=progress,
    )
    return Outcome(summary=summary, url=closing.get_absolute_url())


def closing_calculate(*, actor: object, closing: Closing, progress: Progress) -> str:
    progress(0, 1, gettext_noop("Calculating %(closing)s"), closing=str(closing))
    services.closing_calculate(actor=actor, closing=closing)
    closing.refresh_from_db()
    progress(1, 1, gettext_noop("Calculated"))
    assert closing.result_total is not None
    total = number_format(closing.result_total, decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("The post-calculation was calculated: over-/under-recovery %(total)s €.") % {"total": total}


@job_kind(CLOSING_CALCULATE, label=gettext_lazy("Post-calculation"))
def closing_calculate_job(job: Job, progress: Progress) -> Outcome:
    closing = Closing.objects.get(pk=job.subject_key)
    summary = closing_calculate(actor=job.started_by, closing=closing, progress=progress)
    return Outcome(summary=summary, url=closing.get_absolute_url())
