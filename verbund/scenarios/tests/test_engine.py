"""The scenario engine on small cases computed by hand, bad input, and properties (hypothesis)."""

import ast
import pathlib
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.costing.engine import Charging
from verbund.scenarios.engine import (
    Assumptions,
    Entity,
    Item,
    LegalForm,
    Move,
    Owner,
    Range,
    Scenario,
    ScenarioError,
    ScenarioModel,
    Usage,
    explain,
    project,
)
from verbund.scenarios.engine.montecarlo import simulate
from verbund.scenarios.engine.overlap import overlap
from verbund.scenarios.engine.shapley import in_core, shapley

F = Range.fixed


def _model(*, legal_form=LegalForm.AOR, moves=None, assumptions=None, end=2028):
    assumptions = assumptions or Assumptions(
        synergy=F("0.3"), ramp_years=1, migration=F("0.5"), discount_rate=F("0.1"), amortisation_years=1
    )
    return ScenarioModel(
        base_year=2026,
        start_year=2026,
        end_year=end,
        providers=(Entity("A", "A", LegalForm.ASSOCIATION), Entity("B", "B", LegalForm.ASSOCIATION)),
        items=(Item("a1", "A", "t1", "proc", D(1000)), Item("b1", "B", "t1", "proc", D(2000))),
        usage=(
            Usage("m1", "a1", key=D(3)),
            Usage("m2", "a1", key=D(1)),
            Usage("m2", "b1", key=D(1)),
            Usage("m3", "b1", key=D(1)),
        ),
        scenarios=(
            Scenario(
                "s",
                "Merger",
                (Entity("C", "C", legal_form),),
                tuple(moves if moves is not None else (Move("a1", "C", 2027), Move("b1", "C", 2027))),
                assumptions,
            ),
        ),
    )


def test_npv_and_fees_by_hand():
    projection = project(_model())
    sq, s = projection.status_quo, projection.scenarios[0]
    # status quo: 3000 a year; NPV = 3000 + 3000/1.1 + 3000/1.21
    assert sq.npv == D("8206.61")
    # 2027: running 3000 × 0.7 = 2100, one-off 0.5 × 3000 = 1500 → 3600; 2028: 2100
    assert [y.total for y in s.years] == [D("3000.00"), D("3600.00"), D("2100.00")]
    assert s.npv == D("8008.26")  # 3000 + 3600/1.1 + 2100/1.21
    assert s.savings == D("198.35")
    # fees 2027 (one-off recovered in one year): a1 700 + 500, b1 1400 + 1000, split by the keys
    assert s.years[1].fees == {"m1": D("900.00"), "m2": D("1500.00"), "m3": D("1200.00")}
    # fees 2028: 30 % synergy for everybody
    assert s.years[2].fees == {"m1": D("525.00"), "m2": D("875.00"), "m3": D("700.00")}
    last = s.fee_summaries[-1]
    assert (last.minimum, last.median, last.maximum) == (D("-0.3"), D("-0.3"), D("-0.3"))
    assert s.fee_summaries[1].over_limit == ("m1", "m2", "m3")  # +20 % in 2027
    assert not s.limit_kept
    text = " ".join(explain(s.trace))
    assert "Savings against status quo: 8,206.61 − 8,008.26 = 198.35" in text


def test_a_gmbh_charges_vat_on_every_fee():
    s = project(_model(legal_form=LegalForm.GMBH)).scenarios[0]
    assert s.years[2].fees["m1"] == D("624.75")  # 525 × 1.19
    assert s.years[2].vat == D("399.00")  # 2100 × 0.19
    checks = {(c.code, c.year): c.passed for c in s.checks if c.entity == "C"}
    assert checks[("vat.legal_form", 2028)] is None


def _with(model, **changes):
    fields = ("base_year", "start_year", "end_year", "providers", "items", "usage", "scenarios")
    return ScenarioModel(**{f: changes.get(f, getattr(model, f)) for f in fields})


