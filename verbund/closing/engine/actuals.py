"""The engine's `Actuals` of a post-calculation from the actual figures of a closed year."""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

from verbund.costing.engine import (
    ActualQuantity,
    Actuals,
    Charging,
    CostingModel,
    PrimaryCost,
    ServiceQuantity,
    Subscription,
)

ZERO = Decimal(0)


def actual_figures(
    model: CostingModel,
    *,
    costs: Iterable[PrimaryCost],
    flows: Iterable[ServiceQuantity] | None,
    usage: Mapping[tuple[str, str], Decimal],
) -> CostingModel:
    """`model` (the plan as the costing engine reads it) with its `actuals`:

    - `costs`: the actual primary costs per cost centre and cost type;
    - `flows`: the actual service quantities between cost centres, or None where the plan's still hold;
    - `usage`: (member, product) → actual quantity of a metered product, the year's periods added up.

    A metered product with imported usage is settled on it (a subscriber without usage used nothing); one
    without is settled on the subscription quantities of the contract folder that the plan read. A shared
    product keeps its planned quantity (its fees follow the key, not a quantity).
    """
    by_product: dict[str, dict[str, Decimal]] = {}
    for (member, product_id), quantity in usage.items():
        taken = by_product.setdefault(product_id, {})
        taken[member] = taken.get(member, ZERO) + quantity
    subscribers: dict[str, dict[str, Decimal | None]] = {}
    for sub in model.subscriptions:
        subscribers.setdefault(sub.product, {})[sub.member] = sub.quantity
    member_quantities: list[Subscription] = []
    quantities: list[ActualQuantity] = []
    for product in model.products:
        if product.charging == Charging.METERED:
            used = by_product.get(product.id)
            if used is None:
                used = {m: q or ZERO for m, q in subscribers.get(product.id, {}).items()}
            else:
                used = {**dict.fromkeys(subscribers.get(product.id, {}), ZERO), **used}
            if used:
                member_quantities.extend(Subscription(m, product.id, used[m]) for m in sorted(used))
            else:
                quantities.append(ActualQuantity(product.id, ZERO))
        elif product.planned_quantity is not None:
            quantities.append(ActualQuantity(product.id, product.planned_quantity))
    actuals = Actuals(
        costs=tuple(costs),
        quantities=tuple(quantities),
        member_quantities=tuple(member_quantities),
        service_quantities=tuple(flows) if flows is not None else None,
    )
    return replace(model, actuals=actuals)
