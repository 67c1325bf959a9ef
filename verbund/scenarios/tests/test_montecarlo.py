"""The factored Monte Carlo and the cached projection: a drawn point equals the deterministic projection under the
same values, Latin hypercube strata, and the projection's costing cache changes no fee."""

import gc
from dataclasses import replace
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.core.money import round_money
from verbund.costing import engine as costing
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
from verbund.scenarios.engine import projection as projection_module
from verbund.scenarios.engine.inputs import CategorySynergy
from verbund.scenarios.engine.model_json import coalition_savings
from verbund.scenarios.engine.montecarlo import _ranges, _triangular, latin_hypercube, simulate
from verbund.scenarios.engine.projection import (
    Values,
    entity_fees,
    gc_paused,
    likely_values,
    project_scenario,
    status_quo,
)
from verbund.scenarios.engine.rules import vat_rate
from verbund.scenarios.engine.shapley import shapley

FORMS = (LegalForm.OWN_UNIT, LegalForm.ASSOCIATION, LegalForm.AOR, LegalForm.GMBH)


def _model(costs, forms, move_years, *, end=2030, amortisation=2, ramp=2, spread=True):
    """Three providers with two items each (one metered, one shared, two categories), four members, a new entity
    taking the items in the given years (None: the item stays)."""
    providers = tuple(
        Entity(f"P{k}", f"P{k}", FORMS[form], host="m0", section_2b=False)
        if FORMS[form] == LegalForm.OWN_UNIT
        else Entity(f"P{k}", f"P{k}", FORMS[form])
        for k, form in enumerate(forms)
    )
    items, usage = [], []
    for k, cost in enumerate(costs):
        metered = k % 2 == 0
        item = Item(
            f"i{k}",
            f"P{k // 2}",
            f"t{k}",
            ("infra", "proc")[k % 2],
            D(cost),
            Charging.METERED if metered else Charging.SHARED,
            D(10) if metered else None,
        )
        items.append(item)
        for m in range(4):
            if (m + k) % 3:
                usage.append(Usage(f"m{m}", item.id, D(m + 1) if metered else None, D(100 * (m + 1))))

    def r(low, likely, high):
        return Range(D(low), D(likely), D(high)) if spread else Range.fixed(likely)

    assumptions = Assumptions(
        synergy=r("0.05", "0.1", "0.2"),
        synergy_by_category=(CategorySynergy("proc", r("0.1", "0.2", "0.3")),),
        ramp_years=ramp,
        migration=r("0.2", "0.3", "0.6"),
        double_running_months=r(3, 6, 12),
        price_index=r("0.01", "0.02", "0.04"),
        discount_rate=r("0.02", "0.03", "0.05"),
        amortisation_years=amortisation,
    )
    moves = tuple(Move(f"i{k}", "N", year) for k, year in enumerate(move_years) if year is not None)
    nucleus = Entity("N", "Nucleus", LegalForm.GMBH, overhead=D(700))
    return ScenarioModel(
        2025,
        2026,
        end,
        providers,
        tuple(items),
        tuple(usage),
        (Scenario("s", "Nucleus", (nucleus,), moves, assumptions),),
    )


def _drawn_values(model, seed):
    """The first Latin hypercube draw of `simulate(model, "s", draws=1, seed=seed)` as exact Decimal values."""
    ranges = _ranges(model.scenarios[0])
    u = latin_hypercube(1, len(ranges), np.random.default_rng(seed))
    drawn = {name: D(float(_triangular(u[:, j], r)[0])) for j, (name, r) in enumerate(ranges)}
    by_category = {name.split(":", 1)[1]: v for name, v in drawn.items() if name.startswith("synergy:")}
    return Values(
        drawn["synergy"],
        by_category,
        drawn["migration"],
        drawn["double_running_months"],
        drawn["price_index"],
        drawn["discount_rate"],
    )


years = st.one_of(st.none(), st.integers(2026, 2030))


@settings(max_examples=25, deadline=None)
@given(
    costs=st.lists(st.integers(1_000, 90_000), min_size=6, max_size=6),
    forms=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    move_years=st.lists(years, min_size=6, max_size=6),
    amortisation=st.integers(1, 6),
    ramp=st.integers(1, 4),
    seed=st.integers(0, 10_000),
)
def test_one_draw_equals_the_projection_under_the_drawn_values(costs, forms, move_years, amortisation, ramp, seed):
    """The factored evaluation (draws × factors) @ (factors × members) gives, for a drawn point, the costs, savings
    and final-year fee change that the deterministic projection gives under exactly those values."""
    model = _model(costs, forms, move_years, amortisation=amortisation, ramp=ramp)
    scenario = model.scenarios[0]
    values = _drawn_values(model, seed)
    s = project_scenario(model, scenario, values)
    q = project_scenario(model, status_quo(model, scenario), values)
    risk = simulate(model, "s", draws=1, seed=seed)
    for k, year in enumerate(s.years):
        assert abs(risk.cost_percentiles["p50"][k] - year.total) <= 1
    assert abs(risk.savings_percentiles["p50"] - (q.npv - s.npv)) <= 2
    last, before = s.years[-1].fees, q.years[-1].fees
    assert set(risk.member_change) == {m for m in last if before.get(m)}
    for member, (p10, p50, p90) in risk.member_change.items():
        assert p10 == p50 == p90
        exact = (last[member] - before[member]) / before[member]
        assert abs(D(str(p50)) - exact) < D("0.0002")


