"""Background job kinds of the billing app (see `verbund.jobs.kinds`).

Preparing and issuing a run are one atomic service call each (a refusal leaves the database as it was, and both
are idempotent: preparing again rebuilds the drafts, issuing an issued run changes nothing), so a job that was
interrupted or failed simply runs the service again. The ZIP of an issued run is built invoice by invoice with
progress; an issued run never changes, so its ZIP is kept with the job and served again from there.
"""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from verbund.billing import services
from verbund.billing.exports import run_zip, run_zip_name
from verbund.billing.models import InvoiceRun
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.registry.models import Organization

RUN_PREPARE = "billing.run_prepare"
RUN_ISSUE = "billing.run_issue"
RUN_ZIP = "billing.run_zip"


def _run_url(run: InvoiceRun) -> str:
    return reverse("billing:run_detail", kwargs={"run_id": run.pk})


def run_prepare(*, actor: Any, provider: Organization, progress: Progress, **arguments: Any) -> InvoiceRun:
    progress(0, 1, gettext_noop("Preparing the draft invoices"))
    run = services.billing_run_prepare(actor=actor, provider=provider, progress=progress, **arguments)
    progress(1, 1, gettext_noop("Prepared"))
    return run


def run_prepare_check(**arguments: Any) -> None:
    """The quick checks of `billing_run_prepare`, made before the job is queued so that a wrong form is answered
    at once; the service makes them again under its lock."""
    services.billing_run_check(**arguments)


@job_kind(RUN_PREPARE, label=gettext_lazy("Prepare a billing run"))
def run_prepare_job(job: Job, progress: Progress) -> Outcome:
    params = job.params
    run = run_prepare(
        actor=job.started_by,
        provider=Organization.objects.get(pk=params["provider_id"]),
        kind=params["kind"],
        year=int(params["year"]),
        period=params.get("period"),
        billing_date=dt.date.fromisoformat(params["billing_date"]),
        as_of=dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
        early_final_reason=params.get("early_final_reason", ""),
        progress=progress,
    )
    return Outcome(summary=_("The run was prepared. Check the preview before issuing it."), url=_run_url(run))


def run_issue(*, actor: Any, run: InvoiceRun, progress: Progress) -> InvoiceRun:
    progress(0, 1, gettext_noop("Building, validating and numbering the invoices"))
    run = services.billing_run_issue(actor=actor, run=run, progress=progress)
    progress(1, 1, gettext_noop("Issued"))
    return run


@job_kind(RUN_ISSUE, label=gettext_lazy("Issue a billing run"))
def run_issue_job(job: Job, progress: Progress) -> Outcome:
    run = run_issue(actor=job.started_by, run=InvoiceRun.objects.get(pk=job.subject_key), progress=progress)
    numbers = (run.summary or {}).get("numbers", [])
    return Outcome(summary=_("The run was issued: %(count)d invoices.") % {"count": len(numbers)}, url=_run_url(run))


@job_kind(RUN_ZIP, label=gettext_lazy("Billing run ZIP"))
def run_zip_job(job: Job, progress: Progress) -> Outcome:
    run = InvoiceRun.objects.get(pk=job.subject_key)
    data = run_zip(run, progress)
    return Outcome(
        summary=_("The ZIP holds the XML and PDF of every invoice of the run."),
        url=_run_url(run),
        file_name=run_zip_name(run),
        file_data=data,
        content_type="application/zip",
    )
