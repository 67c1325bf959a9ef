"""The governance pages: who may see what (the seat rule, ADR 0029) and the voting page (issue #10)."""

import datetime as dt

from django.test import Client

from verbund.governance import services
from verbund.governance.models import Attendance, Decision, Vote
from verbund.governance.tests.pages import attend_all, client_for, put_catalogue_on_agenda

# ------------------------------------------------------------------ who may see what (views.governance_access)


def test_member_contact_with_a_seat_sees_her_committee_and_votes(committee_setup, registry, catalogue, alice):
    """alice is a member contact (no governance.view_* permission) who holds Telgte's seat in the ZA."""
    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    assert not alice.has_perm("governance.view_committee")
    client = client_for(alice)
    assert 'href="/gremien/"' not in client.get("/").content.decode()  # no nav entry without the permission
    assert client.get("/gremien/").status_code == 200
    assert "Zentralausschuss" in client.get("/gremien/").content.decode()
    assert "Arbeitsausschuss" not in client.get("/gremien/").content.decode()  # no seat there
    assert client.get(f"/gremien/{setup['committee'].pk}/").status_code == 200
    assert client.get(f"/gremien/{setup['working'].pk}/").status_code == 404
    assert client.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").status_code == 200
    page = client.get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'name="choice" value="no"' in page and 'id="decision-form"' not in page
    client.post(f"/gremien/top/{item.pk}/stimme/", {"membership": setup["seats"]["telgte"].pk, "choice": "no"})
    assert Vote.objects.get().choice == "no"
    assert client.get(f"/gremien/vorlagen/{item.paper_id}/").status_code == 200
    # Another committee's meeting stays hidden; staff actions are refused.
    other = services.meeting_schedule(actor=None, committee=setup["working"], name="AA", start=setup["meeting"].start)
    assert client.get(f"/gremien/sitzungen/{other.pk}/").status_code == 404
    assert client.post(f"/gremien/top/{item.pk}/beschluss/").status_code == 403
    assert Decision.objects.count() == 0


def test_member_contact_without_a_seat_sees_no_governance_page(committee_setup, registry, catalogue):
    from verbund.accounts.services import user_create

    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    carl = user_create(
        actor=None, username="carl", password=None, role="member_contact", organization=registry["ahlen"]
    )
    client = client_for(carl)
    for url in (
        "/gremien/",
        "/gremien/sitzungen/",
        "/gremien/vorlagen/",
        "/gremien/beschluesse/",
        f"/gremien/top/{item.pk}/",
        f"/gremien/sitzungen/{setup['meeting'].pk}/einladung.pdf",
    ):
        assert client.get(url).status_code == 403, url
    assert Client().get("/gremien/").status_code == 302  # anonymous: to the login page


def test_committee_member_role_sees_everything_but_cannot_act_as_staff(committee_setup, registry, catalogue):
    setup = committee_setup
    _version, _item = put_catalogue_on_agenda(setup, registry)
    client = client_for(setup["kreis_user"])
    assert client.get(f"/gremien/{setup['working'].pk}/").status_code == 200
    page = client.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert 'id="attendance-form"' not in page and 'id="agenda-form"' not in page
    assert client.post(f"/gremien/sitzungen/{setup['meeting'].pk}/anwesenheit/", {}).status_code == 403
    assert client.get("/gremien/vorlagen/neu/").status_code == 403


def test_non_public_items_are_shown_to_committee_members_and_marked(committee_setup, registry):
    setup = committee_setup
    secret = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Personalsache", public=False)
    page = client_for(setup["kreis_user"]).get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert "Personalsache" in page and "nicht öffentlich" in page
    assert client_for(setup["kreis_user"]).get(f"/gremien/top/{secret.pk}/").status_code == 200


# ------------------------------------------------------------------------------- issue #10: voting page


def test_a_seat_without_recorded_attendance_is_told_why_it_cannot_vote(committee_setup, registry, catalogue):
    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    page = client_for(setup["kreis_user"]).get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'name="choice"' not in page
    assert 'data-testid="vote-note"' in page
    assert "Ihre Anwesenheit ist noch nicht erfasst" in page
    assert "Kreis Warendorf" in page  # the district, not the town Warendorf
    tally = page.split('data-testid="tally"')[1]
    assert "nicht erfasst" in tally and "abwesend" not in tally  # not recorded is not "absent"


def test_a_meeting_ahead_shows_when_voting_opens_and_no_vote_form(committee_setup, registry, catalogue):
    from django.utils import timezone

    setup = committee_setup
    ahead = services.meeting_schedule(
        actor=None, committee=setup["committee"], name="Nächste Sitzung", start=timezone.now() + dt.timedelta(days=7)
    )
    services.meeting_set_state(actor=None, meeting=ahead, state="invited")
    item = services.agenda_item_add(actor=None, meeting=ahead, name="Punkt")
    services.attendance_record(actor=None, meeting=ahead, membership=setup["seats"]["kreis"], present=True)
    page = client_for(setup["kreis_user"]).get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'name="choice"' not in page
    opens = services.meeting_day(ahead).strftime("%d.%m.%Y")
    assert f"die Abstimmung beginnt am Sitzungstag, {opens}" in page


