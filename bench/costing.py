"""Benchmark: the costing engine at national scale, without a database.

`python -m bench.costing` prints the figures as JSON; `run()` returns them as a dict (same `{"value", "unit"}`
shape as `bench/run.py`, so that it can be wired into the main benchmark later).

The synthetic model (seeded, reproducible): 500 cost centres (100 support, 400 end) with three cost types,
sparse random service flows (each support centre serves ~5 other supports and ~15 end centres), 2,000 products
(80 % metered, 20 % shared by a key: half a weighted mix of inhabitants 0.6 and workstations 0.4, half cases),
10,981 members (the number of German municipalities) with 25 products each: 274,525 fee lines.

Timed, each on its own (wall time, `time.perf_counter`): validation (`prepare`), allocation by the reciprocal,
step-down and direct methods, product costs and rates, fees. The "linear-algebra floor" is the same system
(I − A) x = d solved with NumPy alone: once from a ready matrix, once including building the matrix from the
service quantities. Peak memory is measured with `tracemalloc` in a second, separate run of the whole
calculation (tracemalloc slows Python down, so it is kept out of the timings).

BLAS threads: the benchmark pins OpenBLAS to one thread unless OPENBLAS_NUM_THREADS is set. A 100 × 100 system
solves in well under a millisecond on one thread, while a multi-threaded OpenBLAS on a busy two-core machine
spends up to ~100 ms per call waking its threads, which would swamp the floor and the reciprocal timing.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy is first imported (see above)

import json
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import numpy as np

from verbund.costing.engine import (
    AllocationKey,
    AllocationSettings,
    CarryForward,
    CentreKind,
    Charging,
    CostCentre,
    CostingModel,
    CostType,
    KeyBasis,
    KeyComponent,
    KeyValue,
    Member,
    Method,
    PrimaryCost,
    Product,
    ProductMapping,
    ServiceQuantity,
    Subscription,
    calculate,
    prepare,
    run_allocation,
    run_fees,
    run_rates,
)

SEED = 20231130
SUPPORTS = 100
ENDS = 400
PRODUCTS = 2000
MEMBERS = 10981
PRODUCTS_PER_MEMBER = 25
SHARED_SHARE = 0.2
SUPPORT_RECEIVERS = 5
END_RECEIVERS = 15
FLOOR_REPEATS = 50
T = TypeVar("T")


class BenchmarkError(RuntimeError):
    """A correctness check failed; the figures of this run must not be used."""


def figure(value: float | int, unit: str, digits: int = 3) -> dict[str, Any]:
    return {"value": round(value, digits) if isinstance(value, float) else value, "unit": unit}


def cents(rnd: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rnd.randint(low * 100, high * 100)).scaleb(-2)


def build_model(seed: int = SEED) -> CostingModel:
    """The synthetic national-scale model (same seed, same model)."""
    rnd = random.Random(seed)
    supports = [f"S{n:03d}" for n in range(SUPPORTS)]
    ends = [f"E{n:03d}" for n in range(ENDS)]
    centres = tuple(CostCentre(c, f"Hilfskostenstelle {c}", CentreKind.SUPPORT) for c in supports) + tuple(
        CostCentre(c, f"Endkostenstelle {c}", CentreKind.END) for c in ends
    )
    types = (
        CostType("PERS", "Personalkosten", Decimal("0.1")),
        CostType("SACH", "Sachkosten", Decimal("0.4")),
        CostType("AFA", "Abschreibungen"),
    )
    costs = tuple(
        PrimaryCost(centre.id, cost_type.id, cents(rnd, 10_000, 2_000_000))
        for centre in centres
        for cost_type in rnd.sample(types, rnd.randint(1, 3))
    )
    services = []
    for support in supports:
        others = rnd.sample([s for s in supports if s != support], SUPPORT_RECEIVERS)
        services += [ServiceQuantity(support, s, Decimal(rnd.randint(1, 50))) for s in others]
        services += [ServiceQuantity(support, e, Decimal(rnd.randint(1, 100))) for e in rnd.sample(ends, END_RECEIVERS)]
    product_ids = [f"P{n:04d}" for n in range(PRODUCTS)]
    home = {p: ends[n * ENDS // PRODUCTS] for n, p in enumerate(product_ids)}  # 5 products per end centre
    mappings = [ProductMapping(home[p], p, Decimal(rnd.randint(1, 10))) for p in product_ids]
    for product in rnd.sample(product_ids, PRODUCTS // 10):  # a tenth also draws on a second end centre
        mappings.append(ProductMapping(rnd.choice([e for e in ends if e != home[product]]), product, Decimal(1)))
    shared = set(rnd.sample(product_ids, int(PRODUCTS * SHARED_SHARE)))
    member_ids = [f"{5_000_000 + n * 7:08d}" for n in range(MEMBERS)]
    takers: dict[str, list[str]] = {p: [] for p in product_ids}
    planned = dict.fromkeys(product_ids, Decimal(0))
    subscriptions = []
    for member in member_ids:
        for product in rnd.sample(product_ids, PRODUCTS_PER_MEMBER):
            takers[product].append(member)
            quantity = None if product in shared else Decimal(rnd.randint(1, 500))
            if quantity is not None:
                planned[product] += quantity
            subscriptions.append(Subscription(member, product, quantity))
    inhabitants = {m: Decimal(int(rnd.lognormvariate(8.5, 1.2)) + 100) for m in member_ids}
    workstations = {m: Decimal(max(1, int(inhabitants[m] / 60))) for m in member_ids}
    products, keys = [], []
    for n, product in enumerate(product_ids):
        if product not in shared:
            quantity = (planned[product] * Decimal(rnd.randint(95, 105)) / 100).quantize(Decimal(1))
            products.append(Product(product, f"Produkt {product}", Charging.METERED, max(quantity, Decimal(1))))
            continue
        products.append(Product(product, f"Produkt {product}", Charging.SHARED))
        members = takers[product]
        components: tuple[KeyComponent, ...]
        if n % 2:
            components = (
                KeyComponent(KeyBasis.INHABITANTS, Decimal("0.6"), tuple(KeyValue(m, inhabitants[m]) for m in members)),
                KeyComponent(
                    KeyBasis.WORKSTATIONS, Decimal("0.4"), tuple(KeyValue(m, workstations[m]) for m in members)
                ),
            )
        else:
            cases = tuple(KeyValue(m, Decimal(rnd.randint(1, 900))) for m in members)
            components = (KeyComponent(KeyBasis.CASES, Decimal(1), cases),)
        keys.append(AllocationKey(product, components))
    carry = tuple(
        CarryForward(p, cents(rnd, -20_000, 20_000), from_year=2023, years=2, first_year=2025)
        for p in rnd.sample(product_ids, PRODUCTS // 10)
    )
    return CostingModel(
        year=2025,
        cost_centres=centres,
        cost_types=types,
        primary_costs=costs,
        service_quantities=tuple(services),
        products=tuple(products),
        product_mappings=tuple(mappings),
        allocation=AllocationSettings(Method.RECIPROCAL, tuple(supports)),
        carry_forwards=carry,
        members=tuple(Member(m) for m in member_ids),
        subscriptions=tuple(subscriptions),
        keys=tuple(keys),
    )


class Clock:
    """Wall and CPU time of each timed phase (CPU time is less disturbed by other load on the machine)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def time(self, name: str, action: Callable[[], T]) -> T:
        wall, cpu = time.perf_counter(), time.process_time()
        value = action()
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = time.process_time() - cpu
        return value


