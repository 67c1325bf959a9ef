"""A member contact opens its SLA report in a real browser: the heat map (with its table), green and red against
the target, the outage list, and never another member's report."""

import pytest
from playwright.sync_api import expect

from verbund.availability.tests.conftest import commitments, controller, outage, subscribed  # noqa: F401
from verbund.catalog.tests.conftest import catalogue  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_member_contact_opens_its_sla_report(live_server, page, login, alice, password, registry, outage):  # noqa: F811
    login(page, "alice", password)
    page.goto(f"{live_server.url}/verfuegbarkeit/?year=2026")
    # A member contact is sent to its own report.
    expect(page.locator("h1")).to_contain_text("Telgte, Stadt")
    expect(page.locator("figure.chart svg[role=img] title")).to_have_count(1 + 2 * 12)  # chart title + cells
    months = page.locator("table.sla-months")
    expect(months).to_contain_text("AP-100")
    # February 2026: 2 h of 220 h of service time is 99.0909 % (shown cut: 99,090 %) against 99,5 %: red.
    expect(months.locator("tr", has_text="AP-100").locator("td").nth(1)).to_have_class("num status-red")
    expect(page.locator("table.sla-table")).to_contain_text("OZ-200")
    expect(page.locator("body")).to_contain_text("INC-0001")
    page.select_option("#month", "2")
    with page.expect_navigation():
        page.click("form.inline-form button")
    expect(page.locator("table.sla-table tr", has_text="AP-100")).to_contain_text("99,090 %")
    # Ahlen's report is not for alice.
    response = page.goto(f"{live_server.url}/verfuegbarkeit/mitglieder/{registry['ahlen'].pk}/?year=2026")
    assert response is not None and response.status == 404
