"""`result_to_json`: a `CostingResult` as plain JSON data; amounts, rates and quantities as decimal strings."""

from decimal import Decimal
from typing import Any

from verbund.core.money import round_even, round_money
from verbund.core.steps import steps_json

from .results import AllocationResult, CostingResult, FeeLine, ProductResult, VarianceResult

# /2: the traces are structured steps ({"code", "args"}) instead of English lines (ADR 0025).
RESULT_FORMAT = "verbund-costing-result/2"
SHARE_DIGITS = Decimal("1E-12")


def dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def allocation_json(result: AllocationResult, trace: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "method": result.method.value,
        "order": list(result.order),
        "total": dec(result.total),
        "support_centres": {
            centre: {"primary": dec(result.primary[centre]), "gross": dec(round_money(gross))}
            for centre, gross in result.gross.items()
        },
        "end_centres": {
            centre: {"primary": dec(result.primary[centre]), "total": dec(total)}
            for centre, total in result.end_totals.items()
        },
        "flows": [
            {
                "from": f.provider,
                "to": f.receiver,
                "share": dec(round_even(f.share, SHARE_DIGITS).normalize()),
                "amount": dec(f.amount),
            }
            for f in result.flows
        ],
    }
    if trace:
        data["trace"] = steps_json(result.trace)
    return data


def product_json(result: ProductResult, fees_total: Decimal, trace: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": result.product,
        "charging": result.charging.value,
        "cost": dec(result.cost),
        "by_centre": {centre: dec(amount) for centre, amount in result.by_centre.items()},
        "carry_forward": dec(result.carry_forward),
        "cost_to_recover": dec(result.net_cost),
        "planned_quantity": dec(result.planned_quantity),
        "rate": dec(result.rate),
        "planned_fees": dec(fees_total),
    }
    if trace:
        data["trace"] = steps_json(result.trace)
    return data


def fee_json(line: FeeLine, trace: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"member": line.member, "product": line.product, "amount": dec(line.amount)}
    if line.quantity is not None:
        data["quantity"] = dec(line.quantity)
        data["rate"] = dec(line.rate)
    if line.share is not None:
        data["share"] = dec(round_even(line.share, SHARE_DIGITS).normalize())
    if trace:
        data["trace"] = steps_json(line.trace)
    return data


def variance_json(result: VarianceResult, trace: bool) -> dict[str, Any]:
    products = []
    for item in result.products:
        row: dict[str, Any] = {
            "id": item.product,
            "planned_quantity": dec(item.planned_quantity),
            "actual_quantity": dec(item.actual_quantity),
            "plan_cost": dec(item.plan_cost),
            "plan_fixed": dec(item.plan_fixed),
            "plan_variable": dec(item.plan_variable),
            "credited_cost": dec(item.credited_cost),
            "target_cost": dec(item.target_cost),
            "actual_cost": dec(item.actual_cost),
            "actual_cost_at_plan_prices": dec(item.actual_cost_at_plan_prices),
            "price_variance": dec(item.price_variance),
            "efficiency_variance": dec(item.efficiency_variance),
            "volume_variance": dec(item.volume_variance),
            "total_variance": dec(item.total_variance),
            "plan_rate": dec(item.plan_rate),
            "actual_rate": dec(item.actual_rate),
            "revenue": dec(item.revenue),
            "carry_forward": dec(item.carry_forward),
            "revenue_minus_cost": dec(item.revenue_minus_cost),
            "over_under_recovery": dec(item.over_under_recovery),
        }
        if trace:
            row["trace"] = steps_json(item.trace)
        products.append(row)
    members = []
    for member in result.members:
        row = {
            "member": member.member,
            "product": member.product,
            "quantity": dec(member.quantity),
            "revenue": dec(member.revenue),
            "cost_share": dec(member.cost_share),
            "over_under_recovery": dec(member.over_under_recovery),
        }
        if trace:
            row["trace"] = steps_json(member.trace)
        members.append(row)
    data: dict[str, Any] = {
        "allocation": allocation_json(result.allocation, trace),
        "products": products,
        "members": members,
        "by_member": {member: dec(amount) for member, amount in result.by_member.items()},
    }
    if trace:
        data["trace"] = steps_json(result.trace)
    return data


def result_to_json(result: CostingResult, *, trace: bool = True) -> dict[str, Any]:
    """The result as JSON-ready data (dicts, lists, strings); `trace=False` leaves the explanations (steps) out."""
    data: dict[str, Any] = {
        "format": RESULT_FORMAT,
        "year": result.year,
        "allocation": allocation_json(result.allocation, trace),
        "products": [product_json(p, result.fees.by_product[p.product], trace) for p in result.products],
        "fees": [fee_json(line, trace) for line in result.fees.lines],
        "members": {member: dec(total) for member, total in result.fees.by_member.items()},
        "variance": None if result.variance is None else variance_json(result.variance, trace),
    }
    if trace:
        data["trace"] = steps_json([*result.trace, *result.fees.trace])
    return data
