"""The one django-tasks task: run a recorded job. Each app's job kinds live in that app's `tasks.py`."""

import time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task

from verbund.jobs import services
from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job

SELFTEST = "jobs.selftest"


@task()
def run_job(job_id: int, token: str) -> None:
    services.job_execute(job_id=job_id, token=token)


@job_kind(SELFTEST, label=gettext_lazy("Worker self-test"))
def selftest_job(job: Job, progress: Progress) -> Outcome:
    """Counts `steps` steps, `delay` seconds each, writing nothing but its progress; fails at step `fail_at`
    if given. For operators (`verbund jobs-selftest`: are workers running?) and for the tests of the mechanism."""
    steps = int(job.params.get("steps", 3))
    delay = float(job.params.get("delay", 0))
    fail_at = job.params.get("fail_at")
    for step in range(steps):
        progress(step, steps, gettext_noop("Step %(step)s of %(steps)s"), step=step + 1, steps=steps)
        if fail_at is not None and step == int(fail_at):
            raise ValidationError(_("The self-test failed at step %(step)s, as asked.") % {"step": step + 1})
        time.sleep(delay)
    progress(steps, steps, gettext_noop("Done"))
    return Outcome(summary=_("The self-test counted %(steps)s steps.") % {"steps": steps})
