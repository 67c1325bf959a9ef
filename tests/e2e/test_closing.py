"""Closing a year in a real browser: a controller uploads the actual costs and usage, runs the post-calculation,
sees the variance chart and the over-/under-recovery, approves it and carries the result into the 2028 plan.

Figures: the approved 2026 plan of the costing `plan` fixture; actual costs 290.000,00 € (plan 280.000,00 €).
"""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.closing.tests.conftest import (  # noqa: F401
    ACTUAL_COSTS_CSV,
    USAGE_CSV,
    approved_plan,
    closing,
    controller,
)
from verbund.costing.tests.conftest import plan  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _upload(page, kind, name, text):
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    with page.expect_navigation():
        page.click("#import-button")


def test_controller_imports_calculates_sees_the_chart_and_carries_forward(
    live_server,
    page,
    login,
    controller,  # noqa: F811
    closing,  # noqa: F811
    approved_plan,  # noqa: F811
    admin_user,
):
    from verbund.closing.models import CarryForward
    from verbund.costing import services as costing

    target = costing.plan_version_copy(actor=admin_user, source=approved_plan, year=2028, name="Plan 2028")
    login(page, "carla", "x-Passwort-123")
    page.goto(f"{live_server.url}/jahresabschluss/")
    with page.expect_navigation():
        page.locator(f"#closing-{closing.pk} a").first.click()

    # (1) A file with a wrong line writes nothing and names the line and column.
    _upload(page, "costs", "falsch.csv", "cost_centre;cost_type;amount\nXX;PERS;1\n")
    expect(page.locator("body")).to_contain_text("Zeile 2, Spalte cost_centre")
    page.goto(f"{live_server.url}/jahresabschluss/{closing.pk}/")
    expect(page.locator("[data-testid=grid-total]")).to_have_text("0,00")

    # (2) The actual costs and usage files.
    _upload(page, "costs", "istkosten.csv", ACTUAL_COSTS_CSV)
    expect(page.locator("[data-testid=grid-total]")).to_have_text("290.000,00")
    _upload(page, "usage", "verbrauch.csv", USAGE_CSV)
    expect(page.locator("#imports")).to_contain_text("verbrauch.csv")

    # (3) The post-calculation: totals, the variance chart and the over-/under-recovery per product.
    with page.expect_navigation():
        page.click("#calculate-button")
    expect(page.locator("[data-testid=actual-total]")).to_have_text("290.000,00 €")
    expect(page.locator("svg#variance-chart")).to_be_visible()
    expect(page.locator("#outcome-AP-100 [data-testid=over-under]")).to_have_text("11.000,00")

    # (4) Approve, then carry forward into the 2028 draft plan.
    page.fill("#id_decision_reference", "Jahresabschluss 2026")
    with page.expect_navigation():
        page.click("#approve-button")
    expect(page.locator("[data-testid=closing-status]")).to_have_text("beschlossen")
    page.select_option("#id_target_plan", str(target.pk))
    with page.expect_navigation():
        page.click("#carry-button")
    expect(page.locator("#carry-AP-100-2026")).to_contain_text("11.000,00")
    assert CarryForward.objects.filter(target_plan=target).count() == 2
