"""Plan vs realised benefits of a decided consolidation scenario (the question councils asked of past mergers:
which savings were achieved?). Pure: no Django, no clock.

Per year the scenario promised `status quo − projected cost` as savings. Realised are the costs the entities
actually planned (approved plan) or booked (approved closing) for that year. Only the entities with a realised
figure are compared, against their own projected cost: gap = realised − projected (positive: more expensive than
promised), realised savings = promised savings − gap. The coverage (entities with figures of all entities) says
how much of the year is already measured; a year without any is "not yet measured".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.steps import Kind, Message, Step, gettext_noop

ACTUAL = "actual"
PLAN = "plan"

MESSAGES: dict[str, Message] = {
    "promised": Message(
        gettext_noop("%(year)s: promised savings %(savings)s = status quo %(status_quo)s − projected %(projected)s"),
        {"year": Kind.YEAR, "savings": Kind.MONEY, "status_quo": Kind.MONEY, "projected": Kind.MONEY},
    ),
    "entity.actual": Message(
        gettext_noop("%(entity)s: actual cost %(realised)s against projected %(projected)s"),
        {"entity": Kind.MEMBER, "realised": Kind.MONEY, "projected": Kind.MONEY},
    ),
    "entity.plan": Message(
        gettext_noop("%(entity)s: planned cost %(realised)s against projected %(projected)s"),
        {"entity": Kind.MEMBER, "realised": Kind.MONEY, "projected": Kind.MONEY},
    ),
    "entity.missing": Message(
        gettext_noop("%(entity)s: no approved plan or closing yet (projected %(projected)s)"),
        {"entity": Kind.MEMBER, "projected": Kind.MONEY},
    ),
    "gap": Message(
        gettext_noop("%(year)s: gap %(gap)s, realised savings %(realised)s (%(covered)s of %(entities)s entities)"),
        {"year": Kind.YEAR, "gap": Kind.MONEY, "realised": Kind.MONEY, "covered": Kind.COUNT, "entities": Kind.COUNT},
    ),
    "unmeasured": Message(gettext_noop("%(year)s: not yet measured"), {"year": Kind.YEAR}),
}


@dataclass(frozen=True)
class EntityYear:
    key: str  # an id the renderer replaces by the entity's name
    projected: Decimal
    realised: Decimal | None = None
    source: str = ""  # ACTUAL or PLAN


@dataclass(frozen=True)
class YearInput:
    year: int
    projected_total: Decimal
    status_quo_total: Decimal
    entities: tuple[EntityYear, ...]


@dataclass(frozen=True)
class YearResult:
    year: int
    promised_savings: Decimal
    projected_covered: Decimal
    realised_covered: Decimal | None
    gap: Decimal | None
    realised_savings: Decimal | None
    covered: int
    entities: int
    trace: tuple[Step, ...]

    @property
    def measured(self) -> bool:
        return self.covered > 0


@dataclass(frozen=True)
class Tracking:
    years: tuple[YearResult, ...]
    promised_total: Decimal  # over the measured years
    gap_total: Decimal
    realised_total: Decimal


def track_year(data: YearInput) -> YearResult:
    promised = data.status_quo_total - data.projected_total
    trace = [
        Step(
            "promised",
            {
                "year": data.year,
                "savings": promised,
                "status_quo": data.status_quo_total,
                "projected": data.projected_total,
            },
        )
    ]
    covered = [e for e in data.entities if e.realised is not None]
    for entity in data.entities:
        if entity.realised is None:
            trace.append(Step("entity.missing", {"entity": entity.key, "projected": entity.projected}))
        else:
            code = "entity.actual" if entity.source == ACTUAL else "entity.plan"
            trace.append(Step(code, {"entity": entity.key, "realised": entity.realised, "projected": entity.projected}))
    if not covered:
        trace.append(Step("unmeasured", {"year": data.year}))
        return YearResult(data.year, promised, Decimal(0), None, None, None, 0, len(data.entities), tuple(trace))
    projected = sum((e.projected for e in covered), Decimal(0))
    realised = sum((e.realised for e in covered if e.realised is not None), Decimal(0))
    gap = realised - projected
    trace.append(
        Step(
            "gap",
            {
                "year": data.year,
                "gap": gap,
                "realised": promised - gap,
                "covered": len(covered),
                "entities": len(data.entities),
            },
        )
    )
    return YearResult(
        data.year, promised, projected, realised, gap, promised - gap, len(covered), len(data.entities), tuple(trace)
    )


def track(years: Sequence[YearInput]) -> Tracking:
    results = tuple(track_year(year) for year in sorted(years, key=lambda y: y.year))
    measured = [r for r in results if r.measured]
    return Tracking(
        years=results,
        promised_total=sum((r.promised_savings for r in measured), Decimal(0)),
        gap_total=sum((r.gap for r in measured if r.gap is not None), Decimal(0)),
        realised_total=sum((r.realised_savings for r in measured if r.realised_savings is not None), Decimal(0)),
    )
