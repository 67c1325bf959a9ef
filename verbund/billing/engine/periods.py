"""Billing periods of a year (monthly, quarterly) and day counts. Pure Python.

Dates are inclusive at both ends, like a subscription's `end_date`: a period from 1 Jan to 31 Jan has 31 days.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class PeriodError(ValueError):
    """A period that does not exist (e.g. month 13, quarter 5)."""


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


PERIODS_PER_YEAR: dict[Frequency, int] = {Frequency.MONTHLY: 12, Frequency.QUARTERLY: 4}
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Period `index` (1-based) of `count` periods of `year`, from `start` to `end` inclusive."""

    year: int
    index: int
    count: int
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return days_inclusive(self.start, self.end)

    @property
    def label(self) -> str:
        """01/2026 for months, Q1/2026 for quarters, 2026 for the whole year."""
        if self.count == 12:
            return f"{self.index:02d}/{self.year}"
        if self.count == 4:
            return f"Q{self.index}/{self.year}"
        if self.count == 1:
            return str(self.year)
        return f"{self.index}/{self.count} {self.year}"


def days_in_year(year: int) -> int:
    return days_inclusive(dt.date(year, 1, 1), dt.date(year, 12, 31))


def days_inclusive(start: dt.date, end: dt.date) -> int:
    """Days from `start` to `end`, both included; 0 if the range is empty."""
    return max(0, (end - start).days + 1)


def overlap(
    start: dt.date, end: dt.date | None, window_start: dt.date, window_end: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The part of [start, end] (end None = open) inside [window_start, window_end], or None."""
    first = max(start, window_start)
    last = window_end if end is None else min(end, window_end)
    return (first, last) if first <= last else None


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - ONE_DAY


def periods_of_year(year: int, frequency: Frequency | str) -> tuple[Period, ...]:
    """All periods of a year in order: 12 months or 4 quarters."""
    try:
        count = PERIODS_PER_YEAR[Frequency(frequency)]
    except ValueError as exc:
        raise PeriodError(f"unknown frequency {frequency!r}; use monthly or quarterly") from exc
    months = 12 // count
    return tuple(
        Period(
            year=year,
            index=index,
            count=count,
            start=dt.date(year, (index - 1) * months + 1, 1),
            end=_month_end(year, index * months),
        )
        for index in range(1, count + 1)
    )


def period_of(year: int, frequency: Frequency | str, index: int) -> Period:
    periods = periods_of_year(year, frequency)
    if not 1 <= index <= len(periods):
        raise PeriodError(f"period {index} does not exist; a {frequency} year has periods 1 to {len(periods)}")
    return periods[index - 1]


def whole_year(year: int) -> Period:
    return Period(year=year, index=1, count=1, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