def test_an_own_unit_does_not_tax_its_host_city():
    model = _model()
    providers = (Entity("A", "A", LegalForm.OWN_UNIT, host="m1", section_2b=False), model.providers[1])
    sq = project(_with(model, providers=providers, scenarios=(), end_year=2026)).status_quo
    assert sq.years[0].fees["m1"] == D("750.00")  # the host city: no taxable supply
    assert sq.years[0].fees["m2"] == D("1297.50")  # 250 × 1.19 + 1000 from the association


def test_in_house_checks_need_every_served_authority_among_the_owners():
    model = _model()
    entity = Entity("C", "C", LegalForm.AOR, (Owner("m1", D("0.5")), Owner("m2", D("0.5"))))
    scenario = Scenario("s", "x", (entity,), model.scenarios[0].moves, model.scenarios[0].assumptions)
    s = project(_with(model, scenarios=(scenario,))).scenarios[0]
    control = [c for c in s.checks if c.code == "gwb108.control" and c.entity == "C"]
    assert control and all(c.passed is False for c in control)  # m3 is served but not an owner
    activity = next(c for c in s.checks if c.code == "gwb108.activity" and c.entity == "C" and c.year == 2028)
    assert activity.passed is False  # owners pay 525 + 875 = 1400 of 2100 = 0.6667 ≤ 0.8
    assert activity.step.args["share"] == D("0.6667")
    private = next(c for c in s.checks if c.code == "gwb108.private_capital" and c.entity == "C")
    assert private.passed is True


def test_civil_servants_cannot_move_to_a_gmbh():
    model = _model(legal_form=LegalForm.GMBH)
    items = (Item("a1", "A", "t1", "proc", D(1000), civil_servant_fte=D(2)), model.items[1])
    s = project(_with(model, items=items)).scenarios[0]
    staff = [c for c in s.checks if c.code == "staff.civil_servants" and c.entity == "C"]
    assert staff and all(c.passed is False for c in staff)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"moves": (Move("a1", "C", 2027), Move("a1", "A", 2027))}, "scenarios[0].moves[1]"),
        ({"moves": (Move("zz", "C", 2027),)}, "scenarios[0].moves[0].item"),
        ({"moves": (Move("a1", "C", 2050),)}, "scenarios[0].moves[0].year"),
        ({"assumptions": Assumptions(synergy=Range(D("0.2"), D("0.1"), D("0.3")))}, "scenarios[0].assumptions.synergy"),
        ({"assumptions": Assumptions(migration=F("-1"))}, "scenarios[0].assumptions.migration"),
    ],
)
def test_bad_input_names_the_path(change, path):
    with pytest.raises(ScenarioError) as error:
        project(_model(**change))
    assert error.value.path == path


def test_negative_cost_and_owner_shares_are_refused():
    model = _model()
    with pytest.raises(ScenarioError, match="must not be negative") as error:
        project(_with(model, items=(Item("a1", "A", "t1", "proc", D(-1)), model.items[1])))
    assert error.value.path == "items[0].cost"
    bad = Entity("A", "A", LegalForm.AOR, (Owner("m1", D("0.5")),))
    with pytest.raises(ScenarioError, match=r"sum to 0\.5") as error:
        project(_with(model, providers=(bad, model.providers[1])))


def test_monte_carlo_with_zero_spread_equals_the_projection():
    model = _model(
        assumptions=Assumptions(
            synergy=F("0.2"),
            migration=F("0.4"),
            double_running_months=F(6),
            price_index=F("0.02"),
            discount_rate=F("0.03"),
            ramp_years=2,
            amortisation_years=2,
        ),
        legal_form=LegalForm.GMBH,
    )
    s = project(model).scenarios[0]
    risk = simulate(model, "s", draws=64, seed=5)
    for k, year in enumerate(s.years):
        assert abs(risk.cost_percentiles["p50"][k] - year.total) <= 1  # rounded to the euro
    assert abs(risk.savings_percentiles["p50"] - s.savings) <= 1
    for member, (p10, p50, p90) in risk.member_change.items():
        before = project(model).status_quo.years[-1].fees[member]
        after = s.years[-1].fees[member]
        assert p10 == p50 == p90
        assert abs(D(str(p50)) - (after - before) / before) < D("0.0002")


