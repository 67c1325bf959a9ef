"""Property tests (hypothesis): conservation, cost recovery, member-order invariance, method agreement."""

import random
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.costing.engine import (
    AllocationKey,
    AllocationSettings,
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
)
from verbund.costing.engine.allocation import allocate_exact

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WEIGHTS = [("1",), ("0.5", "0.5"), ("0.3", "0.7"), ("0.25", "0.75"), ("0.2", "0.3", "0.5")]
RATE_TOLERANCE = Decimal("0.00005")  # half a unit of the 4th decimal of the rate


def amount(draw) -> Decimal:
    return Decimal(draw(st.integers(0, 10**9))).scaleb(-2)


@st.composite
def models(draw, mutual: bool = True) -> CostingModel:
    supports = [f"S{n}" for n in range(draw(st.integers(1, 4)))]
    ends = [f"E{n}" for n in range(draw(st.integers(1, 4)))]
    centres = tuple(CostCentre(c, c, CentreKind.SUPPORT) for c in supports) + tuple(
        CostCentre(c, c, CentreKind.END) for c in ends
    )
    types = (CostType("A", "A", Decimal("0.3")), CostType("B", "B"))
    costs = tuple(PrimaryCost(c.id, t.id, amount(draw)) for c in centres for t in types if draw(st.booleans()))
    services = []
    for support in supports:
        quantities = [draw(st.integers(0, 20)) for _ in ends]
        if not any(quantities):
            quantities[draw(st.integers(0, len(ends) - 1))] = draw(st.integers(1, 20))
        services += [ServiceQuantity(support, e, Decimal(q)) for e, q in zip(ends, quantities, strict=True) if q]
        if mutual:
            for other in supports:
                q = draw(st.integers(0, 20))
                if q:
                    services.append(ServiceQuantity(support, other, Decimal(q)))
    product_ids = [f"P{n}" for n in range(draw(st.integers(1, 4)))]
    mappings = []
    for end in ends:
        chosen = draw(st.lists(st.sampled_from(product_ids), min_size=1, max_size=3, unique=True))
        mappings += [ProductMapping(end, p, Decimal(draw(st.integers(1, 9)))) for p in chosen]
    member_ids = [f"{n:08d}" for n in draw(st.lists(st.integers(1, 99999999), min_size=1, max_size=6, unique=True))]
    products, subscriptions, keys = [], [], []
    for pid in product_ids:
        shared = draw(st.booleans())
        planned = Decimal(draw(st.integers(1, 10**5))).scaleb(-draw(st.integers(0, 2)))
        takers = draw(st.lists(st.sampled_from(member_ids), min_size=1, max_size=len(member_ids), unique=True))
        if shared:
            products.append(Product(pid, pid, Charging.SHARED, planned if draw(st.booleans()) else None))
            subscriptions += [Subscription(m, pid) for m in takers]
            weights = draw(st.sampled_from(WEIGHTS))
            components = []
            for basis, weight in zip(KeyBasis, weights, strict=False):
                values = [Decimal(draw(st.integers(0, 10**6))) for _ in takers]
                if not any(values):
                    values[0] = Decimal(1)
                components.append(
                    KeyComponent(
                        basis, Decimal(weight), tuple(KeyValue(m, v) for m, v in zip(takers, values, strict=True))
                    )
                )
            keys.append(AllocationKey(pid, tuple(components)))
        else:
            products.append(Product(pid, pid, Charging.METERED, planned))
            subscriptions += [Subscription(m, pid, Decimal(draw(st.integers(0, 500)))) for m in takers]
    order = tuple(draw(st.permutations(supports)))
    return CostingModel(
        year=2025,
        cost_centres=centres,
        cost_types=types,
        primary_costs=costs,
        service_quantities=tuple(services),
        products=tuple(products),
        product_mappings=tuple(mappings),
        allocation=AllocationSettings(Method.RECIPROCAL, order),
        members=tuple(Member(m) for m in member_ids),
        subscriptions=tuple(subscriptions),
        keys=tuple(keys),
    )


@SETTINGS
@given(models(), st.sampled_from(list(Method)))
def test_cost_is_conserved_to_the_cent_by_every_method(model, method):
    result = calculate(model, method=method)
    total = sum((c.amount for c in model.primary_costs), Decimal(0))
    assert result.allocation.total == total
    assert sum(result.allocation.end_totals.values()) == total
    assert sum(p.cost for p in result.products) == total
    for end, value in result.allocation.end_totals.items():  # each end total is within a cent of exact
        assert abs(value - result.allocation.end_exact[end]) < Decimal("0.01")


@SETTINGS
@given(models(), st.sampled_from(list(Method)))
def test_rates_recover_the_cost_and_shared_fees_add_up_exactly(model, method):
    result = calculate(model, method=method)
    for product in result.products:
        if product.rate is not None and product.planned_quantity:
            gap = abs(product.rate * product.planned_quantity - product.net_cost)
            assert gap <= product.planned_quantity * RATE_TOLERANCE, product.product
        if product.charging == Charging.SHARED:
            assert result.fees.by_product[product.product] == product.net_cost
    assert sum(result.fees.by_member.values()) == sum(result.fees.by_product.values())


@SETTINGS
@given(models(), st.randoms(use_true_random=False))
def test_fees_do_not_depend_on_the_order_of_members(model, rnd: random.Random):
    def shuffled(items):
        items = list(items)
        rnd.shuffle(items)
        return tuple(items)

    keys = tuple(
        replace(key, components=tuple(replace(c, values=shuffled(c.values)) for c in key.components))
        for key in model.keys
    )
    other = replace(model, members=shuffled(model.members), subscriptions=shuffled(model.subscriptions), keys=keys)
    first = {(line.member, line.product): line.amount for line in calculate(model).fees.lines}
    second = {(line.member, line.product): line.amount for line in calculate(other).fees.lines}
    assert first == second


@SETTINGS
@given(models(mutual=False))
def test_without_mutual_services_step_down_equals_reciprocal_equals_direct(model):
    results = {}
    for method in Method:
        prepared = prepare(model, method=method)
        results[method] = run_allocation(prepared)
        exact = allocate_exact(prepared.index.network, prepared.index.primary, method, prepared.order)
        for end, value in exact.end_exact.items():
            assert abs(value - results[Method.DIRECT].end_exact[end]) < Decimal("1E-12")
    assert results[Method.STEP_DOWN].end_totals == results[Method.RECIPROCAL].end_totals
    assert results[Method.RECIPROCAL].end_totals == results[Method.DIRECT].end_totals
