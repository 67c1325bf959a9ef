"""Consolidation scenarios in a real browser: an analyst builds a full-merger scenario from the portfolios of
citeq and KAAW (fixture `world`), calculates it, reads NPV and rule checks, and sees the comparison with its
chart. Figures of `world` (verbund/scenarios/tests/conftest.py): four items of 270.000 € a year."""

import pytest
from playwright.sync_api import expect

from verbund.scenarios.tests.conftest import analyst, world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_analyst_builds_runs_and_compares_a_scenario(live_server, page, login, password, analyst):  # noqa: F811
    login(page, "arne", password)
    page.goto(f"{live_server.url}/szenarien/portfolio/")
    expect(page.locator("#task-CAP-DC")).to_contain_text("KA-DC")

    page.goto(f"{live_server.url}/szenarien/")
    page.fill("#id_name", "Fusion 2027")
    page.select_option("#id_kind", "merger")
    page.select_option("#id_legal_form", "aor")
    page.fill("#id_first_year", "2027")
    page.fill("#id_stages", "1")
    with page.expect_navigation():
        page.click("#scenario-create-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Fusion 2027")
    expect(page.locator("#not-calculated")).to_be_visible()

    with page.expect_navigation():
        page.click("#calculate-button")
    expect(page.locator("#npv")).not_to_be_empty()
    expect(page.locator("#yearly tbody tr")).to_have_count(15)
    expect(page.locator("#yearly tbody tr").first).to_contain_text("270.000,00")
    expect(page.locator("#checks-failed")).to_be_visible()

    page.goto(f"{live_server.url}/szenarien/vergleich/")
    expect(page.locator("svg#scenario-cost-chart")).to_be_visible()
    expect(page.locator("#comparison")).to_contain_text("Fusion 2027")
