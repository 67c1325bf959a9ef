"""The governance part of the access layer (ADR 0029): `.alive()` hides soft-deleted rows, and the seat rule lives
in `restrict(user, relations=True)`; the tally is read by one selector for the page, the API and the decision."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import Client

from verbund.core.access import Action
from verbund.governance import selectors, services
from verbund.governance.models import (
    AgendaItem,
    Attachment,
    Attendance,
    Committee,
    Decision,
    Meeting,
    Membership,
    Paper,
    Vote,
)
from verbund.governance.tests.pages import attend_all, client_for


@pytest.fixture
def carl(registry):
    """A member contact of Ahlen without any seat."""
    from verbund.accounts.services import user_create

    ahlen = registry["ahlen"]
    return user_create(actor=None, username="carl", password=None, role="member_contact", organization=ahlen)


@pytest.fixture
def business(committee_setup, registry):
    """One meeting, agenda item (decided), paper and vote in each committee: the ZA (alice has a seat) and the
    AA (nobody of the fixture has a seat)."""
    setup = committee_setup
    za_paper = services.paper_create(
        actor=None, body=registry["citeq"], reference="ZA-1", name="Haushalt", date=dt.date(2026, 11, 1)
    )
    za_item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Haushalt", paper=za_paper)
    attend_all(setup)
    services.vote_cast(actor=setup["kreis_user"], agenda_item=za_item, membership=setup["seats"]["kreis"], choice="yes")
    za_decision = services.decision_record(actor=None, agenda_item=za_item)
    aa_meeting = services.meeting_schedule(
        actor=None, committee=setup["working"], name="AA-Sitzung", start=setup["meeting"].start
    )
    aa_item = services.agenda_item_add(actor=None, meeting=aa_meeting, name="Beratung")
    return {
        **setup,
        "za_item": za_item,
        "za_paper": za_paper,
        "za_decision": za_decision,
        "aa_meeting": aa_meeting,
        "aa_item": aa_item,
    }


# ------------------------------------------------------------------------------------------------ .alive()


def test_alive_leaves_out_soft_deleted_committees_and_meetings(committee_setup):
    setup = committee_setup
    Committee.objects.filter(pk=setup["working"].pk).update(deleted=True)
    Meeting.objects.filter(pk=setup["meeting"].pk).update(deleted=True)
    assert set(Committee.objects.alive()) == {setup["committee"]}
    assert Committee.objects.count() == 2  # still there, for OParl's deleted: true
    assert not Meeting.objects.alive().exists()
    assert Meeting.objects.count() == 1


def test_soft_deleted_rows_reach_no_list_page_or_api_even_for_staff(committee_setup, admin_user):
    setup = committee_setup
    Committee.objects.filter(pk=setup["working"].pk).update(deleted=True)
    Meeting.objects.filter(pk=setup["meeting"].pk).update(deleted=True)
    assert list(selectors.committee_list(user=admin_user)) == [setup["committee"]]
    assert not selectors.meeting_list(user=admin_user).exists()
    staff = client_for(admin_user)
    assert staff.get(f"/gremien/{setup['working'].pk}/").status_code == 404
    assert staff.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").status_code == 404
    assert "Arbeitsausschuss" not in staff.get("/gremien/").content.decode()
    assert staff.get(f"/api/v1/governance/meetings/{setup['meeting'].pk}").status_code == 404


def test_a_soft_deleted_seat_gives_no_access_any_more(committee_setup, alice):
    setup = committee_setup
    assert selectors.may_view(alice, "governance.view_committee")
    Membership.objects.filter(pk=setup["seats"]["telgte"].pk).update(deleted=True)
    assert not selectors.may_view(alice, "governance.view_committee")
    assert not Committee.objects.restrict(alice, relations=True).exists()
    assert client_for(alice).get("/gremien/").status_code == 403


# ------------------------------------------------------------------------------- restrict(), the seat rule


def test_a_seat_shows_the_business_of_its_committee_only(business, alice):
    setup = business
    za, aa = setup["committee"], setup["working"]
    assert list(Committee.objects.restrict(alice, relations=True)) == [za]
    assert set(Meeting.objects.restrict(alice, relations=True)) == {setup["meeting"]}
    assert set(AgendaItem.objects.restrict(alice, relations=True)) == {setup["za_item"]}
    assert set(Decision.objects.restrict(alice, relations=True)) == {setup["za_decision"]}
    assert set(Membership.objects.restrict(alice, relations=True)) == set(za.memberships.all())
    attendance = set(Attendance.objects.filter(meeting__committee=za))
    assert set(Attendance.objects.restrict(alice, relations=True)) == attendance
    assert set(Vote.objects.restrict(alice, relations=True)) == set(Vote.objects.all())  # the one vote is in the ZA
    # Papers: those of the bodies whose committees the seat is in (citeq's).
    assert set(Paper.objects.restrict(alice, relations=True)) == {setup["za_paper"]}
    assert aa not in Committee.objects.restrict(alice, relations=True)
    assert setup["aa_item"] not in AgendaItem.objects.restrict(alice, relations=True)


def test_without_a_seat_a_member_contact_sees_nothing_through_restrict(business, carl):
    for model in (Committee, Meeting, AgendaItem, Paper, Decision, Membership, Attendance, Vote):
        assert not model.objects.restrict(carl, relations=True).exists(), model
        assert not model.objects.restrict(carl).exists(), model
    assert not selectors.may_view(carl, "governance.view_committee")


def test_the_seat_rule_applies_only_where_asked_and_only_for_viewing(business, alice):
    """The REST API serves the roles' permissions (relations=False): a seat opens no API rows and no writes."""
    assert not Committee.objects.restrict(alice).exists()
    assert not Meeting.objects.restrict(alice, Action.CHANGE, relations=True).exists()
    assert not AgendaItem.objects.restrict(alice, Action.ADD, relations=True).exists()


