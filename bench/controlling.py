"""Benchmark of the controlling app (issue #15): `python -m bench.controlling` (key "controlling").

A contract of 9 goals × 30 KPIs (270), 10 years of values (2016–2025, 2,700 totals) and, for one KPI per goal,
a breakdown per member for 10,981 synthetic members in the latest year (98,829 rows): the dashboard pages the
council reads must not slow down with the breakdowns, and their number of queries must not grow with the number
of goals, KPIs and years. Timed:
1. the dashboard `/controlling/<id>/?year=2025` for provider staff: 20 requests after 3 warm-ups, p50/p95;
2. one KPI's page (chart and table) likewise;
3. the council report: building the snapshot from the stored figures, the CSV, and the PDF (weasyprint);
4. the query count of the dashboard for this contract and for a small one (1 goal × 2 KPIs × 2 years): equal.
On the PostgreSQL server in DATABASE_URL (a scratch database), else a scratch SQLite file
var/bench-controlling.sqlite3.
JSON on stdout; `python -m bench.run --record controlling FILE` puts it into bench/results/latest.json.
"""

import json
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import (
    ROOT,
    figure,
    is_postgres_url,
    latency_summary,
    log,
    machine_note,
    scratch_database,
    timed_requests,
)

GOALS, KPIS_PER_GOAL, YEARS, MEMBERS = 9, 30, list(range(2016, 2026)), 10981
REQUESTS, WARMUP, SEED = 20, 3, 15
DATABASE_NAME = "verbund_bench_controlling"
SQLITE = ROOT / "var" / "bench-controlling.sqlite3"


def _status(value: Decimal, direction: str, target: Any) -> str:
    from verbund.controlling import engine

    version = engine.TargetVersion(target.pk, target.valid_from, target.value, target.tolerance)
    return engine.judge(value, year=target.valid_from, direction=engine.Direction(direction), targets=[version]).status


def _contract(provider: Any, city: Any, goals: int, kpis: int, years: list[int], members: list[Any]) -> Any:
    from django.utils import timezone

    from verbund.controlling import services, summaries
    from verbund.controlling.models import Kpi, Measurement, Target

    rng = random.Random(SEED + goals)
    contract = services.contract_create(
        actor=None, provider=provider, city=city, name=f"Bench {goals}x{kpis}", start_year=years[0], end_year=years[-1]
    )
    now = timezone.now()
    for g in range(goals):
        goal = services.goal_add(actor=None, contract=contract, title=f"Ziel {g + 1}", text="Zieltext " * 20)
        created = Kpi.objects.bulk_create(
            Kpi(
                goal=goal,
                code=f"K{g}_{k}",
                name=f"Kennzahl {g}.{k}",
                definition="Zähler / Nenner",
                unit="share",
                direction="higher" if k % 2 else "lower",
                source_kind="manual",
                breakdowns="member" if k == 0 else "",
                position=k,
            )
            for k in range(kpis)
        )
        targets = Target.objects.bulk_create(
            Target(kpi=kpi, valid_from=years[0], value=Decimal("0.8"), tolerance=Decimal("0.05")) for kpi in created
        )
        rows = []
        for kpi, target in zip(created, targets, strict=True):
            for year in years:
                value = Decimal(rng.randint(600, 1000)) / 1000
                rows.append(
                    Measurement(
                        kpi=kpi,
                        year=year,
                        series=1,
                        value=value,
                        source_kind="manual",
                        target=target,
                        status=_status(value, kpi.direction, target),
                        entered_at=now,
                        evidence_text="bench",
                    )
                )
            if kpi.breakdowns:
                rows += [
                    Measurement(
                        kpi=kpi,
                        year=years[-1],
                        member=member,
                        series=1,
                        value=Decimal(rng.randint(600, 1000)) / 1000,
                        source_kind="manual",
                        target=target,
                        status="green",
                        entered_at=now,
                        evidence_text="bench",
                    )
                    for member in members
                ]
        Measurement.objects.bulk_create(rows, batch_size=5000)
    summaries.rebuild(contract=contract)  # bulk rows bypass the services that keep the dashboard's summaries
    return contract


