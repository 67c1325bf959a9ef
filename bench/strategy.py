"""Benchmark of the strategy app (issue #17): `python -m bench.strategy` (under scripts/with-postgres.sh).

On a scratch database of the PostgreSQL server in DATABASE_URL: migrate, import the GV100AD registry (10,981
municipalities) and the shipped OZG/LeiKa catalogue, then
1. the national inventory: 10,981 municipalities × 600 services in scope = 6,588,600 rows through
   `services.bulk.inventory_bulk_load` (checks, COPY into a staging table, one set-based write with the indexes
   and foreign keys rebuilt, audit, the coverage figures), timed (goal: under 60 s); then the same load again
   (idempotent: nothing changes) and the coverage refresh on its own (server-side SQL as used by the load, and
   the ORM's `coverage_refresh` for comparison);
2. the cross-member comparison page `/strategie/vergleich/` for provider staff: 100 requests after 5 warm-ups
   through `django.test.Client`, p50/p95 (goal: p95 under 300 ms).
Seeded: a municipality has a service online with probability 0.3, EfA for a third of those. JSON on stdout;
`python -m bench.run --record strategy FILE` puts it into bench/results/latest.json under `strategy`.
Without PostgreSQL it prints {"status": "skipped"}.
"""

import json
import os
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.common import figure, is_postgres_url, latency_summary, log, machine_note, scratch_database, timed_requests

SERVICES = 600
REQUESTS = 100
WARMUP = 5
SEED = 17
DATABASE_NAME = "verbund_bench_strategy"


def _rows(organization_ids: list[int], leika_ids: list[int]) -> Iterator[Any]:
    from verbund.strategy.services.bulk import BulkRow

    rng = random.Random(SEED)
    for org in organization_ids:
        for leika in leika_ids:
            online = rng.random() < 0.3
            yield BulkRow(org, leika, online, online and rng.random() < 1 / 3)


def run() -> dict[str, Any]:
    from bench.dataset import analyze, import_registry, setup_django

    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.models import Organization
    from verbund.strategy import scope
    from verbund.strategy.models import InventoryEntry
    from verbund.strategy.selectors import scope_services
    from verbund.strategy.services import catalogue_import
    from verbund.strategy.services.bulk import inventory_bulk_load

    result: dict[str, Any] = {"status": "ok", "note": machine_note()}
    call_command("migrate", interactive=False, verbosity=0)
    import_registry("strategy")
    t0 = time.perf_counter()
    catalogue = catalogue_import(actor=None, directory=scope.default_data_dir())
    result["catalogue_import"] = figure(time.perf_counter() - t0, "s")
    result["catalogue"] = catalogue.summary_line()
    organizations = list(
        Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).order_by("pk").values_list("pk", flat=True)
    )
    services = list(scope_services().order_by("pk").values_list("pk", flat=True)[:SERVICES])
    total = len(organizations) * len(services)
    log("strategy", f"bulk load {len(organizations)} × {len(services)} = {total} inventory rows")
    phases: dict[str, float] = {}

    def progress(done: int, steps: int, message: str = "", **params: Any) -> None:
        phases.setdefault(message.split(":")[0], round(time.perf_counter() - t0, 1))  # when each phase began

    t0 = time.perf_counter()
    loaded = inventory_bulk_load(actor=None, rows=_rows(organizations, services), total=total, progress=progress)
    load_s = time.perf_counter() - t0
    if loaded.created != total or InventoryEntry.objects.count() != total:
        raise RuntimeError(f"loaded {loaded}, expected {total}")
    result["inventory_rows"] = figure(total, "rows")
    result["inventory_import"] = figure(load_s, "s")
    result["inventory_rows_per_s"] = figure(total / load_s, "rows/s", 0)
    result["inventory_import_path"] = "rebuild" if loaded.rebuilt else "upsert"
    result["inventory_import_phase_starts_s"] = phases
    analyze()
    log("strategy", "the same load again (idempotent)")
    t0 = time.perf_counter()
    again = inventory_bulk_load(actor=None, rows=_rows(organizations, services), total=total)
    result["inventory_reimport_unchanged"] = figure(time.perf_counter() - t0, "s")
    if again.unchanged != total:
        raise RuntimeError(f"re-import changed rows: {again}")
    # The refresh on its own (the load includes one): how much of the load is the aggregation.
    from django.db import transaction

    from verbund.strategy.services import coverage_refresh
    from verbund.strategy.services.bulk import _coverage_refresh_sql

    t0 = time.perf_counter()
    with transaction.atomic():
        _coverage_refresh_sql(organizations)
    result["coverage_refresh_alone"] = figure(time.perf_counter() - t0, "s")
    t0 = time.perf_counter()
    coverage_refresh(organizations)
    result["coverage_refresh_orm_alone"] = figure(time.perf_counter() - t0, "s")

    staff = user_create(
        actor=None,
        username="bench-strategy",
        password="bench-only-password-0123456789",
        role=Role.PROVIDER_ADMIN,
        organization=Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY).first(),
        validate_password=False,
    )
    client = Client()
    client.force_login(staff)

    def check(url: str, response: Any) -> None:
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    url = "/strategie/vergleich/"
    timed_requests(client, [url] * WARMUP, check)
    latencies, wall = timed_requests(client, [url] * REQUESTS, check)
    result["comparison_page"] = latency_summary(latencies, wall)
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
