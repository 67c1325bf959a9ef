"""Unit rates, carry-forwards, fees per member (metered and by key) and plan vs actual."""

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from verbund.costing.engine import (
    AllocationKey,
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
    PrimaryCost,
    Product,
    ProductMapping,
    Subscription,
    calculate,
    load_model,
)
from verbund.costing.engine.explain import explain
from verbund.costing.engine.inputs import ActualQuantity, Actuals, PriceIndex

FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal


def fixture(name):
    with (FIXTURES / name).open(encoding="utf-8") as stream:
        return json.load(stream, parse_float=Decimal)


def one_product(cost: str, *, charging=Charging.METERED, planned="1000", **extra) -> CostingModel:
    """One end centre, one product, no support centres."""
    return CostingModel(
        year=2025,
        cost_centres=(CostCentre("E", "Endkostenstelle", CentreKind.END),),
        cost_types=(CostType("K", "Kosten", D("0.4")),),
        primary_costs=(PrimaryCost("E", "K", D(cost)),),
        service_quantities=(),
        products=(Product("P", "Produkt", charging, None if planned is None else D(planned)),),
        product_mappings=(ProductMapping("E", "P"),),
        **extra,
    )


def test_rate_is_plan_cost_less_carry_forward_over_planned_quantity():
    result = calculate(load_model(fixture("verbund-small.json")))
    products = {p.product: p for p in result.products}
    ap = products["AP-100"]
    # 3,000.00 over-recovery from 2023, returned over 2025–2026: 1,500.00 in 2025.
    assert ap.carry_forward == D("1500.00")
    assert ap.net_cost == ap.cost - D("1500.00")
    assert ap.rate == (ap.net_cost / D(1500)).quantize(D("0.0001"))
    tk = products["TK-300"]
    assert tk.carry_forward == D("-1200.00")  # under-recovery: recovered on top
    assert tk.net_cost == tk.cost + D("1200.00")
    assert products["FV-200"].rate is None  # shared, no planned quantity
    assert any("4 decimals" in line for line in explain(ap.trace))


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, "0.00"), (2025, "33.34"), (2026, "33.33"), (2027, "33.33"), (2028, "0.00")],
)
def test_carry_forward_is_spread_over_its_years_to_the_cent(year, expected):
    carry = CarryForward("P", D("100.00"), from_year=2023, years=3, first_year=2025)
    model = one_product("1000.00", carry_forwards=(carry,), return_window_years=4)
    product = calculate(replace(model, year=year)).products[0]
    assert product.carry_forward == D(expected)


def test_carry_forward_default_enters_two_years_later():
    carry = CarryForward("P", D("-50.00"), from_year=2023)
    assert calculate(one_product("1000.00", carry_forwards=(carry,))).products[0].carry_forward == D("-50.00")


def test_metered_fee_is_quantity_times_rate_rounded_to_the_cent():
    model = one_product(
        "1000.00",
        planned="3",
        members=(Member("A"), Member("B")),
        subscriptions=(Subscription("A", "P", D("1")), Subscription("B", "P", D("2"))),
    )
    result = calculate(model)
    assert result.products[0].rate == D("333.3333")
    fees = {line.member: line.amount for line in result.fees.lines}
    assert fees == {"A": D("333.33"), "B": D("666.67")}
    assert explain(result.fees.lines[1].trace) == ("B × P: 2 × 333.3333 = 666.6666 → 666.67 (rounded to the cent)",)


