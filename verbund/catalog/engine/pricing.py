"""Fee preview for one product line: quantity × unit price, with VAT, and a trace. Pure Python, no Django.

Per-inhabitant products take the member's population as quantity; flat products take 1; for every other
unit the member enters the quantity. Rounding: commercial, to the cent, once per line (net), then VAT on the
rounded net (the line boundary of `core.money`).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from verbund.core.money import round_money

INHABITANT = "inhabitant"
FLAT = "flat"
ONE_OFF = "one_off"
HUNDRED = Decimal(100)


class PricingError(ValueError):
    """Input that cannot be priced; `field` names the offending input."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class LineInput:
    unit: str
    unit_price: Decimal  # net EUR per unit
    vat_rate: Decimal  # percent, e.g. Decimal("19.00")
    entered_quantity: Decimal | None = None
    population: int | None = None


@dataclass(frozen=True)
class LinePreview:
    quantity: Decimal
    unit_price: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    recurring: bool
    trace: tuple[str, ...] = field(default_factory=tuple)


def resolve_quantity(unit: str, entered: Decimal | None, population: int | None) -> tuple[Decimal, str]:
    """The chargeable quantity and how it was found."""
    if unit == INHABITANT:
        if population is None or population <= 0:
            raise PricingError("population", "the member has no population figure for a per-inhabitant product")
        return Decimal(population), f"quantity = population of the member ({population})"
    if unit == FLAT:
        return Decimal(1), "quantity = 1 (flat per member)"
    if entered is None:
        raise PricingError("quantity", "a quantity is required")
    if entered <= 0:
        raise PricingError("quantity", "the quantity must be greater than zero")
    return entered, f"quantity entered: {entered}"


def price_line(
    *, quantity: Decimal, unit_price: Decimal, vat_rate: Decimal, recurring: bool, how: str = ""
) -> LinePreview:
    """Net, VAT and gross of a line with a known chargeable quantity."""
    if unit_price < 0:
        raise PricingError("unit_price", "the unit price cannot be negative")
    if not (0 <= vat_rate <= HUNDRED):
        raise PricingError("vat_rate", "the VAT rate must be between 0 and 100 %")
    if quantity <= 0:
        raise PricingError("quantity", "the quantity must be greater than zero")
    exact = quantity * unit_price
    net = round_money(exact)
    vat = round_money(net * vat_rate / HUNDRED)
    trace = (
        how or f"quantity: {quantity}",
        f"net = {quantity} × {unit_price} = {exact} → {net} (rounded to the cent)",
        f"VAT = {net} × {vat_rate} % = {vat}",
        f"gross = {net} + {vat} = {net + vat}" + (" per year" if recurring else " once"),
    )
    return LinePreview(quantity, unit_price, net, vat, net + vat, recurring, trace)


def line_preview(line: LineInput) -> LinePreview:
    """Resolve the chargeable quantity from the unit, then price the line."""
    quantity, how = resolve_quantity(line.unit, line.entered_quantity, line.population)
    return price_line(
        quantity=quantity, unit_price=line.unit_price, vat_rate=line.vat_rate, recurring=line.unit != ONE_OFF, how=how
    )
