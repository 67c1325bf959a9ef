"""Drafting the slices of a large run in worker processes while the service's process reads and writes.

Preparing a national run is one transaction in one process (ADR 0028): it reads a slice of members, drafts it
and inserts the drafts. The drafting (the engine's arithmetic, the texts, the rows) is pure and about half of
the work, so with a second core it can run beside the reading and writing: `slices_drafted` hands each slice's
records (subscriptions and planned fees, as read in the service's transaction) to a pool of worker processes
and yields the drafted rows in slice order. The workers never touch the database (a worker that tried would
fail loudly); they are started with `spawn` (a fresh interpreter: no inherited database connection, lock or
thread), get the run's frame once, and end with the run. A run of few slices, or `VERBUND_PREPARE_WORKERS=0`,
drafts in the service's process instead; both ways give the same rows.

This module imports nothing of Django at import time: a spawned worker imports it before Django is set up.
"""

import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

WORKERS_ENV = "VERBUND_PREPARE_WORKERS"
MIN_SLICES = 3  # fewer slices are drafted in the service's process (starting a worker costs about a second)

_state: dict[str, Any] = {}  # in a worker: the run's frame and the options of its slices


def prepare_workers() -> int:
    """$VERBUND_PREPARE_WORKERS, else one worker per core beside the service's process, at most two."""
    configured = os.environ.get(WORKERS_ENV, "").strip()
    if configured:
        try:
            return max(0, int(configured))
        except ValueError as exc:
            raise ValueError(f"{WORKERS_ENV} must be a whole number of worker processes, not {configured!r}") from exc
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def _refuse_database(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("a billing prepare worker reads nothing from the database; load it in the service")


def _start(frame: bytes, options: bytes, language: str) -> None:
    import django

    django.setup()
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.utils import translation

    BaseDatabaseWrapper.ensure_connection = _refuse_database  # type: ignore[method-assign]
    translation.activate(language)
    _state["frame"] = pickle.loads(frame)
    _state["options"] = pickle.loads(options)


def _draft_slice(
    frame: Any, options: Any, start: int, stop: int, subscriptions: list[Any], fees: dict[Any, Any], first: bool
) -> Any:
    """The `SliceRows` of `frame.members[start:stop]`: the same in a worker and in the service's process."""
    from verbund.billing.drafts.rows import build_slice
    from verbund.billing.selectors import billing_inputs_with

    inputs = billing_inputs_with(frame, frame.members[start:stop], subscriptions, fees)
    if not first:
        inputs.open_instalment_runs = []  # warned about once, with the first slice
    return build_slice(inputs, options)


def _draft(start: int, stop: int, subscriptions: list[Any], fees: dict[Any, Any], first: bool) -> Any:
    return _draft_slice(_state["frame"], _state["options"], start, stop, subscriptions, fees, first)


def slices_drafted(
    frame: Any,
    bounds: Sequence[tuple[int, int]],
    options: Any,
    read: Callable[[int, int], tuple[list[Any], dict[Any, Any]]],
    *,
    language: str,
    workers: int | None = None,
) -> Iterator[Any]:
    """The `SliceRows` of each slice `frame.members[start:stop]` for `bounds`, in order. `read(start, stop)` reads
    a slice's subscriptions and fees in the caller's transaction; with workers, the next slices are read and
    sent while the earlier ones are drafted (at most `workers + 1` slices in flight)."""
    workers = prepare_workers() if workers is None else workers
    if workers < 1 or len(bounds) < MIN_SLICES:
        for index, (start, stop) in enumerate(bounds):
            yield _draft_slice(frame, options, start, stop, *read(start, stop), index == 0)
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_start,
        initargs=(pickle.dumps(frame), pickle.dumps(options), language),
    )
    pending: deque[Future[Any]] = deque()
    try:
        for index, (start, stop) in enumerate(bounds):
            subscriptions, fees = read(start, stop)
            pending.append(pool.submit(_draft, start, stop, subscriptions, fees, index == 0))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
