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

**Arithmetic.** Every exact value is kept as an integer numerator over a common integer denominator (the
quantities' and rates' denominators × n × the least common multiple of the period lengths), so sums need no
greatest-common-divisor reductions and rounding is one integer division. This is the same exact arithmetic as
with `fractions.Fraction`, about ten times faster (ADR 0020); the tests compare it with a day-by-day Fraction
reference.
"""

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from verbund.billing.engine.periods import (
    ONE_DAY,
    Frequency,
    Period,
    days_in_year,
    days_inclusive,
    periods_of_year,
    whole_year,
)
from verbund.core.money import ratio_units, round_fraction, round_ratio

ZERO = Decimal("0.00")
_OPEN = dt.date.max.toordinal()


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


# ---------------------------------------------------------------- exact arithmetic on integers


def _scaled(numerator: int, denominator: int, places: int) -> Decimal:
    """numerator / denominator (denominator > 0) rounded half away from zero to `places` decimals."""
    return round_ratio(numerator, denominator, places)


def _cents(numerator: int, denominator: int) -> int:
    """numerator / denominator in whole cents, half away from zero (the project's money rule)."""
    return ratio_units(numerator, denominator, 2)


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def round_exact(value: Fraction) -> Decimal:
    """Round an exact value to the cent, half away from zero (`core.money.round_fraction`, the money rule)."""
    return round_fraction(value)


def _show(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _fmt(numerator: int, denominator: int, places: int = 6) -> str:
    return _show(_scaled(numerator, denominator, places))


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


# ---------------------------------------------------------------- spans: the days used, on date ordinals


@dataclass(frozen=True)
class _Span:
    """Days `first`..`last` (date ordinals, inclusive) with one quantity and one rate (rate_num / rate_den)."""

    first: int
    last: int
    quantity: Decimal
    rate_num: int
    rate_den: int


def _ratio(value: Decimal) -> tuple[int, int]:
    return value.as_integer_ratio()


def _rate_intervals(charge: Charge) -> list[tuple[int, int, int, int]]:
    """(first, last, rate numerator, rate denominator) on date ordinals; `last` of the open end is _OPEN."""
    if charge.planned_fee is not None:
        amount_num, amount_den = _ratio(charge.planned_fee.amount)
        basis_num, basis_den = _ratio(charge.planned_fee.basis)
        num, den = amount_num * basis_den, amount_den * basis_num
        common = math.gcd(num, den)
        return [(1, _OPEN, num // common, den // common)]
    steps = sorted(charge.rates, key=lambda s: s.valid_from)
    intervals: list[tuple[int, int, int, int]] = []
    for index, step in enumerate(steps):
        if index + 1 < len(steps) and steps[index + 1].valid_from == step.valid_from:
            continue  # two steps on one day: the later one (a correction) wins
        last = steps[index + 1].valid_from.toordinal() - 1 if index + 1 < len(steps) else _OPEN
        intervals.append((step.valid_from.toordinal(), last, *_ratio(step.rate)))
    return intervals


def _spans(charge: Charge, start: int, end: int) -> list[_Span]:
    """The days of [start, end] the member used the product, split where quantity or rate changes.

    Raises MissingRate if the member used the product on a day no rate is in force."""
    intervals = _rate_intervals(charge)
    result: list[_Span] = []
    for segment in sorted(charge.segments, key=lambda s: s.start):
        if segment.quantity == 0:
            continue
        first = max(segment.start.toordinal(), start)
        last = end if segment.end is None else min(segment.end.toordinal(), end)
        if first > last:
            continue
        covered = first
        for rate_first, rate_last, num, den in intervals:
            part_first, part_last = max(rate_first, first), min(rate_last, last)
            if part_first > part_last:
                continue
            if part_first > covered:
                raise MissingRate(charge.product, dt.date.fromordinal(covered))
            result.append(_Span(part_first, part_last, segment.quantity, num, den))
            covered = part_last + 1
        if covered <= last:
            raise MissingRate(charge.product, dt.date.fromordinal(covered))
    return result


def _weights(spans: Sequence[_Span]) -> tuple[int, list[int]]:
    """A common denominator D and, per span, quantity × rate × D as an integer."""
    parts = []
    for span in spans:
        q_num, q_den = _ratio(span.quantity)
        parts.append((q_num * span.rate_num, q_den * span.rate_den))
    common = math.lcm(*(den for _num, den in parts)) if parts else 1
    return common, [num * (common // den) for num, den in parts]


def _unit_days(used: Sequence[tuple[_Span, int, int]]) -> tuple[int, int]:
    """Σ days × quantity over (span, first, last) stretches, as numerator and denominator."""
    numerator, denominator = 0, 1
    for span, first, last in used:
        q_num, q_den = _ratio(span.quantity)
        numerator, denominator = numerator * q_den + (last - first + 1) * q_num * denominator, denominator * q_den
    return numerator, denominator


def pieces(charge: Charge, start: dt.date, end: dt.date) -> tuple[Piece, ...]:
    """The days of [start, end] the member used the product, split where quantity or rate changes.

    Raises MissingRate if the member used the product on a day no rate is in force."""
    return tuple(
        Piece(
            dt.date.fromordinal(s.first),
            dt.date.fromordinal(s.last),
            Fraction(s.quantity),
            Fraction(s.rate_num, s.rate_den),
        )
        for s in _spans(charge, start.toordinal(), end.toordinal())
    )


def _piece_line(first: int, last: int, quantity: Decimal, rate_num: int, rate_den: int) -> str:
    return (
        f"{dt.date.fromordinal(first).isoformat()}–{dt.date.fromordinal(last).isoformat()}: "
        f"{_show(quantity)} × {last - first + 1} days at {_fmt(rate_num, rate_den)} per unit and year"
    )


# ---------------------------------------------------------------- instalments


@lru_cache(maxsize=64)
def _calendar(year: int, frequency: str) -> tuple[tuple[tuple[Period, int, int, int], ...], int]:
    """The periods of a year with (period, first ordinal, last ordinal, L ÷ days) and L = lcm of their lengths."""
    periods = periods_of_year(year, frequency)
    common = math.lcm(*(p.days for p in periods))
    return tuple((p, p.start.toordinal(), p.end.toordinal(), common // p.days) for p in periods), common


def _walk(charge: Charge, year: int, frequency: Frequency | str, upto: int | None, build: bool) -> list[Instalment]:
    """Instalments of periods 1..upto (all if None); with build=False only the last one is built."""
    calendar, common = _calendar(year, str(frequency))
    count = len(calendar)
    stop = count if upto is None else upto
    spans = _spans(charge, calendar[0][1], calendar[-1][2])
    span_den, weights = _weights(spans)
    denominator = count * common * span_den  # every exact value below is numerator / denominator
    cumulative = 0
    before = 0  # rounded cumulative of the periods before, in cents
    result: list[Instalment] = []
    for index in range(stop):
        period, first, last, factor = calendar[index]
        share = 0
        for span, weight in zip(spans, weights, strict=True):
            a = span.first if span.first > first else first
            b = span.last if span.last < last else last
            if a <= b:
                share += (b - a + 1) * weight
        share *= factor
        cumulative += share
        if build or index == stop - 1:
            rounded = _cents(cumulative, denominator)
            used = [
                (span, max(span.first, first), min(span.last, last))
                for span in spans
                if span.first <= last and span.last >= first
            ]
            active = sum(b - a + 1 for _span, a, b in used)
            unit_num, unit_den = _unit_days(used)
            result.append(
                Instalment(
                    product=charge.product,
                    period=period,
                    amount=_money(rounded - before),
                    exact=_scaled(share, denominator, 6),
                    cumulative=_money(rounded),
                    unit_days=_scaled(unit_num, unit_den, 6),
                    active_days=active,
                    quantity=used[-1][0].quantity if used else None,
                    trace=_instalment_trace(
                        charge, period, count, used, share, cumulative, denominator, rounded, before
                    ),
                )
            )
            before = rounded
        elif index == stop - 2:
            before = _cents(cumulative, denominator)
    return result


def _instalment_trace(
    charge: Charge,
    period: Period,
    count: int,
    used: Sequence[tuple[_Span, int, int]],
    share: int,
    cumulative: int,
    denominator: int,
    rounded: int,
    before: int,
) -> tuple[str, ...]:
    trace = [
        f"period {period.label}: {period.start.isoformat()}–{period.end.isoformat()}, "
        f"{period.days} days, 1/{count} of the year"
    ]
    if charge.planned_fee is not None:
        trace.append(
            f"annual fee {charge.planned_fee.amount} for {_show(charge.planned_fee.basis)} unit(s)"
            + (f" ({charge.source})" if charge.source else "")
        )
    elif charge.source:
        trace.append(f"rates: {charge.source}")
    trace.extend(_piece_line(a, b, span.quantity, span.rate_num, span.rate_den) for span, a, b in used)
    if not used:
        trace.append("no use in this period")
    trace.append(f"share = Σ days × quantity × rate / ({count} × {period.days}) = {_fmt(share, denominator)}")
    trace.append(
        f"cumulative {_fmt(cumulative, denominator)} → {_money(rounded)}; "
        f"instalment = {_money(rounded)} − {_money(before)} = {_money(rounded - before)}"
    )
    return tuple(trace)


def instalments(charge: Charge, year: int, frequency: Frequency | str) -> tuple[Instalment, ...]:
    """The instalments of every period of the year; they add up exactly to `annual_instalment_total`."""
    return tuple(_walk(charge, year, frequency, None, build=True))


def instalment(charge: Charge, year: int, frequency: Frequency | str, index: int) -> Instalment:
    """The instalment of period `index` (1-based); only the periods up to it are computed."""
    count = len(_calendar(year, str(frequency))[0])
    if not 1 <= index <= count:
        raise ChargeError(charge.product, f"period {index} does not exist")
    # The whole year's spans are checked (a missing rate later in the year is reported now, as for the
    # annual total), but only periods 1..index are summed and only the last one is built.
    return _walk(charge, year, frequency, index, build=False)[-1]


def annual_instalment_total(charge: Charge, year: int, frequency: Frequency | str) -> Decimal:
    """What all instalments of the year add up to: round(Σ exact period shares)."""
    return _walk(charge, year, frequency, None, build=False)[-1].cumulative


# ---------------------------------------------------------------- actual (final settlement)


def actual(charge: Charge, year: int) -> Actual:
    """The amount for the year exact to the day: Σ days × quantity × rate / days in year."""
    period = whole_year(year)
    spans = _spans(charge, period.start.toordinal(), period.end.toordinal())
    span_den, weights = _weights(spans)
    days = days_in_year(year)
    denominator = span_den * days
    numerator = sum((s.last - s.first + 1) * weight for s, weight in zip(spans, weights, strict=True))
    active = sum(s.last - s.first + 1 for s in spans)
    unit_num, unit_den = _unit_days([(s, s.first, s.last) for s in spans])
    cents = _cents(numerator, denominator)
    amount = _money(cents)
    rates = {(s.rate_num, s.rate_den) for s in spans}
    single = None
    if len(rates) == 1 and charge.planned_fee is None:
        rate_num, rate_den = next(iter(rates))
        single = Decimal(rate_num) / Decimal(rate_den)
    trace = [f"year {year}: {days} days" + (f"; {charge.source}" if charge.source else "")]
    trace.extend(_piece_line(s.first, s.last, s.quantity, s.rate_num, s.rate_den) for s in spans)
    if not spans:
        trace.append("no use in the year")
    trace.append(f"actual = Σ days × quantity × rate / {days} = {_fmt(numerator, denominator)} → {amount}")
    return Actual(
        product=charge.product,
        amount=amount,
        exact=_scaled(numerator, denominator, 6),
        unit_days=_scaled(unit_num, unit_den, 6),
        annual_quantity=_scaled(unit_num, unit_den * days, 6),
        active_days=active,
        single_rate=single,
        trace=tuple(trace),
    )
