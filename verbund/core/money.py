"""Money and rounding: the one place where numbers are quantised. Pure Python (no Django), so that the pure
engines (costing, billing, pricing) round with the same functions as the services and pages.

Rule: amounts are Decimal, never float. Money is rounded commercially (ROUND_HALF_UP, "kaufmännisch"), to the
cent, at named boundaries (line, document) chosen by the caller: `round_money`. Exact fractions (the billing
engine's integer arithmetic, ADR 0020) round by the same rule with `round_ratio` / `round_fraction`.

Besides money, a few figures are rounded by another rule, each named here so that nobody quantises on their own:

- `round_even`: half to even (Python's default). Numerical noise cleaned off exact engine amounts, shares and
  factors shown in traces, sums shown for information (a cost centre's received and passed-on amounts), areas.
- `round_down`: towards minus infinity, for the largest remainder method (`costing.engine.rounding`).
- `has_places` / `unit_price_places`: whether a value fits a number of decimals, and the unit-price display rule.
"""

from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
PRICE_PLACES = Decimal("0.0001")  # a unit price has at most 4 decimals


class MoneyError(ValueError):
    """A value that is not a valid amount."""


def to_decimal(value: object) -> Decimal:
    """Parse a Decimal from str/int/Decimal; refuse float (binary floats cannot hold cents exactly)."""
    if isinstance(value, bool | float):
        raise MoneyError(f"refusing {type(value).__name__} {value!r} on a money path; pass str or Decimal")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if "," in text:  # German notation 1.234,56
            text = text.replace(".", "").replace(",", ".")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"not a number: {value!r}") from exc
    else:
        raise MoneyError(f"cannot read an amount from {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return result


def round_money(value: Decimal, places: Decimal = CENT) -> Decimal:
    """Round to the cent (or `places`) with the project's one rounding rule."""
    return value.quantize(places, rounding=ROUNDING)


def round_even(value: Decimal, places: Decimal) -> Decimal:
    """Round half to even to `places`: for figures that are not amounts at a boundary (see the module text)."""
    return value.quantize(places, rounding=ROUND_HALF_EVEN)


def round_down(value: Decimal, places: Decimal = CENT) -> Decimal:
    """Round towards minus infinity to `places` (the largest remainder method floors first)."""
    return value.quantize(places, rounding=ROUND_FLOOR)


def ratio_units(numerator: int, denominator: int, places: int = 2) -> int:
    """numerator / denominator (denominator > 0) in whole units of 10^-places (cents by default), rounded half
    away from zero (the money rule), exactly: integer arithmetic, no Decimal context involved."""
    factor = 2 * int(10**places)  # int(): typeshed types int ** int as Any (a negative power is a float)
    if numerator >= 0:
        return (factor * numerator + denominator) // (2 * denominator)
    return -((-factor * numerator + denominator) // (2 * denominator))


def round_ratio(numerator: int, denominator: int, places: int = 2) -> Decimal:
    """numerator / denominator rounded half away from zero to `places` decimals (see `ratio_units`)."""
    return Decimal(ratio_units(numerator, denominator, places)).scaleb(-places)


def round_fraction(value: Fraction, places: int = 2) -> Decimal:
    """An exact fraction rounded half away from zero to `places` decimals (to the cent by default)."""
    return round_ratio(value.numerator, value.denominator, places)


def has_places(value: Decimal, places: Decimal) -> bool:
    """True when `value` needs no more decimals than `places` (12.50 fits CENT, 0.385 does not)."""
    return value == value.quantize(places)


def unit_price_places(value: Decimal) -> int:
    """How many decimals a unit price is shown with: two, or four where the price has them (0.3850)."""
    return 2 if has_places(value, CENT) else 4
