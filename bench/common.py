"""Helpers shared by the benchmark modules: figures, percentiles, timed requests, peak memory, databases.

Nothing here imports Django at module level, so that the parent processes stay light.
"""

import math
import os
import resource
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
GV100AD_PATH = (ROOT / ".." / "shared" / "data" / "gemeindeverzeichnis" / "GV100AD_301123.txt").resolve()
EXPECTED_MUNICIPALITIES = 10981
EXPECTED_POPULATION = 84358845


class BenchmarkError(RuntimeError):
    """A correctness check failed; the figures of this run must not be used."""


def figure(value: float | int, unit: str, digits: int = 3) -> dict[str, Any]:
    return {"value": round(value, digits) if isinstance(value, float) else value, "unit": unit}


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_summary(latencies_s: list[float], wall_s: float) -> dict[str, Any]:
    values = sorted(latencies_s)
    return {
        "requests": figure(len(values), "requests"),
        "latency_p50": figure(percentile(values, 50) * 1000, "ms"),
        "latency_p95": figure(percentile(values, 95) * 1000, "ms"),
        "latency_max": figure(values[-1] * 1000, "ms"),
        "throughput": figure(len(values) / wall_s, "requests/s", 1),
        "wall_time": figure(wall_s, "s"),
    }


def timed_requests(client: Any, urls: list[str], check: Callable[[str, Any], None]) -> tuple[list[float], float]:
    """GET every url in order; returns each request's latency and the wall time of the loop (seconds)."""
    latencies: list[float] = []
    started = time.perf_counter()
    for url in urls:
        t0 = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - t0)
        check(url, response)
    return latencies, time.perf_counter() - started


def peak_rss() -> dict[str, Any]:
    """The process's peak resident set size so far (getrusage ru_maxrss)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024  # bytes on macOS
    return figure(rss_kib / 1024, "MiB", 1)


def machine_note() -> str:
    """How busy the machine was when a benchmark started (instead of a note written by hand, which outlives the
    conditions it described): the 1-minute load average against the number of cores."""
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    busy = "busy: the times are upper bounds" if load > 0.75 * cores else "otherwise quiet"
    return f"1-minute load average {load:.2f} on {cores} cores at the start ({busy})"


def log(prefix: str, message: str) -> None:
    """Progress goes to stderr: stdout carries the JSON of the modules that `bench.run` collects."""
    print(f"[{prefix}] {message}", file=sys.stderr, flush=True)


def describe_url(url: str) -> str:
    """host:port/dbname, without any credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


def is_postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(server_url: str, name: str, keep: bool = False) -> Iterator[str]:
    """A fresh database `name` on the PostgreSQL server of `server_url` (dropped first if it exists, and again
    afterwards unless `keep`). Yields its URL. The throw-away server of `make bench` trusts its local user."""
    import psycopg

    parts = urlsplit(server_url)
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")

    drop_database(server_url, name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if not keep:
            drop_database(server_url, name)


# The production settings module, with what a deployment must set (docs/operations.md): a secret key, the host
# names, and plain http on the loopback interface. DEBUG stays off, as in production.
PRODUCTION_SETTINGS = "verbund.config.settings.base"
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS,
    "SECRET_KEY": "bench-only-secret-key-never-used-in-production-4f1c2a9e7b",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SERVED_OVER_HTTPS": "false",
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    # WhiteNoise warns in every worker that var/static/ (collectstatic's target) is missing; it serves from the
    # app folders (WHITENOISE_USE_FINDERS), and the pages measured here load no static files anyway.
    "PYTHONWARNINGS": "ignore:No directory at:UserWarning",
}


def production_environment(database_url: str) -> dict[str, str]:
    return {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url}
