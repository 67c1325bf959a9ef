"""Product plan costs and unit rates.

Each end centre's (rounded) total is split over its products in proportion to the mapping quantities, by the
largest remainder method, so Σ product costs == Σ end-centre totals == Σ primary costs, to the cent.

unit rate = (full plan cost − carry-forward share of this plan year) ÷ planned quantity, rounded to 4 decimals
(commercial rounding). A carry-forward (over-recovery +, under-recovery −) is spread evenly over its years; the
yearly shares are cents split by the largest remainder method (earlier years first on ties), so they add up
exactly to the carry-forward.
"""

from decimal import Decimal

from verbund.core.money import round_even
from verbund.core.steps import Step

from .errors import CostingError
from .inputs import CarryForward
from .results import AllocationResult, ProductResult
from .rounding import MONEY_ZERO, ZERO, largest_remainder, money, round_rate
from .validation import Index


def split_to_products(
    mappings: dict[str, dict[str, Decimal]], end_totals: dict[str, Decimal]
) -> tuple[dict[str, dict[str, Decimal]], dict[str, list[Step]]]:
    """product → end centre → cost (cents, exact sums) and trace steps per product."""
    costs: dict[str, dict[str, Decimal]] = {}
    lines: dict[str, list[Step]] = {}
    for centre, shares in mappings.items():
        total = end_totals[centre]
        spread = sum(shares.values(), ZERO)
        split = largest_remainder(
            ((p, total * q / spread) for p, q in shares.items()), total, path=f"cost_centres[{centre}]"
        )
        for product, amount in split.amounts.items():
            costs.setdefault(product, {})[centre] = amount
            bumped = product in split.bumped
            if len(shares) == 1:
                step = Step("product.from_centre_all", {"centre": centre, "amount": amount}, bumped)
            else:
                args = {
                    "centre": centre,
                    "total": total,
                    "quantity": shares[product],
                    "spread": spread,
                    "amount": amount,
                }
                step = Step("product.from_centre", args, bumped)
            lines.setdefault(product, []).append(step)
    return costs, lines


def products_exact(mappings: dict[str, dict[str, Decimal]], end_exact: dict[str, Decimal]) -> dict[str, Decimal]:
    """Unrounded product costs from unrounded end-centre totals (for the variance analysis)."""
    result: dict[str, Decimal] = {}
    for centre, shares in mappings.items():
        spread = sum(shares.values(), ZERO)
        for product, quantity in shares.items():
            result[product] = result.get(product, ZERO) + end_exact[centre] * quantity / spread
    return result


def carry_share(carry: CarryForward, year: int) -> tuple[Decimal, Step]:
    last = carry.start + carry.years - 1
    kind = "carry.over" if carry.amount >= ZERO else "carry.under"
    args: dict[str, object] = {
        "from_year": carry.from_year,
        "amount": carry.amount,
        "start": carry.start,
        "last": last,
        "year": year,
    }
    if not carry.start <= year <= last:
        return MONEY_ZERO, Step(f"{kind}_none", args)
    years = [str(y) for y in range(carry.start, last + 1)]
    split = largest_remainder(
        ((y, carry.amount / carry.years) for y in years), carry.amount, path=f"carry_forwards[{carry.product}]"
    )
    part = split.amounts[str(year)]
    return part, Step(kind, {**args, "years": carry.years, "part": part})


def product_costs(index: Index, allocation: AllocationResult) -> tuple[ProductResult, ...]:
    costs, lines = split_to_products(index.mappings, allocation.end_totals)
    year = index.model.year
    results = []
    for product in index.model.products:
        path = f"products[{product.id}]"
        by_centre = costs.get(product.id, {})
        cost = sum(by_centre.values(), ZERO)
        trace = [Step("product.cost", {"product": product.id, "cost": cost}), *lines.get(product.id, [])]
        carry = MONEY_ZERO
        for item in index.carry_forwards.get(product.id, ()):
            part, line = carry_share(item, year)
            carry += part
            trace.append(line)
        net = cost - carry
        if net < ZERO:
            raise CostingError(
                f"carry_forwards[{product.id}]",
                f"the over-recovery returned in {year} ({money(carry)}) exceeds the plan cost of product "
                f"{product.id} ({money(cost)}); spread it over more years",
            )
        trace.append(Step("product.net", {"cost": cost, "carry": carry, "net": net}))
        planned = product.planned_quantity
        rate: Decimal | None = None
        if planned is None:
            trace.append(Step("product.no_quantity", {}))
        elif planned == ZERO:
            if net != ZERO:
                raise CostingError(
                    path, f"the planned quantity is 0 but product {product.id} has a cost of {money(net)} to recover"
                )
            rate = ZERO
            trace.append(Step("product.zero_rate", {}))
        else:
            exact = net / planned
            rate = round_rate(exact)
            args = {"net": net, "planned": planned, "unit": product.unit, "exact": round_even(exact, Decimal("1E-8"))}
            trace.append(Step("product.rate", {**args, "rate": rate}))
        results.append(
            ProductResult(product.id, product.charging, cost, by_centre, carry, net, planned, rate, tuple(trace))
        )
    return tuple(results)
