"""The kinds of long work and the contract between a kind and whoever runs it.

An app declares a kind in its `tasks.py`:

    @job_kind("costing.calculate", label=_("Plan calculation"))
    def plan_calculate_job(job: Job, progress: Progress) -> Outcome:
        ...call one atomic service, reporting progress(done, total, gettext_noop("..."), **values)...
        return Outcome(summary=..., url=...)

The function runs in a worker process (or inline under the immediate backend of the tests). It must be
idempotent: a job interrupted by a crash runs again from the start, so it calls services that are atomic (a
failure leaves the database as it was) and that give the same result when repeated. The same function runs in
the foreground for a CLI command, with a rich progress bar as `progress` (`verbund.jobs.progress.cli_progress`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from verbund.jobs.models import Job


class Progress(Protocol):
    def __call__(self, done: int, total: int, message: str = "", **params: Any) -> None:
        """`done` of `total` steps; `message` is a message id (gettext_noop) with %(name)s placeholders."""


def no_progress(done: int, total: int, message: str = "", **params: Any) -> None:
    """A `Progress` that reports nowhere (for direct service calls)."""


@dataclass(frozen=True)
class Outcome:
    summary: str = ""  # in the language of whoever started the job (the runner activates it)
    url: str = ""  # where the result is (a plan, a run)
    file_name: str = ""  # or a file to download (the billing run ZIP)
    file_data: bytes | None = None
    content_type: str = "application/octet-stream"


Runner = Callable[["Job", Progress], Outcome]


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: Runner


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label: str | Promise) -> Callable[[Runner], Runner]:
    def register(run: Runner) -> Runner:
        KINDS[name] = JobKind(name=name, label=label, run=run)
        return run

    return register
