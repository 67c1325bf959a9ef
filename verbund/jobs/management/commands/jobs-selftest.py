"""`verbund jobs-selftest [--steps N] [--wait]`: put a harmless job on the queue and (with --wait) follow it
until a worker has run it. Checks after a deployment that the workers run and see the same database."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from verbund.jobs.services import job_start
from verbund.jobs.tasks import SELFTEST


class Command(BaseCommand):
    help = "Enqueue a self-test job; with --wait, wait until a worker has run it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--steps", type=int, default=3)
        parser.add_argument("--delay", type=float, default=0.2, help="seconds per step")
        parser.add_argument("--wait", type=int, default=0, help="seconds to wait for a worker (0: do not wait)")

    def handle(self, *args: Any, steps: int, delay: float, wait: int, **options: Any) -> None:
        job = job_start(actor=None, kind=SELFTEST, params={"steps": steps, "delay": delay})
        self.stdout.write(f"job {job.pk} {job.status}")
        deadline = time.monotonic() + wait
        while wait and not job.finished and time.monotonic() < deadline:
            time.sleep(0.5)
            job.refresh_from_db()
        if wait and not job.finished:
            raise CommandError(f"job {job.pk} is still {job.status} after {wait} s: is a jobs-worker running?")
        if job.status == "failed":
            raise CommandError(f"job {job.pk} failed: {job.error}")
        self.stdout.write(f"job {job.pk} {job.status}")
