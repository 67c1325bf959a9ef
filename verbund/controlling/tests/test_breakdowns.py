"""Breakdowns per product and per office (issue #15): a computed KPI whose source breaks down by product and by
office (`test.satisfaction`, registered per test and listing its ids through `keys=`) is collected per product
and per office; the KPI page shows each breakdown as a table and a chart with a drill-down link per value, the
CSV holds every value, the API lists them, and a manual value may be entered per product or office."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from verbund.controlling import selectors, services
from verbund.controlling.models import Measurement
from verbund.controlling.tests.conftest import kpi_of
from verbund.core import kpi as kpi_interface

SCORES = {"product": {"Standard-Arbeitsplatz": "4.2", "OZG-Basisdienste": "3.1"}, "office": {"Bauamt": "3.9"}}


@pytest.fixture
def products():
    from verbund.catalog.services import product_create, product_family_create

    family = product_family_create(actor=None, code="AP", name="Arbeitsplatz", name_en="Workplace")
    common = {"family": family, "category": "workplace", "unit": "workstation"}
    return [
        product_create(actor=None, number="AP-100", name="Standard-Arbeitsplatz", **common),
        product_create(actor=None, number="OZ-200", name="OZG-Basisdienste", **common),
        product_create(actor=None, number="XX-900", name="Ohne Umfrage", **common),  # the source has no data
    ]


@pytest.fixture
def offices(registry):
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.services import organization_create

    return [
        organization_create(actor=None, name="Bauamt", kind=OrganizationKind.OFFICE, parent=registry["telgte"]),
        organization_create(actor=None, name="Fremdes Amt", kind=OrganizationKind.OFFICE, parent=None),
    ]


@pytest.fixture
def satisfaction(monkeypatch, contract, admin_user, products, offices):
    """`test.satisfaction` by product and office; KPI SAT of goal 1 with target 4 ± 0.5."""
    monkeypatch.setattr(kpi_interface, "_REGISTRY", dict(kpi_interface._REGISTRY))
    names = {p.pk: p.name for p in products} | {o.pk: o.name for o in offices}

    def keys(query, dimension):
        # the foreign office (not an office of a member of the provider) is listed but never collected
        return [products[0].pk, products[1].pk, 999999] if dimension == "product" else [o.pk for o in offices]

    @kpi_interface.register(
        "test.satisfaction", unit="score", label="Satisfaction", breakdowns=("product", "office"), keys=keys
    )
    def figure(query):
        if query.product_id is None and query.office_id is None:
            return kpi_interface.KpiFigure(value=Decimal("3.8"), cut_off=dt.date(2025, 11, 30))
        dimension, ref = ("product", query.product_id) if query.product_id else ("office", query.office_id)
        score = SCORES[dimension].get(names.get(ref, ""))
        if score is None:
            return None
        record = kpi_interface.KpiRecord(label=f"Fragen zu {names[ref]}", url="/umfragen/1/")
        return kpi_interface.KpiFigure(
            value=Decimal(score), cut_off=dt.date(2025, 11, 30), records=(record,), record_count=1
        )

    sat = services.kpi_create(
        actor=admin_user,
        goal=contract.goals.get(position=1),
        code="SAT",
        name="Zufriedenheit",
        definition="Mittelwert 1-5",
        unit="score",
        direction="higher",
        source_kind="computed",
        source_key="test.satisfaction",
        breakdowns="product,office",
    )
    services.target_set(actor=admin_user, kpi=sat, valid_from=2025, value=Decimal(4), tolerance=Decimal("0.5"))
    return sat


def test_collect_stores_a_value_per_listed_product_and_office_and_is_repeatable(contract, controller, satisfaction):
    result = services.collect_computed(actor=controller, contract=contract, year=2025)
    assert result.stored == 4  # the total, two products, one office (AVAIL has no source in this test)
    rows = Measurement.objects.filter(kpi=satisfaction)
    by_product = {m.product.name: (m.value, m.status) for m in rows.filter(product__isnull=False)}
    assert by_product == {
        "Standard-Arbeitsplatz": (Decimal("4.2"), "green"),
        "OZG-Basisdienste": (Decimal("3.1"), "red"),
    }
    office = rows.get(office__isnull=False)
    assert (office.office.name, office.value, office.status, office.records[0]["label"]) == (
        "Bauamt",
        Decimal("3.9"),
        "amber",
        "Fragen zu Bauamt",
    )
    # the total of the dashboard is still the total, not a breakdown value
    current = selectors.current_measurements(contract=contract, years=[2025])
    assert current[(satisfaction.pk, 2025, None)].value == Decimal("3.8")
    again = services.collect_computed(actor=controller, contract=contract, year=2025)
    assert (again.stored, again.unchanged) == (0, 4)


def test_breakdown_selector_takes_one_query_whatever_the_number_of_values(
    contract, controller, satisfaction, django_assert_num_queries
):
    services.collect_computed(actor=controller, contract=contract, year=2025)
    SCORES["product"]["OZG-Basisdienste"] = "3.3"
    try:
        services.collect_computed(actor=controller, contract=contract, year=2025)  # a newer value for one product
    finally:
        SCORES["product"]["OZG-Basisdienste"] = "3.1"
    with django_assert_num_queries(1):
        rows = selectors.kpi_breakdown(kpi=satisfaction, year=2025, dimension="product")
        names = [(row.product.name, row.value, row.target.value) for row in rows]
    assert names == [
        ("OZG-Basisdienste", Decimal("3.3"), Decimal(4)),
        ("Standard-Arbeitsplatz", Decimal("4.2"), Decimal(4)),
    ]
    breakdowns = selectors.current_breakdowns(contract=contract, years=[2025], kpi=satisfaction)
    assert sorted((key[2], value.value) for key, value in breakdowns.items()) == [
        ("office", Decimal("3.9")),
        ("product", Decimal("3.3")),
        ("product", Decimal("4.2")),
    ]


def test_kpi_page_shows_each_breakdown_as_table_and_chart_with_drill_down_and_the_csv_holds_them(
    contract, admin_user, satisfaction
):
    services.collect_computed(actor=admin_user, contract=contract, year=2025)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    with translation.override("en"):
        text = client.get(f"/controlling/kennzahl/{satisfaction.pk}/?year=2025").content.decode()
    product_table = text.split('id="breakdown-product"')[1].split("</table>")[0]
    office_table = text.split('id="breakdown-office"')[1].split("</table>")[0]
    assert product_table.index("OZG-Basisdienste") < product_table.index("Standard-Arbeitsplatz")
    bauamt = Measurement.objects.get(kpi=satisfaction, office__isnull=False)
    assert f'href="/controlling/wert/{bauamt.pk}/"' in office_table and "status-amber" in office_table
    assert 'id="breakdown-chart-product"' in text and 'id="breakdown-chart-office"' in text
    assert "Per product, Per office" in text
    drill = client.get(f"/controlling/wert/{bauamt.pk}/").content.decode()
    assert "Fragen zu Bauamt" in drill
    with translation.override("en"):
        csv = client.get(f"/controlling/kennzahl/{satisfaction.pk}/aufschluesselung.csv?year=2025")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[3:6] == ["Breakdown", "Name", "Value"]
    assert sorted(line.split(";")[4] + "=" + line.split(";")[5] for line in lines[1:]) == [
        "Bauamt=3.9",
        "OZG-Basisdienste=3.1",
        "Standard-Arbeitsplatz=4.2",
    ]
    api = client.get(f"/api/v1/controlling/kpis/{satisfaction.pk}/breakdowns?year=2025").json()
    assert sorted((row["dimension"], row["name"], str(Decimal(row["value"]).normalize())) for row in api) == [
        ("office", "Bauamt", "3.9"),
        ("product", "OZG-Basisdienste", "3.1"),
        ("product", "Standard-Arbeitsplatz", "4.2"),
    ]


def test_a_manual_value_per_product_or_office_only_where_the_kpi_breaks_down(
    contract, controller, products, offices, registry
):
    posts = kpi_of(contract, "POSTS")
    evidence = services.Evidence(text="Statistik")
    enter = dict(actor=controller, kpi=posts, year=2025, value=Decimal(10), evidence=evidence)
    with pytest.raises(ValidationError) as refused:
        services.measurement_enter(**enter, product=products[0])
    assert "product" in refused.value.message_dict
    posts.breakdowns = "product,office"
    posts.save()
    for extra, field in [
        ({"office": registry["ahlen"]}, "office"),  # a municipality is not an office
        ({"product": products[0], "office": offices[0]}, "office"),  # one breakdown at a time
    ]:
        with pytest.raises(ValidationError) as refused:
            services.measurement_enter(**enter, **extra)
        assert field in refused.value.message_dict
    assert not Measurement.objects.filter(kpi=posts).exists()
    row = services.measurement_enter(**enter, office=offices[0])
    assert (row.office, row.product, row.member) == (offices[0], None, None)
    assert not selectors.current_measurements(contract=contract, years=[2025]).get((posts.pk, 2025, None))


def test_a_long_breakdown_shows_the_first_rows_and_says_how_many_there_are(
    contract, admin_user, satisfaction, monkeypatch
):
    from verbund.controlling import breakdowns

    services.collect_computed(actor=admin_user, contract=contract, year=2025)
    monkeypatch.setattr(breakdowns, "TABLE_LIMIT", 1)
    monkeypatch.setattr(breakdowns, "CHART_LIMIT", 1)
    product = breakdowns.sections(satisfaction, 2025)[0]
    assert (product["dimension"], [row["name"] for row in product["rows"]], product["count"]) == (
        "product",
        ["OZG-Basisdienste"],
        2,
    )
    assert product["chart"] is None  # two bars are more than the limit
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    with translation.override("en"):
        page = client.get(f"/controlling/kennzahl/{satisfaction.pk}/?year=2025").content.decode()
    assert "1 of 2 values shown; the CSV holds all." in page
