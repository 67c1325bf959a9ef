"""The evidence figures for the controlling app (issue #15), declared with `verbund.core.kpi.register`.

Each figure reads through `evidence.selectors` and the pure engine `evidence.engine.figures` (definitions in
ADR 0039). None when nothing was imported for the provider in the period. Records link to the list page of
the records, filtered to the provider and year (and to the subset the value was computed from).
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from verbund.core.explain import render_steps
from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register
from verbund.evidence import selectors
from verbund.evidence.choices import ImportKind
from verbund.evidence.engine import figures
from verbund.evidence.engine.figures import Result
from verbund.evidence.models import ATTRIBUTION, list_url


def _period(query: KpiQuery) -> figures.Period:
    return figures.Period(query.period_start, query.period_end)


def _figure(query: KpiQuery, kind: str, year: int, result: Result, **filters: str) -> KpiFigure | None:
    if result.value is None:
        return None
    url = list_url(kind, provider=query.provider_id, year=year, **filters)
    records = tuple(KpiRecord(label=key, url=url) for key in result.records[: query.record_limit])
    note = "; ".join(line.text for line in render_steps(result.trace, figures.MESSAGES))
    return KpiFigure(
        value=result.value,
        cut_off=selectors.cut_off(provider_id=query.provider_id, kind=kind, year=year),
        records=records,
        record_count=len(result.records),
        note=note,
    )


def _year(query: KpiQuery, kind: str) -> int | None:
    return selectors.latest_year(
        provider_id=query.provider_id, kind=kind, start=query.period_start, end=query.period_end
    )


def _staff(query: KpiQuery) -> tuple[int, list[figures.PostFact]] | None:
    year = _year(query, ImportKind.STAFF)
    if year is None:
        return None
    return year, selectors.post_facts(provider_id=query.provider_id, year=year)


@register("evidence.occupancy_rate", unit="share", label=gettext_noop("Occupancy rate (filled / planned FTE)"))
def occupancy_rate(query: KpiQuery) -> KpiFigure | None:
    staff = _staff(query)
    if staff is None:
        return None
    year, posts = staff
    return _figure(query, ImportKind.STAFF, year, figures.occupancy_rate(posts))


@register("evidence.time_to_fill_days", unit="days", label=gettext_noop("Time to fill (median days advert to start)"))
def time_to_fill_days(query: KpiQuery) -> KpiFigure | None:
    staff = _staff(query)
    if staff is None:
        return None
    year, posts = staff
    return _figure(query, ImportKind.STAFF, year, figures.time_to_fill_days(posts, _period(query)), filled="1")


@register("evidence.turnover_rate", unit="share", label=gettext_noop("Staff turnover (leavers / average headcount)"))
def turnover_rate(query: KpiQuery) -> KpiFigure | None:
    staff = _staff(query)
    if staff is None:
        return None
    year, posts = staff
    return _figure(query, ImportKind.STAFF, year, figures.turnover_rate(posts, _period(query)), left="1")


@register("evidence.home_office_share", unit="share", label=gettext_noop("Home-office share (telework agreements)"))
def home_office_share(query: KpiQuery) -> KpiFigure | None:
    staff = _staff(query)
    if staff is None:
        return None
    year, posts = staff
    return _figure(query, ImportKind.STAFF, year, figures.home_office_share(posts), telework="1")


def _assets(query: KpiQuery) -> tuple[int, list[figures.AssetFact]] | None:
    year = _year(query, ImportKind.ASSETS)
    if year is None:
        return None
    years = range(query.period_start.year, query.period_end.year + 1)
    return year, selectors.asset_facts(provider_id=query.provider_id, years=years)


@register(
    "evidence.sustainable_hardware_share",
    unit="share",
    label=gettext_noop("Sustainable share of hardware purchases"),
)
def sustainable_hardware_share(query: KpiQuery) -> KpiFigure | None:
    assets = _assets(query)
    if assets is None:
        return None
    year, facts = assets
    result = figures.sustainable_hardware_share(facts, _period(query))
    return _figure(query, ImportKind.ASSETS, year, result, bought="1")


@register("evidence.mean_service_life_years", unit="years", label=gettext_noop("Mean service life of retired hardware"))
def mean_service_life_years(query: KpiQuery) -> KpiFigure | None:
    assets = _assets(query)
    if assets is None:
        return None
    year, facts = assets
    result = figures.mean_service_life_years(facts, _period(query))
    return _figure(query, ImportKind.ASSETS, year, result, retired="1")


@register(
    "evidence.security_implementation_rate",
    unit="share",
    label=gettext_noop("Implementation rate of the BSI Grundschutz++ kernel controls"),
)
def security_implementation_rate(query: KpiQuery) -> KpiFigure | None:
    year = _year(query, ImportKind.CONTROLS)
    if year is None:
        return None
    result = figures.implementation_rate(selectors.control_facts(provider_id=query.provider_id, year=year))
    answer = _figure(query, ImportKind.CONTROLS, year, result, applicable="1")
    if answer is None:
        return None
    attribution = _("Controls: %(attribution)s") % {"attribution": ATTRIBUTION}
    return KpiFigure(
        value=answer.value,
        cut_off=answer.cut_off,
        records=answer.records,
        record_count=answer.record_count,
        note=f"{answer.note} ({attribution})",
    )


@register("evidence.security_incidents", unit="count", label=gettext_noop("Information-security incidents"))
def security_incidents(query: KpiQuery) -> KpiFigure | None:
    year = _year(query, ImportKind.INCIDENTS)
    if year is None:
        return None
    years = range(query.period_start.year, query.period_end.year + 1)
    result = figures.incident_count(
        selectors.incident_facts(provider_id=query.provider_id, years=years), _period(query)
    )
    answer = _figure(query, ImportKind.INCIDENTS, year, result)
    return answer or KpiFigure(value=Decimal(0), cut_off=dt.date(year, 12, 31))
