"""The governance pages through the Django test client (German is the default UI language): staff and voting."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.catalog.models import CatalogueVersion
from verbund.governance import services
from verbund.governance.models import AgendaItem, Attendance, Decision, Paper, Vote
from verbund.governance.tests.pages import attend_all, client_for, messages_of, propose_version, put_catalogue_on_agenda
from verbund.scenarios.tests.conftest import analyst, world  # noqa: F401 (fixtures of a published scenario)


def test_pages_render_for_staff(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
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
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    client = client_for(bob)
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
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    response = client_for(bob).post(
        f"/gremien/top/{item.pk}/stimme/", {"membership": setup["seats"]["telgte"].pk, "choice": "no"}, follow=True
    )
    assert response.status_code == 200
    assert "Sie können nur für Ihren eigenen Sitz abstimmen." in messages_of(response)
    assert Vote.objects.count() == 0
    bad = client_for(bob).post(f"/gremien/top/{item.pk}/stimme/", {"membership": "x", "choice": "maybe"}, follow=True)
    assert messages_of(bad) and Vote.objects.count() == 0


def test_staff_records_the_decision_on_the_page(committee_setup, registry, catalogue, staff, alice, bob):
    setup = committee_setup
    version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
    for user, key, choice in ((alice, "telgte", "no"), (bob, "ahlen", "yes"), (setup["kreis_user"], "kreis", "yes")):
        vote = {"membership": setup["seats"][key].pk, "choice": choice}
        client_for(user).post(f"/gremien/top/{item.pk}/stimme/", vote)
    assert Vote.objects.count() == 3
    page = staff.get(f"/gremien/top/{item.pk}/").content.decode()
    assert 'id="decision-form"' in page
    response = staff.post(f"/gremien/top/{item.pk}/beschluss/", {"resolution_text": ""}, follow=True)
    decision = Decision.objects.get()
    assert (decision.result, decision.yes_weight, decision.no_weight) == ("adopted", 5, 1)
    assert decision.resolution_text.startswith("Der Zentralausschuss beschließt")
    assert any(decision.number in m for m in messages_of(response))
    version.refresh_from_db()
    assert version.status == "approved" and version.decision_reference == decision.number
    page = response.content.decode()
    assert decision.number in page and 'id="decision-form"' not in page
    assert 'name="choice"' not in page and "hx-trigger" not in page  # no more votes, no more polling
    # A member's page that still polls gets the final result and the vote buttons removed (out of band).
    fragment = client_for(bob).get(f"/gremien/top/{item.pk}/abstimmung/?since=old", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert decision.number in html and 'hx-swap-oob="true"' in html and "hx-trigger" not in html
    # Recording twice is refused with a message; nothing changes.
    again = staff.post(f"/gremien/top/{item.pk}/beschluss/", {}, follow=True)
    assert messages_of(again) and Decision.objects.count() == 1
    # The meeting page shows the decision and no longer offers the attendance form.
    meeting_page = staff.get(f"/gremien/sitzungen/{setup['meeting'].pk}/").content.decode()
    assert decision.number in meeting_page and 'id="attendance-form"' not in meeting_page


def test_register_search_finds_the_decision(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
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
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
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
    _version, item = put_catalogue_on_agenda(setup, registry)
    attend_all(setup)
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
            attend_all(setup)
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
    put_catalogue_on_agenda(setup, registry)
    one = _queries(staff, url)
    _make_items(setup, 6, decide=True)
    many = _queries(staff, url)
    assert AgendaItem.objects.count() == 8
    assert many == one


def test_agenda_builder_adds_and_moves_items(committee_setup, registry, catalogue, staff):
    setup = committee_setup
    meeting = setup["meeting"]
    _version, first = put_catalogue_on_agenda(setup, registry)
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
    assert messages_of(response)
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
    assert messages_of(response)
    meeting.refresh_from_db()
    assert meeting.state == "held"
    # A member contact may not change the state.
    assert client_for(alice).post(f"/gremien/sitzungen/{meeting.pk}/status/", {"state": "cancelled"}).status_code == 403


def test_paper_form_creates_a_paper_for_a_proposed_subject(committee_setup, registry, catalogue, staff):
    version = propose_version(registry)
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


def test_paper_form_offers_a_published_scenario_as_subject(committee_setup, world, analyst, staff):  # noqa: F811
    """A consolidation scenario concerns several providers: once published it may go to the committee (issue #13)."""
    from verbund.scenarios import services as scenarios
    from verbund.scenarios.choices import ScenarioKind

    draft = scenarios.scenario_create(actor=analyst, name="Entwurf", kind=ScenarioKind.MERGER, first_year=2027)
    published = scenarios.scenario_create(actor=analyst, name="Holding", kind=ScenarioKind.HOLDING, first_year=2027)
    scenarios.scenario_calculate(actor=analyst, scenario=published)
    scenarios.scenario_publish(actor=analyst, scenario=published)
    form = staff.get("/gremien/vorlagen/neu/").content.decode()
    assert f'value="scenario_decision:{published.pk}"' in form
    assert f'value="scenario_decision:{draft.pk}"' not in form
    data = {
        "body": world["citeq"].pk,
        "reference": "ZA-V-2026/12",
        "name": "Konsolidierung",
        "paper_type": "resolution",
        "date": "2026-11-01",
        "subject": f"scenario_decision:{draft.pk}",
        "majority_rule": "",
        "proposed_resolution": "Beschlossen.",
    }
    response = staff.post("/gremien/vorlagen/neu/", data)  # a draft is not offered: refused, nothing created
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    assert not Paper.objects.filter(reference="ZA-V-2026/12").exists()
    response = staff.post("/gremien/vorlagen/neu/", {**data, "subject": f"scenario_decision:{published.pk}"})
    assert response.status_code == 302
    paper = Paper.objects.get(reference="ZA-V-2026/12")
    assert (paper.subject_kind, paper.subject_id) == ("scenario_decision", published.pk)
