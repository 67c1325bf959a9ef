"""The pure rules: the carry-forward window of ADR 0017 against the costing engine's own check and spread, and the
actuals builder (conservation of the actual costs to the cent; the variances add up)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verbund.closing.engine import actual_figures, carry_allowed, carry_first_years, carry_problem
from verbund.costing import engine

D = Decimal


def small_model(carry: tuple[engine.CarryForward, ...] = (), year: int = 2027, window: int = 3) -> engine.CostingModel:
    return engine.CostingModel(
        year=year,
        cost_centres=(
            engine.CostCentre("RZ", "RZ", engine.CentreKind.SUPPORT),
            engine.CostCentre("AP", "AP", engine.CentreKind.END),
            engine.CostCentre("FV", "FV", engine.CentreKind.END),
        ),
        cost_types=(engine.CostType("P", "P", D("0.2")), engine.CostType("S", "S", D("0.5"))),
        primary_costs=(
            engine.PrimaryCost("RZ", "P", D("1000.00")),
            engine.PrimaryCost("AP", "P", D("2000.00")),
            engine.PrimaryCost("FV", "S", D("500.00")),
        ),
        service_quantities=(engine.ServiceQuantity("RZ", "AP", D(3)), engine.ServiceQuantity("RZ", "FV", D(1))),
        products=(
            engine.Product("A", "A", engine.Charging.METERED, planned_quantity=D(100)),
            engine.Product("B", "B", engine.Charging.SHARED),
        ),
        product_mappings=(engine.ProductMapping("AP", "A"), engine.ProductMapping("FV", "B")),
        members=(engine.Member("1"), engine.Member("2")),
        subscriptions=(
            engine.Subscription("1", "A", D(40)),
            engine.Subscription("2", "A", D(60)),
            engine.Subscription("1", "B"),
            engine.Subscription("2", "B"),
        ),
        keys=(
            engine.AllocationKey(
                "B",
                (
                    engine.KeyComponent(
                        engine.KeyBasis.FIXED_SHARES, D(1), (engine.KeyValue("1", D(1)), engine.KeyValue("2", D(3)))
                    ),
                ),
            ),
        ),
        carry_forwards=carry,
        return_window_years=window,
    )


amounts = st.decimals(min_value=D("-5000.00"), max_value=D("1500.00"), places=2).filter(lambda a: a != 0)


@settings(max_examples=60, deadline=None)
@given(
    amount=amounts,
    years=st.integers(min_value=1, max_value=4),
    window=st.integers(min_value=2, max_value=5),
    first=st.integers(min_value=2021, max_value=2032),
)
def test_carry_window_agrees_with_the_costing_engine(amount, years, window, first):
    """A carry-forward the rule allows is one the costing engine accepts, and it appears in the plans of its
    years only, adding up to its amount; over-recoveries after the return window are refused by both."""
    from_year = 2020
    carry = engine.CarryForward("A", amount, from_year, years=years, first_year=first)
    allowed = carry_allowed(from_year, amount, first, years, window)
    shares = {}
    refused_by_engine = False
    for plan_year in range(2021, 2040):
        try:
            result = engine.calculate(small_model((carry,), year=plan_year, window=window))
        except engine.CostingError:
            refused_by_engine = True
            break
        shares[plan_year] = next(p.carry_forward for p in result.products if p.product == "A")
    if allowed:
        assert not refused_by_engine
        assert {y for y, s in shares.items() if s != 0} <= set(range(first, first + years))
        assert sum(shares.values()) == amount
    else:
        # Refused by the rule: either the engine refuses too (too late), or it starts before the results are final.
        assert refused_by_engine or first < from_year + 2


def test_carry_window_bounds():
    assert list(carry_first_years(2025, D(100), 1, 3)) == [2027, 2028]
    assert list(carry_first_years(2025, D(100), 2, 3)) == [2027]
    assert list(carry_first_years(2025, D(100), 3, 3)) == []
    assert carry_problem(2025, D(100), 2026, 1, 3).code == "too_early"
    assert carry_problem(2025, D(100), 2029, 1, 3).code == "too_late"
    assert carry_problem(2025, D(-100), 2040, 1, 3) is None  # under-recoveries have no deadline
    assert carry_problem(2025, D(0), 2027, 1, 3).code == "zero"


usage_values = st.dictionaries(
    st.sampled_from([("1", "A"), ("2", "A")]), st.decimals(min_value=0, max_value=500, places=2), max_size=2
)
cost_values = st.lists(st.decimals(min_value=0, max_value=100000, places=2), min_size=3, max_size=3)


@settings(max_examples=40, deadline=None)
@given(
    usage=usage_values,
    costs=cost_values,
    indices=st.lists(st.decimals(min_value=D("0.8"), max_value=D("1.3"), places=2), min_size=2, max_size=2),
)
def test_post_calculation_conserves_costs_and_variances_add_up(usage, costs, indices):
    model = small_model()
    model = actual_figures(
        model,
        costs=(
            engine.PrimaryCost("RZ", "P", costs[0]),
            engine.PrimaryCost("AP", "S", costs[1]),
            engine.PrimaryCost("FV", "P", costs[2]),
        ),
        flows=None,
        usage=usage,
    )
    from dataclasses import replace

    assert model.actuals is not None
    model = replace(
        model,
        actuals=replace(
            model.actuals,
            price_indices=(engine.PriceIndex("P", indices[0]), engine.PriceIndex("S", indices[1])),
        ),
    )
    variance = engine.calculate(model).variance
    assert variance is not None
    # Conservation: the actual costs reach the products to the cent.
    assert sum(p.actual_cost for p in variance.products) == sum(costs)
    for p in variance.products:
        assert p.price_variance + p.efficiency_variance + p.volume_variance == p.total_variance
        assert p.total_variance == p.actual_cost - p.credited_cost
        members = [m for m in variance.members if m.product == p.product]
        if members:
            assert sum(m.over_under_recovery for m in members) == p.over_under_recovery


def test_usage_replaces_subscriptions_and_absent_subscribers_used_nothing():
    model = actual_figures(small_model(), costs=(), flows=None, usage={("2", "A"): D(70)})
    assert model.actuals is not None
    assert {(s.member, s.quantity) for s in model.actuals.member_quantities} == {("1", D(0)), ("2", D(70))}


def test_without_usage_the_contract_folder_quantities_hold():
    model = actual_figures(small_model(), costs=(), flows=None, usage={})
    assert model.actuals is not None
    assert {(s.member, s.quantity) for s in model.actuals.member_quantities} == {("1", D(40)), ("2", D(60))}


@pytest.mark.parametrize("flows", [None, (engine.ServiceQuantity("RZ", "AP", D(1)),)])
def test_actual_flows_are_passed_on(flows):
    model = actual_figures(small_model(), costs=(), flows=flows, usage={})
    assert model.actuals is not None
    assert model.actuals.service_quantities == flows
