# ruff: noqa: F811  (pytest fixtures imported from other apps are parameters of the tests)
"""The overview page is a work dashboard per role (issue #10, 21): each role sees its own work, read through
the apps' selectors with a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.accounts.roles import Role
from verbund.billing.tests.conftest import approved_plan, clerk, members, seller  # noqa: F401
from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.costing.tests.conftest import plan  # noqa: F401
from verbund.governance.tests.conftest import committee_setup  # noqa: F401
from verbund.web import dashboard


def _page(user):
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _user(username, role, org):
    from verbund.accounts.services import user_create

    return user_create(actor=None, username=username, password=None, role=role, organization=org)


def _order(member_user, member, product, when=None):
    """A new order, or a change of quantity where the member already subscribes to the product."""
    from decimal import Decimal

    from verbund.orders.models import Subscription
    from verbund.orders.services import order_submit_change, order_submit_new

    day = when or timezone.localdate()
    subscription = Subscription.objects.filter(member=member, product=product).first()
    if subscription is not None:
        return order_submit_change(
            actor=member_user, subscription=subscription, quantity=Decimal(7), effective_date=day, as_of=day
        )
    return order_submit_new(actor=member_user, member=member, product=product, quantity=1, start_date=day, as_of=day)


def _runs(registry):
    from verbund.billing.services import billing_run_issue, billing_run_prepare

    issued = billing_run_issue(
        actor=None,
        run=billing_run_prepare(
            actor=None,
            provider=registry["citeq"],
            kind="instalment",
            year=2026,
            period=1,
            billing_date=dt.date(2026, 1, 5),
        ),
    )
    draft = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=2, billing_date=dt.date(2026, 2, 5)
    )
    return issued, draft


def test_nobody_sees_the_national_organisation_counts(registry, admin_user, alice):
    for user in (admin_user, alice):
        page = _page(user)
        assert "Organisationen nach Art" not in page and 'id="kinds-heading"' not in page


def test_staff_see_open_orders_and_problems(registry, catalogue, alice):
    manager = _user("pm", Role.PRODUCT_MANAGER, registry["citeq"])
    order = _order(alice, registry["telgte"], catalogue["workplace"])
    page = _page(manager)
    assert 'data-testid="card-orders"' in page and 'data-testid="card-problems"' in page
    assert order.number in page and "1 Bestellung wartet auf Bestätigung." in page
    assert 'data-testid="card-runs"' not in page and 'data-testid="card-fees"' not in page


def test_billing_clerk_sees_pending_runs(registry, approved_plan, seller, members, clerk):
    _issued, draft = _runs(registry)
    page = _page(clerk)
    runs = page.split('data-testid="card-runs"')[1].split("</section>")[0]
    assert f"/abrechnung/laeufe/{draft.pk}/" in runs
    assert str(_issued.pk) not in runs.replace(str(draft.pk), "")  # the issued run is not pending
    assert 'data-testid="card-orders"' not in page


def test_committee_member_sees_the_next_meeting_and_open_votes(committee_setup, registry):
    from verbund.governance import services

    setup = committee_setup
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Produktkatalog 2027")
    ahead = services.meeting_schedule(
        actor=None, committee=setup["committee"], name="Nächste Sitzung", start=timezone.now() + dt.timedelta(days=7)
    )
    page = _page(setup["kreis_user"])
    card = page.split('data-testid="card-committee"')[1].split("</section>")[0]
    assert f"/gremien/sitzungen/{ahead.pk}/" in card  # the next meeting
    assert f"/gremien/top/{item.pk}/" in card and "Kreis Warendorf" in card  # the open vote of its seat
    assert "noch nicht abgestimmt" in card
    assert 'data-testid="card-decisions"' in page
    assert 'data-testid="card-orders"' not in page


def test_member_contact_sees_its_fees_invoices_and_orders(
    registry,
    approved_plan,
    seller,
    members,
    catalogue,
    alice,
    bob,
):
    issued, _draft = _runs(registry)
    mine = _order(alice, registry["telgte"], catalogue["workplace"])
    theirs = _order(bob, registry["ahlen"], catalogue["workplace"])
    board = dashboard.build(alice, dt.date(approved_plan.year, 6, 1))
    assert board.fee_plan == approved_plan and board.fee_total and board.fee_total > 0
    assert [i.member_id for i in board.member_invoices] == [registry["telgte"].pk]
    assert board.member_orders[0] == mine and board.member_open_orders == 1
    assert {o.member_id for o in board.member_orders} == {registry["telgte"].pk}
    page = _page(alice)
    assert 'data-testid="card-invoices"' in page and 'data-testid="card-member-orders"' in page
    telgte_invoice = issued.invoices.get(member=registry["telgte"])
    assert telgte_invoice.number in page
    assert theirs.number not in page and issued.invoices.get(member=registry["ahlen"]).number not in page
    assert 'data-testid="card-orders"' not in page and 'data-testid="card-runs"' not in page


def test_the_dashboard_takes_a_constant_number_of_queries(
    committee_setup,
    registry,
    approved_plan,
    seller,
    members,
    catalogue,
    alice,
    bob,
    admin_user,
):
    from verbund.governance import services

    def count(user):
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    setup = committee_setup
    services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Punkt 1")
    _order(alice, registry["telgte"], catalogue["workplace"])
    before = {user.username: count(user) for user in (admin_user, alice, setup["kreis_user"])}
    _runs(registry)
    for n in range(4):
        services.agenda_item_add(actor=None, meeting=setup["meeting"], name=f"Punkt {n + 2}")
    _order(bob, registry["ahlen"], catalogue["workplace"])
    after = {user.username: count(user) for user in (admin_user, alice, setup["kreis_user"])}
    assert after == before
    assert max(after.values()) <= 30


@pytest.mark.parametrize("role", [Role.CONTROLLER, Role.AUDITOR])
def test_controller_and_auditor_get_their_cards(registry, role):
    page = _page(_user(f"u-{role}", role, registry["citeq"]))
    if role == Role.CONTROLLER:
        assert 'data-testid="card-plans"' in page
    assert 'data-testid="card-decisions"' in page
    assert 'data-testid="card-orders"' not in page


def test_the_header_names_a_district_with_its_kind(registry):
    """ "Warendorf" alone is ambiguous between the town and the district: the header says "Kreis Warendorf"."""
    contact = _user("kreis-contact", Role.MEMBER_CONTACT, registry["kreis"])
    html = _page(contact)
    assert "· Kreis Warendorf ·" in html