def test_a_role_with_the_permission_sees_every_committee_seat_or_not(business, admin_user, auditor):
    for user in (admin_user, auditor):
        assert set(Committee.objects.restrict(user, relations=True)) == {business["committee"], business["working"]}
        assert set(Committee.objects.restrict(user)) == {business["committee"], business["working"]}


def test_seat_holder_selectors_go_through_the_same_rule(business, alice):
    setup = business
    assert [c.pk for c in selectors.committee_list(user=alice, seats=True)] == [setup["committee"].pk]
    assert not selectors.committee_list(user=alice).exists()
    assert list(selectors.decision_register(user=alice, seats=True)) == [setup["za_decision"]]
    assert selectors.decision_years(user=alice, seats=True) == [setup["za_decision"].decided_on.year]
    with pytest.raises(Http404):
        selectors.meeting_get_for_user(user=alice, meeting_id=setup["aa_meeting"].pk, seats=True)


def test_anonymous_and_inactive_users_get_nothing(business, alice):
    from django.contrib.auth.models import AnonymousUser

    assert not Committee.objects.restrict(AnonymousUser(), relations=True).exists()
    alice.is_active = False
    assert not Committee.objects.restrict(alice, relations=True).exists()
    assert Client().get("/gremien/").status_code == 302


# ------------------------------------------------------------------------------------------- the tally


def test_one_tally_reading_for_page_api_and_decision(committee_setup, registry, admin_user, alice, bob):
    setup = committee_setup
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Haushalt")
    attend_all(setup)
    services.vote_cast(actor=alice, agenda_item=item, membership=setup["seats"]["telgte"], choice="no")
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    count = selectors.vote_tally(item)
    assert (count.yes, count.no, count.abstain, count.present, count.total) == (2, 1, 0, 6, 6)
    assert count.outcome == "open"  # the Kreis (3) has not voted: 5 against 1 or 2 against 4
    api = client_for(admin_user).get(f"/api/v1/governance/agenda-items/{item.pk}/tally").json()
    assert (Decimal(api["yes"]), Decimal(api["no"]), api["result"], api["trace"]) == (
        count.yes,
        count.no,
        count.result,
        count.trace,
    )
    assert [b["membership_id"] for b in api["ballots"]] == [b.membership_id for b in count.ballots]
    page = client_for(admin_user).get(f"/gremien/top/{item.pk}/")
    assert (page.context["tally"].yes, page.context["tally"].no) == (count.yes, count.no)
    decision = services.decision_record(actor=None, agenda_item=item)
    assert (decision.yes_weight, decision.no_weight, decision.present_weight, decision.result) == (
        count.yes,
        count.no,
        count.present,
        count.result,
    )
    assert decision.tally["trace"] == count.trace
    assert selectors.decision_of(AgendaItem.objects.get(pk=item.pk)) == decision


