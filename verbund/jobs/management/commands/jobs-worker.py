"""`verbund jobs-worker`: the django-tasks database worker (`db_worker`) plus the lease keeper.

Run as many as you like, on one machine or several sharing the PostgreSQL database: each task is claimed by
exactly one worker (django-tasks locks the row with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite
the claim runs in an exclusive transaction, so workers take turns). Beside the loop a thread calls
`job_requeue_stale` every `JOBS_REAPER_SECONDS`, which puts back on the queue the jobs of a worker that died.
All of db_worker's options apply (`--queue-name`, `--interval`, `--batch`, `--max-tasks`, ...).
"""

import logging
import threading
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from verbund.jobs.services import job_requeue_stale

logger = logging.getLogger("verbund.jobs")


def _keep_leases(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        try:
            job_requeue_stale()
        except DatabaseError:
            logger.warning("could not check for interrupted jobs; trying again", exc_info=True)
        finally:
            connections.close_all()


class Command(DbWorkerCommand):
    help = "Run a background job worker (django-tasks db_worker) that also requeues jobs of crashed workers."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        interval = float(getattr(settings, "JOBS_REAPER_SECONDS", 15))
        reaper = threading.Thread(target=_keep_leases, args=(stop, interval), name="jobs-lease-keeper", daemon=True)
        reaper.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
