"""Availability of one member's product against its SLA, per calendar month and year (ADR 0037).

Pure Python: the caller passes the commitment, the incidents (outages and maintenance that affect the member and
product) and the public holidays; nothing here reads the clock, a database or the network.

Rules (exact to the second; instants are counted as whole seconds since the epoch, so a DST day has 23 or 25
hours of wall time and the service windows are laid out in local time, Europe/Berlin):

1. *Service time* of a month is the union of the commitment's weekly windows on the month's local days, without
   the public holidays when the commitment excludes them.
2. *Maintenance announced in time* (announced at least `notice_days` × 24 h before it starts) is *excluded*: the
   agreed time is service time minus that maintenance. Maintenance announced too late, or not at all, is an
   outage.
3. *Downtime* is counted only inside the agreed time. Overlapping incidents count once: at each instant the
   largest impact of the incidents then running counts (a full outage during a half outage counts fully, two half
   outages at once count as one half). Downtime = ∫ max impact dt over the agreed time.
4. Availability = 1 − downtime ÷ agreed time (None when there is no agreed time); error budget used =
   downtime ÷ ((1 − target) × agreed time) (None when the target is 100 %).
5. Incidents are assigned to the month in which they start; MTTR is the mean wall-clock duration (end − start) of
   the finished incidents that count (outages and late maintenance); an incident is *major* when it lasted at
   least four hours (`MAJOR_SECONDS`) or hit all members of the product at full impact.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import NamedTuple, TypeVar
from zoneinfo import ZoneInfo

TIME_ZONE = "Europe/Berlin"
MAJOR_SECONDS = 4 * 3600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE = Decimal(1)
ZERO = Decimal(0)
Interval = tuple[int, int]
K = TypeVar("K")


def seconds(instant: datetime) -> int:
    """Whole seconds since the epoch of an aware datetime (fractions of a second are dropped)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime")
    return (instant - EPOCH) // timedelta(seconds=1)


@dataclass(frozen=True, order=True)
class Window:
    """A weekly service window: `weekday` 0 = Monday; minutes after local midnight, end up to 1440 (24:00)."""

    weekday: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be 0..6")
        if not 0 <= self.start_minute < self.end_minute <= 1440:
            raise ValueError("a window runs from 00:00 to 24:00 at most and ends after it starts")


ALL_WEEK = tuple(Window(day, 0, 1440) for day in range(7))

_DAYS = {
    "mo": 0, "mon": 0, "di": 1, "tu": 1, "tue": 1, "mi": 2, "we": 2, "wed": 2, "do": 3, "th": 3, "thu": 3,
    "fr": 4, "fri": 4, "sa": 5, "sat": 5, "so": 6, "su": 6, "sun": 6,
}  # fmt: skip
_PART = re.compile(
    r"^\s*(?P<days>[a-z]{2,3}(?:\s*[-–]\s*[a-z]{2,3})?(?:\s*,\s*[a-z]{2,3})*)\.?\s+"
    r"(?P<start>\d{1,2})(?::(?P<sm>\d{2}))?\s*[-–]\s*(?P<end>\d{1,2})(?::(?P<em>\d{2}))?\s*(?:uhr|h)?\s*$"
)


def parse_windows(text: str) -> tuple[Window, ...]:
    """Weekly windows from text: "24x7" (or "24/7"), or parts separated by ";" such as "Mo-Fr 07:00-18:00;
    Sa 08:00-12:00" (German or English day abbreviations, "Mo–Fr 7–18 Uhr" as the catalogue writes it).
    Raises ValueError naming the part it cannot read."""
    cleaned = re.sub(r"\([^)]*\)", "", text).strip().lower()  # "(Wartungsfenster ...)" is a remark
    if cleaned in {"24x7", "24/7", "24×7", "24 x 7", "rund um die uhr"}:
        return ALL_WEEK
    windows: set[Window] = set()
    for part in re.split(r"[;\n]", cleaned):
        if not part.strip():
            continue
        match = _PART.match(part)
        if not match:
            raise ValueError(part.strip())
        start = int(match["start"]) * 60 + int(match["sm"] or 0)
        end = int(match["end"]) * 60 + int(match["em"] or 0)
        days: set[int] = set()
        for piece in re.split(r"\s*,\s*", match["days"]):
            ends = [d.strip() for d in re.split(r"\s*[-–]\s*", piece)]
            if any(d not in _DAYS for d in ends):
                raise ValueError(part.strip())
            first, last = _DAYS[ends[0]], _DAYS[ends[-1]]
            if last < first:
                raise ValueError(part.strip())
            days.update(range(first, last + 1))
        for day in days:
            windows.add(Window(day, start, end))  # raises ValueError for 18-07 or 25:00
    if not windows:
        raise ValueError(text)
    return tuple(sorted(windows))


