"""Modular joining in a real browser (issue #14): Kreis Warendorf, a party of no agreement, orders citeq's
workplace product; the form says that an accession is needed, the order waits for it; staff puts the accession
on the committee's agenda and records the decision (the seats' votes are cast through the service, as their own
browsers do in test_governance.py); with the accession the order takes effect and the contract folder shows it.

German UI labels from verbund/locale/de/LC_MESSAGES/django.po.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.governance.tests.conftest import committee_setup  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_order_with_accession_then_the_committee_decides_and_both_take_effect(
    live_server,
    page,
    login,
    password,
    registry,
    admin_user,
    catalogue,  # noqa: F811
    committee_setup,  # noqa: F811
):
    from verbund.accounts.services import user_create
    from verbund.governance import services as governance
    from verbund.governance.models import AgendaItem, Paper
    from verbund.orders.models import Order, Subscription

    user_create(
        actor=None,
        username="tom",
        password=password,
        role="member_contact",
        organization=registry["kreis"],
        validate_password=False,
    )
    workplace = catalogue["workplace"]
    start = timezone.localdate() + dt.timedelta(days=7)

    # (1) The contact of Kreis Warendorf opens the order form: it names the accession the product needs.
    login(page, "tom", password)
    page.goto(f"{live_server.url}/bestellungen/neu/{workplace.pk}/")
    needed = page.locator("[data-testid=accession-needed]")
    expect(needed).to_contain_text("Beitritt erforderlich")
    expect(needed).to_contain_text("ÖrV citeq")
    page.fill("#id_quantity", "2")
    page.fill("#id_start_date", start.isoformat())
    page.click("#order-form button[type=submit]")  # without applying for the accession: refused, nothing stored
    expect(page.locator("#id_accede_error")).to_contain_text("Bestätigen Sie, dass Sie den Beitritt beantragen")
    assert Order.objects.count() == 0
    page.check("#id_accede")
    with page.expect_navigation():
        page.click("#order-form button[type=submit]")
    order = Order.objects.get()
    assert page.url == f"{live_server.url}/bestellungen/{order.pk}/", page.url
    expect(page.locator("[data-testid=order-accession]")).to_contain_text("Beantragt: Beitritt zur ÖrV citeq")
    page.context.clear_cookies()

    # (2) Staff cannot confirm the order alone; it writes the paper on the accession and puts it on the agenda …
    meeting, seats = committee_setup["meeting"], committee_setup["seats"]
    login(page, "anna", password)
    page.goto(f"{live_server.url}/bestellungen/{order.pk}/")
    expect(page.get_by_role("button", name="Bestellung bestätigen")).to_have_count(0)
    page.goto(f"{live_server.url}/gremien/vorlagen/neu/")
    page.select_option("#id_body", str(registry["citeq"].pk))
    page.fill("#id_reference", "ZA-V-2026/21")
    page.fill("#id_name", "Beitritt Kreis Warendorf")
    page.fill("#id_date", "2026-11-01")
    page.select_option("#id_subject", f"accession:{order.accession_id}")
    page.fill("#id_proposed_resolution", "Der Zentralausschuss stimmt dem Beitritt zu.")
    with page.expect_navigation():
        page.get_by_role("button", name="Vorlage anlegen").click()
    paper = Paper.objects.get(reference="ZA-V-2026/21")
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

    # (3) … and records the decision: the accession is approved and the order takes effect with it.
    page.goto(f"{live_server.url}/gremien/top/{item.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Beschluss erfassen").click()
    expect(page.locator("[data-testid=decision-result]")).to_have_text("angenommen")
    order.refresh_from_db()
    assert order.status == "confirmed" and order.accession.status == "approved"
    page.context.clear_cookies()

    # (4) The contact sees the subscription in its contract folder and the accession on the order.
    login(page, "tom", password)
    page.goto(f"{live_server.url}/bestellungen/{order.pk}/")
    expect(page.locator("[data-testid=order-status]")).to_have_text("bestätigt")
    expect(page.locator("[data-testid=order-accession]")).to_contain_text("Beigetreten zur ÖrV citeq")
    page.goto(f"{live_server.url}/vertragsmappe/{registry['kreis'].pk}/?as_of={start.isoformat()}")
    expect(page.locator("main")).to_contain_text("AP-100")
    assert Subscription.objects.get(member=registry["kreis"]).start_date == start
