"""Allocation keys of shared products: checks and the members' shares.

A key has one or more components (inhabitants, workstations, cases, metered usage, fixed shares), each with a
weight (weights sum to exactly 1) and a non-negative value for every member of the product. The share of member
m is  Σ_b weight_b × value_{m,b} / Σ_members value_{·,b};  the shares of all members sum to 1.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from .errors import CostingError
from .inputs import AllocationKey, Charging, KeyBasis, Product
from .rounding import ONE, ZERO, num


class KeyPart(NamedTuple):
    """One component's contribution to a member's share: weight × value / total (a NamedTuple: cheap to create)."""

    basis: KeyBasis
    weight: Decimal
    value: Decimal
    total: Decimal


def check_keys(
    keys: Iterable[AllocationKey],
    products: dict[str, Product],
    subscriptions: dict[str, dict[str, Decimal | None]],
) -> dict[str, AllocationKey]:
    found: dict[str, AllocationKey] = {}
    for key in keys:
        path = f"keys[{key.product}]"
        product = products.get(key.product)
        if product is None:
            raise CostingError(path, f"unknown product {key.product!r}")
        if product.charging != Charging.SHARED:
            raise CostingError(path, f"product {key.product} is metered; only shared products have a key")
        if key.product in found:
            raise CostingError(path, "the product has two keys")
        if not key.components:
            raise CostingError(path, "a key needs at least one basis")
        check_weights(key, path)
        members = subscriptions[key.product]
        for component in key.components:
            seen: dict[str, Decimal] = {}
            for item in component.values:
                item_path = f"{path}.members[{item.member}]"
                if item.member not in members:
                    raise CostingError(item_path, f"member {item.member} does not take product {key.product}")
                if item.member in seen:
                    raise CostingError(item_path, f"the {component.basis} value is given twice")
                if not item.value.is_finite() or item.value < ZERO:
                    raise CostingError(item_path, f"the {component.basis} value cannot be negative ({item.value})")
                seen[item.member] = item.value
            for member in members:
                if member not in seen:
                    raise CostingError(
                        f"{path}.members[{member}]",
                        f"no {component.basis} value for member {member}: the key of product {key.product} must "
                        "cover every member of the product",
                    )
            if sum(seen.values(), ZERO) == ZERO:
                raise CostingError(
                    f"{path}.{component.basis}",
                    f"the {component.basis} values of product {key.product} sum to zero; the key cannot split a cost",
                )
        found[key.product] = key
    for product_id, members in subscriptions.items():
        if members and products[product_id].charging == Charging.SHARED and product_id not in found:
            raise CostingError(f"keys[{product_id}]", f"shared product {product_id} has members but no allocation key")
    return found


def check_weights(key: AllocationKey, path: str) -> None:
    bases: set[KeyBasis] = set()
    for component in key.components:
        if not isinstance(component.basis, KeyBasis):
            raise CostingError(path, f"unknown key basis {component.basis!r}")
        if component.basis in bases:
            raise CostingError(f"{path}.{component.basis}", "a basis appears twice in one key")
        bases.add(component.basis)
        if not component.weight.is_finite() or component.weight <= ZERO:
            raise CostingError(f"{path}.{component.basis}", f"a weight must be positive, not {component.weight}")
    total = sum((c.weight for c in key.components), ZERO)
    if total != ONE:
        raise CostingError(path, f"the weights must sum to 1, not {num(total)}")


def member_shares(key: AllocationKey, members: Iterable[str]) -> dict[str, tuple[Decimal, tuple[KeyPart, ...]]]:
    """Each member's share (exact, in the engine context) and the parts it is made of."""
    tables = []
    for component in key.components:
        values = {item.member: item.value for item in component.values}
        total = sum(values.values(), ZERO)
        tables.append((component, values, total, component.weight / total))
    shares: dict[str, tuple[Decimal, tuple[KeyPart, ...]]] = {}
    for member in members:
        value_share = ZERO
        parts = []
        for component, values, total, factor in tables:
            value = values[member]
            value_share += factor * value
            parts.append(KeyPart(component.basis, component.weight, value, total))
        shares[member] = (value_share, tuple(parts))
    return shares
