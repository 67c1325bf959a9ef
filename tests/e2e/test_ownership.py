"""The administrator records a stake on the holding's page, sees the owners on a day and the in-house check of
the operating company (through the holding) in German; a member without a stake cannot open it."""

import pytest
from playwright.sync_api import expect

from verbund.ownership.tests.conftest import entities  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_owners_and_in_house_check(live_server, page, login, admin_user, bob, password, registry, entities):  # noqa: F811
    import datetime as dt

    from verbund.ownership.services import ownership_end

    ownership_end(actor=None, ownership=entities["kreis_stake"], valid_to=dt.date(2026, 12, 31))
    login(page, "anna", password)
    holding = entities["holding"]
    page.goto(f"{live_server.url}/beteiligungen/{holding.pk}/?day=2027-01-01")
    expect(page.locator("h1")).to_contain_text("Münsterland IT Holding AöR")
    page.click("#stake-form summary")
    page.select_option("#id_owner", label="Ahlen, Stadt")
    page.fill("#id_share", "0.4")
    page.fill("#id_board_seats", "1")
    page.fill("#id_valid_from", "2027-01-01")
    with page.expect_navigation():
        page.click("#stake-form button")
    page.goto(f"{live_server.url}/beteiligungen/{holding.pk}/?day=2027-01-01")
    owners = page.locator("#owners")
    expect(owners).to_contain_text("Ahlen, Stadt")
    expect(owners.locator("tfoot")).to_contain_text("100 %")
    # The operating company: held by the holding; its owners control it jointly through the holding.
    page.goto(f"{live_server.url}/beteiligungen/{entities['operating'].pk}/inhouse/?day=2027-06-01")
    expect(page.locator("#rule-control")).to_contain_text("kontrollieren gemeinsam")
    expect(page.locator("#rule-private_capital")).to_contain_text("mittelbar über Münsterland IT Holding AöR")
    expect(page.locator("#inhouse-status")).to_contain_text("nicht feststellbar")  # no turnover yet
    expect(page.locator("#rule-activity blockquote")).to_contain_text("Mehr als 80 %")
    # bob's Ahlen now holds a stake in the holding, but none in the operating company: that stays hidden.
    page.context.clear_cookies()
    login(page, "bob", password)
    response = page.goto(f"{live_server.url}/beteiligungen/{entities['operating'].pk}/inhouse/")
    assert response is not None and response.status == 404