def format_windows(windows: Iterable[Window]) -> str:
    """The canonical text of windows ("Mon 07:00-18:00; ..."), readable back by `parse_windows`."""
    items = tuple(sorted(windows))
    if items == ALL_WEEK:
        return "24x7"
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    by_time: dict[tuple[int, int], list[int]] = {}
    for window in items:
        by_time.setdefault((window.start_minute, window.end_minute), []).append(window.weekday)
    parts = []
    for (start, end), days in sorted(by_time.items(), key=lambda item: (min(item[1]), item[0])):
        runs: list[list[int]] = []
        for day in sorted(days):
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        label = ",".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)
        parts.append(f"{label} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    return "; ".join(parts)


@dataclass(frozen=True)
class Commitment:
    """What the provider promised for one member and product."""

    windows: tuple[Window, ...] = ALL_WEEK
    exclude_holidays: bool = False
    target_month: Decimal = Decimal("0.99")  # a share: 0.995 for 99.5 %
    target_year: Decimal = Decimal("0.99")
    notice_days: int = 5


@dataclass(frozen=True)
class Incident:
    """An outage or a maintenance that affects this member and product. `end` None: still running at `as_of`."""

    key: str
    start: datetime
    end: datetime | None
    maintenance: bool = False
    announced_at: datetime | None = None
    impact: Decimal = ONE  # fraction of the service lost, 0 < impact ≤ 1
    all_members: bool = False

    def excluded(self, notice_days: int) -> bool:
        """Maintenance announced at least `notice_days` × 24 h ahead is excluded from the agreed time."""
        return (
            self.maintenance
            and self.announced_at is not None
            and self.announced_at <= self.start - timedelta(days=notice_days)
        )


class Cell(NamedTuple):
    """One member × product: its commitment, the incidents of all subscribers of the product (one shared tuple per
    product), and those that name this member (`extra`)."""

    commitment: Commitment
    incidents: tuple[Incident, ...]
    extra: tuple[Incident, ...] = ()
    row_id: int = 0  # the caller's commitment row


@dataclass(frozen=True)
class PeriodResult:
    start: date  # first local day of the period
    end: date  # last local day (inclusive)
    service_seconds: int  # the commitment's service time
    excluded_seconds: int  # service time taken by maintenance announced in time
    agreed_seconds: int  # service − excluded
    downtime_seconds: Decimal  # inside the agreed time, each instant once at its largest impact
    availability: Decimal | None  # 1 − downtime ÷ agreed; None without agreed time
    target: Decimal
    met: bool
    budget_used: Decimal | None  # downtime ÷ error budget; above 1: the budget is exhausted
    incidents: int  # counting incidents that started in the period
    major_incidents: int
    mttr_seconds: Decimal | None  # mean duration of the finished ones; None without any
    repaired: int = 0  # finished counting incidents that started in the period
    repaired_seconds: int = 0  # their durations added up
    counted: tuple[str, ...] = ()  # keys of the incidents that cost agreed time (the trace)
    excluded: tuple[str, ...] = ()  # keys of the maintenance excluded as announced in time
    late: tuple[str, ...] = ()  # keys of maintenance announced too late (counted as outage)


@dataclass(frozen=True)
class YearResult:
    year: int
    months: tuple[PeriodResult, ...]
    total: PeriodResult
    trace: tuple[str, ...] = field(default=(), compare=False)


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, merged intervals (half-open)."""
    merged: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def measure(intervals: Iterable[Interval]) -> int:
    return sum(end - start for start, end in intervals)


def subtract(base: list[Interval], cut: list[Interval]) -> list[Interval]:
    """`base` without `cut` (both merged and sorted)."""
    result: list[Interval] = []
    j = 0
    for start, end in base:
        current = start
        while j < len(cut) and cut[j][1] <= current:
            j += 1
        k = j
        while k < len(cut) and cut[k][0] < end:
            if cut[k][0] > current:
                result.append((current, cut[k][0]))
            current = max(current, cut[k][1])
            k += 1
        if current < end:
            result.append((current, end))
    return result


def overlap(a: list[Interval], b: list[Interval]) -> int:
    """Length of the intersection of two merged, sorted interval lists (binary search into `a` for each of `b`)."""
    if len(a) < len(b):
        a, b = b, a
    ends = [end for _start, end in a]
    total = 0
    for low, high in b:
        index = bisect_right(ends, low)
        while index < len(a) and a[index][0] < high:
            total += min(high, a[index][1]) - max(low, a[index][0])
            index += 1
    return total


def impact_levels(pieces: Iterable[tuple[int, int, Decimal]]) -> dict[Decimal, list[Interval]]:
    """Where the largest running impact is which: {impact: merged intervals} (a sweep over the boundaries)."""
    events: list[tuple[int, int, Decimal]] = []
    for start, end, impact in pieces:
        if end > start:
            events.append((start, 1, impact))
            events.append((end, -1, impact))
    events.sort(key=lambda e: (e[0], e[1]))
    active: Counter[Decimal] = Counter()
    levels: dict[Decimal, list[Interval]] = {}
    previous: int | None = None
    for instant, step, impact in events:
        if previous is not None and instant > previous and active:
            levels.setdefault(max(active), []).append((previous, instant))
        active[impact] += step
        if active[impact] == 0:
            del active[impact]
        previous = instant
    return {impact: union(intervals) for impact, intervals in levels.items()}


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_instant(day: date, minute: int, zone: ZoneInfo) -> int:
    if minute >= 1440:
        day, minute = day + timedelta(days=1), minute - 1440
    return seconds(datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone))


@lru_cache(maxsize=1024)
def month_bounds(year: int, month: int, zone_name: str = TIME_ZONE) -> Interval:
    zone = _zone(zone_name)
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return _local_instant(first, 0, zone), _local_instant(following, 0, zone)


@lru_cache(maxsize=4096)
def service_intervals(
    windows: tuple[Window, ...], holidays: frozenset[date], year: int, month: int, zone_name: str = TIME_ZONE
) -> tuple[Interval, ...]:
    """The service time of a month as merged epoch-second intervals (windows laid out in local time)."""
    zone = _zone(zone_name)
    by_day: dict[int, list[Window]] = {}
    for window in windows:
        by_day.setdefault(window.weekday, []).append(window)
    day = date(year, month, 1)
    low, high = month_bounds(year, month, zone_name)
    pieces: list[Interval] = []
    while day.month == month:
        if day not in holidays:
            for window in by_day.get(day.weekday(), ()):
                start = _local_instant(day, window.start_minute, zone)
                end = _local_instant(day, window.end_minute, zone)
                pieces.append((max(start, low), min(end, high)))
        day += timedelta(days=1)
    return tuple(union(pieces))


class _Prepared(NamedTuple):
    """An incident in whole epoch seconds, judged once against the commitment's notice."""

    start: int
    end: int
    impact: Decimal
    excluded: bool
    maintenance: bool
    finished: bool
    major: bool
    key: str


def _prepare(incident: Incident, notice_days: int, as_of: int) -> _Prepared:
    start = seconds(incident.start)
    end = seconds(incident.end) if incident.end is not None else max(start, as_of)
    return _Prepared(
        start=start,
        end=end,
        impact=incident.impact,
        excluded=incident.excluded(notice_days),
        maintenance=incident.maintenance,
        finished=incident.end is not None,
        major=(incident.end is not None and end - start >= MAJOR_SECONDS)
        or (incident.all_members and incident.impact == ONE),
        key=incident.key,
    )


def _period(
    *,
    first: date,
    last: date,
    service: list[Interval],
    low: int,
    high: int,
    incidents: list[_Prepared],
    target: Decimal,
) -> PeriodResult:
    excluded_pieces = [(max(i.start, low), min(i.end, high)) for i in incidents if i.excluded]
    counting = [i for i in incidents if not i.excluded]
    service_seconds = measure(service)
    if excluded_pieces:
        agreed_set = subtract(service, union(excluded_pieces))
        agreed_seconds = measure(agreed_set)
    else:
        agreed_set, agreed_seconds = service, service_seconds
    downtime = ZERO
    counted: list[str] = []
    if counting:
        levels = impact_levels((max(i.start, low), min(i.end, high), i.impact) for i in counting)
        for impact, intervals in levels.items():
            downtime += impact * overlap(agreed_set, intervals)
        ends = [end for _start, end in agreed_set]
        for i in counting:
            index = bisect_right(ends, max(i.start, low))
            if index < len(agreed_set) and agreed_set[index][0] < min(i.end, high):
                counted.append(i.key)
    availability = None if agreed_seconds == 0 else ONE - downtime / agreed_seconds
    budget = (ONE - target) * agreed_seconds
    started = [i for i in counting if low <= i.start < high]
    finished = [i.end - i.start for i in started if i.finished]
    return PeriodResult(
        start=first,
        end=last,
        service_seconds=service_seconds,
        excluded_seconds=service_seconds - agreed_seconds,
        agreed_seconds=agreed_seconds,
        downtime_seconds=downtime,
        availability=availability,
        target=target,
        met=availability is None or availability >= target,
        budget_used=downtime / budget if budget > 0 else None,
        incidents=len(started),
        major_incidents=sum(1 for i in started if i.major),
        mttr_seconds=Decimal(sum(finished)) / len(finished) if finished else None,
        repaired=len(finished),
        repaired_seconds=sum(finished),
        counted=tuple(counted),
        excluded=tuple(i.key for i in incidents if i.excluded),
        late=tuple(i.key for i in counting if i.maintenance),
    )


def _year_total(year: int, months: list[PeriodResult], target: Decimal) -> PeriodResult:
    """The year from its months: agreed time and downtime add up exactly (the months part the year)."""
    service = sum(m.service_seconds for m in months)
    agreed = sum(m.agreed_seconds for m in months)
    downtime = sum((m.downtime_seconds for m in months), ZERO)
    availability = None if agreed == 0 else ONE - downtime / agreed
    budget = (ONE - target) * agreed
    repaired = sum(m.repaired for m in months)
    repaired_seconds = sum(m.repaired_seconds for m in months)

    def keys(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(chain.from_iterable(getattr(m, name) for m in months)))

    return PeriodResult(
        start=date(year, 1, 1),
        end=date(year, 12, 31),
        service_seconds=service,
        excluded_seconds=service - agreed,
        agreed_seconds=agreed,
        downtime_seconds=downtime,
        availability=availability,
        target=target,
        met=availability is None or availability >= target,
        budget_used=downtime / budget if budget > 0 else None,
        incidents=sum(m.incidents for m in months),
        major_incidents=sum(m.major_incidents for m in months),
        mttr_seconds=Decimal(repaired_seconds) / repaired if repaired else None,
        repaired=repaired,
        repaired_seconds=repaired_seconds,
        counted=keys("counted"),
        excluded=keys("excluded"),
        late=keys("late"),
    )


def compute_year(
    *,
    year: int,
    commitment: Commitment,
    incidents: Iterable[Incident],
    extra: Iterable[Incident] = (),
    holidays: frozenset[date] = frozenset(),
    as_of: datetime,
    zone_name: str = TIME_ZONE,
    _memo: _Memo | None = None,
) -> YearResult:
    """The twelve months and the year of one member × product. `incidents` and `extra` are all the incidents that
    affect it (the split only lets a batch share work); `holidays` are the local public holidays (taken out of
    the service time only when the commitment says so); `as_of` ends incidents still running."""
    memo = _memo if _memo is not None else _Memo()
    shared = incidents if isinstance(incidents, tuple) else tuple(incidents)
    own = tuple(extra)
    base_key = (id(commitment), id(shared))
    base = memo.bases.get(base_key)
    if base is None:
        buckets: list[list[_Prepared]] = [[] for _ in range(12)]
        for incident in shared:
            prepared, months = memo.prepare(incident, commitment.notice_days, year, as_of, zone_name)
            for month in months:
                buckets[month].append(prepared)
        periods = [_month(year, month, commitment, buckets[month - 1], holidays, zone_name) for month in range(1, 13)]
        base = memo.bases[base_key] = (buckets, periods)
        memo.keep.append((commitment, shared))
        if not own:
            return _year_result(year, periods, commitment)
    buckets, periods = base
    if not own:
        return _year_result(year, periods, commitment)
    touched: dict[int, list[_Prepared]] = {}
    for incident in own:
        prepared, months = memo.prepare(incident, commitment.notice_days, year, as_of, zone_name)
        for month in months:
            touched.setdefault(month, list(buckets[month])).append(prepared)
    changed = list(periods)
    for month, bucket in touched.items():
        bucket.sort(key=lambda p: (p.start, p.key))
        changed[month] = _month(year, month + 1, commitment, bucket, holidays, zone_name)
    return _year_result(year, changed, commitment)


def _month(
    year: int, month: int, commitment: Commitment, bucket: list[_Prepared], holidays: frozenset[date], zone: str
) -> PeriodResult:
    low, high = month_bounds(year, month, zone)
    used_holidays = holidays if commitment.exclude_holidays else frozenset()
    return _period(
        first=date(year, month, 1),
        last=date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1),
        service=list(service_intervals(commitment.windows, used_holidays, year, month, zone)),
        low=low,
        high=high,
        incidents=bucket,
        target=commitment.target_month,
    )


