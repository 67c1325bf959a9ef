"""Generic endpoint tests of the job pages (verbund.core.testing). A job belongs to whoever started it (and is
seen by provider staff and auditors): alice's job is not bob's business (404)."""

from typing import Any

from verbund.core.testing import Endpoint, EndpointTests


def _alices_job(ctx):
    """A job alice started that failed, with a result file."""
    from verbund.jobs.choices import JobStatus
    from verbund.jobs.models import Job
    from verbund.jobs.services import job_start
    from verbund.jobs.tasks import SELFTEST

    job = job_start(actor=ctx.alice, kind=SELFTEST)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error="Abgebrochen", result_name="ergebnis.csv", result_data=b"a;b\r\n"
    )
    job.refresh_from_db()
    return {"job": job}


def _job(ctx):
    return {"job_id": ctx.job.pk}


JOB: dict[str, Any] = {"setup": _alices_job, "user": "alice"}


class TestEndpoints(EndpointTests):
    endpoints = (
        Endpoint("jobs:job_list", kind="list", shows=lambda ctx: ctx.job.get_absolute_url(), **JOB),
        Endpoint("jobs:job_detail", kwargs=_job, **JOB),
        Endpoint("jobs:job_progress", kwargs=_job, **JOB),
        Endpoint("jobs:job_download", kwargs=_job, **JOB),
        # Retrying takes no input (no bad-input case); the auditor sees the job but may not retry it.
        Endpoint("jobs:job_retry", kind="write", kwargs=_job, **JOB),
    )
