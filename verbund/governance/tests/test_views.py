"""The governance pages through the Django test client (German is the default UI language)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from verbund.catalog.models import CatalogueVersion
from verbund.governance import services
from verbund.governance.models import AgendaItem, Attendance, Decision, Paper, Vote


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def _attend_all(setup):
    for key in ("telgte", "ahlen", "kreis"):
        services.attendance_record(actor=None, meeting=setup["meeting"], membership=setup["seats"][key], present=True)


def _proposed_version(registry, year=2027):
    from verbund.catalog.services import catalogue_version_compose, catalogue_version_create, catalogue_version_propose

    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=year, name=f"Katalog {year}")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    return version


def _catalogue_item(setup, registry):
    version = _proposed_version(registry)
    paper = services.paper_create(
        actor=None,
        body=registry["citeq"],
        reference="ZA-V-2026/07",
        name="Produktkatalog 2027",
        date=dt.date(2026, 11, 1),
        subject_kind="catalogue_version",
        subject_id=version.pk,
        proposed_resolution="Der Zentralausschuss beschließt den Produktkatalog 2027.",
    )
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Produktkatalog 2027", paper=paper)
    return version, item


@pytest.fixture
def staff(admin_user):
    return _client(admin_user)


def test_pages_render_for_staff(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    meeting = setup["meeting"]
    for url in (
        "/gremien/",
        f"/gremien/{setup['committee'].pk}/",
        "/gremien/sitzungen/",
        "/gremien/sitzungen/?year=2026&committee=" + str(setup["committee"].pk),
        f"/gremien/sitzungen/{meeting.pk}/",
        "/gremien/vorlagen/",
        "/gremien/vorlagen/?q=Katalog",
        "/gremien/vorlagen/neu/",
        f"/gremien/vorlagen/{item.paper_id}/",
        f"/gremien/top/{item.pk}/",
        f"/gremien/top/{item.pk}/abstimmung/",
        "/gremien/beschluesse/",
    ):
        response = staff.get(url)
        assert response.status_code == 200, (url, response.status_code)
    committee_page = staff.get(f"/gremien/{setup['committee'].pk}/").content.decode()
    assert "HVB Ahlen, Stadt" in committee_page and "Stellvertretung Kreis" in committee_page
    assert "Sitzung des Zentralausschusses" in committee_page
    calendar = staff.get("/gremien/sitzungen/").content.decode()
    assert "November 2026" in calendar
    meeting_page = staff.get(f"/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert "Produktkatalog 2027" in meeting_page
    assert f"/gremien/sitzungen/{meeting.pk}/einladung.pdf" in meeting_page
    assert f"/gremien/sitzungen/{meeting.pk}/niederschrift.pdf" in meeting_page
    assert 'name="attendance-seat_' in meeting_page and 'name="agenda-name"' in meeting_page
    new_paper = staff.get("/gremien/vorlagen/neu/").content.decode()
    assert "Katalog 2027 (2027)" in new_paper  # the proposed version is offered as subject
    nav = staff.get("/").content.decode()
    assert 'href="/gremien/"' in nav and 'href="/gremien/beschluesse/"' in nav


def test_member_votes_and_sees_it_in_the_tally_fragment(committee_setup, registry, catalogue, bob):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    client = _client(bob)
    page = client.get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'name="choice" value="yes"' in page  # bob sees buttons for his own seat
    assert f'value="{setup["seats"]["ahlen"].pk}"' in page
    assert f'value="{setup["seats"]["telgte"].pk}"' not in page
    assert 'hx-trigger="every 3s"' in page
    response = client.post(
        f"/gremien/top/{item.pk}/stimme/", {"membership": setup["seats"]["ahlen"].pk, "choice": "yes"}, follow=True
    )
    assert response.status_code == 200
    vote = Vote.objects.get()
    assert (vote.membership, vote.choice, vote.weight) == (setup["seats"]["ahlen"], "yes", 2)
    fragment = client.get(f"/gremien/top/{item.pk}/abstimmung/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html
    assert 'data-testid="tally-yes">2<' in html
    assert "ja" in html.lower()
    # Unchanged since the last poll: nothing to swap.
    digest = fragment.context["tally"].digest
    unchanged = client.get(f"/gremien/top/{item.pk}/abstimmung/?since={digest}", HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204


def test_a_member_cannot_vote_for_another_seat(committee_setup, registry, catalogue, bob):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    response = _client(bob).post(
        f"/gremien/top/{item.pk}/stimme/", {"membership": setup["seats"]["telgte"].pk, "choice": "no"}, follow=True
    )
    assert response.status_code == 200
    assert "Sie können nur für Ihren eigenen Sitz abstimmen." in _messages(response)
    assert Vote.objects.count() == 0
    bad = _client(bob).post(f"/gremien/top/{item.pk}/stimme/", {"membership": "x", "choice": "maybe"}, follow=True)
    assert _messages(bad) and Vote.objects.count() == 0


def test_staff_records_the_decision_on_the_page(committee_setup, registry, catalogue, staff, alice, bob):
    setup = committee_setup
    version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    for user, key, choice in ((alice, "telgte", "no"), (bob, "ahlen", "yes"), (setup["kreis_user"], "kreis", "yes")):
        _client(user).post(f"/gremien/top/{item.pk}/stimme/", {"membership": setup["seats"][key].pk, "choice": choice})
    assert Vote.objects.count() == 3
    page = staff.get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'id="decision-form"' in page
    response = staff.post(f"/gremien/top/{item.pk}/beschluss/", {"resolution_text": ""}, follow=True)
    decision = Decision.objects.get()
    assert (decision.result, decision.yes_weight, decision.no_weight) == ("adopted", 5, 1)
    assert decision.resolution_text.startswith("Der Zentralausschuss beschließt")
    assert any(decision.number in m for m in _messages(response))
    version.refresh_from_db()
    assert version.status == "approved" and version.decision_reference == decision.number
    page = response.content.decode()
    assert decision.number in page and 'id="decision-form"' not in page
    assert 'name="choice"' not in page and "hx-trigger" not in page  # no more votes, no more polling
    # A member's page that still polls gets the final result and the vote buttons removed (out of band).
    fragment = _client(bob).get(f"/gremien/top/{item.pk}/abstimmung/?since=old", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert decision.number in html and 'hx-swap-oob="true"' in html and "hx-trigger" not in html
    # Recording twice is refused with a message; nothing changes.
    again = staff.post(f"/gremien/top/{item.pk}/beschluss/", {}, follow=True)
    assert _messages(again) and Decision.objects.count() == 1
    # The meeting page shows the decision and no longer offers the attendance form.
    meeting_page = staff.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert decision.number in meeting_page and 'id="attendance-form"' not in meeting_page


def test_register_search_finds_the_decision(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    decision = services.decision_record(actor=None, agenda_item=item)
    other = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Haushalt 2027")
    services.decision_record(actor=None, agenda_item=other)
    for q in (decision.number, "Produktkatalog", "beschließt den Produktkatalog", "ZA-V-2026/07"):
        page = staff.get("/gremien/beschluesse/", {"q": q}).content.decode()
        assert f'href="/gremien/top/{item.pk}/"' in page, q
        assert f'href="/gremien/top/{other.pk}/"' not in page, q
    none = staff.get("/gremien/beschluesse/", {"q": "Katalog", "year": "2020"}).content.decode()
    assert f'href="/gremien/top/{item.pk}/"' not in none
    fragment = staff.get(
        "/gremien/beschluesse/", {"committee": setup["committee"].pk, "year": "2026"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in fragment and decision.number in fragment and "Haushalt 2027" in fragment


def test_minutes_and_invitation_are_pdfs(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    services.decision_record(actor=None, agenda_item=item)
    meeting = setup["meeting"]
    for name in ("einladung", "niederschrift"):
        response = staff.get(f"/gremien/sitzungen/{meeting.pk}/{name}.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_minutes_show_attendance_and_per_item_decision_tally_and_text(committee_setup, registry, catalogue, staff, bob):
    from unittest import mock

    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    decision = services.decision_record(actor=None, agenda_item=item)
    with mock.patch("weasyprint.HTML") as html_class:
        html_class.return_value.write_pdf.return_value = b"%PDF-stub"
        response = staff.get(f"/gremien/sitzungen/{setup['meeting'].pk}/niederschrift.pdf")
    assert response.content == b"%PDF-stub"
    html = html_class.call_args.kwargs["string"]
    assert f"Beschluss {decision.number}" in html and "angenommen" in html
    assert "HVB Ahlen, Stadt (Ahlen, Stadt): ja" in html  # who voted what
    assert "HVB Telgte, Stadt" in html and "persönlich anwesend" in html
    assert "Der Zentralausschuss beschließt den Produktkatalog 2027." in html
    assert f"Katalog 2027 (2027) beschlossen durch Beschluss {decision.number}" in html  # the effect


def _make_items(setup, count, decide):
    items = [services.agenda_item_add(actor=None, meeting=setup["meeting"], name=f"Punkt {i}") for i in range(count)]
    if decide:
        if not Attendance.objects.filter(meeting=setup["meeting"]).exists():
            _attend_all(setup)
        for item in items:
            services.decision_record(actor=None, agenda_item=item)
    return items


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_register_query_count_does_not_grow(committee_setup, staff):
    setup = committee_setup
    _make_items(setup, 1, decide=True)
    one = _queries(staff, "/gremien/beschluesse/")
    _make_items(setup, 6, decide=True)
    many = _queries(staff, "/gremien/beschluesse/")
    assert Decision.objects.count() == 7
    assert many == one


def test_meeting_page_query_count_does_not_grow(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    url = f"/gremien/sitzungen/{setup['meeting'].pk}/"
    _make_items(setup, 1, decide=False)
    _catalogue_item(setup, registry)
    one = _queries(staff, url)
    _make_items(setup, 6, decide=True)
    many = _queries(staff, url)
    assert AgendaItem.objects.count() == 8
    assert many == one


def test_agenda_builder_adds_and_moves_items(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    meeting = setup["meeting"]
    _version, first = _catalogue_item(setup, registry)
    url = f"/gremien/sitzungen/{meeting.pk}/tagesordnung/"
    # Neither title nor paper: a field error, nothing added.
    response = staff.post(url, {"agenda-name": "", "agenda-paper": "", "agenda-public": "on"})
    assert response.status_code == 200 and "name" in response.context["agenda_form"].errors
    assert AgendaItem.objects.count() == 1
    response = staff.post(url, {"agenda-name": "Verschiedenes", "agenda-paper": "", "agenda-decides": ""})
    assert response.status_code == 302
    second = AgendaItem.objects.get(name="Verschiedenes")
    assert (second.public, second.decides, second.number) == (False, False, "2")
    # Title from the paper.
    staff.post(url, {"agenda-paper": first.paper_id, "agenda-public": "on", "agenda-decides": "on"})
    assert AgendaItem.objects.filter(name="Produktkatalog 2027").count() == 2
    staff.post(f"/gremien/top/{second.pk}/verschieben/", {"direction": "up"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.number, first.number) == ("1", "2")
    # Moving the first item further up is refused with a message.
    response = staff.post(f"/gremien/top/{second.pk}/verschieben/", {"direction": "up"}, follow=True)
    assert _messages(response)
    second.refresh_from_db()
    assert second.number == "1"


def test_attendance_form_records_all_or_nothing(committee_setup, staff):
    setup = committee_setup
    meeting, seats, people = setup["meeting"], setup["seats"], setup["people"]
    url = f"/gremien/sitzungen/{meeting.pk}/anwesenheit/"
    # Represented by herself is not offered: an invalid choice, nothing recorded.
    response = staff.post(
        url,
        {
            f"attendance-seat_{seats['telgte'].pk}": "present",
            f"attendance-seat_{seats['kreis'].pk}": f"proxy:{people['kreis'].pk}",
        },
    )
    assert response.status_code == 200 and Attendance.objects.count() == 0
    response = staff.post(
        url,
        {
            f"attendance-seat_{seats['telgte'].pk}": "present",
            f"attendance-seat_{seats['ahlen'].pk}": "absent",
            f"attendance-seat_{seats['kreis'].pk}": f"proxy:{people['deputy'].pk}",
        },
    )
    assert response.status_code == 302
    records = {a.membership_id: a for a in Attendance.objects.all()}
    assert records[seats["telgte"].pk].present
    assert not records[seats["ahlen"].pk].present and records[seats["ahlen"].pk].proxy is None
    assert records[seats["kreis"].pk].proxy == people["deputy"]
    page = staff.get(f"/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert f'value="proxy:{people["deputy"].pk}" selected' in page


def test_meeting_state_buttons(committee_setup, staff, alice):
    setup = committee_setup
    meeting = setup["meeting"]
    page = staff.get(f"/gremien/sitzungen/{meeting.pk}/").content.decode()
    assert 'value="held"' in page and 'value="cancelled"' in page and 'value="invited"' not in page
    staff.post(f"/gremien/sitzungen/{meeting.pk}/status/", {"state": "held"})
    meeting.refresh_from_db()
    assert meeting.state == "held"
    response = staff.post(f"/gremien/sitzungen/{meeting.pk}/status/", {"state": "invited"}, follow=True)
    assert _messages(response)
    meeting.refresh_from_db()
    assert meeting.state == "held"
    # A member contact may not change the state.
    assert _client(alice).post(f"/gremien/sitzungen/{meeting.pk}/status/", {"state": "cancelled"}).status_code == 403


def test_paper_form_creates_a_paper_for_a_proposed_subject(committee_setup, registry, catalogue, staff):
    version = _proposed_version(registry)
    data = {
        "body": registry["citeq"].pk,
        "reference": "ZA-V-2026/09",
        "name": "Produktkatalog 2027",
        "paper_type": "resolution",
        "date": "2026-11-01",
        "subject": f"catalogue_version:{version.pk}",
        "majority_rule": "",
        "proposed_resolution": "Beschlossen.",
        "public": "on",
    }
    response = staff.post("/gremien/vorlagen/neu/", data)
    assert response.status_code == 302
    paper = Paper.objects.get(reference="ZA-V-2026/09")
    assert (paper.subject_kind, paper.subject_id) == ("catalogue_version", version.pk)
    detail = staff.get(f"/gremien/vorlagen/{paper.pk}/").content.decode()
    assert "Katalog 2027" in detail and f"/katalog/versionen/{version.pk}/" in detail
    # The approved 2026 catalogue is not offered; a forged value is refused, nothing is created.
    response = staff.post("/gremien/vorlagen/neu/", {**data, "reference": "X", "subject": "catalogue_version:999"})
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    approved = f"catalogue_version:{catalogue['version'].pk}"
    response = staff.post("/gremien/vorlagen/neu/", {**data, "reference": "Y", "subject": approved})
    assert "subject" in response.context["form"].errors
    # The same reference twice: an error, one paper.
    response = staff.post("/gremien/vorlagen/neu/", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert Paper.objects.filter(reference="ZA-V-2026/09").count() == 1
    assert CatalogueVersion.objects.get(pk=version.pk).status == "proposed"


# ------------------------------------------------------------------ who may see what (views.governance_access)


def test_member_contact_with_a_seat_sees_her_committee_and_votes(committee_setup, registry, catalogue, alice):
    """alice is a member contact (no governance.view_* permission) who holds Telgte's seat in the ZA."""
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    assert not alice.has_perm("governance.view_committee")
    client = _client(alice)
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
    _version, item = _catalogue_item(setup, registry)
    carl = user_create(
        actor=None, username="carl", password=None, role="member_contact", organization=registry["ahlen"]
    )
    client = _client(carl)
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
    _version, _item = _catalogue_item(setup, registry)
    client = _client(setup["kreis_user"])
    assert client.get(f"/gremien/{setup['working'].pk}/").status_code == 200
    page = client.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert 'id="attendance-form"' not in page and 'id="agenda-form"' not in page
    assert client.post(f"/gremien/sitzungen/{setup['meeting'].pk}/anwesenheit/", {}).status_code == 403
    assert client.get("/gremien/vorlagen/neu/").status_code == 403