@pytest.mark.parametrize("form", FORMS)
def test_monte_carlo_with_zero_spread_equals_the_projection_for_every_legal_form(form):
    # the nucleus is `form`; an own unit without § 2b taxes every member but its host city m0
    model = _model([1000, 2000, 3000, 4000, 5000, 6000], [0, 1, 3], [2027, 2028, None, 2030, 2029, 2030], spread=False)
    own = form == LegalForm.OWN_UNIT
    nucleus = Entity("N", "Nucleus", form, host="m0" if own else "", overhead=D(700), section_2b=not own)
    model = replace(model, scenarios=(replace(model.scenarios[0], entities=(nucleus,)),))
    result = project(model)
    s, q = result.scenarios[0], result.status_quo
    risk = simulate(model, "s", draws=50, seed=3)
    for k, year in enumerate(s.years):
        assert risk.cost_percentiles["p10"][k] == risk.cost_percentiles["p90"][k]
        assert abs(risk.cost_percentiles["p50"][k] - year.total) <= 1
    assert abs(risk.savings_percentiles["p50"] - s.savings) <= 2
    for member, (p10, p50, p90) in risk.member_change.items():
        before, after = q.years[-1].fees[member], s.years[-1].fees[member]
        assert p10 == p50 == p90
        assert abs(D(str(p50)) - (after - before) / before) < D("0.0002")


@settings(max_examples=30, deadline=None)
@given(draws=st.integers(1, 400), dims=st.integers(1, 8), seed=st.integers(0, 2**32 - 1))
def test_latin_hypercube_puts_one_point_in_every_stratum(draws, dims, seed):
    u = latin_hypercube(draws, dims, np.random.default_rng(seed))
    assert u.shape == (draws, dims)
    assert ((u >= 0) & (u < 1)).all()
    for j in range(dims):
        assert sorted(np.floor(u[:, j] * draws).astype(int)) == list(range(draws))


def test_the_monte_carlo_is_seeded_latin_hypercube():
    model = _model([1000, 2000, 3000, 4000, 5000, 6000], [1, 2, 3], [2027, 2027, 2028, 2028, 2029, 2029])
    first = simulate(model, "s", draws=200, seed=7)
    assert first == simulate(model, "s", draws=200, seed=7)
    assert first != simulate(model, "s", draws=200, seed=8)


@settings(max_examples=20, deadline=None)
@given(
    costs=st.lists(st.integers(1_000, 90_000), min_size=6, max_size=6),
    forms=st.lists(st.integers(0, 3), min_size=3, max_size=3),
    move_years=st.lists(years, min_size=6, max_size=6),
    price=st.sampled_from(["0", "0.02"]),
)
def test_the_projection_cache_changes_no_fee(costs, forms, move_years, price):
    """Fees computed once per distinct entity input (shared across years and scenarios) equal the costing
    engine's fees computed afresh for every entity and year."""
    model = _model(costs, forms, move_years, spread=False)
    scenario = model.scenarios[0]
    scenario = replace(scenario, assumptions=replace(scenario.assumptions, price_index=Range.fixed(price)))
    model = replace(model, scenarios=(scenario,))
    result = project(model)
    for projected, like in ((result.status_quo, status_quo(model, scenario)), (result.scenarios[0], scenario)):
        for year in projected.years:
            _rows, fresh, entities = entity_fees(model, like, likely_values(like.assumptions), year.year)
            expected: dict[str, D] = {}
            for entity_id, costing_result in fresh.items():
                for member, amount in dict(costing_result.fees.by_member).items():
                    rate = vat_rate(entities[entity_id], member, like.assumptions.vat_rate)
                    expected[member] = expected.get(member, D(0)) + amount + round_money(amount * rate)
            assert year.fees == expected


def test_an_entity_with_the_same_input_in_every_year_is_costed_once(monkeypatch):
    model = _model([1000, 2000, 3000, 4000, 5000, 6000], [1, 2, 3], [None] * 6, spread=False)
    calls = []
    original = costing.calculate
    monkeypatch.setattr(projection_module.costing, "calculate", lambda m: calls.append(m) or original(m))
    flat = Assumptions(price_index=Range.fixed(0), discount_rate=model.scenarios[0].assumptions.discount_rate)
    model = replace(model, scenarios=(Scenario("s", "Same", (), (), flat),))
    result = project(model)
    assert len(calls) == 3  # three providers, five years, status quo and scenario: one costing run each
    assert len(result.status_quo.years) == 5
    assert result.scenarios[0].years[-1].fees == result.status_quo.years[0].fees


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_shapley_with_the_shared_costing_cache_equals_fresh_projections():
    model = _model([1000, 2000, 3000, 4000, 5000, 6000], [0, 2, 3], [2027, 2028, None, 2030, 2029, 2030], spread=False)
    scenario = model.scenarios[0]
    provider_of = {i.id: i.provider for i in model.items}
    base = project_scenario(model, status_quo(model, scenario)).npv

    def value(coalition):
        moves = tuple(m for m in scenario.moves if provider_of[m.item] in coalition)
        return base - project_scenario(model, replace(scenario, moves=moves)).npv if coalition else D(0)

    expected = shapley(tuple(p.id for p in model.providers), value)
    split, _blocking = coalition_savings(model, scenario)
    assert split == {p: str(round_money(v)) for p, v in expected.items()}
