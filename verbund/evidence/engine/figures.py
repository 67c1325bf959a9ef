"""The evidence figures (ADR 0039), pure Python: frozen facts in, a `Result` with the value, the keys of the
records it rests on and a trace of steps out. Nothing here imports Django.

Definitions (the period is `start`..`end`, both inclusive):

- occupancy rate = Σ filled FTE / Σ planned FTE of the posts (the year-end snapshot);
- time to fill = median of (start date − advert date) in days over the posts whose new holder started in the
  period and that were advertised;
- turnover = leavers in the period / average headcount, the average of the headcount at the end (posts with
  filled FTE > 0) and at the start (end − starters in the period + leavers in the period);
- home-office share = occupied posts with a telework agreement / occupied posts;
- sustainable hardware share = assets bought in the period with an eco-label (Blauer Engel DE-UZ 78, TCO
  Certified, EPEAT) or bought refurbished / assets bought in the period (count-weighted);
- mean service life = mean of (retirement − purchase) in years (days / 365.25) over the assets retired in the
  period;
- implementation rate = implemented controls / applicable controls (every status but "not applicable"; "partly"
  counts as not implemented), overall and per security level and requirement class;
- incidents = incidents that occurred in the period.

A figure is None when there is nothing to compute it from (no posts, no purchase in the period, ...).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from verbund.core.money import round_money
from verbund.core.steps import Kind, Message, Step, gettext_noop

SHARE_PLACES = Decimal("0.000001")
DAYS_PER_YEAR = Decimal("365.25")
SUSTAINABLE_LABELS = frozenset({"blauer_engel", "tco", "epeat", "refurbished"})
APPLICABLE = frozenset({"implemented", "partly", "not"})


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass(frozen=True)
class PostFact:
    key: str
    planned_fte: Decimal
    filled_fte: Decimal
    advertised_on: dt.date | None = None
    started_on: dt.date | None = None
    left_on: dt.date | None = None
    telework: bool = False


@dataclass(frozen=True)
class AssetFact:
    key: str
    purchased_on: dt.date
    retired_on: dt.date | None = None
    eco_label: str = "none"


@dataclass(frozen=True)
class ControlFact:
    key: str
    state: str
    sec_level: str = ""
    modal_verb: str = ""


@dataclass(frozen=True)
class IncidentFact:
    key: str
    occurred_on: dt.date
    extent: str = ""
    cause: str = ""


@dataclass(frozen=True)
class Result:
    value: Decimal | None
    records: tuple[str, ...] = ()  # keys of the records the value was computed from
    trace: tuple[Step, ...] = ()
    breakdown: tuple[tuple[str, Decimal | None, int], ...] = field(default=())  # (group, rate, applicable)


MESSAGES: dict[str, Message] = {
    "evidence.occupancy": Message(
        gettext_noop("occupancy %(value)s = %(filled)s filled FTE / %(planned)s planned FTE of %(posts)s posts"),
        {"value": Kind.SHARE, "filled": Kind.NUMBER, "planned": Kind.NUMBER, "posts": Kind.COUNT},
    ),
    "evidence.time_to_fill": Message(
        gettext_noop("time to fill %(value)s days = median of %(count)s vacancies (advert to start)"),
        {"value": Kind.NUMBER, "count": Kind.COUNT},
    ),
    "evidence.turnover": Message(
        gettext_noop(
            "turnover %(value)s = %(leavers)s leavers / average headcount %(average)s (start %(start)s, end %(end)s)"
        ),
        {
            "value": Kind.SHARE,
            "leavers": Kind.COUNT,
            "average": Kind.NUMBER,
            "start": Kind.COUNT,
            "end": Kind.COUNT,
        },
    ),
    "evidence.home_office": Message(
        gettext_noop("home-office share %(value)s = %(telework)s telework agreements / %(occupied)s occupied posts"),
        {"value": Kind.SHARE, "telework": Kind.COUNT, "occupied": Kind.COUNT},
    ),
    "evidence.sustainable": Message(
        gettext_noop("sustainable share %(value)s = %(labelled)s labelled or refurbished / %(bought)s bought"),
        {"value": Kind.SHARE, "labelled": Kind.COUNT, "bought": Kind.COUNT},
    ),
    "evidence.service_life": Message(
        gettext_noop("mean service life %(value)s years over %(count)s retired assets"),
        {"value": Kind.NUMBER, "count": Kind.COUNT},
    ),
    "evidence.implementation": Message(
        gettext_noop("implementation rate %(value)s = %(implemented)s implemented / %(applicable)s applicable"),
        {"value": Kind.SHARE, "implemented": Kind.COUNT, "applicable": Kind.COUNT},
    ),
    "evidence.implementation.group": Message(
        gettext_noop("%(group)s: %(implemented)s implemented / %(applicable)s applicable"),
        {"group": Kind.TEXT, "implemented": Kind.COUNT, "applicable": Kind.COUNT},
    ),
    "evidence.incidents": Message(
        gettext_noop("%(count)s incidents occurred in the period"),
        {"count": Kind.COUNT},
    ),
}


def _share(numerator: Decimal | int, denominator: Decimal | int) -> Decimal:
    return round_money(Decimal(numerator) / Decimal(denominator), SHARE_PLACES)


def _number(value: Decimal, places: str = "0.01") -> Decimal:
    return round_money(value, Decimal(places))


def occupancy_rate(posts: Sequence[PostFact]) -> Result:
    planned = sum((p.planned_fte for p in posts), Decimal(0))
    if not posts or planned <= 0:
        return Result(None)
    filled = sum((p.filled_fte for p in posts), Decimal(0))
    value = _share(filled, planned)
    step = Step("evidence.occupancy", {"value": value, "filled": filled, "planned": planned, "posts": len(posts)})
    return Result(value, tuple(p.key for p in posts), (step,))


def time_to_fill_days(posts: Sequence[PostFact], period: Period) -> Result:
    spans = [
        (p.key, Decimal((p.started_on - p.advertised_on).days))
        for p in posts
        if p.started_on is not None
        and p.advertised_on is not None
        and p.started_on in period
        and p.started_on >= p.advertised_on
    ]
    if not spans:
        return Result(None)
    filled = [key for key, _days in spans]
    days = [span for _key, span in spans]
    value = _number(Decimal(median(days)), "0.1")
    step = Step("evidence.time_to_fill", {"value": value, "count": len(filled)})
    return Result(value, tuple(filled), (step,))


def turnover_rate(posts: Sequence[PostFact], period: Period) -> Result:
    if not posts:
        return Result(None)
    leavers = [p for p in posts if p.left_on in period]
    end = sum(1 for p in posts if p.filled_fte > 0)
    starters = sum(1 for p in posts if p.started_on in period)
    start = max(end - starters + len(leavers), 0)
    average = Decimal(start + end) / 2
    if average <= 0:
        return Result(None)
    value = _share(len(leavers), average)
    step = Step(
        "evidence.turnover",
        {"value": value, "leavers": len(leavers), "average": average, "start": start, "end": end},
    )
    return Result(value, tuple(p.key for p in leavers), (step,))


def home_office_share(posts: Sequence[PostFact]) -> Result:
    occupied = [p for p in posts if p.filled_fte > 0]
    if not occupied:
        return Result(None)
    telework = [p for p in occupied if p.telework]
    value = _share(len(telework), len(occupied))
    step = Step("evidence.home_office", {"value": value, "telework": len(telework), "occupied": len(occupied)})
    return Result(value, tuple(p.key for p in telework), (step,))


def sustainable_hardware_share(assets: Sequence[AssetFact], period: Period) -> Result:
    bought = [a for a in assets if a.purchased_on in period]
    if not bought:
        return Result(None)
    labelled = [a for a in bought if a.eco_label in SUSTAINABLE_LABELS]
    value = _share(len(labelled), len(bought))
    step = Step("evidence.sustainable", {"value": value, "labelled": len(labelled), "bought": len(bought)})
    return Result(value, tuple(a.key for a in bought), (step,))


def mean_service_life_years(assets: Sequence[AssetFact], period: Period) -> Result:
    spans = [
        (a.key, (a.retired_on - a.purchased_on).days)
        for a in assets
        if a.retired_on is not None and a.retired_on in period and a.retired_on >= a.purchased_on
    ]
    if not spans:
        return Result(None)
    retired = [key for key, _days in spans]
    days = sum(span for _key, span in spans)
    value = _number(Decimal(days) / DAYS_PER_YEAR / len(retired))
    step = Step("evidence.service_life", {"value": value, "count": len(retired)})
    return Result(value, tuple(retired), (step,))


def _rate(controls: Iterable[ControlFact]) -> tuple[int, int]:
    applicable = [c for c in controls if c.state in APPLICABLE]
    return sum(1 for c in applicable if c.state == "implemented"), len(applicable)


def implementation_rate(controls: Sequence[ControlFact]) -> Result:
    implemented, applicable = _rate(controls)
    if not applicable:
        return Result(None)
    value = _share(implemented, applicable)
    trace = [Step("evidence.implementation", {"value": value, "implemented": implemented, "applicable": applicable})]
    breakdown = []
    groups = sorted({c.sec_level for c in controls}) + sorted({c.modal_verb for c in controls})
    for index, group in enumerate(groups):
        by_level = index < len({c.sec_level for c in controls})
        members = [c for c in controls if (c.sec_level if by_level else c.modal_verb) == group]
        done, total = _rate(members)
        breakdown.append((group or "–", _share(done, total) if total else None, total))
        trace.append(
            Step("evidence.implementation.group", {"group": group or "–", "implemented": done, "applicable": total})
        )
    keys = tuple(c.key for c in controls if c.state in APPLICABLE)
    return Result(value, keys, tuple(trace), tuple(breakdown))


def incident_count(incidents: Sequence[IncidentFact], period: Period) -> Result:
    occurred = [i for i in incidents if i.occurred_on in period]
    value = Decimal(len(occurred))
    return Result(value, tuple(i.key for i in occurred), (Step("evidence.incidents", {"count": len(occurred)}),))
