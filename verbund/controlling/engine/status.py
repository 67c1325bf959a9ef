"""Status rules (next-capabilities §B.1, ServiceNow PA semantics).

- A KPI has a direction: higher is better (maximise) or lower is better (minimise).
- Targets are effective-dated: a target valid from year Y holds until the next one; the value of year X is
  judged against the target with the latest `valid_from <= X`.
- Colour for "higher is better": green if value ≥ target, amber if value ≥ target − tolerance, red otherwise.
  Mirrored for "lower is better": green if value ≤ target, amber if value ≤ target + tolerance, red otherwise.
- Trend against last year compares values of the same series only (a changed definition breaks the series).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Status(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # no value or no target: not judged


class Trend(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    NONE = "none"  # no comparable value last year (none, or another series)


@dataclass(frozen=True)
class TargetVersion:
    id: int
    valid_from: int  # first year the target applies to
    value: Decimal
    tolerance: Decimal = Decimal(0)  # width of the amber band, in the KPI's unit, not negative


@dataclass(frozen=True)
class Judgement:
    status: Status
    target: TargetVersion | None
    difference: Decimal | None  # value − target (negative: below target)
    trace: tuple[tuple[str, dict[str, str]], ...]


def target_for(year: int, targets: Iterable[TargetVersion]) -> TargetVersion | None:
    """The target in force in `year`: the latest valid_from not after it (the highest id among equals)."""
    best: TargetVersion | None = None
    for target in targets:
        if target.valid_from > year:
            continue
        if best is None or (target.valid_from, target.id) > (best.valid_from, best.id):
            best = target
    return best


def judge(value: Decimal | None, *, year: int, direction: Direction, targets: Sequence[TargetVersion]) -> Judgement:
    target = target_for(year, targets)
    trace: list[tuple[str, dict[str, str]]] = []
    if value is None:
        trace.append(("no_value", {"year": str(year)}))
        return Judgement(Status.NONE, target, None, tuple(trace))
    if target is None:
        trace.append(("no_target", {"year": str(year)}))
        return Judgement(Status.NONE, None, None, tuple(trace))
    if target.tolerance < 0:
        raise ValueError("A tolerance is not negative.")
    difference = value - target.value
    trace.append(
        (
            "target",
            {"year": str(year), "target": str(target.value), "from": str(target.valid_from), "id": str(target.id)},
        )
    )
    if direction == Direction.HIGHER:
        if value >= target.value:
            status = Status.GREEN
        elif value >= target.value - target.tolerance:
            status = Status.AMBER
        else:
            status = Status.RED
        trace.append(
            (
                "higher",
                {"value": str(value), "target": str(target.value), "floor": str(target.value - target.tolerance)},
            )
        )
    else:
        if value <= target.value:
            status = Status.GREEN
        elif value <= target.value + target.tolerance:
            status = Status.AMBER
        else:
            status = Status.RED
        trace.append(
            (
                "lower",
                {"value": str(value), "target": str(target.value), "ceiling": str(target.value + target.tolerance)},
            )
        )
    trace.append(("status", {"status": status.value}))
    return Judgement(status, target, difference, tuple(trace))


def trend(
    current: Decimal | None,
    previous: Decimal | None,
    *,
    direction: Direction,
    same_series: bool = True,
) -> Trend:
    """Better, worse or the same as last year, read in the KPI's direction; NONE when not comparable."""
    if current is None or previous is None or not same_series:
        return Trend.NONE
    if current == previous:
        return Trend.SAME
    improved = current > previous if direction == Direction.HIGHER else current < previous
    return Trend.BETTER if improved else Trend.WORSE


def series_values(points: Iterable[tuple[int, int, Decimal | None]], *, series: int) -> dict[int, Decimal | None]:
    """The values per year of one series from (year, series, value) points: a changed definition starts a new
    series, and values of another series are never mixed into it."""
    return {year: value for year, point_series, value in points if point_series == series}
