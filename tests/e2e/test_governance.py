"""A committee decides in a real browser: staff prepares the paper, agenda and attendance, three members vote
while the staff page's tally follows live (htmx polling, no reload), staff records the decision and the
proposed catalogue version becomes approved.

German UI labels from verbund/locale/de/LC_MESSAGES/django.po.
"""

import re

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.governance.tests.conftest import committee_setup  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

APPROVED = "beschlossen"  # msgid "approved" (catalogue status)
ADOPTED = "angenommen"  # msgid "adopted"
PRESENT = "present"  # value of "persönlich anwesend" in the attendance select


def _proposed_version(registry):
    from verbund.catalog.services import catalogue_version_compose, catalogue_version_create, catalogue_version_propose

    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2027, name="Produktkatalog 2027")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    return version


def _context(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    return context


def test_committee_votes_live_and_the_decision_approves_the_catalogue(
    live_server,
    browser,
    page,
    login,
    password,
    registry,
    admin_user,
    alice,
    bob,
    catalogue,  # noqa: F811
    committee_setup,  # noqa: F811
):
    from verbund.catalog.models import CatalogueVersion
    from verbund.governance.models import AgendaItem, Attendance, Decision, Paper

    setup = committee_setup
    meeting, seats = setup["meeting"], setup["seats"]
    landrat = setup["kreis_user"]
    landrat.set_password(password)
    landrat.save(update_fields=["password"])
    version = _proposed_version(registry)

    # (1) Staff writes the paper: the proposed catalogue version is offered as its subject.
    login(page, "anna", password)
    page.goto(f"{live_server.url}/gremien/vorlagen/neu/")
    page.select_option("#id_body", str(registry["citeq"].pk))
    page.fill("#id_reference", "ZA-V-2026/07")
    page.fill("#id_name", "Produktkatalog 2027")
    page.fill("#id_date", "2026-11-01")
    page.select_option("#id_subject", f"catalogue_version:{version.pk}")
    page.fill("#id_proposed_resolution", "Der Zentralausschuss beschließt den Produktkatalog 2027.")
    with page.expect_navigation():
        page.get_by_role("button", name="Vorlage anlegen").click()
    paper = Paper.objects.get(reference="ZA-V-2026/07")
    assert page.url == f"{live_server.url}/gremien/vorlagen/{paper.pk}/", page.url

    # (2) … puts it on the agenda of the invited meeting (the title comes from the paper) …
    page.goto(f"{live_server.url}/gremien/sitzungen/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sitzung des Zentralausschusses").click()
    assert page.url == f"{live_server.url}/gremien/sitzungen/{meeting.pk}/", page.url
    page.get_by_text("Tagesordnungspunkt hinzufügen").click()
    page.select_option("#id_agenda-paper", str(paper.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Zur Tagesordnung hinzufügen").click()
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.name, item.paper_id, item.public, item.decides) == ("Produktkatalog 2027", paper.pk, True, True)
    expect(page.locator(f"#item-{item.pk}")).to_contain_text("Produktkatalog 2027")

    # (3) … and records all three seats as present.
    for key in ("telgte", "ahlen", "kreis"):
        page.select_option(f"#id_attendance-seat_{seats[key].pk}", PRESENT)
    with page.expect_navigation():
        page.get_by_role("button", name="Anwesenheit erfassen").click()
    expect(page.locator("ul.messages")).to_contain_text("3 Änderungen")
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 3

    # (4) Staff keeps the agenda item open; the tally starts empty and polls.
    with page.expect_navigation():
        page.get_by_role("link", name="Produktkatalog 2027").first.click()
    assert page.url == f"{live_server.url}/gremien/top/{item.pk}/", page.url
    tally = page.locator("#tally")
    expect(tally.locator("[data-testid=tally-yes]")).to_have_text("0")
    expect(tally).to_contain_text("Live-Auszählung")
    page.evaluate("window.__noReload = true")

    # (5) The three members vote in their own browsers; staff sees every vote arrive without reloading.
    votes = (
        ("alice", "Nein", "tally-no", "1"),
        ("bob", "Ja", "tally-yes", "2"),
        ("landrat", "Ja", "tally-yes", "5"),
    )
    member_pages = []
    contexts = []
    try:
        for username, button, testid, expected in votes:
            context = _context(browser)
            contexts.append(context)
            member_page = context.new_page()
            member_pages.append(member_page)
            login(member_page, username, password)
            member_page.goto(f"{live_server.url}/gremien/top/{item.pk}/")
            expect(member_page.locator("#vote-heading")).to_have_text("Ihre Stimme")
            with member_page.expect_navigation():
                member_page.get_by_role("button", name=button, exact=True).click()
            expect(member_page.locator("ul.messages")).to_contain_text("wurde erfasst")
            expect(member_page.locator("#item-actions legend")).to_contain_text(
                f"Ihre bisherige Stimme: {button.lower()}"
            )
            # staff's page, untouched: the polled fragment brings the new tally
            expect(tally.locator(f"[data-testid={testid}]")).to_have_text(expected)
        expect(tally.locator("[data-testid=tally-quorum]")).to_contain_text("beschlussfähig")
        expect(tally.locator("[data-testid=tally-majority]")).to_contain_text("mit den abgegebenen Stimmen erreicht")
        expect(tally).to_contain_text("HVB Telgte, Stadt")
        assert page.evaluate("window.__noReload") is True  # no reload happened

        # (6) Staff records the decision; the vote closes.
        with page.expect_navigation():
            page.get_by_role("button", name="Beschluss erfassen").click()
        decision = Decision.objects.get(agenda_item=item)
        expect(page.locator("[data-testid=decision-result]")).to_have_text(ADOPTED)
        expect(page.locator("#tally-heading")).to_have_text(f"Beschluss {decision.number}")
        expect(page.locator("[data-testid=decision-effect]")).to_contain_text(decision.number)
        expect(page.locator("#decision-form")).to_have_count(0)
        expect(page.locator("#tally[hx-trigger]")).to_have_count(0)  # polling stopped

        # The members' pages follow by themselves: result shown, vote buttons gone.
        alice_page = member_pages[0]
        expect(alice_page.locator("[data-testid=decision-result]")).to_have_text(ADOPTED)
        expect(alice_page.get_by_role("button", name="Ja", exact=True)).to_have_count(0)
    finally:
        for context in contexts:
            context.close()

    assert (decision.result, decision.yes_weight, decision.no_weight) == ("adopted", 5, 1)

    # (7) The catalogue version is approved by the decision.
    page.goto(f"{live_server.url}/katalog/versionen/{version.pk}/")
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="Status").locator("xpath=following-sibling::dd[1]")).to_have_text(APPROVED)
    expect(facts).to_contain_text(decision.number)
    version.refresh_from_db()
    assert version.status == "approved"
    assert CatalogueVersion.objects.get(pk=version.pk).decision_reference == decision.number

    # (8) The register finds it and links back to the agenda item; the minutes are a PDF.
    page.goto(f"{live_server.url}/gremien/beschluesse/")
    page.fill("#id_q", "Produktkatalog")
    with page.expect_response(lambda r: "/gremien/beschluesse/" in r.url and "q=Produktkatalog" in r.url):
        page.get_by_role("button", name="Suchen").click()
    expect(page).to_have_url(re.compile(r"[?&]q=Produktkatalog"))
    expect(page.locator("#results").get_by_role("link", name=decision.number)).to_have_attribute(
        "href", f"/gremien/top/{item.pk}/"
    )
    response = page.request.get(f"{live_server.url}/gremien/sitzungen/{meeting.pk}/niederschrift.pdf")
    assert response.status == 200 and response.body().startswith(b"%PDF")
