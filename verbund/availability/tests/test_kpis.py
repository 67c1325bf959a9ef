"""The KPI figures for the controlling app (core.kpi)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from verbund.availability import services
from verbund.core.kpi import KpiQuery, breakdown_keys, figure

BERLIN = ZoneInfo("Europe/Berlin")


def _query(registry, **extra):
    return KpiQuery(
        provider_id=registry["citeq"].pk, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31), **extra
    )


def test_no_commitments_no_figure(registry, subscribed):
    assert figure("availability.availability_share", _query(registry)) is None
    assert figure("availability.major_incidents", _query(registry)) is None


def test_figures_of_a_year(registry, outage, subscribed):
    five_hours = services.outage_record(
        actor=None,
        provider=registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 6, 1, 0, tzinfo=BERLIN),  # Monday, before the service time starts at 07:00
        end=dt.datetime(2026, 6, 1, 5, tzinfo=BERLIN),
        products=[subscribed["ozg"]],
        members=[registry["ahlen"]],
    )
    query = _query(registry)
    # AP-100: 2 members × 2 h in 2026's service time (Mo–Fr 07–18: 261 weekdays less the 8 NRW holidays on
    # weekdays); OZ-200 24x7: Ahlen 5 h. Time-weighted over both members and products.
    ap_agreed = 253 * 11 * 3600
    oz_agreed = 365 * 86400
    share = figure("availability.availability_share", query)
    assert share is not None
    expected = 1 - Decimal(2 * 7200 + 5 * 3600) / (2 * ap_agreed + 2 * oz_agreed)
    assert share.value == expected
    assert {r.label for r in share.records} == {"INC-0001", str(five_hours)}
    assert share.record_count == 2
    mttr = figure("availability.mttr_hours", query)
    assert mttr is not None and mttr.value == Decimal("3.50")  # (2 h + 5 h) / 2, each outage once
    major = figure("availability.major_incidents", query)
    assert major is not None and major.value == 2  # 5 h; and the 2 h one hit all members at full impact
    met = figure("availability.sla_met_share", query)
    assert met is not None
    # 48 member × product × month cells; missed: AP-100 in February for both members (2 h of 20 × 11 h is
    # 99.09 % < 99.5 %), and Ahlen's OZ-200 in June (5 h of 720 h is 99.31 % < 99.9 %).
    assert met.value == Decimal(45) / 48


def test_breakdown_per_member_and_product(registry, outage, subscribed):
    telgte_oz = figure(
        "availability.availability_share",
        _query(registry, member_id=registry["telgte"].pk, product_id=subscribed["ozg"].pk),
    )
    assert telgte_oz is not None and telgte_oz.value == 1
    assert telgte_oz.record_count == 0


def test_the_product_breakdown_lists_the_committed_products(registry, commitments, subscribed):
    listed = breakdown_keys("availability.availability_share", _query(registry), "product")
    assert listed == sorted([subscribed["workplace"].pk, subscribed["ozg"].pk])
    early = KpiQuery(
        provider_id=registry["citeq"].pk, period_start=dt.date(2000, 1, 1), period_end=dt.date(2000, 12, 31)
    )
    assert breakdown_keys("availability.availability_share", early, "product") == []  # no commitment yet
