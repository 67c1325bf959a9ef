"""A service transfer in a real browser: the operating company's product manager proposes the transfer of
citeq's workplace product, staff puts it on the committee's agenda and records the decision (the three seats'
votes are cast through the service, as their own browsers do in test_governance.py), the administrator
executes it, and Telgte's contact finds the notice in its contract folder.

German UI labels from verbund/locale/de/LC_MESSAGES/django.po.
"""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.governance.tests.conftest import committee_setup  # noqa: F401
from verbund.transfers.tests.conftest import PASSWORD, proposed, setup  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_propose_decide_execute_and_the_member_is_told(
    live_server,
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
    from verbund.accounts.services import user_create
    from verbund.governance import services as governance
    from verbund.governance.models import AgendaItem, Paper
    from verbund.orders.models import Subscription, SubscriptionQuantity
    from verbund.registry.services import organization_create
    from verbund.transfers.models import ServiceTransfer

    opco = organization_create(
        actor=None,
        name="Münsterland IT Betriebsgesellschaft mbH",
        short_name="Münsterland IT Betrieb",
        kind="operating_company",
        land="05",
    )
    user_create(
        actor=None,
        username="paula",
        password=password,
        role="product_manager",
        organization=opco,
        validate_password=False,
    )
    sub = Subscription.objects.create(
        member=registry["telgte"], product=catalogue["workplace"], start_date=dt.date(2026, 1, 1)
    )
    SubscriptionQuantity.objects.create(subscription=sub, valid_from=dt.date(2026, 1, 1), quantity=Decimal(12))
    meeting, seats = committee_setup["meeting"], committee_setup["seats"]

    # (1) The receiving provider's product manager proposes the transfer.
    login(page, "paula", password)
    page.goto(f"{live_server.url}/uebertragungen/neu/")
    page.select_option("#id_from_provider", str(registry["citeq"].pk))
    page.select_option("#id_to_provider", str(opco.pk))
    page.fill("#id_effective_date", "2026-07-01")
    page.select_option("#id_products", str(catalogue["workplace"].pk))
    page.fill("#id_unit_price", "1260")
    page.select_option("#id_bodies", str(committee_setup["committee"].pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Vorschlagen").click()
    transfer = ServiceTransfer.objects.get()
    assert page.url == f"{live_server.url}/uebertragungen/{transfer.pk}/", page.url
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("den Gremien vorgelegt")
    expect(page.locator("[data-testid=preview-members]")).to_contain_text("Telgte, Stadt")
    expect(page.locator("[data-testid=preview-members]")).to_contain_text("720,00")  # 12 × (1.260 − 1.200)
    page.context.clear_cookies()

    # (2) Staff writes the paper with the transfer as its subject and puts it on the agenda …
    login(page, "anna", password)
    page.goto(f"{live_server.url}/gremien/vorlagen/neu/")
    page.select_option("#id_body", str(registry["citeq"].pk))
    page.fill("#id_reference", "ZA-V-2026/20")
    page.fill("#id_name", "Übertragung Arbeitsplatz")
    page.fill("#id_date", "2026-11-01")
    page.select_option("#id_subject", f"service_transfer:{transfer.pk}")
    page.fill("#id_proposed_resolution", "Der Zentralausschuss beschließt die Übertragung.")
    with page.expect_navigation():
        page.get_by_role("button", name="Vorlage anlegen").click()
    paper = Paper.objects.get(reference="ZA-V-2026/20")
    page.goto(f"{live_server.url}/gremien/sitzungen/{meeting.pk}/")
    page.get_by_text("Tagesordnungspunkt hinzufügen").click()
    page.select_option("#id_agenda-paper", str(paper.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Zur Tagesordnung hinzufügen").click()
    item = AgendaItem.objects.get(meeting=meeting)
    for key in ("telgte", "ahlen", "kreis"):
        page.select_option(f"#id_attendance-seat_{seats[key].pk}", "present")
    with page.expect_navigation():
        page.get_by_role("button", name="Anwesenheit erfassen").click()
    day = governance.meeting_day(meeting)
    for key in ("telgte", "ahlen", "kreis"):
        governance.vote_cast(
            actor=seats[key].person.user, agenda_item=item, membership=seats[key], choice="yes", as_of=day
        )

    # (3) … and records the decision in the meeting: the transfer is adopted.
    page.goto(f"{live_server.url}/gremien/top/{item.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Beschluss erfassen").click()
    expect(page.locator("[data-testid=decision-result]")).to_have_text("angenommen")
    transfer.refresh_from_db()
    assert transfer.status == "adopted"

    # (4) The administrator executes it (a job; inline in the tests).
    page.goto(f"{live_server.url}/uebertragungen/{transfer.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Übertragung vollziehen").click()
    transfer.refresh_from_db()
    assert transfer.status == "executed" and transfer.moved_subscriptions == 1
    page.context.clear_cookies()

    # (5) Telgte's contact sees the notice in its contract folder, and the letter.
    login(page, "alice", password)
    page.goto(f"{live_server.url}/vertragsmappe/{registry['telgte'].pk}/")
    notices = page.locator("[data-testid=transfer-notices]")
    expect(notices).to_contain_text(transfer.name)
    expect(notices).to_contain_text("Münsterland IT Betrieb")
    with page.expect_navigation():
        notices.get_by_role("link", name=transfer.name).click()
    expect(page.locator("h1")).to_have_text("Mitteilung über eine übertragene Leistung")
    expect(page.locator("main")).to_contain_text("MIB-AP-100")


def test_a_product_manager_rejects_a_transfer_with_a_reason(live_server, page, login, setup, proposed):  # noqa: F811
    """The reject form on the transfer page: an empty reason is refused at the field, then the transfer is
    rejected and the reason shown."""
    login(page, "pm_opco", PASSWORD)
    page.goto(f"{live_server.url}/uebertragungen/{proposed.pk}/")
    page.get_by_text("Übertragung ablehnen").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ablehnen").click()
    expect(page.locator("#transfer-reject .error")).to_contain_text("Grund der Ablehnung")
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("den Gremien vorgelegt")
    page.fill("#id_rejection_reason", "Nicht wirtschaftlich")
    with page.expect_navigation():
        page.get_by_role("button", name="Ablehnen").click()
    expect(page.locator("[data-testid=transfer-status]")).to_have_text("abgelehnt")
    expect(page.locator("[data-testid=rejection-reason]")).to_have_text("Nicht wirtschaftlich")
    expect(page.locator("#transfer-reject")).to_have_count(0)
