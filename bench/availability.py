"""Benchmark of availability against the SLA (issue #16): `python -m bench.availability`, no database.

National scale through the pure engine: 10,981 members × 40 products (every member subscribes to every product:
439,240 cells) × 12 months, with 5,000 outages in 2026. Timed: `assemble` (cells from commitments, subscriptions
and outages, as the selectors hand them over) and `compute_many` (every month and the year of every cell), then
the aggregation the staff overview does (cells meeting their target). Goal: under 10 s.

Data (seeded): 40 general commitments (half Mon–Fri 07:00–18:00 without NRW holidays, half 24x7; targets 99.0 to
99.9 %), 2 % of the members with an own commitment for one product; outages start anywhere in 2026, last
5 minutes to 8 hours; 70 % hit all members of their product, 30 % 1 to 20 named members; 10 % are maintenance,
announced 1 to 14 days ahead (notice 5 days), a quarter of the outages at half impact.
JSON on stdout; `python -m bench.run --record availability FILE` puts it into bench/results/latest.json.
"""

import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import figure, log, machine_note

MEMBERS = 10_981
PRODUCTS = 40
OUTAGES = 5_000
YEAR = 2026
SEED = 16
GOAL_S = 10.0


def build() -> tuple[list[Any], list[tuple[int, int]], list[Any], frozenset[dt.date]]:
    import holidays

    from verbund.availability.engine import Commitment, Incident, parse_windows
    from verbund.availability.engine.assemble import CommitmentRow, OutageFacts

    rng = random.Random(SEED)
    office, always = parse_windows("Mon-Fri 07:00-18:00"), parse_windows("24x7")
    commitments = []
    for product in range(PRODUCTS):
        target = Decimal(rng.choice(["0.990", "0.995", "0.997", "0.999"]))
        windows = office if product % 2 == 0 else always
        commitments.append(
            CommitmentRow(product, None, dt.date(2025, 1, 1), Commitment(windows, product % 2 == 0, target, target, 5))
        )
    for member in rng.sample(range(MEMBERS), MEMBERS // 50):
        commitments.append(
            CommitmentRow(
                rng.randrange(PRODUCTS),
                member,
                dt.date(2026, 1, 1),
                Commitment(always, False, Decimal("0.99"), Decimal("0.99"), 3),
            )
        )
    subscriptions = [(member, product) for member in range(MEMBERS) for product in range(PRODUCTS)]
    berlin = ZoneInfo("Europe/Berlin")
    year_start = dt.datetime(YEAR, 1, 1, tzinfo=berlin)
    outages = []
    for n in range(OUTAGES):
        start = year_start + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        end = start + dt.timedelta(minutes=rng.randint(5, 8 * 60))
        maintenance = rng.random() < 0.1
        announced = start - dt.timedelta(days=rng.randint(1, 14)) if maintenance else None
        impact = Decimal("0.5") if rng.random() < 0.25 else Decimal(1)
        members = frozenset() if rng.random() < 0.7 else frozenset(rng.sample(range(MEMBERS), rng.randint(1, 20)))
        incident = Incident(str(n), start, end, maintenance, announced, impact, not members)
        outages.append(OutageFacts(incident, frozenset({rng.randrange(PRODUCTS)}), members))
    nrw = frozenset(holidays.country_holidays("DE", subdiv="NW", years=YEAR).keys())
    return commitments, subscriptions, outages, nrw


def run() -> dict[str, Any]:
    from verbund.availability.engine import compute_many
    from verbund.availability.engine.assemble import assemble

    commitments, subscriptions, outages, nrw = build()
    log("availability", f"{len(subscriptions):,} cells, {len(outages):,} outages")
    as_of = dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC)
    cpu_started = time.process_time()
    started = time.perf_counter()
    cells = assemble(year=YEAR, commitments=commitments, subscriptions=subscriptions, outages=outages)
    assembled = time.perf_counter()
    results = compute_many(year=YEAR, cells=cells, holidays=nrw, as_of=as_of)
    computed = time.perf_counter()
    missed = sum(1 for result in results.values() for month in result.months if not month.met)
    aggregated = time.perf_counter()
    cpu = time.process_time() - cpu_started
    distinct = len({id(result) for result in results.values()})
    total = aggregated - started
    log("availability", f"{total:.2f} s ({distinct:,} distinct computations), {missed:,} month cells below target")
    return {
        "members": MEMBERS,
        "products": PRODUCTS,
        "months": 12,
        "cells": len(results),
        "outages": OUTAGES,
        "distinct_computations": distinct,
        "month_cells_below_target": missed,
        "assemble_s": figure(assembled - started, "s"),
        "compute_s": figure(computed - assembled, "s"),
        "aggregate_s": figure(aggregated - computed, "s"),
        "total_s": figure(total, "s"),
        "total_cpu_s": figure(cpu, "s"),  # this process's CPU time: what the wall time would be on an idle core
        "goal_s": GOAL_S,
        "goal_met": total < GOAL_S,
        "goal_met_cpu": cpu < GOAL_S,
        "note": machine_note(),
    }


def main() -> int:
    print(json.dumps(run(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
