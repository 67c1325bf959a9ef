"""The management contract in a real browser: a controller enters a manual KPI value with evidence, sees the
status change from missed to on target, opens the value's drill-down, marks a measure done and downloads the
council report (CSV), which shows the measure done with its date."""

import pytest
from playwright.sync_api import expect

from verbund.controlling.tests.conftest import contract, controller  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def _enter(page, value, evidence):
    page.fill("#id_year", "2025")
    page.fill("#id_value", value)
    page.fill("#id_evidence_text", evidence)
    with page.expect_navigation():
        page.click("#value-form button[type=submit]")


def test_controller_enters_a_value_sees_the_status_opens_the_drill_down_and_downloads_the_report(
    live_server,
    page,
    login,
    controller,  # noqa: F811
    contract,  # noqa: F811
):
    from verbund.controlling.models import Kpi

    posts = Kpi.objects.get(goal__contract=contract, code="POSTS")
    login(page, "carla", "x-Passwort-123")
    page.goto(f"{live_server.url}/controlling/{contract.pk}/?year=2025")
    expect(page.locator("#kpi-POSTS")).to_contain_text("noch keine Daten")
    with page.expect_navigation():
        page.locator("#kpi-POSTS a").first.click()

    _enter(page, "80", "Statistik der Kanäle, Stand 31.12.2025")
    row = page.locator("#kpi-years tr", has=page.locator("#year-2025"))
    expect(row.locator(".status")).to_have_class("status status-red")
    _enter(page, "120", "Korrigierte Statistik mit Instagram")
    expect(row.locator(".status")).to_have_class("status status-green")
    expect(row).to_contain_text("120")

    with page.expect_navigation():
        row.locator("a").first.click()
    expect(page.locator("#evidence-text")).to_contain_text("Korrigierte Statistik mit Instagram")
    expect(page.locator("#measurement-facts")).to_contain_text("carla")

    measure = contract.goals.get(position=1).measures.get()
    page.goto(f"{live_server.url}/controlling/{contract.pk}/?year=2025")
    page.fill(f"#done-on-{measure.pk}", "2025-06-20")
    with page.expect_navigation():
        page.locator(f"#measure-{measure.pk} button[type=submit]").click()
    expect(page.locator(f"#measure-{measure.pk}")).to_contain_text("erledigt am 20.06.2025")

    page.goto(f"{live_server.url}/controlling/{contract.pk}/bericht/?year=2025")
    expect(page.locator("#summary")).to_contain_text("Social Media")
    expect(page.locator("table.measures")).to_contain_text("erledigt am 20.06.2025")
    with page.expect_download() as info:
        page.click("#draft-csv")
    text = info.value.path().read_text("utf-8-sig")
    assert "POSTS" in text and ";120;" in text
    assert posts.measurements.count() == 2
