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
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar
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
    """Length of the intersection of two merged, sorted interval lists."""
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
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


def _period(
    *,
    first: date,
    last: date,
    service: list[Interval],
    bounds: list[Interval],
    commitment: Commitment,
    incidents: tuple[Incident, ...],
    target: Decimal,
    as_of: int,
) -> PeriodResult:
    low, high = bounds[0][0], bounds[-1][1]
    excluded_keys, late_keys, counted_keys = [], [], []
    excluded_pieces: list[Interval] = []
    counting: list[tuple[int, int, Decimal, Incident]] = []
    for incident in incidents:
        start = seconds(incident.start)
        end = seconds(incident.end) if incident.end is not None else max(start, as_of)
        if end <= low or start >= high:
            continue
        if incident.excluded(commitment.notice_days):
            excluded_pieces.append((max(start, low), min(end, high)))
            excluded_keys.append(incident.key)
        else:
            counting.append((start, end, incident.impact, incident))
            if incident.maintenance:
                late_keys.append(incident.key)
    excluded_set = union(excluded_pieces)
    agreed_set = subtract(service, excluded_set)
    service_seconds = measure(service)
    agreed_seconds = measure(agreed_set)
    levels = impact_levels((max(s, low), min(e, high), impact) for s, e, impact, _ in counting)
    downtime = ZERO
    for impact, intervals in levels.items():
        downtime += impact * overlap(agreed_set, intervals)
    for start, end, _impact, incident in counting:
        if overlap(agreed_set, [(max(start, low), min(end, high))]):
            counted_keys.append(incident.key)
    availability = None if agreed_seconds == 0 else ONE - downtime / agreed_seconds
    budget = (ONE - target) * agreed_seconds
    budget_used = downtime / budget if budget > 0 else None
    started = [(s, e, i) for s, e, _impact, i in counting if low <= s < high]
    finished = [e - s for s, e, i in started if i.end is not None]
    major = sum(1 for s, e, i in started if (e - s) >= MAJOR_SECONDS or (i.all_members and i.impact == ONE))
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
        budget_used=budget_used,
        incidents=len(started),
        major_incidents=major,
        mttr_seconds=Decimal(sum(finished)) / len(finished) if finished else None,
        counted=tuple(counted_keys),
        excluded=tuple(excluded_keys),
        late=tuple(late_keys),
    )


def compute_year(
    *,
    year: int,
    commitment: Commitment,
    incidents: Iterable[Incident],
    holidays: frozenset[date] = frozenset(),
    as_of: datetime,
    zone_name: str = TIME_ZONE,
) -> YearResult:
    """The twelve months and the year of one member × product. `holidays` are the local public holidays (they
    are taken out of the service time only when the commitment says so); `as_of` ends incidents still running."""
    relevant = tuple(incidents)
    used_holidays = holidays if commitment.exclude_holidays else frozenset()
    now = seconds(as_of)
    months: list[PeriodResult] = []
    all_service: list[Interval] = []
    for month in range(1, 13):
        service = list(service_intervals(commitment.windows, used_holidays, year, month, zone_name))
        all_service.extend(service)
        last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        months.append(
            _period(
                first=date(year, month, 1),
                last=last,
                service=service,
                bounds=[month_bounds(year, month, zone_name)],
                commitment=commitment,
                incidents=relevant,
                target=commitment.target_month,
                as_of=now,
            )
        )
    total = _period(
        first=date(year, 1, 1),
        last=date(year, 12, 31),
        service=union(all_service),
        bounds=[month_bounds(year, 1, zone_name), month_bounds(year, 12, zone_name)],
        commitment=commitment,
        incidents=relevant,
        target=commitment.target_year,
        as_of=now,
    )
    trace = (
        f"service time {total.service_seconds} s, excluded maintenance {total.excluded_seconds} s, "
        f"agreed {total.agreed_seconds} s",
        f"downtime {total.downtime_seconds} s (largest impact at each instant, inside agreed time only)",
        f"availability {total.availability} against target {total.target}",
    )
    return YearResult(year=year, months=tuple(months), total=total, trace=trace)


def compute_many(
    *,
    year: int,
    cells: Mapping[K, tuple[Commitment, tuple[Incident, ...]]],
    holidays: frozenset[date] = frozenset(),
    as_of: datetime,
    zone_name: str = TIME_ZONE,
) -> dict[K, YearResult]:
    """Many member × product cells at once. Cells with the same commitment and the same incidents (every member
    of a product with the standard commitment, all hit by the same outage) share one computation."""
    memo: dict[tuple[Commitment, tuple[Incident, ...]], YearResult] = {}
    results: dict[K, YearResult] = {}
    for key, signature in cells.items():
        result = memo.get(signature)
        if result is None:
            commitment, incidents = signature
            result = compute_year(
                year=year,
                commitment=commitment,
                incidents=incidents,
                holidays=holidays,
                as_of=as_of,
                zone_name=zone_name,
            )
            memo[signature] = result
        results[key] = result
    return results
