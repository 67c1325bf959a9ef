"""Plan vs actual (Nachkalkulation) with flexible full-cost plan costing (flexible Plankostenrechnung).

Per product, with B = quantity (plan/actual) and K = cost:

- K_plan, split into K_fix and K_var by the cost types' variable shares (allocated like the costs themselves);
- K_verr = K_plan ÷ B_plan × B_ist   (verrechnete Plankosten, credited at the full-cost plan rate)
- K_soll = K_fix + K_var ÷ B_plan × B_ist   (Sollkosten)
- K_ist: the actual costs, allocated with the same method; K_ist(plan prices): each actual cost ÷ its cost
  type's price index, allocated the same way
- price variance = K_ist − K_ist(plan prices); efficiency (Verbrauch) = K_ist(plan prices) − K_soll;
  volume (Beschäftigung) = K_soll − K_verr; the three add up to K_ist − K_verr. Positive = unfavourable.
- Products without a planned quantity (shared only) have no volume basis: K_verr = K_soll = K_plan.

Over-/under-recovery: revenue at the plan rate for the actual quantities (shared products: the planned fees)
minus (K_ist − carry-forward settled in the year). This is the new carry-forward (+ over, − under). Per member
it is the member's revenue minus its part of (K_ist − carry-forward), split by actual quantities (metered) or the
key shares (shared) with the largest remainder method, so the members' figures add up to the product's.
"""

from decimal import Decimal

from verbund.core.money import round_money
from verbund.core.steps import Step

from .actuals import ActualsIndex
from .allocation import allocate, allocate_exact
from .inputs import Charging, Method
from .keys import member_shares
from .rates import products_exact, split_to_products
from .results import FeeResult, MemberVariance, ProductResult, ProductVariance, VarianceResult
from .rounding import ZERO, largest_remainder, round_rate
from .validation import Index


