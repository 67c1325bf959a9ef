"""Fee preview for one product line: quantity × unit price, with VAT, and a trace. Pure Python, no Django.

Per-inhabitant products take the member's population as quantity; flat products take 1; for every other
unit the member enters the quantity, a whole number for units counted in whole things (workstations, users,
cases, one-off services) and up to the form's decimals for divisible ones (GB, hours). Rounding: commercial, to
the cent, once per line (net), then VAT on the rounded net (the line boundary of `core.money`).

Errors and the trace hold no words of a language (ADR 0025): a `PricingError` carries an English message marked
for translation with its parameters, the trace is steps rendered with `MESSAGES`.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from verbund.core.money import round_money
from verbund.core.steps import Kind, Message, Step, gettext_noop

INHABITANT = "inhabitant"
FLAT = "flat"
ONE_OFF = "one_off"
# Units counted in whole things: their quantity is a whole number. Per GB and per hour may be fractional;
# per inhabitant and flat take their quantity from the member.
WHOLE_UNITS = frozenset({"workstation", "user", "case", ONE_OFF})
HUNDRED = Decimal(100)

MESSAGES: dict[str, Message] = {
    "quantity.population": Message(
        gettext_noop("quantity = population of the member (%(population)s)"), {"population": Kind.COUNT}
    ),
    "quantity.flat": Message(gettext_noop("quantity = 1 (flat per member)"), {}),
    "quantity.entered": Message(gettext_noop("quantity entered: %(quantity)s"), {"quantity": Kind.NUMBER}),
    "quantity": Message(gettext_noop("quantity: %(quantity)s"), {"quantity": Kind.NUMBER}),
    "net": Message(
        gettext_noop("net = %(quantity)s × %(unit_price)s = %(exact)s → %(net)s (rounded to the cent)"),
        {"quantity": Kind.NUMBER, "unit_price": Kind.NUMBER, "exact": Kind.NUMBER, "net": Kind.MONEY},
    ),
    "vat": Message(
        gettext_noop("VAT = %(net)s × %(vat_rate)s %% = %(vat)s"),
        {"net": Kind.MONEY, "vat_rate": Kind.NUMBER, "vat": Kind.MONEY},
    ),
    "gross.recurring": Message(
        gettext_noop("gross = %(net)s + %(vat)s = %(gross)s per year"),
        {"net": Kind.MONEY, "vat": Kind.MONEY, "gross": Kind.MONEY},
    ),
    "gross.once": Message(
        gettext_noop("gross = %(net)s + %(vat)s = %(gross)s once"),
        {"net": Kind.MONEY, "vat": Kind.MONEY, "gross": Kind.MONEY},
    ),
}

NO_POPULATION = gettext_noop("The member has no population figure, which a per-inhabitant product needs.")
QUANTITY_REQUIRED = gettext_noop("Enter a quantity.")
QUANTITY_POSITIVE = gettext_noop("The quantity must be greater than zero.")
QUANTITY_WHOLE = gettext_noop("The quantity must be a whole number: this product is charged %(unit)s.")
PRICE_NEGATIVE = gettext_noop("The unit price cannot be negative.")
VAT_RANGE = gettext_noop("The VAT rate must be between 0 and 100 %%.")


class PricingError(ValueError):
    """Input that cannot be priced; `field` names the offending input.

    `message` is English with %(name)s placeholders (the msgid of its translation), `params` fills them; a
    `unit` parameter is a charge unit code that the caller shows as its label. `str()` is the English text.
    """

    def __init__(self, field: str, message: str, **params: Any):
        self.field = field
        self.message = message
        self.params = params
        super().__init__(message % params)


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
    trace: tuple[Step, ...] = field(default_factory=tuple)


def resolve_quantity(unit: str, entered: Decimal | None, population: int | None) -> tuple[Decimal, Step]:
    """The chargeable quantity and how it was found. Every way a quantity enters (form, API, order, change of
    quantity) passes here, so the rules hold everywhere."""
    if unit == INHABITANT:
        if population is None or population <= 0:
            raise PricingError("population", NO_POPULATION)
        return Decimal(population), Step("quantity.population", {"population": population})
    if unit == FLAT:
        return Decimal(1), Step("quantity.flat", {})
    if entered is None:
        raise PricingError("quantity", QUANTITY_REQUIRED)
    entered = Decimal(entered)  # an int from a caller is fine
    if entered <= 0:
        raise PricingError("quantity", QUANTITY_POSITIVE)
    if unit in WHOLE_UNITS and entered != entered.to_integral_value():
        raise PricingError("quantity", QUANTITY_WHOLE, unit=unit)
    return entered, Step("quantity.entered", {"quantity": entered})


def price_line(
    *, quantity: Decimal, unit_price: Decimal, vat_rate: Decimal, recurring: bool, how: Step | None = None
) -> LinePreview:
    """Net, VAT and gross of a line with a known chargeable quantity."""
    if unit_price < 0:
        raise PricingError("unit_price", PRICE_NEGATIVE)
    if not (0 <= vat_rate <= HUNDRED):
        raise PricingError("vat_rate", VAT_RANGE)
    if quantity <= 0:
        raise PricingError("quantity", QUANTITY_POSITIVE)
    exact = quantity * unit_price
    net = round_money(exact)
    vat = round_money(net * vat_rate / HUNDRED)
    totals = {"net": net, "vat": vat, "gross": net + vat}
    trace = (
        how or Step("quantity", {"quantity": quantity}),
        Step("net", {"quantity": quantity, "unit_price": unit_price, "exact": exact, "net": net}),
        Step("vat", {"net": net, "vat_rate": vat_rate, "vat": vat}),
        Step("gross.recurring" if recurring else "gross.once", totals),
    )
    return LinePreview(quantity, unit_price, net, vat, net + vat, recurring, trace)


def line_preview(line: LineInput) -> LinePreview:
    """Resolve the chargeable quantity from the unit, then price the line."""
    quantity, how = resolve_quantity(line.unit, line.entered_quantity, line.population)
    return price_line(
        quantity=quantity, unit_price=line.unit_price, vat_rate=line.vat_rate, recurring=line.unit != ONE_OFF, how=how
    )