def _year_result(year: int, months: list[PeriodResult], commitment: Commitment) -> YearResult:
    total = _year_total(year, months, commitment.target_year)
    trace = (
        f"service time {total.service_seconds} s, excluded maintenance {total.excluded_seconds} s, "
        f"agreed {total.agreed_seconds} s",
        f"downtime {total.downtime_seconds} s (largest impact at each instant, inside agreed time only)",
        f"availability {total.availability} against target {total.target}",
    )
    return YearResult(year=year, months=tuple(months), total=total, trace=trace)


class _Memo:
    """What a batch of computations shares (keys by identity; `keep` holds the objects so that ids stay unique):
    each incident converted once per notice period, and the months of each commitment with the incidents of all
    subscribers."""

    def __init__(self) -> None:
        self.prepared: dict[tuple[int, int], tuple[_Prepared, range, Incident]] = {}
        self.bases: dict[tuple[int, int], tuple[list[list[_Prepared]], list[PeriodResult]]] = {}
        self.keep: list[object] = []

    def prepare(
        self, incident: Incident, notice_days: int, year: int, as_of: datetime, zone: str
    ) -> tuple[_Prepared, range]:
        key = (id(incident), notice_days)
        entry = self.prepared.get(key)
        if entry is None:
            prepared = _prepare(incident, notice_days, seconds(as_of))
            starts = [month_bounds(year, month, zone)[0] for month in range(1, 13)]
            year_end = month_bounds(year, 12, zone)[1]
            if prepared.end <= starts[0] or prepared.start >= year_end or prepared.end <= prepared.start:
                months: range = range(0)
            else:
                first = max(0, bisect_right(starts, prepared.start) - 1)
                months = range(first, max(first, bisect_left(starts, prepared.end) - 1) + 1)
            entry = self.prepared[key] = (prepared, months, incident)
        return entry[0], entry[1]


