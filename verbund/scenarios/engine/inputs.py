"""Frozen inputs of the scenario engine: the providers' portfolios, the members using each product, and
scenarios that say which entity provides which product from which year under which assumptions.

Money is `Decimal`; shares are `Decimal` fractions (0.15 = 15 %). Ids are strings, unique per kind.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from verbund.costing.engine import Charging

ZERO = Decimal(0)


class LegalForm(StrEnum):
    OWN_UNIT = "own_unit"  # eigenbetriebsähnliche Einrichtung (part of its host city)
    ASSOCIATION = "association"  # Zweckverband
    AOR = "aor"  # Anstalt des öffentlichen Rechts
    GMBH = "gmbh"  # GmbH (holding or operating company)


# Legal forms that may employ civil servants (Dienstherrnfähigkeit); an own unit's staff are its city's.
EMPLOYS_CIVIL_SERVANTS = frozenset({LegalForm.OWN_UNIT, LegalForm.ASSOCIATION, LegalForm.AOR})


@dataclass(frozen=True, slots=True)
class Range:
    """An uncertain assumption: low ≤ likely ≤ high. The projection uses `likely`; the Monte Carlo draws from the
    triangular distribution (low, likely, high)."""

    low: Decimal
    likely: Decimal
    high: Decimal

    @classmethod
    def fixed(cls, value: Decimal | str | int) -> "Range":
        v = Decimal(value)
        return cls(v, v, v)


@dataclass(frozen=True, slots=True)
class Item:
    """A product of a provider's portfolio, keyed to a task (LeiKa key, OZG id or internal capability code)."""

    id: str
    provider: str  # the entity that runs it in the status quo
    task: str
    category: str  # synergy curves are per category (e.g. "infrastructure", "procedure")
    cost: Decimal  # annual cost in the base year (from the provider's plan or an assumption)
    charging: Charging = Charging.SHARED
    planned_quantity: Decimal | None = None  # metered products: the quantity over which the cost is spread
    fte: Decimal = ZERO  # staff tied to the product
    civil_servant_fte: Decimal = ZERO  # of which civil servants (Beamte)
    name: str = ""


@dataclass(frozen=True, slots=True)
class Usage:
    """`member` uses `item`: a quantity for metered products, a key value (e.g. inhabitants) for shared ones."""

    member: str
    item: str
    quantity: Decimal | None = None
    key: Decimal = Decimal(1)


@dataclass(frozen=True, slots=True)
class Owner:
    """A public authority holding `share` of the capital of an entity and `seats` in its governing body."""

    authority: str
    share: Decimal
    seats: int = 1


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    legal_form: LegalForm
    owners: tuple[Owner, ...] = ()
    private_capital: bool = False
    host: str = ""  # own unit: the member that is its host city (no taxable supply to it)
    overhead: Decimal = ZERO  # governance overhead per year in the base year (board, holding administration)
    third_party_turnover: Decimal = ZERO  # yearly turnover with customers outside the controlling authorities
    section_2b: bool = True  # public-law entity: § 2b UStG keeps its supplies to members untaxed (an assumption)


@dataclass(frozen=True, slots=True)
class Move:
    """From `year` on, `entity` provides `item`."""

    item: str
    entity: str
    year: int


@dataclass(frozen=True, slots=True)
class CategorySynergy:
    category: str
    synergy: Range  # the share of the running cost saved once fully ramped up


@dataclass(frozen=True, slots=True)
class Assumptions:
    synergy: Range = field(default_factory=lambda: Range.fixed(0))  # default for categories without a curve
    synergy_by_category: tuple[CategorySynergy, ...] = ()
    ramp_years: int = 3  # synergy reaches its full value in the ramp_years-th year after the move
    migration: Range = field(default_factory=lambda: Range.fixed(0))  # one-off cost as a share of annual cost
    double_running_months: Range = field(default_factory=lambda: Range.fixed(0))
    attrition: Range = field(default_factory=lambda: Range.fixed(0))  # yearly staff attrition (informational)
    price_index: Range = field(default_factory=lambda: Range.fixed(0))  # yearly cost increase
    discount_rate: Range = field(default_factory=lambda: Range.fixed("0.03"))
    amortisation_years: int = 5  # the one-off cost is recovered through the fees over this many years
    vat_rate: Decimal = Decimal("0.19")


@dataclass(frozen=True, slots=True)
class Scenario:
    id: str
    name: str
    entities: tuple[Entity, ...] = ()  # new entities (the providers' own entities always exist)
    moves: tuple[Move, ...] = ()
    assumptions: Assumptions = field(default_factory=Assumptions)


@dataclass(frozen=True, slots=True)
class ScenarioModel:
    base_year: int
    start_year: int
    end_year: int
    providers: tuple[Entity, ...]  # the status quo entities (citeq, KAAW, ...)
    items: tuple[Item, ...]
    usage: tuple[Usage, ...]
    scenarios: tuple[Scenario, ...]
    members: tuple[str, ...] = ()  # optional: every member id (else those in `usage`)
    worse_off_limit: Decimal = Decimal("0.05")  # "no member worse off than x %" (0.05 = 5 %)
