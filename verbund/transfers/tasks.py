"""Background job kinds of the transfers app: executing an adopted transfer (see `verbund.jobs.kinds`)."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from verbund.jobs.kinds import Outcome, Progress, job_kind
from verbund.jobs.models import Job
from verbund.transfers import services
from verbund.transfers.models import ServiceTransfer

TRANSFER_EXECUTE = "transfers.execute"


def transfer_execute_run(*, actor: object, transfer: ServiceTransfer, as_of: dt.date, progress: Progress) -> str:
    """Execute one transfer (atomic, idempotent) and say what happened; the job and the command share it."""
    done = services.transfer_execute(actor=actor, transfer=transfer, as_of=as_of, progress=progress)
    return _("%(transfer)s was executed: %(count)s subscriptions moved.") % {
        "transfer": done,
        "count": done.moved_subscriptions,
    }


@job_kind(TRANSFER_EXECUTE, label=gettext_lazy("Execution of a service transfer"))
def transfer_execute_job(job: Job, progress: Progress) -> Outcome:
    transfer = ServiceTransfer.objects.get(pk=job.subject_key)
    summary = transfer_execute_run(
        actor=job.started_by, transfer=transfer, as_of=timezone.localdate(), progress=progress
    )
    return Outcome(summary=summary, url=transfer.get_absolute_url())
