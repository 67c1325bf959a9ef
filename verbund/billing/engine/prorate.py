"""Pro-rating a member's annual charge for a product over billing periods, exactly. Pure Python.

A `Charge` says what a member owes for one product in a year:

* `segments`: when and how much the member used, from the subscription (start, inclusive end) and its
  effective-dated quantities;
* either a `PlannedFee` (the annual fee of the approved plan, computed for `basis` units over a whole year), or
  `RateStep`s (an annual price per unit from a date on, e.g. approved price revisions).

Every amount is first computed as an exact fraction and rounded once, with the project's one rule (commercial,
half away from zero, to the cent; see `core.money`).

**Instalments** (Abschläge). A year has n periods (12 months or 4 quarters); each period carries 1/n of the
annual charge, pro-rated inside the period by the days the subscription is active and its quantity:

    exact_k = Σ_pieces (days × quantity × rate) / (n × days_in_period_k)       rate = fee / basis for a plan fee

so a subscription running all year with the basis quantity pays exactly fee/12 a month (fee/4 a quarter),
whatever the month's length, and a subscription starting on 15 January pays 17/31 of the January share. To make
the instalments of a year add up *exactly* to the annual amount, period k is billed as the difference of rounded
cumulative sums: instalment_k = round(Σ_{j≤k} exact_j) − round(Σ_{j<k} exact_j). The sum of all instalments
telescopes to round(Σ exact) — for a full-year subscription at the basis quantity, the annual fee to the cent.

**Actual** amounts for the final settlement are exact to the day:

    actual = Σ_pieces (days × quantity × rate) / days_in_year
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from verbund.billing.engine.periods import (
    ONE_DAY,
    Frequency,
    Period,
    days_in_year,
    days_inclusive,
    overlap,
    periods_of_year,
    whole_year,
)

ZERO = Decimal("0.00")


class ChargeError(ValueError):
    """A charge that cannot be computed; `product` names it."""

    def __init__(self, product: str, message: str):
        self.product = product
        super().__init__(f"{product}: {message}")


class MissingRate(ChargeError):
    """No rate is in force on `day` although the member uses the product then (no approved price)."""

    def __init__(self, product: str, day: dt.date):
        self.day = day
        super().__init__(product, f"no rate in force on {day.isoformat()}")


@dataclass(frozen=True)
class Segment:
    """The member used `quantity` units from `start` to `end` (inclusive; None = open-ended)."""

    start: dt.date
    end: dt.date | None
    quantity: Decimal


@dataclass(frozen=True)
class RateStep:
    """An annual price per unit, in force from `valid_from` until the next step."""

    valid_from: dt.date
    rate: Decimal


@dataclass(frozen=True)
class PlannedFee:
    """The annual fee of the approved plan, computed for `basis` units used over the whole year."""

    amount: Decimal
    basis: Decimal = Decimal(1)


@dataclass(frozen=True)
class Charge:
    product: str
    segments: tuple[Segment, ...]
    planned_fee: PlannedFee | None = None
    rates: tuple[RateStep, ...] = ()
    source: str = ""  # how the charge was found, for the trace ("plan 2026", "price revisions")

    def __post_init__(self) -> None:
        if (self.planned_fee is None) == (not self.rates):
            raise ChargeError(self.product, "give either a planned fee or rates")
        if self.planned_fee is not None and self.planned_fee.basis <= 0:
            raise ChargeError(self.product, "the quantity basis of a planned fee must be positive")
        if any(s.quantity < 0 for s in self.segments):
            raise ChargeError(self.product, "quantities cannot be negative")


@dataclass(frozen=True)
class Piece:
    """A stretch of days with one quantity and one rate (per unit and year)."""

    start: dt.date
    end: dt.date
    quantity: Fraction
    rate: Fraction

    @property
    def days(self) -> int:
        return days_inclusive(self.start, self.end)

    @property
    def unit_days(self) -> Fraction:
        return self.days * self.quantity


@dataclass(frozen=True)
class Instalment:
    product: str
    period: Period
    amount: Decimal  # what period k is billed: round(cumulative_k) − round(cumulative_{k−1})
    exact: Decimal  # exact share of the period (6 places, for display)
    cumulative: Decimal  # rounded cumulative amount through this period
    unit_days: Decimal  # Σ days × quantity inside the period
    active_days: int
    quantity: Decimal | None  # quantity in force on the last active day of the period
    trace: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Actual:
    product: str
    amount: Decimal
    exact: Decimal
    unit_days: Decimal
    annual_quantity: Decimal  # unit_days / days in year (6 places): the quantity "for a whole year"
    active_days: int
    single_rate: Decimal | None  # the one rate per unit if a single rate applied (for line display)
    trace: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- exact arithmetic


def round_exact(value: Fraction) -> Decimal:
    """Round an exact value to the cent, half away from zero (ROUND_HALF_UP, as `core.money.round_money`)."""
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(-cents if value < 0 else cents).scaleb(-2)


def to_decimal(value: Fraction, places: int = 6) -> Decimal:
    """An exact value shown with `places` decimals (display only, never summed)."""
    scaled = math.floor(abs(value) * 10**places + Fraction(1, 2))
    return Decimal(-scaled if value < 0 else scaled).scaleb(-places)


def _fmt(value: Fraction | Decimal, places: int = 6) -> str:
    shown = to_decimal(Fraction(value), places) if isinstance(value, Fraction) else value
    text = f"{shown:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# ---------------------------------------------------------------- segments


def subscription_segments(
    start: dt.date, end: dt.date | None, quantities: Sequence[tuple[dt.date, Decimal]]
) -> tuple[Segment, ...]:
    """The quantity segments of a subscription from its effective-dated quantity rows (valid_from, quantity).

    Rows are taken in the given order (sort by valid_from, then creation): on the same date the later row wins,
    as in `orders.selectors.quantity_on`. A row dated before the start counts from the start; days before the
    first row have no quantity and are not billed."""
    ordered = sorted(enumerate(quantities), key=lambda item: (item[1][0], item[0]))
    latest: dict[dt.date, Decimal] = {}
    for _position, (valid_from, quantity) in ordered:
        latest[max(valid_from, start)] = quantity  # later rows on the same (effective) date win
    dates = sorted(latest)
    segments = []
    for index, first in enumerate(dates):
        last = dates[index + 1] - ONE_DAY if index + 1 < len(dates) else end
        if end is not None and first > end:
            break
        if last is not None and end is not None:
            last = min(last, end)
        segments.append(Segment(first, last, latest[first]))
    return tuple(segments)


def presence(segments: Sequence[Segment]) -> tuple[Segment, ...]:
    """The same days with quantity 1: for products shared by a key, only *whether* a member takes part counts."""
    return tuple(Segment(s.start, s.end, Decimal(1)) for s in segments)


# ---------------------------------------------------------------- pieces


def _rate_intervals(charge: Charge) -> list[tuple[dt.date, dt.date | None, Fraction]]:
    if charge.planned_fee is not None:
        rate = Fraction(charge.planned_fee.amount) / Fraction(charge.planned_fee.basis)
        return [(dt.date.min, None, rate)]
    steps = sorted(charge.rates, key=lambda s: s.valid_from)
    intervals: list[tuple[dt.date, dt.date | None, Fraction]] = []
    for index, step in enumerate(steps):
        if index + 1 < len(steps) and steps[index + 1].valid_from == step.valid_from:
            continue  # two steps on one day: the later one (a correction) wins
        end = steps[index + 1].valid_from - ONE_DAY if index + 1 < len(steps) else None
        intervals.append((step.valid_from, end, Fraction(step.rate)))
    return intervals


def pieces(charge: Charge, start: dt.date, end: dt.date) -> tuple[Piece, ...]:
    """The days of [start, end] the member used the product, split where quantity or rate changes.

    Raises MissingRate if the member used the product on a day no rate is in force."""
    intervals = _rate_intervals(charge)
    result: list[Piece] = []
    for segment in sorted(charge.segments, key=lambda s: s.start):
        window = overlap(segment.start, segment.end, start, end)
        if window is None or segment.quantity == 0:
            continue
        first, last = window
        covered = first
        for rate_start, rate_end, rate in intervals:
            part = overlap(rate_start, rate_end, first, last)
            if part is None:
                continue
            if part[0] > covered:
                raise MissingRate(charge.product, covered)
            result.append(Piece(part[0], part[1], Fraction(segment.quantity), rate))
            covered = part[1] + ONE_DAY
        if covered <= last:
            raise MissingRate(charge.product, covered)
    return tuple(result)


def _unit_days(parts: Sequence[Piece]) -> Fraction:
    return sum((p.unit_days for p in parts), Fraction(0))


def _piece_line(piece: Piece) -> str:
    return (
        f"{piece.start.isoformat()}–{piece.end.isoformat()}: {_fmt(piece.quantity)} × {piece.days} days "
        f"at {_fmt(piece.rate, 6)} per unit and year"
    )


# ---------------------------------------------------------------- instalments


def _period_exact(charge: Charge, period: Period, count: int) -> tuple[Fraction, tuple[Piece, ...]]:
    parts = pieces(charge, period.start, period.end)
    total = sum((p.unit_days * p.rate for p in parts), Fraction(0))
    return total / (count * period.days), parts


def instalments(charge: Charge, year: int, frequency: Frequency | str) -> tuple[Instalment, ...]:
    """The instalments of every period of the year; they add up exactly to `annual_instalment_total`."""
    periods = periods_of_year(year, frequency)
    count = len(periods)
    result = []
    cumulative = Fraction(0)
    rounded_before = ZERO
    for period in periods:
        exact, parts = _period_exact(charge, period, count)
        cumulative += exact
        rounded = round_exact(cumulative)
        amount = rounded - rounded_before
        unit_days = _unit_days(parts)
        active = sum(p.days for p in parts)
        trace = [
            f"period {period.label}: {period.start.isoformat()}–{period.end.isoformat()}, "
            f"{period.days} days, 1/{count} of the year"
        ]
        if charge.planned_fee is not None:
            trace.append(
                f"annual fee {charge.planned_fee.amount} for {_fmt(Fraction(charge.planned_fee.basis))} unit(s)"
                + (f" ({charge.source})" if charge.source else "")
            )
        elif charge.source:
            trace.append(f"rates: {charge.source}")
        trace.extend(_piece_line(p) for p in parts)
        if not parts:
            trace.append("no use in this period")
        trace.append(f"share = Σ days × quantity × rate / ({count} × {period.days}) = {_fmt(exact)}")
        trace.append(f"cumulative {_fmt(cumulative)} → {rounded}; instalment = {rounded} − {rounded_before} = {amount}")
        result.append(
            Instalment(
                product=charge.product,
                period=period,
                amount=amount,
                exact=to_decimal(exact),
                cumulative=rounded,
                unit_days=to_decimal(unit_days),
                active_days=active,
                quantity=Decimal(parts[-1].quantity.numerator) / Decimal(parts[-1].quantity.denominator)
                if parts
                else None,
                trace=tuple(trace),
            )
        )
        rounded_before = rounded
    return tuple(result)


def instalment(charge: Charge, year: int, frequency: Frequency | str, index: int) -> Instalment:
    """The instalment of period `index` (1-based)."""
    all_periods = instalments(charge, year, frequency)
    if not 1 <= index <= len(all_periods):
        raise ChargeError(charge.product, f"period {index} does not exist")
    return all_periods[index - 1]


def annual_instalment_total(charge: Charge, year: int, frequency: Frequency | str) -> Decimal:
    """What all instalments of the year add up to: round(Σ exact period shares)."""
    periods = periods_of_year(year, frequency)
    total = sum((_period_exact(charge, p, len(periods))[0] for p in periods), Fraction(0))
    return round_exact(total)


# ---------------------------------------------------------------- actual (final settlement)


def actual(charge: Charge, year: int) -> Actual:
    """The amount for the year exact to the day: Σ days × quantity × rate / days in year."""
    period = whole_year(year)
    parts = pieces(charge, period.start, period.end)
    days = days_in_year(year)
    exact = sum((p.unit_days * p.rate for p in parts), Fraction(0)) / days
    amount = round_exact(exact)
    unit_days = _unit_days(parts)
    rates = {p.rate for p in parts}
    single = None
    if len(rates) == 1 and charge.planned_fee is None:
        only = next(iter(rates))
        single = Decimal(only.numerator) / Decimal(only.denominator)
    trace = [f"year {year}: {days} days" + (f"; {charge.source}" if charge.source else "")]
    trace.extend(_piece_line(p) for p in parts)
    if not parts:
        trace.append("no use in the year")
    trace.append(f"actual = Σ days × quantity × rate / {days} = {_fmt(exact)} → {amount}")
    return Actual(
        product=charge.product,
        amount=amount,
        exact=to_decimal(exact),
        unit_days=to_decimal(unit_days),
        annual_quantity=to_decimal(unit_days / days),
        active_days=sum(p.days for p in parts),
        single_rate=single,
        trace=tuple(trace),
    )
