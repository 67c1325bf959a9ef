"""The JSON form of a scenario model and of its result (docs/scenario-model-format.md).

Amounts are JSON strings or numbers, read as Decimal; every error names the path of the offending field.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from verbund.core.money import round_money
from verbund.core.steps import Step, render_plain, steps_json
from verbund.costing.engine import Charging

from .errors import ScenarioError
from .explain import explain
from .inputs import (
    Assumptions,
    CategorySynergy,
    Entity,
    Item,
    LegalForm,
    Move,
    Owner,
    Range,
    Scenario,
    ScenarioModel,
    Usage,
)
from .mcda import MESSAGES as MCDA_MESSAGES
from .mcda import Criterion, Direction, Problem, analyse
from .montecarlo import simulate
from .projection import (
    Projection,
    ScenarioResult,
    gc_paused,
    prepare,
    project,
    project_scenario,
    status_quo,
)
from .shapley import in_core, shapley
from .staged_plan import PlanProblem, PlanProduct, optimise

ASSUMPTION_RANGES = ("synergy", "migration", "double_running_months", "attrition", "price_index", "discount_rate")


def _dec(value: Any, path: str, default: Decimal | None = None) -> Decimal:
    if value is None:
        if default is None:
            raise ScenarioError(path, "a number is required")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ScenarioError(path, "a number (as string or number) is required")
    try:
        number = Decimal(str(value))
    except InvalidOperation as exc:
        raise ScenarioError(path, f"{value!r} is not a number") from exc
    if not number.is_finite():
        raise ScenarioError(path, "a finite number is required")
    return number


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(path, "an object is required")
    return value


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(path, "a list is required")
    return value


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise ScenarioError(path, "a non-empty string is required")
    return value


def _int(value: Any, path: str, default: int | None = None) -> int:
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(path, "a whole number is required")
    return int(value)


def _range(value: Any, path: str, default: str) -> Range:
    if value is None:
        return Range.fixed(default)
    if not isinstance(value, dict):
        return Range.fixed(_dec(value, path))
    return Range(*(_dec(value.get(k), f"{path}.{k}") for k in ("low", "likely", "high")))


def _enum(enum: Any, value: Any, path: str) -> Any:
    try:
        return enum(value)
    except ValueError as exc:
        raise ScenarioError(path, f"{value!r} is not one of {', '.join(e.value for e in enum)}") from exc


def _entity(data: Any, path: str) -> Entity:
    d = _obj(data, path)
    owners = tuple(
        Owner(
            _str(o.get("authority"), f"{path}.owners[{k}].authority"),
            _dec(o.get("share"), f"{path}.owners[{k}].share"),
            _int(o.get("seats"), f"{path}.owners[{k}].seats", 1),
        )
        for k, o in enumerate(_list(d.get("owners"), f"{path}.owners"))
    )
    return Entity(
        _str(d.get("id"), f"{path}.id"),
        str(d.get("name") or d["id"]),
        _enum(LegalForm, d.get("legal_form"), f"{path}.legal_form"),
        owners,
        bool(d.get("private_capital", False)),
        str(d.get("host") or ""),
        _dec(d.get("overhead"), f"{path}.overhead", Decimal(0)),
        _dec(d.get("third_party_turnover"), f"{path}.third_party_turnover", Decimal(0)),
        bool(d.get("section_2b", True)),
    )


def _assumptions(data: Any, path: str) -> Assumptions:
    d = _obj(data or {}, path)
    defaults = {"discount_rate": "0.03"}
    ranges = {name: _range(d.get(name), f"{path}.{name}", defaults.get(name, "0")) for name in ASSUMPTION_RANGES}
    by_category = tuple(
        CategorySynergy(category, _range(value, f"{path}.synergy_by_category.{category}", "0"))
        for category, value in sorted(_obj(d.get("synergy_by_category") or {}, path).items())
    )
    return Assumptions(
        synergy_by_category=by_category,
        ramp_years=_int(d.get("ramp_years"), f"{path}.ramp_years", 3),
        amortisation_years=_int(d.get("amortisation_years"), f"{path}.amortisation_years", 5),
        vat_rate=_dec(d.get("vat_rate"), f"{path}.vat_rate", Decimal("0.19")),
        **ranges,
    )


def load_model(data: Any) -> ScenarioModel:
    d = _obj(data, "$")
    items = []
    for k, raw in enumerate(_list(d.get("items"), "items")):
        i, path = _obj(raw, f"items[{k}]"), f"items[{k}]"
        quantity = i.get("planned_quantity")
        items.append(
            Item(
                _str(i.get("id"), f"{path}.id"),
                _str(i.get("provider"), f"{path}.provider"),
                _str(i.get("task"), f"{path}.task"),
                str(i.get("category") or "other"),
                _dec(i.get("cost"), f"{path}.cost"),
                _enum(Charging, i.get("charging", "shared"), f"{path}.charging"),
                None if quantity is None else _dec(quantity, f"{path}.planned_quantity"),
                _dec(i.get("fte"), f"{path}.fte", Decimal(0)),
                _dec(i.get("civil_servant_fte"), f"{path}.civil_servant_fte", Decimal(0)),
                str(i.get("name") or ""),
            )
        )
    usage = []
    for k, raw in enumerate(_list(d.get("usage"), "usage")):
        u, path = _obj(raw, f"usage[{k}]"), f"usage[{k}]"
        quantity = u.get("quantity")
        usage.append(
            Usage(
                _str(u.get("member"), f"{path}.member"),
                _str(u.get("item"), f"{path}.item"),
                None if quantity is None else _dec(quantity, f"{path}.quantity"),
                _dec(u.get("key"), f"{path}.key", Decimal(1)),
            )
        )
    scenarios = []
    for k, raw in enumerate(_list(d.get("scenarios"), "scenarios")):
        s, path = _obj(raw, f"scenarios[{k}]"), f"scenarios[{k}]"
        moves = tuple(
            Move(
                _str(m.get("item"), f"{path}.moves[{j}].item"),
                _str(m.get("entity"), f"{path}.moves[{j}].entity"),
                _int(m.get("year"), f"{path}.moves[{j}].year"),
            )
            for j, m in enumerate(_obj(x, f"{path}.moves[{j}]") for j, x in enumerate(_list(s.get("moves"), path)))
        )
        scenarios.append(
            Scenario(
                _str(s.get("id"), f"{path}.id"),
                str(s.get("name") or s["id"]),
                tuple(_entity(e, f"{path}.entities[{j}]") for j, e in enumerate(_list(s.get("entities"), path))),
                moves,
                _assumptions(s.get("assumptions"), f"{path}.assumptions"),
            )
        )
    return ScenarioModel(
        base_year=_int(d.get("base_year"), "base_year"),
        start_year=_int(d.get("start_year"), "start_year"),
        end_year=_int(d.get("end_year"), "end_year"),
        providers=tuple(_entity(p, f"providers[{k}]") for k, p in enumerate(_list(d.get("providers"), "providers"))),
        items=tuple(items),
        usage=tuple(usage),
        scenarios=tuple(scenarios),
        worse_off_limit=_dec(d.get("worse_off_limit"), "worse_off_limit", Decimal("0.05")),
    )


def coalition_savings(model: ScenarioModel, scenario: Scenario) -> tuple[dict[str, str], list[list[str]]]:
    """Shapley split of the scenario's NPV savings between the providers: v(S) = the savings when only the
    items of the providers in S move as the scenario says."""
    with gc_paused():
        return _coalition_savings(model, scenario)


def _coalition_savings(model: ScenarioModel, scenario: Scenario) -> tuple[dict[str, str], list[list[str]]]:
    providers = tuple(p.id for p in model.providers)
    prepared = prepare(model)  # shared by every coalition: an entity-year that repeats is costed once
    base = project_scenario(model, status_quo(model, scenario), prepared=prepared).npv
    provider_of = {i.id: i.provider for i in model.items}
    cache: dict[frozenset[str], Decimal] = {}

    def value(coalition: frozenset[str]) -> Decimal:
        if coalition not in cache:
            if not coalition:
                cache[coalition] = Decimal(0)
            else:
                moves = tuple(m for m in scenario.moves if provider_of[m.item] in coalition)
                restricted = Scenario(scenario.id, scenario.name, scenario.entities, moves, scenario.assumptions)
                cache[coalition] = base - project_scenario(model, restricted, prepared=prepared).npv
        return cache[coalition]

    split = shapley(providers, value)
    blocking = in_core(split, value)
    return {p: str(round_money(v)) for p, v in split.items()}, [sorted(c) for c in blocking]


def _scenario_json(result: ScenarioResult, *, trace: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": result.scenario,
        "name": result.name,
        "npv": str(result.npv),
        "savings": str(result.savings),
        "limit_kept": result.limit_kept,
        "years": [
            {
                "year": y.year,
                "cost_by_entity": {k: str(v) for k, v in y.cost_by_entity.items()},
                "running": str(y.running),
                "double_running": str(y.double_running),
                "one_off": str(y.one_off),
                "overhead": str(y.overhead),
                "vat": str(y.vat),
                "total": str(y.total),
                "fees": {m: str(v) for m, v in sorted(y.fees.items())},
            }
            for y in result.years
        ],
        "fee_summaries": [
            {
                "year": f.year,
                "members": f.members,
                "min": str(f.minimum),
                "median": str(f.median),
                "max": str(f.maximum),
                "losers": list(f.losers),
                "over_limit": list(f.over_limit),
            }
            for f in result.fee_summaries
        ],
        "checks": [{"code": c.code, "entity": c.entity, "year": c.year, "passed": c.passed} for c in result.checks],
    }
    if trace:
        data["trace"] = steps_json(result.trace)
        data["explanation"] = list(explain(result.trace))
    return data


def _mcda(data: dict[str, Any], projection: Projection) -> dict[str, Any] | None:
    criteria_raw = _list(data.get("criteria"), "criteria")
    if not criteria_raw:
        return None
    criteria = tuple(
        Criterion(
            _str(c.get("id"), f"criteria[{k}].id"),
            float(_dec(c.get("weight"), f"criteria[{k}].weight")),
            _enum(Direction, c.get("direction", "benefit"), f"criteria[{k}].direction"),
            float(_dec(c.get("q"), f"criteria[{k}].q", Decimal(0))),
            float(_dec(c.get("p"), f"criteria[{k}].p", Decimal(0))),
        )
        for k, c in enumerate(_obj(x, f"criteria[{k}]") for k, x in enumerate(criteria_raw))
    )
    scores = _obj(data.get("scores") or {}, "scores")
    alternatives = tuple(s.scenario for s in projection.scenarios)
    matrix = []
    for a in alternatives:
        row = _obj(scores.get(a), f"scores.{a}")
        matrix.append(tuple(float(_dec(row.get(c.id), f"scores.{a}.{c.id}")) for c in criteria))
    result = analyse(Problem(alternatives, criteria, tuple(matrix)))
    return {
        "methods": {m.method: {"values": m.values, "ranks": m.ranks} for m in result.methods},
        "acceptability": {a: list(v) for a, v in result.acceptability.items()},
        "sensitivity": result.sensitivity,
        "explanation": list(explain_mcda(result.trace)),
    }


def explain_mcda(steps: tuple[Step, ...]) -> tuple[str, ...]:
    return render_plain(steps, MCDA_MESSAGES)


def run_json(data: Any, *, trace: bool = True) -> dict[str, Any]:
    """Load, project, check, analyse: the whole result of a JSON model."""
    model = load_model(data)
    projection = project(model)
    out: dict[str, Any] = {
        "status_quo": _scenario_json(projection.status_quo, trace=trace),
        "scenarios": [_scenario_json(s, trace=trace) for s in projection.scenarios],
    }
    d = _obj(data, "$")
    for scenario, result in zip(model.scenarios, out["scenarios"], strict=True):
        if len(model.providers) <= 6:
            split, blocking = coalition_savings(model, scenario)
            result["shapley"] = {"values": split, "blocking_coalitions": blocking}
    mc = d.get("monte_carlo")
    if mc is not None:
        mc = _obj(mc, "monte_carlo")
        draws = _int(mc.get("draws"), "monte_carlo.draws")
        seed = _int(mc.get("seed"), "monte_carlo.seed")
        for scenario, result in zip(model.scenarios, out["scenarios"], strict=True):
            risk = simulate(model, scenario.id, draws=draws, seed=seed)
            result["monte_carlo"] = {
                "draws": risk.draws,
                "seed": risk.seed,
                "note": "floating point (NumPy), rounded to the euro",
                "cost_percentiles": {k: list(v) for k, v in risk.cost_percentiles.items()},
                "npv_percentiles": risk.npv_percentiles,
                "savings_percentiles": risk.savings_percentiles,
                "probability_better": risk.probability_better,
                "cvar5": risk.cvar5,
                "member_change": {k: list(v) for k, v in risk.member_change.items()},
                "tornado": [list(t) for t in risk.tornado],
            }
    analysis = _mcda(d, projection)
    if analysis is not None:
        out["mcda"] = analysis
    plan = d.get("staged_plan")
    if plan is not None:
        plan = _obj(plan, "staged_plan")
        for scenario, result in zip(model.scenarios, out["scenarios"], strict=True):
            staged = optimise(plan_problem(model, scenario, plan))
            result["staged_plan"] = {
                "status": staged.status,
                "objective": str(staged.objective),
                "moves": staged.moves,
                "binding": list(staged.binding),
                "gap": round(staged.gap, 6),
            }
    return out


def _per_year(value: Any, path: str, first: int, last: int) -> dict[int, float]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {int(y): float(_dec(v, f"{path}[{y}]")) for y, v in value.items()}
    number = float(_dec(value, path))
    return dict.fromkeys(range(first, last + 1), number)


def plan_problem(model: ScenarioModel, scenario: Scenario, plan: dict[str, Any]) -> PlanProblem:
    """The MILP of the scenario's moved items: when should each move, given staff, budget and earliest years."""
    from .projection import likely_values

    values = likely_values(scenario.assumptions)
    first = _int(plan.get("first_year"), "staged_plan.first_year", model.start_year)
    deadline = _int(plan.get("deadline"), "staged_plan.deadline", model.end_year)
    effort = _obj(plan.get("effort") or {}, "staged_plan.effort")
    earliest = _obj(plan.get("earliest") or {}, "staged_plan.earliest")
    moved = {m.item for m in scenario.moves}
    products = tuple(
        PlanProduct(
            i.id,
            float(i.cost),
            float(values.synergy_of(i.category)),
            float(i.cost * values.migration),
            float(i.cost * values.double_running_months / 12),
            float(_dec(effort.get(i.id), f"staged_plan.effort.{i.id}", i.fte or Decimal(1))),
            _int(earliest.get(i.id), f"staged_plan.earliest.{i.id}", first),
        )
        for i in model.items
        if i.id in moved
    )
    precedence = tuple(
        (_str(pair[0], f"staged_plan.precedence[{k}]"), _str(pair[1], f"staged_plan.precedence[{k}]"))
        for k, pair in enumerate(_list(plan.get("precedence"), "staged_plan.precedence"))
        if isinstance(pair, list) and len(pair) == 2
    )
    return PlanProblem(
        products,
        first,
        deadline,
        _per_year(plan.get("capacity"), "staged_plan.capacity", first, deadline),
        _per_year(plan.get("budget"), "staged_plan.budget", first, deadline),
        precedence,
        float(values.discount_rate),
        float(values.price_index),
        model.base_year,
    )
