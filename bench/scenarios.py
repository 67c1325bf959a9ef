"""Benchmark: the scenario engine at national scale, without a database.

`python -m bench.scenarios [--years N] [--draws N]` prints the figures as JSON (`{"value", "unit"}` shape as
in `bench/run.py`); `bench/run.py` stores them in `bench/results/latest.json` under `scenarios`.

The synthetic model (seeded): 30 providers (mixed legal forms), 2,000 products (≈ 67 per provider, 80 %
metered, 20 % shared by inhabitants), 10,981 members (one home provider each) with 25 products of their
provider: 274,525 subscriptions; 15 years 2026–2040. One scenario: an NRW nucleus (AöR) takes every product
in three stages (infrastructure 2028, workplace 2031, procedures 2034), with ranges on every assumption.

Timed (wall time): the deterministic projection of status quo and scenario (the costing engine computes every
member's fee for every provider and year: 2 × 15 × 274,525 fee lines in Decimal); the Monte Carlo with 10,000
draws (fee change percentiles of every member included); the NumPy floor of the Monte Carlo: the same sparse
fee product (draws × fee weights, reduced per member) alone;
the staged-plan MILP with 300 products × 15 years (HiGHS, 1 % gap). Taken on a shared, busy 2-core
machine: treat the figures as upper bounds.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import json
import random
import sys
import time
from decimal import Decimal
from typing import Any

import numpy as np

from bench.common import machine_note
from verbund.costing.engine import Charging
from verbund.scenarios.engine import (
    Assumptions,
    Entity,
    Item,
    LegalForm,
    Move,
    Range,
    Scenario,
    ScenarioModel,
    Usage,
    project,
)
from verbund.scenarios.engine.montecarlo import MEMBER_CHUNK, simulate
from verbund.scenarios.engine.staged_plan import PlanProblem, PlanProduct, optimise

SEED = 20261203
PROVIDERS, PRODUCTS, MEMBERS, PER_MEMBER = 30, 2000, 10_981, 25
FEE_FACTORS = 2  # factors that reach a member fee in the final year here: the price factor and the synergy
CATEGORIES = ("infrastructure", "workplace", "procedure")
STAGE = {"infrastructure": 2028, "workplace": 2031, "procedure": 2034}
FORMS = (LegalForm.OWN_UNIT, LegalForm.ASSOCIATION, LegalForm.AOR, LegalForm.GMBH)


def figure(value: float, unit: str) -> dict[str, Any]:
    return {"value": round(value, 3), "unit": unit}


def build(end_year: int, *, members: int = MEMBERS, products: int = PRODUCTS) -> ScenarioModel:
    rng = random.Random(SEED)
    providers = tuple(Entity(f"p{k}", f"Provider {k}", FORMS[k % len(FORMS)]) for k in range(PROVIDERS))
    items = []
    for k in range(products):
        provider = f"p{k % PROVIDERS}"
        category = CATEGORIES[k % 3]
        metered = k % 5 != 0
        cost = Decimal(rng.randint(20_000, 2_000_000))
        items.append(
            Item(
                f"i{k}",
                provider,
                f"t{k % 400}",
                category,
                cost,
                Charging.METERED if metered else Charging.SHARED,
                None,
                Decimal(rng.randint(0, 10)),
                Decimal(rng.randint(0, 2)),
            )
        )
    by_provider: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        by_provider.setdefault(item.provider, []).append(k)
    usage = []
    planned: dict[int, Decimal] = {}
    for m in range(members):
        provider = f"p{m % PROVIDERS}"
        population = Decimal(rng.randint(500, 600_000))
        for k in rng.sample(by_provider[provider], PER_MEMBER):
            if items[k].charging == Charging.METERED:
                quantity = Decimal(rng.randint(1, 500))
                planned[k] = planned.get(k, Decimal(0)) + quantity
                usage.append(Usage(f"m{m}", f"i{k}", quantity))
            else:
                usage.append(Usage(f"m{m}", f"i{k}", None, population))
    items = [
        Item(
            i.id,
            i.provider,
            i.task,
            i.category,
            i.cost,
            i.charging,
            planned.get(k, Decimal(1)),
            i.fte,
            i.civil_servant_fte,
        )
        if i.charging == Charging.METERED
        else i
        for k, i in enumerate(items)
    ]
    nucleus = Entity("nrw", "Zentraldienstleister NRW", LegalForm.AOR, overhead=Decimal(5_000_000))
    moves = tuple(Move(i.id, "nrw", STAGE[i.category]) for i in items if STAGE[i.category] <= end_year)
    assumptions = Assumptions(
        synergy=Range(Decimal("0.05"), Decimal("0.12"), Decimal("0.2")),
        migration=Range(Decimal("0.2"), Decimal("0.3"), Decimal("0.5")),
        double_running_months=Range(Decimal(3), Decimal(6), Decimal(12)),
        price_index=Range(Decimal("0.015"), Decimal("0.02"), Decimal("0.03")),
        discount_rate=Range(Decimal("0.02"), Decimal("0.03"), Decimal("0.04")),
    )
    return ScenarioModel(
        2026,
        2026,
        end_year,
        providers,
        tuple(items),
        tuple(usage),
        (Scenario("nucleus", "NRW nucleus", (nucleus,), moves, assumptions),),
    )


def numpy_floor(draws: int, members: int, fee_factors: int) -> float:
    """The least NumPy work for the same output: the draws' fee factors (draws × F) times the members' coefficients
    (F × members) for the scenario and the status quo, the change per draw and member, and P10/P50/P90 of every
    member, in the same member blocks (random numbers of the same shapes; no structure building, no costs)."""
    rng = np.random.default_rng(SEED)
    values = rng.random((draws, fee_factors)) + 0.5
    coef = rng.random((fee_factors, members))
    sq_coef = rng.random((fee_factors, members))
    start = time.perf_counter()
    for block in range(0, members, MEMBER_CHUNK):
        fees = coef[:, block : block + MEMBER_CHUNK].T @ values.T  # members × draws, as in the engine
        before = sq_coef[:, block : block + MEMBER_CHUNK].T @ values.T
        change = (fees / before - 1.0).astype(np.float32)
        np.percentile(change, [10, 50, 90], axis=1)
    return time.perf_counter() - start


def milp(products: int = 300, years: int = 15) -> dict[str, Any]:
    """The staged-plan MILP: `products` × `years`, staff capacity binding, a budget and precedence chains."""
    rng = random.Random(SEED)
    items = tuple(
        PlanProduct(
            f"s{k}",
            float(rng.randint(50_000, 2_000_000)),
            rng.uniform(0.05, 0.25),
            float(rng.randint(20_000, 600_000)),
            float(rng.randint(0, 300_000)),
            float(rng.randint(1, 6)),
            2026 + rng.randint(0, 6),
        )
        for k in range(products)
    )
    last = 2026 + years - 1
    capacity = dict.fromkeys(range(2026, last + 1), 1.3 * sum(p.effort for p in items) / years)
    budget = dict.fromkeys(range(2026, last + 1), 2.0 * sum(p.one_off for p in items) / years)
    precedence = tuple((f"s{k}", f"s{k + 1}") for k in range(0, products - 1, 10))
    problem = PlanProblem(items, 2026, last, capacity, budget, precedence, 0.03, 0.02)
    start = time.perf_counter()
    plan = optimise(problem, time_limit=120.0)
    elapsed = time.perf_counter() - start
    return {
        "products": products,
        "years": years,
        "time": figure(elapsed, "s"),
        "status": plan.status,
        "gap": round(plan.gap, 6),
        "binding": len(plan.binding),
    }


def run(*, end_year: int = 2040, draws: int = 10_000, members: int = MEMBERS) -> dict[str, Any]:
    start = time.perf_counter()
    model = build(end_year, members=members)
    built = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    projection = project(model)
    projected, projected_cpu = time.perf_counter() - start, time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    risk = simulate(model, "nucleus", draws=draws, seed=1)
    simulated, simulated_cpu = time.perf_counter() - start, time.process_time() - cpu
    floor = numpy_floor(draws, len(risk.member_change), FEE_FACTORS)
    scenario = projection.scenarios[0]
    return {
        "note": machine_note(),
        "members": members,
        "subscriptions": len(model.usage),
        "providers": PROVIDERS,
        "products": PRODUCTS,
        "years": end_year - 2025,
        "build_model": figure(built, "s"),
        "projection_status_quo_and_scenario": figure(projected, "s"),
        "projection_cpu": figure(projected_cpu, "s"),
        "fee_lines_projected": 2 * (end_year - 2025) * len(model.usage),
        "monte_carlo_draws": draws,
        "monte_carlo": figure(simulated, "s"),
        "monte_carlo_cpu": figure(simulated_cpu, "s"),
        "monte_carlo_members_with_percentiles": len(risk.member_change),
        "numpy_floor_fee_product": figure(floor, "s"),
        "monte_carlo_over_floor": figure(simulated / floor if floor else 0.0, "x"),
        "npv_savings": str(scenario.savings),
        "probability_better": risk.probability_better,
        "milp": milp(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scenarios")
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--small", action="store_true", help="a tenth of the members (1,098), for profiling")
    args = parser.parse_args(argv)
    members = MEMBERS // 10 if args.small else MEMBERS
    json.dump(run(end_year=2025 + args.years, draws=args.draws, members=members), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
