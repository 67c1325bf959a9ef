"""Writes for background jobs: start, run, retry, and take back work a crashed worker left behind.

The life of a job: `job_start` stores the row (QUEUED) and enqueues `tasks.run_job(job_id, token)` in the same
transaction (the database backend stores the task row in it, so a worker never sees a task without its job).
A worker claims the task (django-tasks: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive
transaction on SQLite), and `job_execute` moves the job to RUNNING, runs the kind with a progress reporter,
and ends it SUCCEEDED (with a summary, a link or a file) or FAILED (with an error in plain words). The kinds
call atomic services, so a failure leaves the database as it was; `job_retry` enqueues the same job again.

A worker that dies (killed, machine lost) leaves its job RUNNING. Its heartbeat then stops;
`job_requeue_stale` (called by every `jobs-worker` every few seconds) gives such a job a new token and enqueues
it again, up to `JOBS_MAX_ATTEMPTS`. The old task, should its worker come back, finds the token changed and
does nothing, and the kinds are idempotent, so running the work again is safe.
"""

import datetime as dt
import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.jobs.choices import JobStatus
from verbund.jobs.kinds import KINDS, Outcome
from verbund.jobs.models import Job
from verbund.jobs.progress import JobProgress

logger = logging.getLogger(__name__)


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "JOBS_LEASE_SECONDS", 300)))


def _enqueue(job: Job) -> None:
    from verbund.jobs.tasks import run_job

    result = run_job.enqueue(job_id=job.pk, token=str(job.token))
    # Under the immediate backend the job has already run; keep what it wrote and add the task id.
    Job.objects.filter(pk=job.pk, token=job.token).update(task_id=str(result.id)[:64])


@transaction.atomic
def job_start(
    *,
    actor: Any,
    kind: str,
    subject: models.Model | None = None,
    params: dict[str, Any] | None = None,
    input_name: str = "",
    input_data: bytes | None = None,
) -> Job:
    """Record a job and put it on the queue. The caller has checked that `actor` may do the work."""
    if kind not in KINDS:
        raise ValidationError({"kind": _("Unknown kind of job: %(kind)s") % {"kind": kind}})
    job = Job.objects.create(
        kind=kind,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        subject_label=str(subject)[:200] if subject is not None else "",
        params=params or {},
        input_name=input_name[:200],
        input_data=input_data,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=job, message=f"{kind} queued")
    _enqueue(job)
    job.refresh_from_db()
    return job


def job_error_text(exc: BaseException, job_id: int | None = None) -> str:
    """The error a user reads: the service's own messages, or a plain sentence for anything unexpected."""
    if isinstance(exc, ValidationError):
        return "\n".join(str(m) for m in exc.messages)
    errors = getattr(exc, "errors", None)  # import errors carry their lines
    if errors and isinstance(errors, list | tuple):
        return "\n".join(str(error) for error in errors)
    return _(
        "The work stopped because of an unexpected error. Nothing was changed. You can try again; if it fails "
        "again, tell the operators (job %(id)s, details in the log)."
    ) % {"id": job_id}


def job_execute(*, job_id: int, token: str) -> None:
    """Run one job (called by the task). Does nothing if the job is finished or was requeued meanwhile."""
    token_uuid = uuid.UUID(token)
    job = _claim(job_id, token_uuid)
    if job is None:
        return
    kind = KINDS.get(job.kind)
    progress = JobProgress(job.pk, token_uuid)
    with translation.override(job.language):
        try:
            if kind is None:
                raise ValidationError(_("Unknown kind of job: %(kind)s") % {"kind": job.kind})
            with progress:
                outcome = kind.run(job, progress)
        except Exception as exc:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, token_uuid, status=JobStatus.FAILED, error=job_error_text(exc, job.pk))
            return
        _finish(job, token_uuid, status=JobStatus.SUCCEEDED, outcome=outcome)


