"""Plan costing in a real browser: a controller copies last year's plan, changes a planned cost in the entry grid,
calculates, reads the new rate on the rate sheet and compares the plan with last year's (table and SVG chart).

Figures of the `plan` fixture (verbund/costing/tests/conftest.py): AP-100 costs 190.000,00 € over 150
workstations (1.266,6667 €); raising the workplace centre's personnel cost from 80.000 to 99.000 € gives
209.000,00 € and a rate of 1.393,3333 €.
"""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.costing.tests.conftest import plan  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def controller(registry, password):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password=password,
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


def test_controller_changes_a_cost_calculates_and_compares(
    live_server,
    page,
    login,
    password,
    controller,
    plan,  # noqa: F811
):
    from verbund.costing import services
    from verbund.costing.models import PlannedCost, PlanVersion

    services.plan_version_calculate(actor=controller, plan=plan)
    login(page, "carla", password)

    # (1) The plan list: copy last year's plan into 2027.
    page.goto(f"{live_server.url}/kostenrechnung/")
    expect(page.locator(f"#plan-{plan.pk}")).to_contain_text("280.000,00")
    page.select_option("#id_copy-source", str(plan.pk))
    page.fill("#id_copy-year", "2027")
    with page.expect_navigation():
        page.click("#plan-copy-form button[type=submit]")
    copy = PlanVersion.objects.get(year=2027)
    assert page.url == f"{live_server.url}/kostenrechnung/{copy.pk}/", page.url
    expect(page.locator("[data-testid=plan-status]")).to_have_text("Entwurf")

    # (2) The entry grid: workplace centre (AP), personnel (PERS) from 80.000,00 to 99.000,00.
    cell = page.locator('#centre-AP td[data-cell="AP/PERS"] input')
    expect(cell).to_have_value("80.000,00")
    cell.fill("99.000,00")
    with page.expect_navigation():
        page.click("#grid-save")
    expect(page.locator('#centre-AP td[data-cell="AP/PERS"] input')).to_have_value("99.000,00")
    expect(page.locator("[data-testid=grid-total]")).to_have_text("299.000,00")
    assert PlannedCost.objects.get(plan=copy, centre__code="AP", cost_type__code="PERS").amount == 99000

    # (3) Calculate; the plan page shows the new total, the chart shows cost by cost centre.
    with page.expect_navigation():
        page.click("#calculate-button")
    expect(page.locator("[data-testid=plan-total]")).to_have_text("299.000,00 €")
    expect(page.locator("svg#centre-cost-chart")).to_be_visible()

    # (4) The rate sheet shows the new rate, its calculation behind a disclosure.
    with page.expect_navigation():
        page.locator(".report-nav").get_by_role("link", name="Preisblatt").click()
    row = page.locator("#rate-AP-100")
    expect(row.locator("[data-testid=rate]")).to_contain_text("1.393,3333")
    expect(row).to_contain_text("209.000,00")
    summary = page.locator("tr.trace-row summary").first
    summary.click()
    # In German, with German numbers (issue #10, 18: it was English "unit rate = 209,000.00 ÷ …").
    expect(page.locator("tr.trace-row ol").first).to_contain_text("Verrechnungssatz = ")
    expect(page.locator("tr.trace-row ol").first).to_contain_text("1.393,3333 (4 Nachkommastellen")
    expect(page.locator("tr.trace-row ol").first).not_to_contain_text("unit rate")

    # (5) The comparison with last year's plan: the table and the chart.
    page.goto(f"{live_server.url}/kostenrechnung/{copy.pk}/vergleich/")
    expect(page.locator("#id_other")).to_have_value(str(plan.pk))
    expect(page.locator("#compare-AP-100")).to_contain_text("+19.000,00")
    expect(page.locator("#compare-AP-100")).to_contain_text("+10,0 %")
    chart = page.locator("svg#comparison-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    label = chart.get_attribute("aria-label") or ""
    assert "2026" in label and "2027" in label, label
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100, box