def linear_algebra_floor(model: CostingModel) -> dict[str, Any]:
    """(I − A) x = d with NumPy alone: the median of repeated solves, with and without building the matrix."""
    supports = [c.id for c in model.cost_centres if c.kind == CentreKind.SUPPORT]

    def build() -> tuple[Any, Any]:
        position = {s: n for n, s in enumerate(supports)}
        totals = dict.fromkeys(supports, 0.0)
        for service in model.service_quantities:
            totals[service.provider] += float(service.quantity)
        matrix = np.eye(len(supports))
        for service in model.service_quantities:
            if service.receiver in position:
                matrix[position[service.receiver], position[service.provider]] -= (
                    float(service.quantity) / totals[service.provider]
                )
        d = np.zeros(len(supports))
        for cost in model.primary_costs:
            if cost.centre in position:
                d[position[cost.centre]] += float(cost.amount)
        return matrix, d

    matrix, d = build()
    solve_only, with_build = [], []
    for _ in range(FLOOR_REPEATS):
        start = time.perf_counter()
        np.linalg.solve(matrix, d)
        solve_only.append(time.perf_counter() - start)
        start = time.perf_counter()
        np.linalg.solve(*build())
        with_build.append(time.perf_counter() - start)
    return {"solve": statistics.median(solve_only), "build_and_solve": statistics.median(with_build)}


