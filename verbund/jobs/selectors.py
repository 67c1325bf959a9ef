"""Reads for background jobs. Provider staff see every job (the access layer: `jobs.view_job`, all
organisations); anybody else sees only the jobs they started themselves."""

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job


def job_list(*, user: Any) -> QuerySet[Job]:
    if user is None or not user.is_authenticated or not user.is_active:
        return Job.objects.none()
    visible = Job.objects.restrict(user) | Job.objects.filter(started_by=user)
    return visible.select_related("started_by").defer("input_data", "result_data")


def job_get_for_user(*, user: Any, job_id: int) -> Job:
    job = job_list(user=user).filter(pk=job_id).first()
    if job is None:
        raise Http404("no such job")
    return job


def job_file_for_user(*, user: Any, job_id: int) -> Job:
    """The job with its result file loaded (only for the download)."""
    job_get_for_user(user=user, job_id=job_id)
    return Job.objects.get(pk=job_id)


def jobs_for_subject(*, user: Any, subject: Any) -> QuerySet[Job]:
    from django.contrib.contenttypes.models import ContentType

    return job_list(user=user).filter(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


def queue_state(*, now: dt.datetime | None = None) -> dict[str, Any]:
    """For the health check and the operators: how many jobs wait or run, the oldest waiting one's age, and
    how many running jobs have stopped beating (their worker is gone). One query."""
    now = now or timezone.now()
    from django.conf import settings

    lease = dt.timedelta(seconds=int(getattr(settings, "JOBS_LEASE_SECONDS", 300)))
    figures = Job.objects.aggregate(
        queued=Count("id", filter=Q(status=JobStatus.QUEUED)),
        running=Count("id", filter=Q(status=JobStatus.RUNNING)),
        stale=Count("id", filter=Q(status=JobStatus.RUNNING, heartbeat_at__lt=now - lease)),
        oldest=Min("created_at", filter=Q(status=JobStatus.QUEUED)),
    )
    oldest = figures.pop("oldest")
    figures["oldest_queued_seconds"] = int((now - oldest).total_seconds()) if oldest else 0
    return figures


def job_current_for(*, kind: str, subject: Any) -> Job | None:
    """The latest job of this kind for this object that is waiting, running or done (not failed), if any:
    for work whose result stays valid (the ZIP of an issued run), so that it is not started twice. The caller
    has checked that the user may see `subject`."""
    from django.contrib.contenttypes.models import ContentType

    return (
        Job.objects.filter(kind=kind, subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)
        .exclude(status=JobStatus.FAILED)
        .defer("input_data", "result_data")
        .first()
    )
