"""Fees per member and product.

- metered: fee = member quantity × unit rate, rounded to the cent (commercial rounding).
- shared: the product's cost to recover (plan cost − carry-forward share) is split by the member shares of the
  product's allocation key with the largest remainder method, so the fees sum exactly to that cost. Ties go
  by member id, so the order in which members are given changes nothing.
"""

from decimal import Decimal

from verbund.core.money import round_money
from verbund.core.steps import Step

from .errors import CostingError
from .inputs import Charging
from .keys import member_shares
from .results import FeeLine, FeeResult, ProductResult
from .rounding import MONEY_ZERO, ZERO, largest_remainder, money
from .validation import Index


def shared_lines(index: Index, product: ProductResult, members: list[str]) -> list[FeeLine]:
    if not members:
        if product.net_cost != ZERO:
            raise CostingError(
                f"products[{product.product}]",
                f"shared product {product.product} has a cost of {money(product.net_cost)} but no members",
            )
        return []
    shares = member_shares(index.keys[product.product], members)
    net = product.net_cost
    exact = {member: net * value for member, (value, _) in shares.items()}
    split = largest_remainder(exact.items(), net, path=f"keys[{product.product}]")
    return [
        FeeLine(
            member,
            product.product,
            Charging.SHARED,
            split.amounts[member],
            exact[member],
            share=shares[member][0],
            base=net,
            parts=shares[member][1],
            bumped=member in split.bumped,
        )
        for member in members
    ]


def metered_lines(product: ProductResult, members: dict[str, Decimal | None]) -> list[FeeLine]:
    rate = product.rate
    assert rate is not None  # validation: metered products have a planned quantity, so a rate
    lines = []
    for member in sorted(members):
        quantity = members[member]
        assert quantity is not None  # validation: metered subscriptions have a quantity
        exact = quantity * rate
        lines.append(FeeLine(member, product.product, Charging.METERED, round_money(exact), exact, quantity, rate))
    return lines


def compute_fees(index: Index, products: tuple[ProductResult, ...]) -> FeeResult:
    lines: list[FeeLine] = []
    by_member: dict[str, Decimal] = {}
    by_product: dict[str, Decimal] = {}
    trace: list[Step] = []
    for product in products:
        members = index.subscriptions[product.product]
        if product.charging == Charging.METERED:
            product_lines = metered_lines(product, members)
        else:
            product_lines = shared_lines(index, product, sorted(members))
        total = MONEY_ZERO
        for line in product_lines:
            total += line.amount
            by_member[line.member] = by_member.get(line.member, MONEY_ZERO) + line.amount
        lines.extend(product_lines)
        by_product[product.product] = total
        if product.charging == Charging.SHARED:
            args = {"product": product.product, "members": len(product_lines), "net": product.net_cost}
            trace.append(Step("fees.shared", {**args, "total": total}))
        else:
            quantity = sum((q for q in members.values() if q is not None), ZERO)
            args = {"product": product.product, "members": len(product_lines), "quantity": quantity}
            args |= {"rate": product.rate or ZERO, "total": total, "net": product.net_cost}
            args |= {"difference": total - product.net_cost, "planned": product.planned_quantity or ZERO}
            trace.append(Step("fees.metered", args))
    trace.append(Step("fees.total", {"total": sum(by_product.values(), ZERO)}))
    return FeeResult(tuple(lines), by_member, by_product, tuple(trace))
