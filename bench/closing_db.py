"""Benchmark: the import of actual usage at national scale through the database (issue #18: "usage import of 2
million rows, goal under 60 s on PostgreSQL"). `python -m bench.closing_db` under scripts/with-postgres.sh.

On a scratch database of the PostgreSQL server in DATABASE_URL: the national data set of `bench/dataset.py`
(10,981 municipalities, ~274,525 subscriptions, the approved plan 2025 with every product metered), a
post-calculation of that plan, and a usage file with one line per subscription and month from January, cut at
exactly 2,000,000 lines (the importer's bound; quantities seeded). Timed: exactly what the import job does
(`closing.tasks.closing_import`: read the CSV, check every line, replace the usage with its diff), first into an
empty closing, then the same file again (nothing changes: the re-import compares and writes nothing), then a file
with one figure changed per member (a replacement with its diff). Peak RSS of the process is reported. JSON on
stdout; `python -m bench.run --record closing_db FILE` stores it in bench/results/latest.json under `closing_db`.
Without PostgreSQL it prints {"status": "skipped"}.
"""

import io
import json
import os
import random
import sys
import time
from typing import Any

from bench.common import figure, is_postgres_url, log, peak_rss, scratch_database

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


def run() -> dict[str, Any]:
    from bench.dataset import analyze, build, setup_django

    setup_django()
    from verbund.closing.choices import ImportKind
    from verbund.closing.models import ActualUsage
    from verbund.closing.services import closing_create
    from verbund.closing.tasks import closing_import
    from verbund.costing.models import PlanVersion
    from verbund.orders.models import Subscription

    result: dict[str, Any] = {"status": "ok", "note": "taken on a busy shared machine (2 cores, several helpers)"}
    info = build(small=False, issue=False, for_load=False)
    result["members"] = info["members"]
    plan = PlanVersion.objects.get(pk=info["plan"]["id"])
    closing = closing_create(actor=None, plan=plan, name="Benchmark")
    pairs = sorted(set(Subscription.objects.values_list("member__ags", "product__number")))
    data, lines = _usage_csv(pairs, changed=False)
    changed, _lines = _usage_csv(pairs, changed=True)
    result["usage_lines"] = figure(lines, "lines", 0)
    result["file_size"] = figure(len(data) / 1e6, "MB")

    def progress(*_args: Any, **_kwargs: Any) -> None:
        return None

    def timed(label: str, payload: bytes) -> str:
        log(PREFIX, f"{label}: {lines} lines")
        started = time.perf_counter()
        summary = closing_import(
            actor=None, closing=closing, kind=ImportKind.USAGE, name="usage.csv", data=payload, progress=progress
        )
        result[label] = figure(time.perf_counter() - started, "s")
        log(PREFIX, f"{label}: {result[label]['value']} s — {summary}")
        return summary

    timed("first_import", data)
    stored = ActualUsage.objects.filter(closing=closing).count()
    if stored != lines:
        raise RuntimeError(f"{stored} usage rows stored, {lines} expected")
    analyze()
    timed("same_file_again", data)
    timed("corrected_file", changed)
    result["rows_per_s_first_import"] = figure(lines / result["first_import"]["value"], "rows/s", 0)
    result["goal"] = "under 60 s on PostgreSQL for 2 million lines (issue #18)"
    result["peak_rss"] = peak_rss()
    return result


def main() -> int:
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
