"""The availability figures for the controlling app (core.kpi, issue #15).

Each figure covers the months of the query's period (whole calendar months that start inside it), for one
provider's commitments, optionally one member and one product:

- `availability.availability_share`: 1 − Σ downtime ÷ Σ agreed time over every member × product × month (time
  weighted: a product with long service hours weighs more than one with short ones).
- `availability.sla_met_share`: the share of member × product × month cells with agreed time that met their
  monthly target.
- `availability.mttr_hours`: the mean duration of the finished outages (and late maintenance) that started in the
  period, each outage once however many members it hit.
- `availability.major_incidents`: how many of those were major (≥ 4 h, or all members at full impact).

None when the provider has no commitments. Running outages count until the end of the period or now, whichever is
earlier. Records: the outages, newest first, with their pages.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_noop

from verbund.availability import selectors
from verbund.availability.engine import MAJOR_SECONDS, Incident
from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register
from verbund.core.money import round_even

BREAKDOWNS = ("member", "product")


def _keys(query: KpiQuery, dimension: str) -> list[int]:
    """The products with a commitment of the provider in force in the period (the product breakdown)."""
    return selectors.committed_product_ids(provider_id=query.provider_id, until=query.period_end)


class _Figures:
    def __init__(self, query: KpiQuery) -> None:
        now = timezone.now()
        end_of_period = dt.datetime.combine(query.period_end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        as_of = min(now, end_of_period)
        self.agreed = 0
        self.downtime = Decimal(0)
        self.cells = 0
        self.met = 0
        self.incidents: dict[str, Incident] = {}
        self.outages: dict[int, object] = {}
        latest = query.period_end
        newest: dt.date | None = None
        for year in range(query.period_start.year, query.period_end.year + 1):
            report = selectors.provider_report(
                provider_id=query.provider_id,
                year=year,
                as_of=as_of,
                member_id=query.member_id,
                product_id=query.product_id,
            )
            low = dt.datetime.combine(query.period_start, dt.time(), tzinfo=dt.UTC)
            for key, result in report.results.items():
                for month in result.months:
                    if not query.period_start <= month.start <= query.period_end:
                        continue
                    self.agreed += month.agreed_seconds
                    self.downtime += month.downtime_seconds
                    if month.agreed_seconds:
                        self.cells += 1
                        self.met += month.met
                cell = report.cells[key]
                for incident in (*cell.incidents, *cell.extra):
                    if incident.excluded(cell.commitment.notice_days) or incident.start < low:
                        continue
                    if incident.start.date() > query.period_end:
                        continue
                    self.incidents.setdefault(incident.key, incident)
            for pk, outage in report.outages.items():
                if str(pk) in self.incidents:
                    self.outages[pk] = outage
                    modified = outage.modified.date()
                    newest = modified if newest is None or modified > newest else newest
        self.cut_off = min(latest, newest) if newest else min(latest, as_of.date())
        self.query = query

    def records(self) -> tuple[tuple[KpiRecord, ...], int]:
        items = sorted(self.outages.values(), key=lambda o: (o.start, o.pk), reverse=True)  # type: ignore[attr-defined]
        return (
            tuple(
                KpiRecord(label=str(o), url=o.get_absolute_url(), detail=f"{o.start:%Y-%m-%d %H:%M}")  # type: ignore[attr-defined]
                for o in items[: self.query.record_limit]
            ),
            len(items),
        )

    def figure(self, value: Decimal) -> KpiFigure:
        records, count = self.records()
        return KpiFigure(value=value, cut_off=self.cut_off, records=records, record_count=count)


def _figures(query: KpiQuery) -> _Figures | None:
    if not selectors.provider_has_commitments(query.provider_id):
        return None
    return _Figures(query)


@register(
    "availability.availability_share",
    unit="share",
    label=gettext_noop("Availability (time-weighted)"),
    breakdowns=BREAKDOWNS,
    keys=_keys,
)
def availability_share(query: KpiQuery) -> KpiFigure | None:
    figures = _figures(query)
    if figures is None or figures.agreed == 0:
        return None
    return figures.figure(Decimal(1) - figures.downtime / figures.agreed)


@register(
    "availability.sla_met_share",
    unit="share",
    label=gettext_noop("Share of member × product × month meeting the SLA"),
    breakdowns=BREAKDOWNS,
    keys=_keys,
)
def sla_met_share(query: KpiQuery) -> KpiFigure | None:
    figures = _figures(query)
    if figures is None or figures.cells == 0:
        return None
    return figures.figure(Decimal(figures.met) / figures.cells)


def _durations(figures: _Figures) -> list[int]:
    return [int((i.end - i.start).total_seconds()) for i in figures.incidents.values() if i.end is not None]


@register(
    "availability.mttr_hours",
    unit="hours",
    label=gettext_noop("Mean time to repair"),
    breakdowns=BREAKDOWNS,
    keys=_keys,
)
def mttr_hours(query: KpiQuery) -> KpiFigure | None:
    figures = _figures(query)
    if figures is None:
        return None
    durations = _durations(figures)
    if not durations:
        return figures.figure(Decimal(0))
    return figures.figure(round_even(Decimal(sum(durations)) / len(durations) / 3600, Decimal("0.01")))


@register(
    "availability.major_incidents",
    unit="count",
    label=gettext_noop("Major incidents"),
    breakdowns=BREAKDOWNS,
    keys=_keys,
)
def major_incidents(query: KpiQuery) -> KpiFigure | None:
    figures = _figures(query)
    if figures is None:
        return None
    count = 0
    for incident in figures.incidents.values():
        end = incident.end
        long = end is not None and (end - incident.start).total_seconds() >= MAJOR_SECONDS
        if long or (incident.all_members and incident.impact == 1):
            count += 1
    return figures.figure(Decimal(count))
