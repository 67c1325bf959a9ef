"""Background job kinds of the costing app (see `verbund.jobs.kinds`)."""

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.costing import services, spreadsheet
from verbund.costing.models import PlanVersion
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

PLAN_CALCULATE = "costing.calculate"
PLAN_IMPORT = "costing.import_plan"


def plan_calculate(*, actor: object, plan: PlanVersion, progress: Progress) -> str:
    """Calculate the plan (one atomic service: a refused model stores nothing; repeating replaces the results)
    and return the summary. Used by the job and usable by a CLI alike."""
    progress(0, 1, gettext_noop("Calculating the plan %(plan)s"), plan=str(plan))
    result = services.plan_version_calculate(actor=actor, plan=plan)
    progress(1, 1, gettext_noop("Calculated"))
    total = number_format(result.allocation.total, decimal_pos=2, use_l10n=True, force_grouping=True)
    return _("The plan was calculated: total plan cost %(total)s €.") % {"total": total}


@job_kind(PLAN_CALCULATE, label=gettext_lazy("Plan calculation"))
def plan_calculate_job(job: Job, progress: Progress) -> Outcome:
    plan = PlanVersion.objects.get(pk=job.subject_key)
    summary = plan_calculate(actor=job.started_by, plan=plan, progress=progress)
    return Outcome(summary=summary, url=plan.get_absolute_url())


def plan_import(*, actor: object, plan: PlanVersion, rows: list[tuple[int, dict[str, str]]], progress: Progress) -> str:
    """Replace the plan's figures by the rows of a plan spreadsheet (atomic; re-importing changes nothing)."""
    progress(0, 1, gettext_noop("Importing %(n)s lines"), n=len(rows))
    result = spreadsheet.import_rows(actor=actor, plan=plan, rows=rows, dry_run=False)
    progress(1, 1, gettext_noop("Imported"))
    if result.changed:
        return _("The plan's figures were replaced; calculate the plan again.")
    return _("The file equals the plan's figures; nothing changed.")


def read_plan_file(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded plan spreadsheet: Excel by its name (.xlsx), otherwise CSV. Raises
    PlanImportError naming the line (a file too large, an unreadable or wrong header)."""
    stream = io.BytesIO(data)
    return spreadsheet.read_xlsx(stream) if name.lower().endswith(".xlsx") else spreadsheet.read_csv(stream)


def check_plan_rows(*, plan: PlanVersion, rows: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """The check of every line (reads only), so that the upload page shows the line errors at once; the job's
    import checks again and writes all or nothing."""
    _figures, errors = spreadsheet.parse_rows(plan=plan, rows=rows)
    if errors:
        raise spreadsheet.PlanImportError(errors)


@job_kind(PLAN_IMPORT, label=gettext_lazy("Plan import"))
def plan_import_job(job: Job, progress: Progress) -> Outcome:
    """Import an uploaded plan spreadsheet (the file is stored with the job, so any worker machine can read it);
    a job started with parsed rows in `params["rows"]` is imported the same way."""
    plan = PlanVersion.objects.get(pk=job.subject_key)
    if job.input_data is not None:
        rows = read_plan_file(job.input_name, bytes(job.input_data))
    else:
        rows = [(int(line), dict(values)) for line, values in job.params["rows"]]
    summary = plan_import(actor=job.started_by, plan=plan, rows=rows, progress=progress)
    return Outcome(summary=summary, url=plan.get_absolute_url())
