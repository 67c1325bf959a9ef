"""The staged-plan MILP (HiGHS) on small instances whose optimum is known, and its refusals."""

from decimal import Decimal

import pytest

from verbund.scenarios.engine.errors import ScenarioError
from verbund.scenarios.engine.staged_plan import PlanProblem, PlanProduct, optimise

P = PlanProduct
# a saves 20 a year for a one-off 30, b 10 for 10, c 25 for 10 but not before 2027; one move a year
PRODUCTS = (P("a", 100, 0.2, 30, 0, 1, 2026), P("b", 100, 0.1, 10, 0, 1, 2026), P("c", 50, 0.5, 10, 0, 1, 2027))


def test_the_known_optimum():
    plan = optimise(PlanProblem(PRODUCTS, 2026, 2028, {2026: 1, 2027: 1, 2028: 1}, discount_rate=0.0))
    # by hand, over the six orders with c not in 2026: a 2026, c 2027, b 2028 saves 30 + 40 + 0 = 70 of 750
    assert plan.moves == {"a": 2026, "c": 2027, "b": 2028}
    assert plan.objective == Decimal("680.0")
    assert plan.binding == ("capacity[2026]", "capacity[2027]", "capacity[2028]")


def test_precedence_and_budget_change_the_plan():
    plan = optimise(
        PlanProblem(PRODUCTS, 2026, 2028, {2026: 1, 2027: 1, 2028: 1}, precedence=(("b", "a"),), discount_rate=0.0)
    )
    assert plan.moves["b"] < plan.moves["a"]
    cheap = optimise(PlanProblem(PRODUCTS, 2026, 2028, {}, budget={2026: 20, 2027: 20, 2028: 40}, discount_rate=0.0))
    assert cheap.moves["a"] == 2028  # its one-off 30 fits only the budget of 2028


def test_an_infeasible_plan_names_the_constraint():
    with pytest.raises(ScenarioError) as error:
        optimise(PlanProblem(PRODUCTS, 2026, 2027, {2026: 1, 2027: 1}, discount_rate=0.0))
    assert error.value.path == "staged_plan"
    assert "without: deadline, capacity" in error.value.message
    with pytest.raises(ScenarioError) as error:
        optimise(PlanProblem(PRODUCTS, 2026, 2028, {}, budget={2026: 5, 2027: 5, 2028: 5}))
    assert "budget" in error.value.message


def test_bad_input():
    with pytest.raises(ScenarioError) as error:
        optimise(PlanProblem(PRODUCTS, 2026, 2028, {2027: -1}))
    assert error.value.path == "staged_plan.capacity[2027]"
    with pytest.raises(ScenarioError) as error:
        optimise(PlanProblem(PRODUCTS, 2026, 2028, {}, precedence=(("a", "zz"),)))
    assert error.value.path == "staged_plan.precedence[0]"


def test_the_service_optimises_the_moves_and_refuses_an_infeasible_plan(world, analyst):
    from django.core.exceptions import ValidationError

    from verbund.scenarios import services
    from verbund.scenarios.choices import ScenarioKind

    scenario = services.scenario_create(actor=analyst, name="M", kind=ScenarioKind.MERGER, first_year=2027)
    plan = services.scenario_stages_optimise(actor=analyst, scenario=scenario, capacity=Decimal(2), deadline=2030)
    years = sorted(m.year for m in scenario.moves.all())
    assert plan["status"] == "Optimal" and years == sorted(plan["moves"].values())
    assert max(years.count(y) for y in set(years)) <= 1  # 2 FTE-years a year, 2 FTE per item: one move a year
    before = sorted((m.item_id, m.year) for m in scenario.moves.all())
    with pytest.raises(ValidationError) as error:
        services.scenario_stages_optimise(actor=analyst, scenario=scenario, capacity=Decimal(1), deadline=2027)
    assert "capacity" in str(error.value)
    assert sorted((m.item_id, m.year) for m in scenario.moves.all()) == before