def test_shared_fees_by_weighted_key_sum_exactly_to_the_cost():
    members = ("C", "A", "B")
    key = AllocationKey(
        "P",
        (
            KeyComponent(
                KeyBasis.INHABITANTS,
                D("0.5"),
                tuple(KeyValue(m, D(v)) for m, v in zip(members, (1, 1, 1), strict=True)),
            ),
            KeyComponent(
                KeyBasis.WORKSTATIONS,
                D("0.5"),
                tuple(KeyValue(m, D(v)) for m, v in zip(members, (1, 1, 1), strict=True)),
            ),
        ),
    )
    model = one_product(
        "100.00",
        charging=Charging.SHARED,
        planned=None,
        members=tuple(Member(m) for m in members),
        subscriptions=tuple(Subscription(m, "P") for m in members),
        keys=(key,),
    )
    result = calculate(model)
    fees = {line.member: line.amount for line in result.fees.lines}
    assert fees == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}  # the tie goes to the smallest id
    assert result.fees.by_product["P"] == D("100.00")
    line = next(line for line in result.fees.lines if line.member == "A")
    assert line.bumped
    text = explain(line.trace)
    assert "inhabitants 0.5 × 1/3 + workstations 0.5 × 1/3 = 0.333333" in text[0]
    assert "(+0.01 by the largest remainder rule)" in text[1]


def test_fixed_shares_key_and_fee_totals_per_member():
    result = calculate(load_model(fixture("verbund-small.json")))
    fv210 = {line.member: line for line in result.fees.lines if line.product == "FV-210"}
    net = next(p.net_cost for p in result.products if p.product == "FV-210")
    assert sum(line.amount for line in fv210.values()) == net
    # inhabitants only: Münster 320,946 of 394,516
    assert abs(fv210["05515000"].amount - net * D(320946) / D(394516)) < D("0.01")
    for member_id, total in result.fees.by_member.items():
        assert total == sum(line.amount for line in result.fees.lines if line.member == member_id)


def test_plan_vs_actual_flexible_plan_costing_by_hand():
    """K_plan 10,000 (40 % variable), B_plan 1,000, B_ist 800, K_ist 9,500 with prices 5 % up."""
    actuals = Actuals(
        costs=(PrimaryCost("E", "K", D("9500.00")),),
        quantities=(ActualQuantity("P", D("800")),),
        price_indices=(PriceIndex("K", D("1.05")),),
    )
    result = calculate(one_product("10000.00", actuals=actuals))
    assert result.variance is not None
    v = result.variance.products[0]
    assert v.credited_cost == D("8000.00")  # 10,000 / 1,000 × 800
    assert v.target_cost == D("9200.00")  # 6,000 + 4,000 / 1,000 × 800
    assert v.actual_cost_at_plan_prices == D("9047.62")  # 9,500 / 1.05
    assert v.price_variance == D("452.38")
    assert v.efficiency_variance == D("-152.38")
    assert v.volume_variance == D("1200.00")
    assert v.total_variance == D("1500.00") == v.price_variance + v.efficiency_variance + v.volume_variance
    assert v.plan_rate == D("10.0000")
    assert v.actual_rate == D("11.8750")
    assert v.revenue == D("8000.00")
    assert v.over_under_recovery == D("-1500.00")  # under-recovery, to be recovered later


def test_plan_vs_actual_members_add_up_to_the_product():
    result = calculate(load_model(fixture("verbund-small.json")))
    assert result.variance is not None
    for product in result.variance.products:
        members = [m for m in result.variance.members if m.product == product.product]
        assert members
        assert sum(m.over_under_recovery for m in members) == product.over_under_recovery
        assert product.price_variance + product.efficiency_variance + product.volume_variance == product.total_variance
        assert product.revenue_minus_cost == product.revenue - product.actual_cost
    assert sum(result.variance.allocation.end_totals.values()) == D("1117000.00")


def test_plan_equal_to_actual_gives_no_variance():
    data = fixture("verbund-small.json")
    data["actuals"] = {
        "primary_costs": data["primary_costs"],
        "quantities": {"FV-210": "420000"},
        "member_quantities": {m["id"]: m["quantities"] for m in data["members"]},
    }
    result = calculate(load_model(data))
    assert result.variance is not None
    for product in result.variance.products:
        assert product.total_variance == product.price_variance == product.volume_variance == D("0.00")
        plan = next(p for p in result.products if p.product == product.product)
        # what is left is the cents of the fee rounding (metered) or nothing (shared)
        assert product.over_under_recovery == result.fees.by_product[product.product] - plan.net_cost