def run() -> dict[str, Any]:
    from bench.dataset import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create
    from verbund.controlling.models import Kpi, Measurement
    from verbund.controlling.report import report_csv, report_data, report_pdf
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.models import Organization

    result: dict[str, Any] = {"status": "ok", "note": machine_note()}
    call_command("migrate", interactive=False, verbosity=0)
    provider = Organization.objects.create(name="citeq", short_name="citeq", kind=OrganizationKind.PROVIDER)
    city = Organization.objects.create(name="Münster, Stadt", kind=OrganizationKind.MUNICIPALITY, ags="05515000")
    members = Organization.objects.bulk_create(
        Organization(name=f"Gemeinde {i:05d}", kind=OrganizationKind.MUNICIPALITY, ags=f"99{i:06d}")
        for i in range(MEMBERS)
    )
    log("controlling", "building 9 × 30 KPIs × 10 years and the member breakdowns")
    t0 = time.perf_counter()
    big = _contract(provider, city, GOALS, KPIS_PER_GOAL, YEARS, members)
    small = _contract(provider, city, 1, 2, YEARS[-2:], [])
    result["build"] = figure(time.perf_counter() - t0, "s")
    result["kpis"] = figure(Kpi.objects.filter(goal__contract=big).count(), "KPIs")
    result["values"] = figure(Measurement.objects.filter(kpi__goal__contract=big).count(), "rows")
    staff = user_create(
        actor=None,
        username="bench-controlling",
        password="bench-only-password-0123456789",
        role=Role.PROVIDER_ADMIN,
        organization=provider,
        validate_password=False,
    )
    client = Client()
    client.force_login(staff)

    def check(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    url = f"/controlling/{big.pk}/?year=2025"
    timed_requests(client, [url] * WARMUP, check)
    latencies, wall = timed_requests(client, [url] * REQUESTS, check)
    result["dashboard_page"] = latency_summary(latencies, wall)
    kpi_url = f"/controlling/kennzahl/{Kpi.objects.filter(goal__contract=big, breakdowns='member').first().pk}/"
    timed_requests(client, [kpi_url] * WARMUP, check)
    latencies, wall = timed_requests(client, [kpi_url] * REQUESTS, check)
    result["kpi_page"] = latency_summary(latencies, wall)
    counts = {}
    for name, contract in (("large", big), ("small", small)):
        with CaptureQueriesContext(connection) as queries:
            check(name, client.get(f"/controlling/{contract.pk}/?year={contract.end_year}"))
        counts[name] = len(queries)
    result["dashboard_queries"] = {k: figure(v, "queries") for k, v in counts.items()}
    if counts["large"] != counts["small"]:
        raise RuntimeError(f"the dashboard's queries grow with the contract: {counts}")
    t0 = time.perf_counter()
    snapshot = report_data(contract=big, year=2025)
    result["report_data"] = figure(time.perf_counter() - t0, "s")
    t0 = time.perf_counter()
    csv = report_csv(snapshot)
    result["report_csv"] = figure(time.perf_counter() - t0, "s")
    t0 = time.perf_counter()
    pdf = report_pdf(snapshot)
    result["report_pdf"] = figure(time.perf_counter() - t0, "s")
    result["report_pdf_bytes"] = figure(len(pdf), "bytes")
    result["report_csv_lines"] = figure(csv.count(b"\n"), "lines")
    return result


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.config.settings.test")
    server = os.environ.get("DATABASE_URL", "").strip()
    if is_postgres_url(server):
        with scratch_database(server, DATABASE_NAME) as url:
            os.environ["DATABASE_URL"] = url
            figures = run()
            figures["backend"] = "postgresql"
    else:
        SQLITE.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
        figures = run()
        figures["backend"] = "sqlite"
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
