"""Secondary cost allocation (innerbetriebliche Leistungsverrechnung): support centres → end centres.

- direct (Anbauverfahren): support j's primary cost goes to the end centres only, in proportion to their
  quantities; services between support centres (and to itself) are ignored.
- step-down (Stufenleiterverfahren): supports are settled in the given order; support j passes its primary
  cost plus what it received to the support centres *after* it and to the end centres, in proportion to their
  quantities (the shares renormalised over those receivers). Services to earlier supports and to itself are
  ignored, as the method prescribes.
- reciprocal (Gleichungsverfahren): x = (I − A)⁻¹ d (see `reciprocal.py`), then end centre k receives
  Σ_j b_kj x_j with b_kj = quantity of j's output consumed by k ÷ j's total output.

All of this is exact Decimal arithmetic. Only the end-centre totals are rounded, once, with the largest
remainder method to the total of the primary costs, so Σ end totals == Σ primary costs to the cent.
"""

from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_even, round_money
from verbund.core.steps import Step

from .errors import CostingError
from .inputs import CostCentre, Method
from .reciprocal import solve_gross
from .results import AllocationResult, Flow
from .rounding import ZERO, largest_remainder, money
from .validation import Network

CONSERVATION_TOLERANCE = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class ExactAllocation:
    order: tuple[str, ...]
    gross: dict[str, Decimal]
    flows: tuple[Flow, ...]
    end_exact: dict[str, Decimal]
    ignored: dict[str, tuple[str, ...]]  # step-down: support → earlier supports (or itself) it served
    notes: tuple[Step, ...]


def flow(provider: str, receiver: str, base: Decimal, quantity: Decimal, spread: Decimal) -> Flow:
    exact = base * quantity / spread
    return Flow(provider, receiver, base, quantity, spread, exact, round_money(exact))


def direct(network: Network, primary: dict[str, Decimal]) -> ExactAllocation:
    end = {k: primary[k] for k in network.ends}
    flows: list[Flow] = []
    ignored: dict[str, tuple[str, ...]] = {}
    for support in network.supports:
        cost = primary[support]
        receivers = {k: q for k, q in network.out[support].items() if not network.is_support(k)}
        spread = sum(receivers.values(), ZERO)
        ignored[support] = tuple(k for k in network.out[support] if network.is_support(k))
        if spread == ZERO:
            if cost != ZERO:
                raise CostingError(
                    f"cost_centres[{support}]",
                    f"support centre {support} serves no end centre; the direct method cannot allocate its cost "
                    f"of {money(cost)}",
                )
            continue
        for receiver, quantity in receivers.items():
            item = flow(support, receiver, cost, quantity, spread)
            flows.append(item)
            end[receiver] += item.exact
    gross = {s: primary[s] for s in network.supports}
    return ExactAllocation(network.supports, gross, tuple(flows), end, ignored, ())


def step_down(network: Network, primary: dict[str, Decimal], order: tuple[str, ...]) -> ExactAllocation:
    position = {s: n for n, s in enumerate(order)}
    end = {k: primary[k] for k in network.ends}
    received = dict.fromkeys(network.supports, ZERO)
    gross: dict[str, Decimal] = {}
    flows: list[Flow] = []
    ignored: dict[str, tuple[str, ...]] = {}
    for support in order:
        cost = primary[support] + received[support]
        gross[support] = cost
        receivers = {
            r: q
            for r, q in network.out[support].items()
            if not network.is_support(r) or position[r] > position[support]
        }
        ignored[support] = tuple(r for r in network.out[support] if r not in receivers)
        spread = sum(receivers.values(), ZERO)
        if spread == ZERO:
            if cost != ZERO:
                raise CostingError(
                    f"cost_centres[{support}]",
                    f"support centre {support} serves no cost centre after it in the step-down order; its cost "
                    f"of {money(cost)} cannot be allocated (move it earlier in allocation.order)",
                )
            continue
        for receiver, quantity in receivers.items():
            item = flow(support, receiver, cost, quantity, spread)
            flows.append(item)
            if network.is_support(receiver):
                received[receiver] += item.exact
            else:
                end[receiver] += item.exact
    return ExactAllocation(order, gross, tuple(flows), end, ignored, ())


