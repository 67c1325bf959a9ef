"""Frozen input dataclasses of the costing engine (one plan year of a shared municipal IT provider).

Money is `Decimal` (cents at most on costs), quantities are `Decimal`; ids are strings and unique per kind.
Collections are tuples so that a model is immutable; the engine builds its own look-up tables
(`validation.Index`). The JSON form of these objects is described in docs/costing-model-format.md.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class CentreKind(StrEnum):
    SUPPORT = "support"  # Hilfskostenstelle: serves other cost centres, allocated away
    END = "end"  # Endkostenstelle (Hauptkostenstelle): its cost goes to products


class Method(StrEnum):
    DIRECT = "direct"  # Anbauverfahren
    STEP_DOWN = "step_down"  # Stufenleiterverfahren
    RECIPROCAL = "reciprocal"  # Gleichungsverfahren, x = (I − A)⁻¹ d


class Charging(StrEnum):
    METERED = "metered"  # fee = member quantity × unit rate
    SHARED = "shared"  # fee = share of the product's cost by an allocation key


class KeyBasis(StrEnum):
    INHABITANTS = "inhabitants"
    WORKSTATIONS = "workstations"
    CASES = "cases"
    METERED_USAGE = "metered_usage"
    FIXED_SHARES = "fixed_shares"


@dataclass(frozen=True, slots=True)
class CostCentre:
    id: str
    name: str
    kind: CentreKind


@dataclass(frozen=True, slots=True)
class CostType:
    id: str
    name: str
    # Share of this cost type that varies with output (flexible plan costing); 0 = fully fixed.
    variable_share: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class PrimaryCost:
    """Planned (or actual) primary cost of one cost type on one cost centre, in EUR with at most cents."""

    centre: str
    cost_type: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ServiceQuantity:
    """How much of support centre `provider`'s output cost centre `receiver` consumes (e.g. hours, GB)."""

    provider: str
    receiver: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class AllocationSettings:
    method: Method = Method.RECIPROCAL
    # Step-down only: every support centre exactly once, the first is allocated first.
    order: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProductMapping:
    """End centre `centre` passes its cost to `product` in proportion to `quantity` (1:1 if it is alone)."""

    centre: str
    product: str
    quantity: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Product:
    id: str
    name: str
    charging: Charging
    # Required for metered products; optional for shared ones (then no unit rate, only the key split).
    planned_quantity: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True, slots=True)
class CarryForward:
    """Over-recovery (positive, to be returned) or under-recovery (negative) of `product` in `from_year`.

    It is spread evenly over `years` plan years starting with `first_year` (default: `from_year` + 2, because
    the result of a year is only final after its annual accounts, in the following year).
    """

    product: str
    amount: Decimal
    from_year: int
    years: int = 1
    first_year: int | None = None

    @property
    def start(self) -> int:
        return self.first_year if self.first_year is not None else self.from_year + 2


@dataclass(frozen=True, slots=True)
class Member:
    id: str  # e.g. the AGS of a municipality
    name: str = ""


@dataclass(frozen=True, slots=True)
class Subscription:
    """`member` takes `product`; `quantity` is required for metered products and absent for shared ones."""

    member: str
    product: str
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class KeyValue:
    member: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class KeyComponent:
    """One basis of an allocation key with its weight and a value for every member of the product."""

    basis: KeyBasis
    weight: Decimal
    values: tuple[KeyValue, ...]


@dataclass(frozen=True, slots=True)
class AllocationKey:
    """The key of a shared product: one component (weight 1) or a weighted mix (weights sum to 1)."""

    product: str
    components: tuple[KeyComponent, ...]


@dataclass(frozen=True, slots=True)
class PriceIndex:
    """Actual price level of a cost type relative to plan (1.05 = 5 % dearer), for the price variance."""

    cost_type: str
    index: Decimal


@dataclass(frozen=True, slots=True)
class ActualQuantity:
    product: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Actuals:
    """What happened in the plan year, for plan vs actual (Nachkalkulation)."""

    costs: tuple[PrimaryCost, ...]
    quantities: tuple[ActualQuantity, ...] = ()
    member_quantities: tuple[Subscription, ...] = ()
    price_indices: tuple[PriceIndex, ...] = ()
    # None: the planned service quantities also hold for the actual allocation.
    service_quantities: tuple[ServiceQuantity, ...] | None = None


@dataclass(frozen=True, slots=True)
class CostingModel:
    year: int
    cost_centres: tuple[CostCentre, ...]
    cost_types: tuple[CostType, ...]
    primary_costs: tuple[PrimaryCost, ...]
    service_quantities: tuple[ServiceQuantity, ...]
    products: tuple[Product, ...]
    product_mappings: tuple[ProductMapping, ...]
    allocation: AllocationSettings = field(default_factory=AllocationSettings)
    carry_forwards: tuple[CarryForward, ...] = ()
    members: tuple[Member, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    keys: tuple[AllocationKey, ...] = ()
    actuals: Actuals | None = None
    # Years after the year of an over-recovery within which it must be returned (KAG NRW § 6 Abs. 2: 3 years in
    # the 1999 wording; check the current text). Under-recoveries are not checked: their recovery is a "should".
    return_window_years: int = 3
