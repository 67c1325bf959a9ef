"""Benchmark: the import of actual usage at national scale through the database (issue #18: "usage import of 2
million rows, goal under 60 s on PostgreSQL"). `python -m bench.closing_db` under scripts/with-postgres.sh.

On a scratch database of the PostgreSQL server in DATABASE_URL: the national data set of `bench/dataset.py`
(10,981 municipalities, ~274,525 subscriptions, the approved plan 2025 with every product metered), a
post-calculation of that plan, and a usage file with one line per subscription and month from January, cut at
exactly 2,000,000 lines (the importer's bound; quantities seeded). Timed: exactly what the import job does
(`closing.tasks.closing_import`: read the CSV, check every line, replace the usage with its diff), first into an
empty closing, then the same file again (nothing changes: the re-import compares and writes nothing), then a file
with one figure changed per member (a replacement with its diff), in a process of their own: `peak_rss` is that
process's peak (the CSVs included), `peak_rss_build` the building process's; `*_cpu_python` and `*_cpu_database`
are the CPU seconds of the import process and of its PostgreSQL backend per import (a busy machine distorts
them less than wall time). JSON on
stdout; `python -m bench.run --record closing_db FILE` stores it in bench/results/latest.json under `closing_db`.
Without PostgreSQL it prints {"status": "skipped"}.
"""

import io
import json
import os
import random
import resource
import sys
import time
from typing import Any

from bench.common import figure, is_postgres_url, log, machine_note, peak_rss, scratch_database

PREFIX = "closing_db"
DATABASE_NAME = "verbund_bench_closing"
MONTHS = 8
LINES = 2_000_000  # the issue's figure, and the importer's bound (core.spreadsheet: at most 2,000,000 data rows)
SEED = 18


def _usage_csv(rows: list[tuple[str, str]], changed: bool) -> tuple[bytes, int]:
    """The usage file: for each (AGS, product) and month a quantity; `changed` alters one line per member."""
    rng = random.Random(SEED)
    out = io.StringIO()
    out.write("ags,product,period,quantity\n")
    lines = 0
    touched: set[str] = set()
    for ags, product in rows:
        for month in range(1, MONTHS + 1):
            if lines == LINES:
                break
            quantity = rng.randint(1, 400)
            if changed and ags not in touched:
                touched.add(ags)
                quantity += 1
            out.write(f"{ags},{product},2025-{month:02d},{quantity}\n")
            lines += 1
    return out.getvalue().encode(), lines


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of the PostgreSQL backend `pid`, when the server runs on this machine."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run() -> dict[str, Any]:
    """Build the data, then time the imports in a process of their own (`--imports CLOSING`), so that its peak RSS
    is the import's and not the data set's build (which peaks at about 1.9 GB)."""
    import subprocess

    from bench.dataset import build, setup_django

    setup_django()
    from verbund.closing.services import closing_create
    from verbund.costing.models import PlanVersion

    result: dict[str, Any] = {"status": "ok", "note": machine_note()}
    info = build(small=False, issue=False, for_load=False)
    result["members"] = info["members"]
    plan = PlanVersion.objects.get(pk=info["plan"]["id"])
    closing = closing_create(actor=None, plan=plan, name="Benchmark")
    result["peak_rss_build"] = peak_rss()
    from django.db import connections

    connections.close_all()
    worker = subprocess.run(
        [sys.executable, "-m", "bench.closing_db", "--imports", str(closing.pk)],
        check=True,
        stdout=subprocess.PIPE,
        env=os.environ.copy(),
    )
    result.update(json.loads(worker.stdout))
    return result


def imports(closing_id: int) -> dict[str, Any]:
    """The timed imports (see the module's docstring), with the CPU time of this process and of its database
    backend per import, and this process's peak RSS."""
    from bench.dataset import analyze, setup_django

    setup_django()
    from django.db import connection

    from verbund.closing.choices import ImportKind
    from verbund.closing.models import ActualUsage, Closing
    from verbund.closing.tasks import closing_import
    from verbund.orders.models import Subscription

    result: dict[str, Any] = {}
    closing = Closing.objects.select_related("plan").get(pk=closing_id)
    pairs = sorted(set(Subscription.objects.values_list("member__ags", "product__number")))
    data, lines = _usage_csv(pairs, changed=False)
    changed, _lines = _usage_csv(pairs, changed=True)
    del pairs
    result["usage_lines"] = figure(lines, "lines", 0)
    result["file_size"] = figure(len(data) / 1e6, "MB")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    def progress(*_args: Any, **_kwargs: Any) -> None:
        return None

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def timed(label: str, payload: bytes) -> str:
        log(PREFIX, f"{label}: {lines} lines")
        started, cpu_before, backend_before = time.perf_counter(), cpu(), _backend_cpu(backend)
        summary = closing_import(
            actor=None, closing=closing, kind=ImportKind.USAGE, name="usage.csv", data=payload, progress=progress
        )
        result[label] = figure(time.perf_counter() - started, "s")
        result[f"{label}_cpu_python"] = figure(cpu() - cpu_before, "s")
        backend_after = _backend_cpu(backend)
        if backend_before is not None and backend_after is not None:
            result[f"{label}_cpu_database"] = figure(backend_after - backend_before, "s")
        log(PREFIX, f"{label}: {result[label]['value']} s — {summary}")
        return summary

    result["peak_rss_before_imports"] = _own_peak_rss()
    timed("first_import", data)
    stored = ActualUsage.objects.filter(closing=closing).count()
    if stored != lines:
        raise RuntimeError(f"{stored} usage rows stored, {lines} expected")
    analyze()
    timed("same_file_again", data)
    timed("corrected_file", changed)
    result["rows_per_s_first_import"] = figure(lines / result["first_import"]["value"], "rows/s", 0)
    result["goal"] = "under 60 s on PostgreSQL for 2 million lines (issue #18)"
    result["peak_rss"] = _own_peak_rss()
    return result


def _own_peak_rss() -> dict[str, Any]:
    """This process's peak RSS (VmHWM). Not getrusage: a child forked from the 1.7 GB build starts with the
    parent's high-water mark in ru_maxrss, while VmHWM belongs to the memory of the executed program alone."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return figure(int(line.split()[1]) / 1024, "MiB", 1)
    except OSError:
        pass
    return peak_rss()


def main() -> int:
    if sys.argv[1:2] == ["--imports"]:  # the worker of `run`, on the database in DATABASE_URL
        print(json.dumps(imports(int(sys.argv[2]))))
        return 0
    server = os.environ.get("DATABASE_URL", "").strip()
    if not is_postgres_url(server):
        print(json.dumps({"status": "skipped", "reason": "needs PostgreSQL (scripts/with-postgres.sh)"}))
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.config.settings.test")
    with scratch_database(server, DATABASE_NAME) as url:
        os.environ["DATABASE_URL"] = url
        figures = run()
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
