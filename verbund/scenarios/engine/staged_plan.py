"""Staged transfer plan (methods §2.4, next-capabilities §A.3): which product moves to the target entity in
which year, as a MILP solved with HiGHS (`highspy`).

Variables per product s and year t: y[s,t] = 1 if s has moved by t (monotone), z[s,t] = y[s,t] − y[s,t−1]
(the move). Constraints: every product moves by the deadline; not before its earliest year (contract end,
resolutions passed); migration staff per year Σ h_s z[s,t] ≤ H_t; one-off budget per year Σ g_s z[s,t] ≤ B_t;
precedence y[b,t] ≤ y[a,t] for (a, b). Objective: least discounted cost
Σ_t δ_t Σ_s [c_s G_t (1 − S_s y[s,t]) + (g_s + D_s) G_t z[s,t]], δ_t = (1 + i)^−(t − t₀), G_t the price factor.
An infeasible plan is diagnosed by dropping one family of constraints at a time: the message names the families
whose removal makes the plan feasible. Floats inside the solver; the objective is reported rounded to the cent.
"""

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .errors import ScenarioError

FAMILIES = ("deadline", "earliest", "capacity", "budget", "precedence")


@dataclass(frozen=True, slots=True)
class PlanProduct:
    id: str
    cost: float  # annual running cost in the base year
    synergy: float  # share saved once moved
    one_off: float  # g_s
    double_running: float  # D_s
    effort: float  # h_s: migration staff (FTE-years)
    earliest: int


@dataclass(frozen=True, slots=True)
class PlanProblem:
    products: tuple[PlanProduct, ...]
    first_year: int
    deadline: int
    capacity: dict[int, float]  # H_t (missing year: unlimited)
    budget: dict[int, float] = field(default_factory=dict)  # B_t (missing year: unlimited)
    precedence: tuple[tuple[str, str], ...] = ()  # (a, b): b not before a
    discount_rate: float = 0.03
    price_index: float = 0.0
    base_year: int = 2026


@dataclass(frozen=True, slots=True)
class StagedPlan:
    status: str
    objective: Decimal  # discounted cost over the years, EUR
    moves: dict[str, int]  # product → year of its move
    binding: tuple[str, ...]  # e.g. "capacity[2028]"
    gap: float


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS prints a banner on stdout when the first solver is made; keep it out of the CLI's JSON."""
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def validate(problem: PlanProblem) -> None:
    if problem.deadline < problem.first_year:
        raise ScenarioError("staged_plan.deadline", "the deadline lies before the first year")
    for year, value in problem.capacity.items():
        if value < 0:
            raise ScenarioError(f"staged_plan.capacity[{year}]", "a capacity must not be negative")
    for year, value in problem.budget.items():
        if value < 0:
            raise ScenarioError(f"staged_plan.budget[{year}]", "a budget must not be negative")
    ids = {p.id for p in problem.products}
    for k, (a, b) in enumerate(problem.precedence):
        if a not in ids or b not in ids:
            raise ScenarioError(f"staged_plan.precedence[{k}]", f"unknown product {a if a not in ids else b}")
    for p in problem.products:
        if p.effort < 0 or p.one_off < 0 or p.cost < 0:
            raise ScenarioError(f"staged_plan.products[{p.id}]", "effort, one-off cost and cost must be ≥ 0")


def _solve(problem: PlanProblem, drop: frozenset[str] = frozenset(), time_limit: float = 60.0) -> tuple[Any, ...]:
    import highspy

    with _quiet():
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no complete stubs
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("mip_rel_gap", 0.01)
    years = list(range(problem.first_year, problem.deadline + 1))
    y: dict[tuple[str, int], Any] = {}
    z: dict[tuple[str, int], Any] = {}
    objective: Any = 0
    constant = 0.0
    rows: dict[str, Any] = {}
    for p in problem.products:
        previous = None
        for t in years:
            y[p.id, t] = h.addBinary()
            z[p.id, t] = h.addVariable(lb=0, ub=1)
            h.addConstr(z[p.id, t] == (y[p.id, t] - previous if previous is not None else y[p.id, t]))
            if previous is not None:
                h.addConstr(y[p.id, t] >= previous)
            previous = y[p.id, t]
            delta = (1 + problem.discount_rate) ** -(t - problem.first_year)
            growth = (1 + problem.price_index) ** (t - problem.base_year)
            constant += delta * p.cost * growth
            objective = objective - delta * p.cost * growth * p.synergy * y[p.id, t]
            objective = objective + delta * growth * (p.one_off + p.double_running) * z[p.id, t]
            if "earliest" not in drop and t < p.earliest:
                h.addConstr(y[p.id, t] == 0)
        if "deadline" not in drop:
            h.addConstr(y[p.id, problem.deadline] == 1)
    for t in years:
        if "capacity" not in drop and t in problem.capacity:
            rows[f"capacity[{t}]"] = (
                sum((p.effort * z[p.id, t] for p in problem.products), 0 * y[next(iter(y))]),
                problem.capacity[t],
            )
            h.addConstr(rows[f"capacity[{t}]"][0] <= problem.capacity[t])
        if "budget" not in drop and t in problem.budget:
            rows[f"budget[{t}]"] = (
                sum((p.one_off * z[p.id, t] for p in problem.products), 0 * y[next(iter(y))]),
                problem.budget[t],
            )
            h.addConstr(rows[f"budget[{t}]"][0] <= problem.budget[t])
        if "precedence" not in drop:
            for a, b in problem.precedence:
                h.addConstr(y[b, t] <= y[a, t])
    h.minimize(objective)
    status = h.modelStatusToString(h.getModelStatus())
    return h, status, y, z, rows, constant


def optimise(problem: PlanProblem, *, time_limit: float = 60.0) -> StagedPlan:
    validate(problem)
    if not problem.products:
        return StagedPlan("Optimal", Decimal(0), {}, (), 0.0)
    h, status, _y, z, rows, constant = _solve(problem, time_limit=time_limit)
    if status == "Infeasible":
        culprits = [f for f in FAMILIES if _solve(problem, frozenset({f}), time_limit)[1] != "Infeasible"]
        which = ", ".join(culprits) if culprits else "a combination of " + ", ".join(FAMILIES)
        raise ScenarioError("staged_plan", f"no plan is feasible; it becomes feasible without: {which}")
    if status not in ("Optimal", "Time limit reached"):
        raise ScenarioError("staged_plan", f"the solver stopped: {status}")
    info = h.getInfo()
    moves = {}
    for (product, t), var in z.items():
        if h.val(var) > 0.5:
            moves[product] = t
    binding = []
    for name, (expr, limit) in rows.items():
        if limit > 0 and h.val(expr) >= limit - 1e-6:
            binding.append(name)
    value = Decimal(str(round(constant + info.objective_function_value, 2)))
    return StagedPlan(status, value, dict(sorted(moves.items())), tuple(binding), float(info.mip_gap))
