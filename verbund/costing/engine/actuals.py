"""Checks the actuals of a plan year (Nachkalkulation input) and builds their look-up tables."""

from dataclasses import dataclass
from decimal import Decimal

from .errors import CostingError
from .inputs import Actuals, Charging, Method
from .rounding import ZERO, num
from .validation import Index, Network, build_network, check_costs, check_drains, non_negative


@dataclass(frozen=True, slots=True)
class ActualsIndex:
    primary: dict[str, Decimal]
    primary_by_type: dict[tuple[str, str], Decimal]
    network: Network
    price_index: dict[str, Decimal]  # per cost type, 1 where not given
    quantities: dict[str, Decimal]  # product → actual quantity B_ist (given or Σ member quantities)
    member_quantities: dict[str, dict[str, Decimal]]  # metered product → member → actual quantity


def check_actuals(index: Index, actuals: Actuals) -> ActualsIndex:
    primary, by_type = check_costs(actuals.costs, index.centres, index.cost_types, "actuals.costs")
    network = index.network
    if actuals.service_quantities is not None:
        network = build_network(actuals.service_quantities, index.centres, "actuals.service_quantities")
        if index.model.allocation.method == Method.RECIPROCAL:
            check_drains(network)
    price_index = dict.fromkeys(index.cost_types, Decimal(1))
    seen: set[str] = set()
    for item in actuals.price_indices:
        path = f"actuals.price_indices[{item.cost_type}]"
        if item.cost_type not in index.cost_types:
            raise CostingError(path, f"unknown cost type {item.cost_type!r}")
        if item.cost_type in seen:
            raise CostingError(path, "the price index is given twice")
        if not item.index.is_finite() or item.index <= ZERO:
            raise CostingError(path, f"a price index must be positive, not {item.index}")
        seen.add(item.cost_type)
        price_index[item.cost_type] = item.index
    quantities: dict[str, Decimal] = {}
    for quantity in actuals.quantities:
        path = f"actuals.quantities[{quantity.product}]"
        if quantity.product not in index.products:
            raise CostingError(path, f"unknown product {quantity.product!r}")
        if quantity.product in quantities:
            raise CostingError(path, "the actual quantity is given twice")
        non_negative(quantity.quantity, path, "an actual quantity")
        quantities[quantity.product] = quantity.quantity
    members = check_member_quantities(index, actuals)
    for product_id, usage in members.items():
        total = sum(usage.values(), ZERO)
        given = quantities.setdefault(product_id, total)
        if given != total:
            raise CostingError(
                f"actuals.quantities[{product_id}]",
                f"the actual quantity {num(given)} differs from the sum of the members' actual quantities {num(total)}",
            )
    for product in index.model.products:
        if product.planned_quantity is not None and product.id not in quantities:
            raise CostingError(f"actuals.quantities[{product.id}]", f"no actual quantity for product {product.id}")
    return ActualsIndex(primary, by_type, network, price_index, quantities, members)


def check_member_quantities(index: Index, actuals: Actuals) -> dict[str, dict[str, Decimal]]:
    members: dict[str, dict[str, Decimal]] = {}
    for usage in actuals.member_quantities:
        path = f"actuals.members[{usage.member}].products[{usage.product}]"
        if usage.member not in index.members:
            raise CostingError(path, f"unknown member {usage.member!r}")
        product = index.products.get(usage.product)
        if product is None:
            raise CostingError(path, f"unknown product {usage.product!r}")
        if product.charging != Charging.METERED:
            raise CostingError(path, "actual member quantities are for metered products; shared ones use the key")
        if usage.quantity is None:
            raise CostingError(path, "the actual quantity is missing")
        non_negative(usage.quantity, path, "an actual quantity")
        taken = members.setdefault(usage.product, {})
        if usage.member in taken:
            raise CostingError(path, "the actual quantity is given twice")
        taken[usage.member] = usage.quantity
    for product_id, taken in members.items():
        for member in index.subscriptions[product_id]:
            if member not in taken:
                raise CostingError(
                    f"actuals.members[{member}].products[{product_id}]",
                    f"member {member} takes product {product_id} but has no actual quantity",
                )
    return members
