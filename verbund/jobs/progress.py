"""Progress reporters: one writes the job row (for the page), one draws a rich progress bar (for the CLI).

Both are the same `Progress` callable, so a job kind reports once and both audiences see it.

Writing progress from inside an atomic service is the catch: a write on the worker's own connection would be
part of the service's transaction and stay invisible until it commits. So in a worker the reporter keeps the
latest state in memory and a small thread writes it, with its own database connection, every
`JOBS_HEARTBEAT_SECONDS`; the same write is the job's heartbeat (the lease, see `services.job_requeue_stale`).
On SQLite a running write transaction locks the whole file, so there the bar moves only between the service's
transactions (the heartbeat waits; the lease is long enough for that). Under the immediate backend of the
tests (`JOBS_PROGRESS_THREAD = False`) the reporter writes on the current connection instead.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext

logger = logging.getLogger(__name__)


class JobProgress:
    """Reports a job's progress to its row. Use as a context manager around the job's work."""

    def __init__(self, job_id: int, token: Any):
        self.job_id = job_id
        self.token = token
        self._state: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._dirty = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, done: int, total: int, message: str = "", **params: Any) -> None:
        with self._lock:
            self._state = {
                "progress_done": max(0, int(done)),
                "progress_total": max(0, int(total)),
                "progress_message": str(message)[:200],
                "progress_params": {key: _json(value) for key, value in params.items()},
            }
            self._dirty = True
        if self._thread is None:  # immediate backend (tests): write at once, on this connection
            self._write()

    def __enter__(self) -> "JobProgress":
        if getattr(settings, "JOBS_PROGRESS_THREAD", True):
            self._thread = threading.Thread(target=self._beat, name=f"job-{self.job_id}-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=30)
            self._thread = None
            if self._dirty:  # the thread's last write did not get through: write it here
                with contextlib.suppress(DatabaseError):
                    self._write()

    def _write(self) -> None:
        from verbund.jobs.models import Job

        with self._lock:
            values = dict(self._state) if self._dirty else {}
            self._dirty = False
        Job.objects.filter(pk=self.job_id, token=self.token).update(heartbeat_at=timezone.now(), **values)

    def _beat(self) -> None:
        interval = float(getattr(settings, "JOBS_HEARTBEAT_SECONDS", 2))
        try:
            while True:
                try:
                    self._write()
                except DatabaseError:  # e.g. SQLite locked by the service's transaction: try again later
                    self._dirty = True
                    logger.debug("job %s: progress not written this time", self.job_id, exc_info=True)
                if self._stop.is_set():
                    break  # the last state was just written
                self._stop.wait(interval)
        finally:
            connections.close_all()  # this thread's own connections


def _json(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)


@contextlib.contextmanager
def cli_progress(description: str = "", *, enabled: bool | None = None) -> Iterator[Any]:
    """A rich progress bar that is a `Progress` callable: a CLI command runs the same code as the job, in the
    foreground, with it. Drawn on stderr, and only on a terminal (stdout stays clean for pipes and tests)."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda done, total, message="", **params: None
        return
    with RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        task_id = bar.add_task(description, total=None)

        def report(done: int, total: int, message: str = "", **params: Any) -> None:
            text = gettext(message) if message else description
            if params:
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    text = text % params
            bar.update(task_id, completed=done, total=total or None, description=text)

        yield report