def compute_many(
    *,
    year: int,
    cells: Mapping[K, Cell],
    holidays: frozenset[date] = frozenset(),
    as_of: datetime,
    zone_name: str = TIME_ZONE,
) -> dict[K, YearResult]:
    """Many member × product cells at once. Cells with the same commitment and the same shared incident tuple and
    no extra incidents (every member of a product under the general commitment) share one result; a member with
    extra incidents recomputes only the months they touch. Each incident is converted once."""
    memo = _Memo()
    results: dict[K, YearResult] = {}
    plain: dict[tuple[int, int], YearResult] = {}
    for key, cell in cells.items():
        if not cell.extra:
            plain_key = (id(cell.commitment), id(cell.incidents))
            result = plain.get(plain_key)
            if result is None:
                result = plain[plain_key] = compute_year(
                    year=year,
                    commitment=cell.commitment,
                    incidents=cell.incidents,
                    holidays=holidays,
                    as_of=as_of,
                    zone_name=zone_name,
                    _memo=memo,
                )
        else:
            result = compute_year(
                year=year,
                commitment=cell.commitment,
                incidents=cell.incidents,
                extra=cell.extra,
                holidays=holidays,
                as_of=as_of,
                zone_name=zone_name,
                _memo=memo,
            )
        results[key] = result
    return results