def test_the_vote_form_comes_before_the_tally_and_the_tally_does_not_claim_an_open_majority(
    committee_setup, registry, catalogue, bob
):
    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    page = client_for(bob).get(f"/gremien/top/{item.pk}/").content.decode()
    assert page.index('id="vote-heading"') < page.index('data-testid="tally"')
    majority = page.split('data-testid="tally-majority">')[1].split("</dd>")[0]
    # yes 2 of 6 present; Telgte (1) and the Kreis (3) are outstanding: not "reached so far"
    assert "noch offen" in majority and "bisher" not in majority
    assert 'data-testid="tally-voted">2 von 6 anwesend' in page
    services.vote_cast(actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="yes")
    page = client_for(bob).get(f"/gremien/top/{item.pk}/").content.decode()
    majority = page.split('data-testid="tally-majority">')[1].split("</dd>")[0]
    assert "unabhängig von den ausstehenden Stimmen erreicht" in majority  # 5 of 6 cannot be overturned by 1


def test_weights_and_the_quorum_have_one_format(committee_setup, registry, catalogue, staff):
    from decimal import Decimal

    from verbund.governance.models import Membership

    setup = committee_setup
    Membership.objects.filter(pk=setup["seats"]["kreis"].pk).update(voting_weight=Decimal("2.5"))
    _version, item = put_catalogue_on_agenda(setup, registry)
    page = staff.get(f"/gremien/top/{item.pk}/").content.decode()
    quorum = page.split('data-testid="tally-quorum">')[1].split("</dd>")[0]
    assert "erforderlich: 2,75)" in quorum  # half of 1 + 2 + 2.5, as "2,75", not "2,750" nor "3"
    committee_page = staff.get(f"/gremien/{setup['committee'].pk}/").content.decode()
    assert ">2,5<" in committee_page and "2,500" not in committee_page


def test_record_all_as_present_keeps_the_entries_made_in_the_form(committee_setup, staff):
    setup = committee_setup
    meeting, seats = setup["meeting"], setup["seats"]
    page = staff.get(f"/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert 'data-testid="all-present"' in page
    response = staff.post(
        f"/gremien/sitzungen/{meeting.pk}/anwesenheit/",
        {"all_present": "1", f"attendance-seat_{seats['ahlen'].pk}": "absent"},
    )
    assert response.status_code == 302
    records = {a.membership_id: a.present for a in Attendance.objects.filter(meeting=meeting)}
    assert records == {seats["telgte"].pk: True, seats["ahlen"].pk: False, seats["kreis"].pk: True}


def test_the_effect_of_a_decision_is_shown_in_the_readers_language(committee_setup, registry, catalogue, alice, bob):
    from django.utils import translation

    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    for user, key in ((alice, "telgte"), (bob, "ahlen"), (setup["kreis_user"], "kreis")):
        services.vote_cast(actor=user, agenda_item=item, membership=setup["seats"][key], choice="yes")
    with translation.override("de"):  # recorded by a German-speaking clerk
        decision = services.decision_record(actor=None, agenda_item=item)
    client = client_for(bob)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/gremien/top/{item.pk}/").content.decode()
    effect = english.split('data-testid="decision-effect">')[1].split("</dd>")[0]
    assert effect == f"Katalog 2027 (2027) approved by decision {decision.number}"
    assert "District of Warendorf" in english  # the recorded ballot keeps the seat's kind, worded when shown
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    german = client.get(f"/gremien/top/{item.pk}/").content.decode()
    assert "beschlossen durch Beschluss" in german.split('data-testid="decision-effect">')[1].split("</dd>")[0]


def test_a_seat_holder_sees_links_only_to_organisations_it_may_open(committee_setup, registry, alice, admin_user):
    """Issue #10, 10: links point only where the user may go. Alice (Telgte) holds a seat and sees the members of
    the committee; her own town is a link, Ahlen's page (another member) is not."""
    committee = committee_setup["committee"]
    html = client_for(alice).get(f"/gremien/{committee.pk}/").content.decode()
    assert f'href="{registry["telgte"].get_absolute_url()}"' in html
    assert f'href="{registry["ahlen"].get_absolute_url()}"' not in html
    assert registry["ahlen"].name in html
    staff_html = client_for(admin_user).get(f"/gremien/{committee.pk}/").content.decode()
    assert f'href="{registry["ahlen"].get_absolute_url()}"' in staff_html