def ratio_of(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """round(amount × part ÷ whole): a rounded figure carved out of a rounded total in proportion."""
    return ZERO if whole == ZERO else round_money(amount * part / whole)


def compare_actuals(
    index: Index,
    actuals: ActualsIndex,
    method: Method,
    order: tuple[str, ...],
    products: tuple[ProductResult, ...],
    fees: FeeResult,
) -> VarianceResult:
    allocation = allocate(actuals.network, actuals.primary, method, order, index.centres, path="actuals")
    actual_costs, _ = split_to_products(index.mappings, allocation.end_totals)
    actual_exact = products_exact(index.mappings, allocation.end_exact)
    variable = {c: ZERO for c in index.centres}
    for (centre, cost_type), amount in index.primary_by_type.items():
        variable[centre] += amount * index.cost_types[cost_type].variable_share
    plan_total = {c: index.primary[c] for c in index.centres}
    at_plan_prices = {c: ZERO for c in index.centres}
    for (centre, cost_type), amount in actuals.primary_by_type.items():
        at_plan_prices[centre] += amount / actuals.price_index[cost_type]

    def exact_products(network_primary: dict[str, Decimal], actual: bool) -> dict[str, Decimal]:
        network = actuals.network if actual else index.network
        end = allocate_exact(network, network_primary, method, order).end_exact
        return products_exact(index.mappings, end)

    variable_exact = exact_products(variable, actual=False)
    plan_exact = exact_products(plan_total, actual=False)
    plan_prices_exact = exact_products(at_plan_prices, actual=True)

    results = []
    member_results: list[MemberVariance] = []
    fee_lines = {(line.product, line.member): line.amount for line in fees.lines}
    for product in products:
        pid = product.product
        actual_cost = sum(actual_costs.get(pid, {}).values(), ZERO)
        plan_variable = ratio_of(product.cost, variable_exact.get(pid, ZERO), plan_exact.get(pid, ZERO))
        plan_fixed = product.cost - plan_variable
        at_plan = ratio_of(actual_cost, plan_prices_exact.get(pid, ZERO), actual_exact.get(pid, ZERO))
        planned, actual_quantity = product.planned_quantity, actuals.quantities.get(pid)
        trace = [
            Step(
                "variance.plan_cost",
                {"product": pid, "cost": product.cost, "fixed": plan_fixed, "variable": plan_variable},
            ),
            Step("variance.actual_cost", {"cost": actual_cost, "at_plan": at_plan}),
        ]
        if planned is None or planned == ZERO or actual_quantity is None:
            credited = target = product.cost
            trace.append(Step("variance.no_quantity", {}))
        else:
            credited = round_money(product.cost * actual_quantity / planned)
            target = round_money(plan_fixed + plan_variable * actual_quantity / planned)
            args = {"cost": product.cost, "planned": planned, "actual": actual_quantity, "credited": credited}
            args |= {"fixed": plan_fixed, "variable": plan_variable, "target": target}
            trace.append(Step("variance.credited", args))
        price, efficiency, volume = actual_cost - at_plan, at_plan - target, target - credited
        trace.append(
            Step(
                "variance.split",
                {"price": price, "efficiency": efficiency, "volume": volume, "total": actual_cost - credited},
            )
        )
        actual_rate = round_rate(actual_cost / actual_quantity) if actual_quantity else None
        to_recover = actual_cost - product.carry_forward
        members, revenue = member_variances(index, actuals, product, fees, fee_lines, to_recover, trace)
        over_under = revenue - to_recover
        trace.append(
            Step(
                "variance.over" if over_under >= ZERO else "variance.under",
                {"revenue": revenue, "cost": actual_cost, "carry": product.carry_forward, "result": over_under},
            )
        )
        member_results.extend(members)
        results.append(
            ProductVariance(
                pid,
                planned,
                actual_quantity,
                product.cost,
                plan_fixed,
                plan_variable,
                credited,
                target,
                actual_cost,
                at_plan,
                price,
                efficiency,
                volume,
                actual_cost - credited,
                product.rate,
                actual_rate,
                revenue,
                product.carry_forward,
                revenue - actual_cost,
                over_under,
                tuple(trace),
            )
        )
    by_member: dict[str, Decimal] = {}
    for item in member_results:
        by_member[item.member] = by_member.get(item.member, ZERO) + item.over_under_recovery
    summary = (
        Step(
            "variance.summary",
            {"total": allocation.total, "result": sum((r.over_under_recovery for r in results), ZERO)},
        ),
    )
    return VarianceResult(allocation, tuple(results), tuple(member_results), by_member, summary)


def member_variances(
    index: Index,
    actuals: ActualsIndex,
    product: ProductResult,
    fees: FeeResult,
    fee_lines: dict[tuple[str, str], Decimal],
    to_recover: Decimal,
    trace: list[Step],
) -> tuple[list[MemberVariance], Decimal]:
    """Per-member revenue and over-/under-recovery, and the product's revenue."""
    pid = product.product
    if product.charging == Charging.SHARED:
        members = sorted(index.subscriptions[pid])
        revenue = fees.by_product[pid]
        if not members:
            return [], revenue
        shares = {m: s for m, (s, _) in member_shares(index.keys[pid], members).items()}
        weights: dict[str, Decimal] = shares
        quantities: dict[str, Decimal | None] = dict.fromkeys(members)
        revenues = {m: fee_lines[(pid, m)] for m in members}
        basis = "variance.members_by_key"
    else:
        rate = product.rate or ZERO
        usage = actuals.member_quantities.get(pid)
        if usage is None:
            actual_quantity = actuals.quantities.get(pid, ZERO)
            trace.append(Step("variance.no_member_quantities", {"rate": rate, "quantity": actual_quantity}))
            return [], round_money(rate * actual_quantity)
        members = sorted(usage)
        weights = {m: usage[m] for m in members}
        quantities = {m: usage[m] for m in members}
        revenues = {m: round_money(usage[m] * rate) for m in members}
        revenue = sum(revenues.values(), ZERO)
        basis = "variance.members_by_quantity"
        spread = sum(weights.values(), ZERO)
        if spread == ZERO:
            trace.append(Step("variance.member_quantities_zero", {}))
            return [], revenue
        weights = {m: w / spread for m, w in weights.items()}
    split = largest_remainder(((m, to_recover * weights[m]) for m in members), to_recover, path=f"actuals[{pid}]")
    rate = product.rate or ZERO
    amounts = split.amounts
    result = [
        MemberVariance(
            member,
            pid,
            quantities[member],
            revenues[member],
            amounts[member],
            revenues[member] - amounts[member],
            rate if quantities[member] is not None else None,
        )
        for member in members
    ]
    trace.append(Step(basis, {"cost": to_recover}))
    return result, revenue
