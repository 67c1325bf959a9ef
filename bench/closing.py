"""Benchmark: the national post-calculation (Nachkalkulation) with the costing engine, without a database.

`python -m bench.closing` prints the figures as JSON; `run()` returns them (same `{"value", "unit"}` shape as
`bench/run.py`, which stores them under `closing_engine` in bench/results/latest.json).

The model is the national plan of `bench/costing.py` (500 cost centres, 2,000 products, 10,981 members × 25
products). Its actuals (seeded): every primary cost × a factor 0.90–1.12, per member and metered product an actual
quantity of its subscribed quantity × 0.80–1.25 (274,525 × 0.8 ≈ 220,000 usage figures), price indices per cost
type. Timed on their own: building the actuals (`closing.engine.actual_figures`), validation with the actuals,
the plan phases (allocation, rates, fees: the revenue at plan rates needs them) and the post-calculation itself
(`run_variance`: allocation of the actual costs, variances, over-/under-recovery per product and per member).
The goal of issue #18 is under 5 s for the engine. Checks: the actual costs are conserved to the cent, the three
variances add up per product, and the members' results add up to their product's. Peak memory by tracemalloc in
a separate run.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import json
import random
import sys
import tracemalloc
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bench.costing import SEED, BenchmarkError, Clock, build_model, figure
from verbund.closing.engine import actual_figures
from verbund.costing.engine import (
    Charging,
    CostingModel,
    PriceIndex,
    PrimaryCost,
    prepare,
    run_allocation,
    run_fees,
    run_rates,
    run_variance,
)


def build_actuals(model: CostingModel, seed: int = SEED) -> CostingModel:
    rnd = random.Random(seed + 18)
    costs = tuple(
        PrimaryCost(c.centre, c.cost_type, (c.amount * Decimal(rnd.randint(90, 112)) / 100).quantize(Decimal("0.01")))
        for c in model.primary_costs
    )
    metered = {p.id for p in model.products if p.charging == Charging.METERED}
    usage = {
        (s.member, s.product): (s.quantity * Decimal(rnd.randint(80, 125)) / 100).quantize(Decimal("0.0001"))
        for s in model.subscriptions
        if s.product in metered and s.quantity is not None
    }
    result = actual_figures(model, costs=costs, flows=None, usage=usage)
    assert result.actuals is not None
    indices = tuple(PriceIndex(t.id, Decimal(rnd.randint(98, 106)) / 100) for t in model.cost_types)
    return replace(result, actuals=replace(result.actuals, price_indices=indices))


def check(model: CostingModel, variance: Any) -> None:
    assert model.actuals is not None
    actual_total = sum((c.amount for c in model.actuals.costs), Decimal(0))
    if sum((p.actual_cost for p in variance.products), Decimal(0)) != actual_total:
        raise BenchmarkError("the products' actual costs do not add up to the actual primary costs")
    by_product: dict[str, Decimal] = {}
    for member in variance.members:
        by_product[member.product] = by_product.get(member.product, Decimal(0)) + member.over_under_recovery
    for product in variance.products:
        if product.price_variance + product.efficiency_variance + product.volume_variance != product.total_variance:
            raise BenchmarkError(f"the variances of {product.product} do not add up")
        if product.product in by_product and by_product[product.product] != product.over_under_recovery:
            raise BenchmarkError(f"the members' results of {product.product} do not add up")


def run() -> dict[str, Any]:
    clock = Clock()
    plan = clock.time("build_model", build_model)
    model = clock.time("build_actuals", lambda: build_actuals(plan))
    prepared = clock.time("prepare", lambda: prepare(model))
    allocation = clock.time("allocation", lambda: run_allocation(prepared))
    products = clock.time("rates", lambda: run_rates(prepared, allocation))
    fees = clock.time("fees", lambda: run_fees(prepared, products))
    variance = clock.time("post_calculation", lambda: run_variance(prepared, products, fees))
    if variance is None:
        raise BenchmarkError("no post-calculation")
    check(model, variance)
    phases = ("build_actuals", "prepare", "allocation", "rates", "fees", "post_calculation")
    engine = sum(clock.wall[p] for p in phases)

    def whole() -> None:
        prepared2 = prepare(model)
        products2 = run_rates(prepared2, run_allocation(prepared2))
        run_variance(prepared2, products2, run_fees(prepared2, products2))

    tracemalloc.start()
    clock.time("under_tracemalloc", whole)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert model.actuals is not None
    return {
        "status": "ok",
        "note": "taken on a shared, busy 2-core machine",
        "size": {
            "cost_centres": figure(len(model.cost_centres), "centres"),
            "products": figure(len(model.products), "products"),
            "members": figure(len(model.members), "members"),
            "usage_figures": figure(len(model.actuals.member_quantities), "figures"),
            "member_results": figure(len(variance.members), "results"),
        },
        "phases_wall": {name: figure(clock.wall[name], "s") for name in phases},
        "phases_cpu": {name: figure(clock.cpu[name], "s") for name in phases},
        "engine_time": figure(engine, "s"),
        "engine_cpu_time": figure(sum(clock.cpu[p] for p in phases), "s"),
        # The engine proper: from validation to the post-calculation (the actuals are its input, built above).
        "calculation_time": figure(sum(clock.wall[p] for p in phases[1:]), "s"),
        "calculation_cpu_time": figure(sum(clock.cpu[p] for p in phases[1:]), "s"),
        "goal_engine_time": figure(5.0, "s"),
        "peak_memory_tracemalloc": figure(peak / 2**20, "MiB", 1),
    }


def main() -> int:
    print(json.dumps(run(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