def test_a_tally_the_engine_refuses_is_an_error_not_figures(committee_setup):
    setup = committee_setup
    Committee.objects.filter(pk=setup["committee"].pk).update(majority_rule="plurality")  # no such rule
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Haushalt")
    item = AgendaItem.objects.select_related("meeting__committee", "paper").get(pk=item.pk)
    count = selectors.vote_tally(item)
    assert count.figures is None and "majority" in count.error
    with pytest.raises(Exception, match="majority"):
        services.decision_record(actor=None, agenda_item=item)
    assert not Decision.objects.exists()


def test_a_seat_holder_sees_the_non_public_items_of_its_committee_and_nothing_of_others(business, alice, carl):
    setup = business
    secret = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Personalsache", public=False)
    assert secret in selectors.agenda_items(user=alice, meeting=setup["meeting"], seats=True)
    assert client_for(alice).get(f"/gremien/top/{secret.pk}/").status_code == 200
    # carl gets a seat in the AA only: the ZA's items, public or not, stay hidden from him.
    person = services.person_create(actor=None, name="Carl", user=carl)
    services.membership_create(
        actor=None, committee=setup["working"], person=person, start_date=dt.date(2020, 1, 1), on_behalf_of=None
    )
    assert list(AgendaItem.objects.restrict(carl, relations=True)) == [setup["aa_item"]]
    carl_client = client_for(carl)
    assert carl_client.get(f"/gremien/top/{secret.pk}/").status_code == 404
    assert carl_client.get(f"/gremien/top/{setup['aa_item'].pk}/").status_code == 200
    assert "Personalsache" not in carl_client.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()


def test_a_seat_opens_a_non_public_paper_only_where_its_committee_consults_it(business, alice, carl):
    """Issue #11 (found by the endpoint tests): papers were scoped for seat holders by the body, so alice's ZA seat
    opened a non-public paper consulted only in the AA. Now a seat shows a non-public paper (and its attachments)
    only where one of its committees has it on the agenda; public papers of the body stay visible."""
    from verbund.governance.tests.test_oparl import attach

    setup = business
    secret = services.paper_create(
        actor=None, body=setup["committee"].body, reference="AA-V-1", name="Personalsache", date=dt.date(2026, 11, 2),
        public=False,
    )  # fmt: skip
    services.agenda_item_add(actor=None, meeting=setup["aa_meeting"], name="Personalsache", paper=secret, public=False)
    uncited = services.paper_create(
        actor=None, body=setup["committee"].body, reference="ZA-2", name="Mitteilung", date=dt.date(2026, 11, 3)
    )
    attachment = attach(secret, "Anlage", "anlage.pdf")
    assert set(Paper.objects.restrict(alice, relations=True)) == {setup["za_paper"], uncited}
    assert not Attachment.objects.restrict(alice, relations=True).filter(pk=attachment.pk).exists()
    alice_client = client_for(alice)
    assert alice_client.get(f"/gremien/vorlagen/{secret.pk}/").status_code == 404
    assert "AA-V-1" not in alice_client.get("/gremien/vorlagen/").content.decode()
    # carl gets a seat in the AA, which consults it: he sees it and its attachment.
    person = services.person_create(actor=None, name="Carl", user=carl)
    services.membership_create(
        actor=None, committee=setup["working"], person=person, start_date=dt.date(2020, 1, 1), on_behalf_of=None
    )
    assert secret in Paper.objects.restrict(carl, relations=True)
    assert attachment in Attachment.objects.restrict(carl, relations=True)
    assert client_for(carl).get(f"/gremien/vorlagen/{secret.pk}/").status_code == 200
    # Once the ZA consults it as well, alice's seat opens it.
    services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Personalsache", paper=secret, public=False)
    assert alice_client.get(f"/gremien/vorlagen/{secret.pk}/").status_code == 200