def _claim(job_id: int, token: uuid.UUID) -> Job | None:
    # The creating transaction may commit a moment after a fast worker sees the task: wait briefly for the row.
    for _attempt in range(20):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id).first()
            if job is not None:
                if job.token != token or job.status != JobStatus.QUEUED:
                    logger.info("job %s: task superseded or job already %s; skipped", job_id, job.status)
                    return None
                now = timezone.now()
                job.status = JobStatus.RUNNING
                job.started_at = job.heartbeat_at = now
                job.attempts += 1
                job.error = ""
                job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "error"])
                return job
        time.sleep(0.25)
    logger.error("job %s not found; task dropped", job_id)
    return None


def _finish(job: Job, token: uuid.UUID, *, status: str, outcome: Outcome | None = None, error: str = "") -> None:
    values: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
    if outcome is not None:
        if status == JobStatus.SUCCEEDED:
            values["progress_done"] = F("progress_total")
        values.update(
            result_text=outcome.summary,
            result_url=outcome.url,
            result_name=outcome.file_name,
            result_content_type=outcome.content_type if outcome.file_data is not None else "",
            result_data=outcome.file_data,
        )
    # Only the current attempt may finish the job (a requeued job belongs to its new task).
    Job.objects.filter(pk=job.pk, token=token, status=JobStatus.RUNNING).update(**values)


def job_may_retry(*, user: Any, job: Job) -> bool:
    if job.status != JobStatus.FAILED or not getattr(user, "is_authenticated", False):
        return False
    return bool(job.started_by_id == user.pk or user.has_perm("jobs.change_job"))


@transaction.atomic
def job_retry(*, actor: Any, job: Job) -> Job:
    """Put a failed job on the queue again (the work starts from the beginning; the kinds are idempotent)."""
    locked = Job.objects.select_for_update().get(pk=job.pk)
    if not job_may_retry(user=actor, job=locked):
        if locked.status != JobStatus.FAILED:
            raise ValidationError(_("Only a failed job can be tried again."))
        raise PermissionDenied
    before = {"status": locked.status, "error": locked.error}
    locked.status = JobStatus.QUEUED
    locked.token = uuid.uuid4()
    locked.error = ""
    locked.progress_done = locked.progress_total = 0
    locked.progress_message = ""
    locked.progress_params = {}
    locked.started_at = locked.finished_at = locked.heartbeat_at = None
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after={"status": locked.status, "error": ""},
        message="retry",
    )
    _enqueue(locked)
    locked.refresh_from_db()
    return locked


def job_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Requeue the jobs whose worker stopped beating (crashed) for longer than the lease; give up after
    `JOBS_MAX_ATTEMPTS` attempts. Safe to call from many workers at once (rows are locked, skipping locked)."""
    now = now or timezone.now()
    cutoff = now - _lease()
    max_attempts = int(getattr(settings, "JOBS_MAX_ATTEMPTS", 3))
    requeued: list[int] = []
    with transaction.atomic():
        stale = Job.objects.select_for_update(skip_locked=True).filter(
            status=JobStatus.RUNNING, heartbeat_at__lt=cutoff
        )
        for job in stale:
            old_task = job.task_id
            if job.attempts >= max_attempts:
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.error = _(
                    "The work was interrupted %(n)s times (the worker stopped). Nothing more was changed; "
                    "you can try again."
                ) % {"n": job.attempts}
                job.token = uuid.uuid4()
                job.save()
            else:
                job.status = JobStatus.QUEUED
                job.token = uuid.uuid4()
                job.heartbeat_at = None
                job.save()
                _enqueue(job)
                requeued.append(job.pk)
            _abandon_task(old_task)
            logger.warning("job %s: worker stopped beating; %s", job.pk, "requeued" if job.pk in requeued else "failed")
    return requeued


def _abandon_task(task_id: str) -> None:
    """Mark the dead worker's task row failed, so the queue shows no phantom RUNNING task."""
    if not task_id:
        return
    try:
        task_uuid = uuid.UUID(task_id)
    except ValueError:  # the id of another backend (the tests' immediate or dummy backend)
        return
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is a dependency
        return
    DBTaskResult.objects.filter(id=task_uuid, status="RUNNING").update(status="FAILED", finished_at=timezone.now())