def reciprocal(network: Network, primary: dict[str, Decimal]) -> ExactAllocation:
    gross, notes = solve_gross(network, primary)
    end = {k: primary[k] for k in network.ends}
    flows: list[Flow] = []
    for support in network.supports:
        for receiver, quantity in network.out[support].items():
            item = flow(support, receiver, gross[support], quantity, network.total_out[support])
            flows.append(item)
            if not network.is_support(receiver):
                end[receiver] += item.exact
    return ExactAllocation(network.supports, gross, tuple(flows), end, {}, notes)


def allocate_exact(
    network: Network, primary: dict[str, Decimal], method: Method, order: tuple[str, ...]
) -> ExactAllocation:
    if method == Method.DIRECT:
        return direct(network, primary)
    if method == Method.STEP_DOWN:
        return step_down(network, primary, order)
    return reciprocal(network, primary)


METHOD_STEPS = {
    Method.DIRECT: "allocation.direct",
    Method.STEP_DOWN: "allocation.step_down",
    Method.RECIPROCAL: "allocation.reciprocal",
}


def allocate(
    network: Network,
    primary: dict[str, Decimal],
    method: Method,
    order: tuple[str, ...],
    centres: dict[str, CostCentre],
    *,
    path: str = "allocation",
) -> AllocationResult:
    """Allocate with `method`, round the end-centre totals, check conservation, and explain every figure."""
    exact = allocate_exact(network, primary, method, order)
    total = sum(primary.values(), ZERO)
    drift = abs(sum(exact.end_exact.values(), ZERO) - total)
    if drift > CONSERVATION_TOLERANCE:
        raise CostingError(path, f"the allocation lost {drift} EUR before rounding; refusing to round it away")
    split = largest_remainder(exact.end_exact.items(), total, path=path)

    trace = [Step(METHOD_STEPS[method], {"order": exact.order} if method == Method.STEP_DOWN else {}), *exact.notes]
    by_provider: dict[str, list[Flow]] = {}
    for item in exact.flows:
        by_provider.setdefault(item.provider, []).append(item)
    for support in exact.order:
        cost = exact.gross[support]
        if method == Method.DIRECT:
            trace.append(Step("allocation.support_primary", {"centre": support, "cost": cost}))
        else:
            received = cost - primary[support]
            trace.append(
                Step(
                    "allocation.support_gross",
                    {"centre": support, "primary": primary[support], "received": received, "cost": cost},
                )
            )
        if exact.ignored.get(support):
            trace.append(Step("allocation.ignored", {"centres": exact.ignored[support]}))
        for item in by_provider.get(support, []):
            trace.append(
                Step(
                    "allocation.flow",
                    {
                        "provider": item.provider,
                        "receiver": item.receiver,
                        "base": item.base,
                        "quantity": item.quantity,
                        "spread": item.receivers_quantity,
                        "amount": item.exact,
                    },
                )
            )
    for end in network.ends:
        args = {
            "centre": end,
            "primary": primary[end],
            "allocated": exact.end_exact[end] - primary[end],
            "exact": round_even(exact.end_exact[end], Decimal("0.000001")),
            "total": split.amounts[end],
        }
        trace.append(Step("allocation.end", args, end in split.bumped))
    trace.append(Step("allocation.conservation", {"ends": sum(split.amounts.values(), ZERO), "total": total}))
    return AllocationResult(
        method,
        exact.order,
        dict(primary),
        exact.gross,
        exact.flows,
        exact.end_exact,
        split.amounts,
        total,
        tuple(trace),
    )
