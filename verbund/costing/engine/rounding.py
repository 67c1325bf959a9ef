"""Rounding and number formatting of the costing engine, built on `verbund.core.money` (the one rounding rule).

Rules (docs/costing-model-format.md, "Rounding"):

- Arithmetic runs in `ENGINE_CONTEXT` (34 significant digits). Nothing is rounded until a figure is reported.
- Money is rounded to the cent with `round_money` (commercial, half up), except where a set of figures
  must add up exactly to a given total: then the *largest remainder method* is used (`largest_remainder`).
- Largest remainder: every exact amount is first cleaned of numerical noise (quantised to 10⁻¹² EUR, half-even),
  then floored to the cent; the cents still missing to the total go, one each, to the amounts with the largest
  cut-off remainders; equal remainders are served in ascending id order (plain string order of the ids).
- Unit rates are rounded to 4 decimals (`RATE_PLACES`) with `round_money`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

from verbund.core.money import CENT, PRICE_PLACES, round_down, round_even, round_money

from .errors import CostingError

ENGINE_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
RATE_PLACES = PRICE_PLACES  # a rate becomes the catalogue's unit price: 4 decimals at most
NOISE_PLACES = Decimal("1E-12")
SHARE_PLACES = Decimal("0.000001")  # display only
ZERO = Decimal(0)
MONEY_ZERO = Decimal("0.00")
ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Split:
    """Amounts rounded to the cent that sum exactly to `total`; `bumped` got one cent from the remainder rule."""

    amounts: dict[str, Decimal]
    total: Decimal
    bumped: frozenset[str]


def round_rate(value: Decimal) -> Decimal:
    """A unit rate: 4 decimals, commercial rounding."""
    return round_money(value, RATE_PLACES)


def largest_remainder(exact: Iterable[tuple[str, Decimal]], total: Decimal, *, path: str) -> Split:
    """Round `exact` amounts to cents so that they sum to `total` (a whole number of cents).

    The exact amounts must add up to `total` (up to numerical noise); otherwise the caller lost money somewhere
    and a `CostingError` at `path` says so.
    """
    if round_money(total) != total:
        raise CostingError(path, f"total {total} is not a whole number of cents")
    floors: dict[str, Decimal] = {}
    remainders: list[tuple[Decimal, str]] = []
    floor_sum = ZERO
    for key, value in exact:
        clean = round_even(value, NOISE_PLACES)
        floor = round_down(clean, CENT)
        floors[key] = floor
        floor_sum += floor
        remainders.append((clean - floor, key))
    missing = int((total - floor_sum) / CENT)
    if not 0 <= missing <= len(remainders):
        raise CostingError(
            path, f"the parts ({floor_sum} after flooring) do not add up to the total {total}; nothing was rounded"
        )
    remainders.sort(key=lambda item: (-item[0], item[1]))
    bumped = frozenset(key for _, key in remainders[:missing])
    for key in bumped:
        floors[key] += CENT
    return Split(floors, total, bumped)


def money(value: Decimal) -> str:
    """1234567.891 → '1,234,567.89' (display; figures are rounded where they are computed)."""
    return f"{round_money(value):,}"


def num(value: Decimal) -> str:
    """A quantity or factor without trailing zeros: Decimal('1200.00') → '1,200'."""
    return f"{value.normalize():,f}"


def share(value: Decimal) -> str:
    """A share for display, 6 decimals at most: 0.333333."""
    return num(round_even(value, SHARE_PLACES)) if value != ZERO else "0"
