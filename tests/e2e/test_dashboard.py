"""The overview is a work dashboard per role, in a real browser: a committee member finds the open vote of its
seat and, on the item's page, the reason it cannot vote yet above the tally; a member contact sees its own
fees, invoices and orders, not the staff's order inbox.

German UI labels from verbund/locale/de/LC_MESSAGES/django.po.
"""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.governance.tests.conftest import committee_setup  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_committee_member_goes_from_the_overview_to_the_open_vote(
    live_server,
    page,
    login,
    password,
    registry,
    committee_setup,  # noqa: F811
):
    from verbund.governance import services

    setup = committee_setup
    landrat = setup["kreis_user"]
    landrat.set_password(password)
    landrat.save(update_fields=["password"])
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Änderung der Entgeltordnung")

    login(page, "landrat", password)
    card = page.get_by_test_id("card-committee")
    expect(card.get_by_role("heading", name="Gremien")).to_be_visible()
    votes = card.get_by_test_id("open-votes")
    expect(votes).to_contain_text("Kreis Warendorf")
    expect(votes).to_contain_text("noch nicht abgestimmt")
    expect(page.get_by_test_id("card-orders")).to_have_count(0)
    with page.expect_navigation():
        votes.get_by_role("link", name="Änderung der Entgeltordnung").click()
    assert page.url == f"{live_server.url}/gremien/top/{item.pk}/", page.url
    note = page.get_by_test_id("vote-note")
    expect(note).to_contain_text("Ihre Anwesenheit ist noch nicht erfasst")
    # the reason comes before the tally, not below it
    assert page.evaluate(
        "document.querySelector('[data-testid=vote-note]').compareDocumentPosition("
        "document.querySelector('[data-testid=tally]')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )


def test_member_contact_sees_its_own_cards(live_server, page, login, password, alice):
    login(page, "alice", password)
    for testid, heading in (
        ("card-fees", "Ihre Entgelte"),
        ("card-invoices", "Ihre Rechnungen"),
        ("card-member-orders", "Ihre Bestellungen"),
    ):
        expect(page.get_by_test_id(testid).get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("card-orders")).to_have_count(0)
    expect(page.get_by_test_id("card-runs")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Organisationen nach Art")