def test_non_public_items_are_shown_to_committee_members_and_marked(committee_setup, registry):
    setup = committee_setup
    secret = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Personalsache", public=False)
    page = _client(setup["kreis_user"]).get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert "Personalsache" in page and "nicht öffentlich" in page
    assert _client(setup["kreis_user"]).get(f"/gremien/top/{secret.pk}/").status_code == 200


# ------------------------------------------------------------------------------- issue #10: voting page


def test_a_seat_without_recorded_attendance_is_told_why_it_cannot_vote(committee_setup, registry, catalogue):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    page = _client(setup["kreis_user"]).get(f"/gremien/top/{item.pk}/").content.decode()
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
    page = _client(setup["kreis_user"]).get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'name="choice"' not in page
    opens = services.meeting_day(ahead).strftime("%d.%m.%Y")
    assert f"die Abstimmung beginnt am Sitzungstag, {opens}" in page


def test_the_vote_form_comes_before_the_tally_and_the_tally_does_not_claim_an_open_majority(
    committee_setup, registry, catalogue, bob
):
    setup = committee_setup
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    services.vote_cast(actor=bob, agenda_item=item, membership=setup["seats"]["ahlen"], choice="yes")
    page = _client(bob).get(f"/gremien/top/{item.pk}/").content.decode()
    assert page.index('id="vote-heading"') < page.index('data-testid="tally"')
    majority = page.split('data-testid="tally-majority">')[1].split("</dd>")[0]
    # yes 2 of 6 present; Telgte (1) and the Kreis (3) are outstanding: not "reached so far"
    assert "noch offen" in majority and "bisher" not in majority
    assert 'data-testid="tally-voted">2 von 6 anwesend' in page
    services.vote_cast(actor=setup["kreis_user"], agenda_item=item, membership=setup["seats"]["kreis"], choice="yes")
    page = _client(bob).get(f"/gremien/top/{item.pk}/").content.decode()
    majority = page.split('data-testid="tally-majority">')[1].split("</dd>")[0]
    assert "unabhängig von den ausstehenden Stimmen erreicht" in majority  # 5 of 6 cannot be overturned by 1


def test_weights_and_the_quorum_have_one_format(committee_setup, registry, catalogue, staff):
    from decimal import Decimal

    from verbund.governance.models import Membership

    setup = committee_setup
    Membership.objects.filter(pk=setup["seats"]["kreis"].pk).update(voting_weight=Decimal("2.5"))
    _version, item = _catalogue_item(setup, registry)
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
    _version, item = _catalogue_item(setup, registry)
    _attend_all(setup)
    for user, key in ((alice, "telgte"), (bob, "ahlen"), (setup["kreis_user"], "kreis")):
        services.vote_cast(actor=user, agenda_item=item, membership=setup["seats"][key], choice="yes")
    with translation.override("de"):  # recorded by a German-speaking clerk
        decision = services.decision_record(actor=None, agenda_item=item)
    client = _client(bob)
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
    html = _client(alice).get(f"/gremien/{committee.pk}/").content.decode()
    assert f'href="{registry["telgte"].get_absolute_url()}"' in html
    assert f'href="{registry["ahlen"].get_absolute_url()}"' not in html
    assert registry["ahlen"].name in html
    staff_html = _client(admin_user).get(f"/gremien/{committee.pk}/").content.decode()
    assert f'href="{registry["ahlen"].get_absolute_url()}"' in staff_html
