"""Money and rounding: the one place where amounts are quantised.

Rule: amounts are Decimal, never float. Rounding is commercial (ROUND_HALF_UP, "kaufmännisch"), to the cent,
at named boundaries (line, document) chosen by the caller.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP


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