def check(model: CostingModel, allocations: dict[Method, Any], products: Any, fees: Any) -> None:
    total = sum((c.amount for c in model.primary_costs), Decimal(0))
    for method, allocation in allocations.items():
        if sum(allocation.end_totals.values(), Decimal(0)) != total:
            raise BenchmarkError(f"{method}: the allocation does not conserve the total cost")
    if sum((p.cost for p in products), Decimal(0)) != total:
        raise BenchmarkError("the product costs do not add up to the total cost")
    if len(fees.lines) != MEMBERS * PRODUCTS_PER_MEMBER:
        raise BenchmarkError(f"expected {MEMBERS * PRODUCTS_PER_MEMBER} fee lines, got {len(fees.lines)}")
    for product in products:
        if product.charging == Charging.SHARED and fees.by_product[product.product] != product.net_cost:
            raise BenchmarkError(f"the fees of {product.product} do not add up to its cost")


def run() -> dict[str, Any]:
    """Build the model, time every phase, measure peak memory; returns the figures."""
    clock = Clock()
    model = clock.time("build_model", build_model)
    prepared = clock.time("prepare", lambda: prepare(model))
    allocations: dict[Method, Any] = {}
    for method in (Method.RECIPROCAL, Method.STEP_DOWN, Method.DIRECT):
        variant = prepared if method == Method.RECIPROCAL else prepare(model, method=method)
        allocations[method] = clock.time(f"allocation_{method.value}", partial(run_allocation, variant))
    products = clock.time("rates", lambda: run_rates(prepared, allocations[Method.RECIPROCAL]))
    fees = clock.time("fees", lambda: run_fees(prepared, products))
    check(model, allocations, products, fees)
    floor = linear_algebra_floor(model)
    engine_phases = ("prepare", "allocation_reciprocal", "rates", "fees")
    engine_s = sum(clock.wall[p] for p in engine_phases)
    reciprocal_s = clock.wall["allocation_reciprocal"]

    tracemalloc.start()
    clock.time("calculate_under_tracemalloc", lambda: calculate(model))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    phases = [*engine_phases[:2], "allocation_step_down", "allocation_direct", *engine_phases[2:]]
    return {
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "size": {
            "cost_centres": figure(len(model.cost_centres), "centres"),
            "support_centres": figure(SUPPORTS, "centres"),
            "service_flows": figure(len(model.service_quantities), "flows"),
            "products": figure(len(model.products), "products"),
            "shared_products": figure(len(model.keys), "products"),
            "members": figure(len(model.members), "members"),
            "fee_lines": figure(len(fees.lines), "lines"),
        },
        "model_build_time": figure(clock.wall["build_model"], "s"),
        "phases_wall": {name: figure(clock.wall[name], "s") for name in phases},
        "phases_cpu": {name: figure(clock.cpu[name], "s") for name in phases},
        "engine_time": figure(engine_s, "s"),
        "engine_cpu_time": figure(sum(clock.cpu[p] for p in engine_phases), "s"),
        "fee_lines_per_second": figure(len(fees.lines) / clock.wall["fees"], "lines/s", 0),
        "linear_algebra_floor": {
            "solve": figure(floor["solve"] * 1000, "ms", 4),
            "build_and_solve": figure(floor["build_and_solve"] * 1000, "ms", 4),
        },
        "ratio_reciprocal_allocation_to_floor": {
            "solve": figure(reciprocal_s / floor["solve"], "×", 1),
            "build_and_solve": figure(reciprocal_s / floor["build_and_solve"], "×", 1),
        },
        "ratio_engine_to_floor": figure(engine_s / floor["build_and_solve"], "×", 1),
        "peak_memory_tracemalloc": figure(peak / 2**20, "MiB", 1),
        "calculate_under_tracemalloc": figure(clock.wall["calculate_under_tracemalloc"], "s"),
    }


def main() -> int:
    print(json.dumps(run(), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
