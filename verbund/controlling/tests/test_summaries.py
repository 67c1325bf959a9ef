"""The dashboard's precomputed totals (`KpiSummary`, ADR 0038 amendment 2): they always equal the newest stored
total per KPI and year, whatever wrote it (manual value, collection, formula, a definition change), breakdown
values never enter them, `rebuild` gives the same, and the dashboard's query count does not grow with the values."""

from decimal import Decimal

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from verbund.controlling import selectors, services, summaries
from verbund.controlling.models import KpiSummary
from verbund.controlling.tests.conftest import kpi_of

YEARS = range(2024, 2030)


def _from_values(contract):
    return {
        key: (row.pk, row.value, row.status, row.series, row.cut_off, row.target_id)
        for key, row in selectors.current_measurements(contract=contract, years=YEARS).items()
    }


def _from_summaries(contract):
    return {
        key: (row.pk, row.value, row.status, row.series, row.cut_off, row.target_id)
        for key, row in summaries.current(contract=contract, years=YEARS).items()
    }


def test_summaries_follow_every_write_and_rebuild_gives_the_same(contract, controller, fake_source):
    posts = kpi_of(contract, "POSTS")
    evidence = services.Evidence(text="Statistik")
    for year, value in [(2024, 80), (2025, 95), (2025, 120)]:
        services.measurement_enter(actor=controller, kpi=posts, year=year, value=Decimal(value), evidence=evidence)
    services.collect_computed(actor=controller, contract=contract, year=2025)  # totals and per-member values
    services.kpi_change_definition(
        actor=controller, kpi=posts, from_year=2026, reason="ohne Reposts", definition="Eigene Beiträge"
    )
    services.measurement_enter(actor=controller, kpi=posts, year=2026, value=Decimal(70), evidence=evidence)
    expected = _from_values(contract)
    assert len(expected) == 7  # POSTS and HALF 2024–2026, AVAIL 2025 (its member values are no totals)
    assert _from_summaries(contract) == expected
    assert expected[(posts.pk, 2025, None)][1] == Decimal(120)
    KpiSummary.objects.all().delete()
    assert summaries.rebuild(contract=contract) == 3
    assert _from_summaries(contract) == expected


def test_dashboard_queries_do_not_grow_with_the_values(contract, admin_user, fake_source):
    client = Client()
    client.force_login(admin_user)
    url = f"/controlling/{contract.pk}/?year=2025"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    posts = kpi_of(contract, "POSTS")
    for year in YEARS:
        services.measurement_enter(
            actor=admin_user, kpi=posts, year=year, value=Decimal(90), evidence=services.Evidence(text="x")
        )
        services.collect_computed(actor=admin_user, contract=contract, year=year)
    assert count() == before
