"""Result dataclasses of the costing engine. Every result carries a `trace`: steps that explain its figures.

A step is a message code with typed arguments (`verbund.core.steps.Step`, catalogue in `explain.py`), no words:
the caller renders it in a language (ADR 0025). Fee lines and members' variances are many (one per member and
product), so their trace is built on demand from the figures they keep (`FeeLine.trace`, `MemberVariance.trace`);
every other trace is a tuple of steps built while computing.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from verbund.core.money import round_even
from verbund.core.steps import Step

from .inputs import Charging, Method
from .keys import KeyPart


@dataclass(frozen=True, slots=True)
class Flow:
    """Cost passed from support centre `provider` to `receiver`: gross cost × share (`exact`; `amount` rounded)."""

    provider: str
    receiver: str
    base: Decimal  # the provider's cost being allocated (exact)
    quantity: Decimal
    receivers_quantity: Decimal  # the quantity over which the provider's cost is spread
    exact: Decimal
    amount: Decimal  # rounded to the cent for display; end-centre totals are rounded separately

    @property
    def share(self) -> Decimal:
        return self.quantity / self.receivers_quantity


@dataclass(frozen=True, slots=True)
class AllocationResult:
    """Secondary cost allocation: support centres into end centres. Σ end_totals == Σ primary, to the cent."""

    method: Method
    order: tuple[str, ...]  # the order in which support centres were settled (step-down), else model order
    primary: dict[str, Decimal]  # primary cost per cost centre
    gross: dict[str, Decimal]  # per support centre: primary + received (exact), the cost it passes on
    flows: tuple[Flow, ...]
    end_exact: dict[str, Decimal]
    end_totals: dict[str, Decimal]  # rounded by the largest remainder method
    total: Decimal  # Σ primary costs
    trace: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class ProductResult:
    """Plan cost and unit rate of one product."""

    product: str
    charging: Charging
    cost: Decimal  # full plan cost (from the end centres)
    by_centre: dict[str, Decimal]
    carry_forward: Decimal  # share of earlier over- (+) / under-recovery (−) settled in this plan year
    net_cost: Decimal  # cost − carry_forward: what the fees must recover
    planned_quantity: Decimal | None
    rate: Decimal | None  # net_cost ÷ planned_quantity, 4 decimals
    trace: tuple[Step, ...]


class FeeLine(NamedTuple):
    """The fee of one member for one product.

    A NamedTuple rather than a frozen dataclass: just as immutable, but several times cheaper to create, and a
    national fee run has hundreds of thousands of lines.
    """

    member: str
    product: str
    charging: Charging
    amount: Decimal
    exact: Decimal
    quantity: Decimal | None = None  # metered
    rate: Decimal | None = None  # metered
    share: Decimal | None = None  # shared: the member's key share
    base: Decimal | None = None  # shared: the product's net cost being split
    parts: tuple[KeyPart, ...] = ()  # shared: how the share is made up
    bumped: bool = False  # shared: got a cent from the largest remainder rule

    @property
    def trace(self) -> tuple[Step, ...]:
        who = {"member": self.member, "product": self.product}
        if self.charging == Charging.METERED:
            assert self.quantity is not None and self.rate is not None
            args = {**who, "quantity": self.quantity, "rate": self.rate, "exact": self.exact, "amount": self.amount}
            return (Step("fee.metered", args),)
        assert self.share is not None and self.base is not None
        parts = tuple((str(p.basis), p.weight, p.value, p.total) for p in self.parts)
        exact = round_even(self.exact, Decimal("0.0001"))
        return (
            Step("fee.key_share", {**who, "parts": parts, "share": self.share}),
            Step(
                "fee.shared",
                {**who, "base": self.base, "share": self.share, "exact": exact, "amount": self.amount},
                self.bumped,
            ),
        )


@dataclass(frozen=True, slots=True)
class FeeResult:
    lines: tuple[FeeLine, ...]  # by product (model order), then member id
    by_member: dict[str, Decimal]
    by_product: dict[str, Decimal]  # Σ fees (planned revenue) per product
    trace: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class ProductVariance:
    """Plan vs actual of one product (flexible full-cost plan costing; positive variance = unfavourable)."""

    product: str
    planned_quantity: Decimal | None
    actual_quantity: Decimal | None
    plan_cost: Decimal  # K_plan
    plan_fixed: Decimal
    plan_variable: Decimal
    credited_cost: Decimal  # K_verr = K_plan / B_plan × B_ist
    target_cost: Decimal  # K_soll = K_fix + K_var / B_plan × B_ist
    actual_cost: Decimal  # K_ist
    actual_cost_at_plan_prices: Decimal
    price_variance: Decimal  # K_ist − K_ist(plan prices)
    efficiency_variance: Decimal  # K_ist(plan prices) − K_soll  (Verbrauchsabweichung)
    volume_variance: Decimal  # K_soll − K_verr  (Beschäftigungsabweichung)
    total_variance: Decimal  # K_ist − K_verr
    plan_rate: Decimal | None
    actual_rate: Decimal | None  # K_ist ÷ B_ist
    revenue: Decimal  # fees at plan rate for the actual quantities (shared: the planned fees)
    carry_forward: Decimal  # settled in this year (from ProductResult)
    revenue_minus_cost: Decimal  # revenue − K_ist
    over_under_recovery: Decimal  # revenue − (K_ist − carry_forward): the new carry-forward (+ over, − under)
    trace: tuple[Step, ...]


class MemberVariance(NamedTuple):
    """A member's over-/under-recovery of one product. A NamedTuple with its trace built on demand, like
    `FeeLine`: a national post-calculation has one per member and product."""

    member: str
    product: str
    quantity: Decimal | None  # actual quantity (metered)
    revenue: Decimal
    cost_share: Decimal  # the member's part of (K_ist − carry_forward)
    over_under_recovery: Decimal  # revenue − cost_share
    rate: Decimal | None = None  # metered: the plan rate the revenue was computed with

    @property
    def trace(self) -> tuple[Step, ...]:
        args = {
            "member": self.member,
            "product": self.product,
            "revenue": self.revenue,
            "cost": self.cost_share,
            "result": self.over_under_recovery,
        }
        if self.quantity is not None:
            return (Step("variance.member_metered", {**args, "quantity": self.quantity, "rate": self.rate}),)
        return (Step("variance.member_shared", args),)


@dataclass(frozen=True, slots=True)
class VarianceResult:
    allocation: AllocationResult  # the actual costs, allocated with the same method
    products: tuple[ProductVariance, ...]
    members: tuple[MemberVariance, ...]
    by_member: dict[str, Decimal]  # Σ over/under-recovery per member
    trace: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class CostingResult:
    year: int
    allocation: AllocationResult
    products: tuple[ProductResult, ...]
    fees: FeeResult
    variance: VarianceResult | None
    trace: tuple[Step, ...]