def test_monte_carlo_is_reproducible_and_spreads():
    model = _model(assumptions=Assumptions(synergy=Range(D("0.1"), D("0.2"), D("0.4")), discount_rate=F("0.03")))
    first = simulate(model, "s", draws=500, seed=11)
    again = simulate(model, "s", draws=500, seed=11)
    assert first == again
    assert first.savings_percentiles["p10"] < first.savings_percentiles["p90"]
    assert first.tornado[0][0] == "synergy"
    with pytest.raises(ScenarioError) as error:
        simulate(model, "s", draws=0, seed=1)
    assert error.value.path == "draws"


def test_overlap_by_task_and_jaccard():
    items = (
        Item("a1", "A", "reg", "proc", D(1)),
        Item("a2", "A", "fin", "proc", D(1)),
        Item("b1", "B", "reg", "proc", D(1)),
        Item("c1", "C", "veh", "proc", D(1)),
    )
    result = overlap(items)
    assert result.tasks[0].task == "reg" and result.tasks[0].by_provider == {"A": ("a1",), "B": ("b1",)}
    assert result.jaccard[("A", "B")] == D("0.5")  # {reg} / {reg, fin}
    assert result.jaccard[("A", "C")] == D("0")


def test_shapley_of_the_glove_game():
    # player 1 owns a left glove, 2 and 3 a right one; a pair is worth 1
    def v(c):
        return D(1) if "1" in c and ({"2", "3"} & c) else D(0)

    phi = shapley(("1", "2", "3"), v)
    assert phi["1"] == D(2) / D(3)
    assert phi["2"] == phi["3"] == D(1) / D(6)
    assert sum(phi.values()) == v(frozenset({"1", "2", "3"}))
    assert in_core({"1": D(1), "2": D(0), "3": D(0)}, v) == []
    assert frozenset({"1", "2"}) in in_core(phi, v)  # the Shapley split is not in the (empty-ish) core here


amount = st.integers(min_value=0, max_value=10**7).map(lambda c: D(c) / 100)


@settings(max_examples=40, deadline=None)
@given(
    costs=st.lists(amount, min_size=1, max_size=5),
    keys=st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=4),
    year=st.integers(min_value=2026, max_value=2028),
    price=st.sampled_from(["0", "0.02"]),
)
def test_costs_and_fees_are_conserved_when_only_the_provider_changes(costs, keys, year, price):
    items = tuple(Item(f"i{k}", "A" if k % 2 else "B", f"t{k}", "proc", c) for k, c in enumerate(costs))
    usage = tuple(Usage(f"m{j}", i.id, key=D(key)) for i in items for j, key in enumerate(keys))
    assumptions = Assumptions(price_index=F(price), discount_rate=F("0.03"))
    scenario = Scenario(
        "s", "s", (Entity("C", "C", LegalForm.ASSOCIATION),), tuple(Move(i.id, "C", year) for i in items), assumptions
    )
    providers = (Entity("A", "A", LegalForm.ASSOCIATION), Entity("B", "B", LegalForm.AOR))
    model = ScenarioModel(2026, 2026, 2028, providers, items, usage, (scenario,))
    projection = project(model)
    s, sq = projection.scenarios[0], projection.status_quo
    assert s.npv == sq.npv and s.savings == 0
    for a, b in zip(s.years, sq.years, strict=True):
        assert a.total == b.total
        assert a.fees == b.fees


def test_the_engine_imports_no_django():
    folder = pathlib.Path(__file__).resolve().parents[1] / "engine"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(n.startswith("django") for n in names), path


def test_charging_metered_in_scenarios():
    model = _model()
    items = (model.items[0], Item("b1", "B", "t1", "proc", D(2000), Charging.METERED, D(10)))
    usage = (*model.usage[:2], Usage("m2", "b1", D(6)), Usage("m3", "b1", D(4)))
    sq = project(_with(model, items=items, usage=usage)).status_quo
    assert sq.years[0].fees == {"m1": D("750.00"), "m2": D("1450.00"), "m3": D("800.00")}
