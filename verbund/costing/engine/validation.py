"""Checks a `CostingModel` and builds the look-up tables every phase uses (`Index`).

Every refusal is a `CostingError` whose path names the object by id, e.g. ``cost_centres[RZ]``,
``service_quantities[RZ→AP]``, ``members[05515000].products[AP-100]``, ``keys[FV-200].members[05515000]``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_money

from .errors import CostingError
from .inputs import (
    AllocationKey,
    CarryForward,
    CentreKind,
    Charging,
    CostCentre,
    CostingModel,
    CostType,
    Member,
    Method,
    PrimaryCost,
    Product,
    ServiceQuantity,
)
from .keys import check_keys
from .rounding import MONEY_ZERO, ONE, ZERO, money, num


@dataclass(frozen=True, slots=True)
class Network:
    """The service flows between cost centres: provider → receiver → quantity (positive quantities only)."""

    supports: tuple[str, ...]
    ends: tuple[str, ...]
    out: dict[str, dict[str, Decimal]]
    total_out: dict[str, Decimal]

    def is_support(self, centre: str) -> bool:
        return centre in self.out


@dataclass(frozen=True, slots=True)
class Index:
    model: CostingModel
    centres: dict[str, CostCentre]
    cost_types: dict[str, CostType]
    products: dict[str, Product]
    members: dict[str, Member]
    network: Network
    primary: dict[str, Decimal]  # per cost centre, every centre present
    primary_by_type: dict[tuple[str, str], Decimal]
    mappings: dict[str, dict[str, Decimal]]  # end centre → product → quantity
    subscriptions: dict[str, dict[str, Decimal | None]]  # product → member → quantity, in input order
    keys: dict[str, AllocationKey]
    carry_forwards: dict[str, tuple[CarryForward, ...]]


def unique(items: Iterable[tuple[str, object]], collection: str) -> None:
    seen: set[str] = set()
    for item_id, _ in items:
        if not item_id or item_id != item_id.strip():
            raise CostingError(f"{collection}[{item_id}]", "an id must be a non-empty string without outer spaces")
        if item_id in seen:
            raise CostingError(f"{collection}[{item_id}]", "the id is given twice")
        seen.add(item_id)


def non_negative(value: Decimal, path: str, what: str) -> None:
    if not value.is_finite():
        raise CostingError(path, f"{what} must be a finite number")
    if value < ZERO:
        raise CostingError(path, f"{what} cannot be negative ({num(value)})")


def cents(value: Decimal, path: str, what: str) -> None:
    if not value.is_finite() or round_money(value) != value:
        raise CostingError(path, f"{what} must be an amount in EUR with at most two decimals ({value})")


def check_costs(
    costs: Iterable[PrimaryCost], centres: dict[str, CostCentre], cost_types: dict[str, CostType], collection: str
) -> tuple[dict[str, Decimal], dict[tuple[str, str], Decimal]]:
    """Costs per centre and per (centre, cost type); each pair at most once, non-negative, whole cents."""
    per_centre = dict.fromkeys(centres, MONEY_ZERO)
    per_pair: dict[tuple[str, str], Decimal] = {}
    for cost in costs:
        path = f"{collection}[{cost.centre}/{cost.cost_type}]"
        if cost.centre not in centres:
            raise CostingError(path, f"unknown cost centre {cost.centre!r}")
        if cost.cost_type not in cost_types:
            raise CostingError(path, f"unknown cost type {cost.cost_type!r}")
        if (cost.centre, cost.cost_type) in per_pair:
            raise CostingError(path, "this cost centre and cost type are given twice")
        cents(cost.amount, path, "a cost")
        non_negative(cost.amount, path, "a cost")
        per_pair[(cost.centre, cost.cost_type)] = cost.amount
        per_centre[cost.centre] += cost.amount
    return per_centre, per_pair


def build_network(quantities: Iterable[ServiceQuantity], centres: dict[str, CostCentre], collection: str) -> Network:
    supports = tuple(c.id for c in centres.values() if c.kind == CentreKind.SUPPORT)
    ends = tuple(c.id for c in centres.values() if c.kind == CentreKind.END)
    out: dict[str, dict[str, Decimal]] = {s: {} for s in supports}
    seen: set[tuple[str, str]] = set()
    for service in quantities:
        path = f"{collection}[{service.provider}→{service.receiver}]"
        if service.provider not in centres:
            raise CostingError(path, f"unknown cost centre {service.provider!r}")
        if service.receiver not in centres:
            raise CostingError(path, f"unknown cost centre {service.receiver!r}")
        if centres[service.provider].kind != CentreKind.SUPPORT:
            raise CostingError(path, f"{service.provider} is an end cost centre; only support centres serve others")
        if (service.provider, service.receiver) in seen:
            raise CostingError(path, "this pair of cost centres is given twice")
        seen.add((service.provider, service.receiver))
        non_negative(service.quantity, path, "a service quantity")
        if service.quantity > ZERO:
            out[service.provider][service.receiver] = service.quantity
    total_out = {s: sum(out[s].values(), ZERO) for s in supports}
    for support in supports:
        if total_out[support] == ZERO:
            raise CostingError(
                f"cost_centres[{support}]",
                f"support centre {support} has no service quantities in {collection}; its cost cannot be allocated",
            )
    return Network(supports, ends, out, total_out)


def check_drains(network: Network) -> None:
    """Every support centre must pass cost, directly or through other supports, to some end centre."""
    feeds: dict[str, list[str]] = {s: [] for s in network.supports}  # receiver support → providers
    draining: set[str] = set()
    for provider, receivers in network.out.items():
        for receiver in receivers:
            if network.is_support(receiver):
                feeds[receiver].append(provider)
            else:
                draining.add(provider)
    stack = list(draining)
    while stack:
        centre = stack.pop()
        for provider in feeds[centre]:
            if provider not in draining:
                draining.add(provider)
                stack.append(provider)
    closed = [s for s in network.supports if s not in draining]
    if not closed:
        return
    first = closed[0]
    if set(network.out[first]) == {first}:
        message = f"support centre {first} serves only itself"
    else:
        message = f"support centres {', '.join(closed)} pass all their output among themselves"
    raise CostingError(
        f"cost_centres[{first}]",
        f"{message}; no cost reaches an end centre, so the reciprocal system (I − A) x = d is singular",
    )


def check_order(model: CostingModel, supports: tuple[str, ...], centres: dict[str, CostCentre]) -> None:
    """A step-down order lists every support centre exactly once (a repeat would be a cycle)."""
    if model.allocation.method != Method.STEP_DOWN:
        return
    seen: set[str] = set()
    for centre in model.allocation.order:
        path = f"allocation.order[{centre}]"
        if centre not in centres:
            raise CostingError(path, f"unknown cost centre {centre!r}")
        if centres[centre].kind != CentreKind.SUPPORT:
            raise CostingError(path, f"{centre} is an end cost centre; the step-down order lists support centres")
        if centre in seen:
            raise CostingError(path, f"{centre} is listed twice: the step-down order would run in a cycle")
        seen.add(centre)
    missing = [s for s in supports if s not in seen]
    if missing:
        raise CostingError(
            "allocation.order",
            f"the step-down order must list every support centre once; missing: {', '.join(missing)}",
        )


def check_products(model: CostingModel, centres: dict[str, CostCentre]) -> dict[str, dict[str, Decimal]]:
    products = {p.id: p for p in model.products}
    for product in model.products:
        path = f"products[{product.id}]"
        if product.planned_quantity is not None:
            non_negative(product.planned_quantity, path, "the planned quantity")
        elif product.charging == Charging.METERED:
            raise CostingError(path, "a metered product needs a planned quantity")
    mappings: dict[str, dict[str, Decimal]] = {c.id: {} for c in centres.values() if c.kind == CentreKind.END}
    for mapping in model.product_mappings:
        path = f"cost_centres[{mapping.centre}].products[{mapping.product}]"
        if mapping.centre not in centres:
            raise CostingError(path, f"unknown cost centre {mapping.centre!r}")
        if centres[mapping.centre].kind != CentreKind.END:
            raise CostingError(path, "only end cost centres pass their cost to products")
        if mapping.product not in products:
            raise CostingError(path, f"unknown product {mapping.product!r}")
        if mapping.product in mappings[mapping.centre]:
            raise CostingError(path, "this product is mapped twice from the same cost centre")
        non_negative(mapping.quantity, path, "a product quantity of a cost centre")
        mappings[mapping.centre][mapping.product] = mapping.quantity
    for centre, shares in mappings.items():
        if sum(shares.values(), ZERO) == ZERO:
            raise CostingError(f"cost_centres[{centre}]", "end cost centre passes its cost to no product")
    return mappings


def check_carry_forwards(model: CostingModel, products: dict[str, Product]) -> dict[str, tuple[CarryForward, ...]]:
    found: dict[str, list[CarryForward]] = {}
    for carry in model.carry_forwards:
        path = f"carry_forwards[{carry.product}/{carry.from_year}]"
        if carry.product not in products:
            raise CostingError(path, f"unknown product {carry.product!r}")
        if any(c.from_year == carry.from_year for c in found.get(carry.product, [])):
            raise CostingError(path, "a product has one carry-forward per year of origin")
        cents(carry.amount, path, "a carry-forward")
        if carry.years < 1:
            raise CostingError(path, f"it must be spread over at least one year, not {carry.years}")
        if carry.start <= carry.from_year:
            raise CostingError(path, f"it can enter plan years after {carry.from_year} only, not {carry.start}")
        last = carry.start + carry.years - 1
        deadline = carry.from_year + model.return_window_years
        if carry.amount > ZERO and last > deadline:
            raise CostingError(
                path,
                f"an over-recovery of {money(carry.amount)} from {carry.from_year} must be returned by {deadline} "
                f"({model.return_window_years} years), but it is spread until {last}",
            )
        found.setdefault(carry.product, []).append(carry)
    return {product: tuple(items) for product, items in found.items()}


def check_subscriptions(
    model: CostingModel, products: dict[str, Product], members: dict[str, Member]
) -> dict[str, dict[str, Decimal | None]]:
    subscriptions: dict[str, dict[str, Decimal | None]] = {p: {} for p in products}
    for sub in model.subscriptions:
        path = f"members[{sub.member}].products[{sub.product}]"
        if sub.member not in members:
            raise CostingError(path, f"unknown member {sub.member!r}")
        product = products.get(sub.product)
        if product is None:
            raise CostingError(path, f"unknown product {sub.product!r}")
        taken = subscriptions[sub.product]
        if sub.member in taken:
            raise CostingError(path, "the member takes this product twice")
        if product.charging == Charging.METERED:
            if sub.quantity is None:
                raise CostingError(path, "a metered product needs the member's quantity")
            non_negative(sub.quantity, path, "a member quantity")
        elif sub.quantity is not None:
            raise CostingError(path, "a shared product is split by its key; the member gives no quantity")
        taken[sub.member] = sub.quantity
    return subscriptions


def build_index(model: CostingModel) -> Index:
    """Validate the plan part of the model (actuals: `actuals.check_actuals`); the first problem raises."""
    unique(((c.id, c) for c in model.cost_centres), "cost_centres")
    unique(((t.id, t) for t in model.cost_types), "cost_types")
    unique(((p.id, p) for p in model.products), "products")
    unique(((m.id, m) for m in model.members), "members")
    centres = {c.id: c for c in model.cost_centres}
    for centre in model.cost_centres:
        if not isinstance(centre.kind, CentreKind):
            raise CostingError(f"cost_centres[{centre.id}]", f"kind must be support or end, not {centre.kind!r}")
    if not any(c.kind == CentreKind.END for c in model.cost_centres):
        raise CostingError("cost_centres", "there must be at least one end cost centre")
    cost_types = {t.id: t for t in model.cost_types}
    for cost_type in model.cost_types:
        path = f"cost_types[{cost_type.id}]"
        non_negative(cost_type.variable_share, path, "the variable share")
        if cost_type.variable_share > ONE:
            raise CostingError(
                path, f"the variable share must lie between 0 and 1, not {num(cost_type.variable_share)}"
            )
    if model.return_window_years < 1:
        raise CostingError("return_window_years", "must be at least 1")
    primary, primary_by_type = check_costs(model.primary_costs, centres, cost_types, "primary_costs")
    network = build_network(model.service_quantities, centres, "service_quantities")
    check_order(model, network.supports, centres)
    if model.allocation.method == Method.RECIPROCAL:
        check_drains(network)
    mappings = check_products(model, centres)
    products = {p.id: p for p in model.products}
    members = {m.id: m for m in model.members}
    carry_forwards = check_carry_forwards(model, products)
    subscriptions = check_subscriptions(model, products, members)
    keys = check_keys(model.keys, products, subscriptions)
    return Index(
        model,
        centres,
        cost_types,
        products,
        members,
        network,
        primary,
        primary_by_type,
        mappings,
        subscriptions,
        keys,
        carry_forwards,
    )
