"""Real `jobs-worker` processes against the database backend (SQLite file or PostgreSQL, whichever the tests
use): several workers never take the same job twice, progress is visible from outside while a job runs, and a
job whose worker is killed is requeued and finished by another worker."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from verbund.jobs import services
from verbund.jobs.choices import JobStatus
from verbund.jobs.models import Job
from verbund.jobs.tasks import SELFTEST

ROOT = Path(__file__).resolve().parents[3]
DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _worker(*extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "verbund.config.settings.test",
        "DATABASE_URL": _database_url(),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "JOBS_PROGRESS_THREAD": "true",
        "JOBS_HEARTBEAT_SECONDS": "1",
    }
    command = [sys.executable, "manage.py", "jobs-worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
    return subprocess.Popen([*command, *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _wait_until(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.2)


def test_two_workers_run_every_job_exactly_once(settings, admin_user):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_BACKEND
    jobs = [services.job_start(actor=admin_user, kind=SELFTEST, params={"steps": 2, "delay": 0.05}) for _ in range(8)]
    assert all(job.status == JobStatus.QUEUED for job in jobs)
    workers = [_worker("--batch"), _worker("--batch")]
    outputs = [worker.communicate(timeout=240)[0].decode() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    finished = Job.objects.filter(pk__in=[job.pk for job in jobs])
    assert sorted(finished.values_list("status", flat=True)) == [JobStatus.SUCCEEDED] * 8
    assert set(finished.values_list("attempts", flat=True)) == {1}  # no job ran twice
    tasks = DBTaskResult.objects.filter(id__in=[job.task_id for job in finished])
    assert tasks.count() == 8
    assert all(len(task.worker_ids) == 1 and task.status == "SUCCESSFUL" for task in tasks)


def test_a_job_of_a_killed_worker_is_requeued_and_finished_by_another(settings, admin_user):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_BACKEND
    settings.JOBS_LEASE_SECONDS = 30
    job = services.job_start(actor=admin_user, kind=SELFTEST, params={"steps": 12, "delay": 0.25})
    first_task = job.task_id
    worker = _worker()
    try:
        # Progress written by the worker's heartbeat thread is visible here while the job runs.
        _wait_until(lambda: Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, progress_done__gte=2).exists())
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.progress_total == 12 and job.attempts == 1
    # Nobody beats for it any more; once the lease has passed, a worker's lease keeper requeues it.
    assert services.job_requeue_stale(now=timezone.now() + dt.timedelta(seconds=31)) == [job.pk]
    assert DBTaskResult.objects.get(id=first_task).status == "FAILED"  # no phantom RUNNING task
    again = _worker("--batch")
    output = again.communicate(timeout=240)[0].decode()
    assert again.returncode == 0, output
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and job.progress_done == 12
