"""Into which plan years an over- or under-recovery may be carried (ADR 0017).

A year's result is final only after its annual accounts in the following year, so a carry-forward starts at the
earliest in `from_year + CARRY_DELAY` (2). It is spread evenly over `years` plan years. An over-recovery
(positive) must be returned within `window` years after its year (KAG NRW § 6 Abs. 2; the plan version's
`return_window_years`): its last year is at most `from_year + window`. An under-recovery (negative) should be
recovered; the law sets no deadline, so it is not bounded here either (the costing engine does the same).
"""

from dataclasses import dataclass
from decimal import Decimal

CARRY_DELAY = 2
LAST_PLAN_YEAR = 2100


@dataclass(frozen=True, slots=True)
class CarryRefusal:
    """Why a carry-forward is refused: a message code and its values (rendered by the caller)."""

    code: str  # "too_early", "too_late", "years", "zero"
    earliest: int
    latest: int | None


def carry_first_years(from_year: int, amount: Decimal, years: int, window: int) -> range:
    """The plan years in which a carry-forward of `amount` from `from_year`, spread over `years`, may start."""
    earliest = from_year + CARRY_DELAY
    if years < 1:
        return range(earliest, earliest)
    if amount > 0:
        return range(earliest, from_year + window - years + 2)
    return range(earliest, LAST_PLAN_YEAR - years + 2)


def carry_problem(from_year: int, amount: Decimal, first_year: int, years: int, window: int) -> CarryRefusal | None:
    """None when the carry-forward is lawful, else why not."""
    allowed = carry_first_years(from_year, amount, years, window)
    latest = allowed[-1] if len(allowed) else None
    if amount == 0:
        return CarryRefusal("zero", allowed.start, latest)
    if years < 1:
        return CarryRefusal("years", allowed.start, latest)
    if first_year < allowed.start:
        return CarryRefusal("too_early", allowed.start, latest)
    if first_year not in allowed:
        return CarryRefusal("too_late", allowed.start, latest)
    return None


def carry_allowed(from_year: int, amount: Decimal, first_year: int, years: int, window: int) -> bool:
    return carry_problem(from_year, amount, first_year, years, window) is None
