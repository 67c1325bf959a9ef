"""The governance REST API on the committee fixture: a Zentralausschuss with Telgte (alice, weight 1), Ahlen (bob,
weight 2) and Kreis Warendorf (landrat, weight 3), an advisory Arbeitsausschuss, a meeting in the invited state."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from verbund.catalog.models import CatalogueVersion
from verbund.core.models import AuditEvent
from verbund.governance import services
from verbund.governance.models import Attendance, Decision, Vote

API = "/api/v1/governance"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {entry["loc"][-1] for entry in response.json()["detail"]}


@pytest.fixture
def proposed_version(registry, catalogue):
    from verbund.catalog.services import catalogue_version_compose, catalogue_version_create, catalogue_version_propose

    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2027, name="Katalog 2027")
    catalogue_version_compose(actor=None, version=version)
    return catalogue_version_propose(actor=None, version=version)


@pytest.fixture
def voting(committee_setup, registry, proposed_version):
    """A catalogue paper on the agenda of the invited meeting, every seat present."""
    setup = committee_setup
    paper = services.paper_create(
        actor=None,
        body=registry["citeq"],
        reference="ZA-V-2026/07",
        name="Produktkatalog 2027",
        date=dt.date(2026, 11, 1),
        subject_kind="catalogue_version",
        subject_id=proposed_version.pk,
    )
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name=paper.name, paper=paper)
    for key in ("telgte", "ahlen", "kreis"):
        services.attendance_record(actor=None, meeting=setup["meeting"], membership=setup["seats"][key], present=True)
    return {**setup, "item": item, "paper": paper, "version": proposed_version}


# ---------------------------------------------------------------- reads


def test_committees_and_meetings_are_listed_with_seats_and_agenda(committee_setup, admin_user):
    setup = committee_setup
    client = _client(admin_user)
    services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Öffentlich")
    services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Personalangelegenheiten", public=False)

    committees = client.get(f"{API}/committees").json()
    assert committees["count"] == 2
    assert {c["short_name"]: c["member_count"] for c in committees["items"]} == {"ZA": 4, "AA": 0}

    detail = client.get(f"{API}/committees/{setup['committee'].pk}").json()
    assert detail["body_name"] == "citeq" and detail["quorum_share"] == "0.500"
    weights = {m["on_behalf_of_name"]: m["voting_weight"] for m in detail["memberships"] if m["role"] == "member"}
    assert weights == {"Telgte, Stadt": "1.000", "Ahlen, Stadt": "2.000", "Warendorf": "3.000"}

    meetings = client.get(f"{API}/meetings", {"committee": setup["committee"].pk, "year": 2026}).json()
    assert [m["id"] for m in meetings["items"]] == [setup["meeting"].pk]
    assert client.get(f"{API}/meetings", {"year": 2025}).json() == {"items": [], "count": 0}

    meeting = client.get(f"{API}/meetings/{setup['meeting'].pk}").json()
    assert meeting["state"] == "invited" and meeting["committee_short_name"] == "ZA"
    assert [(i["number"], i["name"], i["public"]) for i in meeting["agenda_items"]] == [
        ("1", "Öffentlich", True),
        ("2", "Personalangelegenheiten", False),
    ]

    assert client.get(f"{API}/committees/999999").status_code == 404
    assert client.get(f"{API}/meetings/999999").status_code == 404
    assert client.get(f"{API}/meetings", {"committee": 999999}).status_code == 404


def test_a_member_contact_without_governance_rights_sees_nothing(committee_setup, bob):
    client = _client(bob)
    assert client.get(f"{API}/committees").json() == {"items": [], "count": 0}
    assert client.get(f"{API}/meetings/{committee_setup['meeting'].pk}").status_code == 404


def test_anonymous_callers_are_refused(committee_setup):
    assert Client().get(f"{API}/committees").status_code == 401


# ---------------------------------------------------------------- writes: papers, meetings, agenda, attendance


def test_staff_prepares_a_meeting(committee_setup, registry, admin_user, proposed_version):
    setup = committee_setup
    client = _client(admin_user)

    response = _post(
        client,
        f"{API}/papers",
        {
            "body_id": registry["citeq"].pk,
            "reference": "ZA-V-2027/01",
            "name": "Produktkatalog 2027",
            "date": "2026-10-15",
            "subject_kind": "catalogue_version",
            "subject_id": proposed_version.pk,
            "proposed_resolution": "Der Zentralausschuss beschließt den Produktkatalog 2027.",
            "majority_rule": "absolute",
        },
    )
    assert response.status_code == 201, response.content
    paper = response.json()
    assert (paper["reference"], paper["subject_kind"], paper["majority_rule"]) == (
        "ZA-V-2027/01",
        "catalogue_version",
        "absolute",
    )
    assert client.get(f"{API}/papers", {"q": "2027/01"}).json()["count"] == 1
    assert client.get(f"{API}/papers", {"q": "nichts dergleichen"}).json()["count"] == 0

    response = _post(
        client,
        f"{API}/meetings",
        {
            "committee_id": setup["committee"].pk,
            "name": "Sitzung des Zentralausschusses",
            "start": "2026-12-10T10:00:00+01:00",
            "end": "2026-12-10T12:30:00+01:00",
            "location": "Münster, Stadthaus 1",
        },
    )
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["state"] == "scheduled"

    response = _post(client, f"{API}/meetings/{meeting['id']}/state", {"state": "invited"})
    assert response.status_code == 200 and response.json()["state"] == "invited"
    assert _fields(_post(client, f"{API}/meetings/{meeting['id']}/state", {"state": "scheduled"})) == {"state"}

    response = _post(
        client, f"{API}/meetings/{meeting['id']}/agenda-items", {"name": "Produktkatalog 2027", "paper_id": paper["id"]}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["number"], response.json()["paper_reference"]) == ("1", "ZA-V-2027/01")

    url = f"{API}/meetings/{meeting['id']}/attendance"
    response = _post(client, url, {"membership_id": setup["seats"]["telgte"].pk})
    assert response.status_code == 201 and response.json()["represented"] is True
    response = _post(
        client,
        url,
        {
            "membership_id": setup["seats"]["kreis"].pk,
            "present": False,
            "proxy_person_id": setup["people"]["deputy"].pk,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["proxy_id"] == setup["people"]["deputy"].pk
    response = _post(client, url, {"membership_id": setup["seats"]["telgte"].pk, "present": False})
    assert response.status_code == 200 and response.json()["represented"] is False  # changed, not added
    assert Attendance.objects.filter(meeting_id=meeting["id"]).count() == 2
    assert _post(client, url, {"membership_id": 999999}).status_code == 404


def test_writes_need_the_permission(committee_setup, registry, alice, proposed_version):
    setup = committee_setup
    client = _client(alice)  # a member contact: holds a seat, but no governance permissions
    paper = {
        "body_id": registry["citeq"].pk,
        "reference": "X-1",
        "name": "x",
        "date": "2026-10-15",
    }
    assert _post(client, f"{API}/papers", paper).status_code == 403
    meeting = {"committee_id": setup["committee"].pk, "name": "x", "start": "2026-12-10T10:00:00+01:00"}
    assert _post(client, f"{API}/meetings", meeting).status_code == 403
    assert _post(client, f"{API}/meetings/{setup['meeting'].pk}/state", {"state": "held"}).status_code == 403
    assert _post(client, f"{API}/meetings/{setup['meeting'].pk}/agenda-items", {"name": "x"}).status_code == 403
    attendance = {"membership_id": setup["seats"]["telgte"].pk}
    assert _post(client, f"{API}/meetings/{setup['meeting'].pk}/attendance", attendance).status_code == 403
    item = services.agenda_item_add(actor=None, meeting=setup["meeting"], name="Beratung")
    assert _post(client, f"{API}/agenda-items/{item.pk}/decision").status_code == 403
    assert not Decision.objects.exists()


def test_bad_input_is_refused_naming_the_field(committee_setup, registry, admin_user, catalogue):
    setup = committee_setup
    client = _client(admin_user)
    response = _post(
        client,
        f"{API}/meetings",
        {
            "committee_id": setup["committee"].pk,
            "name": "Sitzung",
            "start": "2026-12-10T10:00:00+01:00",
            "end": "2026-12-10T09:00:00+01:00",
        },
    )
    assert _fields(response) == {"end"}
    response = _post(
        client,
        f"{API}/papers",
        {
            "body_id": registry["citeq"].pk,
            "reference": "ZA-V-2026/99",
            "name": "Produktkatalog 2026 (nochmals)",
            "date": "2026-10-15",
            "subject_kind": "catalogue_version",
            "subject_id": catalogue["version"].pk,  # already approved
        },
    )
    assert _fields(response) == {"subject_id"}
    response = _post(
        client,
        f"{API}/papers",
        {"body_id": registry["citeq"].pk, "reference": "X", "name": "x", "date": "2026-10-15", "paper_type": "memo"},
    )
    assert _fields(response) == {"paper_type"}
    unknown = {"committee_id": 999999, "name": "x", "start": "2026-12-10T10:00:00Z"}
    assert _post(client, f"{API}/meetings", unknown).status_code == 404


# ---------------------------------------------------------------- votes and decisions


def test_members_vote_staff_records_the_decision_once(voting, admin_user, alice, bob):
    setup, item, version = voting, voting["item"], voting["version"]
    votes = f"{API}/agenda-items/{item.pk}/votes"

    response = _post(_client(alice), votes, {"membership_id": setup["seats"]["telgte"].pk, "choice": "no"})
    assert response.status_code == 201, response.content
    assert (response.json()["choice"], response.json()["weight"]) == ("no", "1.000")
    response = _post(_client(alice), votes, {"membership_id": setup["seats"]["telgte"].pk, "choice": "abstain"})
    assert response.status_code == 200 and response.json()["choice"] == "abstain"  # changed until the decision
    assert _post(_client(bob), votes, {"membership_id": setup["seats"]["ahlen"].pk, "choice": "yes"}).status_code == 201
    landrat = _client(setup["kreis_user"])
    assert _post(landrat, votes, {"membership_id": setup["seats"]["kreis"].pk, "choice": "yes"}).status_code == 201

    tally = _client(admin_user).get(f"{API}/agenda-items/{item.pk}/tally").json()
    assert (tally["yes"], tally["no"], tally["abstain"], tally["quorate"], tally["result"]) == (
        "5.000",
        "0",
        "1.000",
        True,
        "adopted",
    )
    assert tally["decision_number"] is None
    assert [b["choice"] for b in tally["ballots"]] == ["abstain", "yes", "yes"]

    response = _post(_client(admin_user), f"{API}/agenda-items/{item.pk}/decision")
    assert response.status_code == 201, response.content
    decision = response.json()
    assert (decision["result"], decision["yes_weight"], decision["abstain_weight"]) == ("adopted", "5.000", "1.000")
    assert decision["number"] == "ZA-2026-001"
    assert decision["committee_id"] == setup["committee"].pk
    assert len(decision["tally"]["ballots"]) == 3 and decision["tally"]["trace"]
    assert decision["number"] in decision["subject_effect"]
    version.refresh_from_db()
    assert (version.status, version.decision_reference) == ("approved", decision["number"])

    # A second decision and a late vote are refused; the catalogue was approved exactly once.
    assert _fields(_post(_client(admin_user), f"{API}/agenda-items/{item.pk}/decision")) == {"agenda_item"}
    assert _fields(_post(_client(bob), votes, {"membership_id": setup["seats"]["ahlen"].pk, "choice": "no"})) == {
        "agenda_item"
    }
    assert Decision.objects.count() == 1
    assert Vote.objects.get(membership=setup["seats"]["ahlen"]).choice == "yes"
    approvals = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(CatalogueVersion),
        object_id=str(version.pk),
        after__status="approved",
    )
    assert approvals.count() == 1

    assert _client(admin_user).get(f"{API}/agenda-items/{item.pk}/tally").json()["decision_number"] == "ZA-2026-001"
    register = _client(admin_user).get(f"{API}/decisions", {"q": "ZA-2026", "committee": setup["committee"].pk})
    assert [d["number"] for d in register.json()["items"]] == ["ZA-2026-001"]
    assert _client(admin_user).get(f"{API}/decisions", {"year": 2025}).json()["count"] == 0
    meeting = _client(admin_user).get(f"{API}/meetings/{setup['meeting'].pk}").json()
    assert meeting["agenda_items"][0]["decision_number"] == "ZA-2026-001"


def test_nobody_votes_for_another_seat_or_in_another_committee(voting, alice):
    setup, item = voting, voting["item"]
    client = _client(alice)
    response = _post(
        client, f"{API}/agenda-items/{item.pk}/votes", {"membership_id": setup["seats"]["ahlen"].pk, "choice": "yes"}
    )
    assert _fields(response) == {"membership"}

    other = services.meeting_schedule(actor=None, committee=setup["working"], name="AA", start=setup["meeting"].start)
    services.meeting_set_state(actor=None, meeting=other, state="invited")
    other_item = services.agenda_item_add(actor=None, meeting=other, name="Beratung")
    response = _post(
        client,
        f"{API}/agenda-items/{other_item.pk}/votes",
        {"membership_id": setup["seats"]["telgte"].pk, "choice": "yes"},
    )
    assert _fields(response) == {"membership"}
    assert not Vote.objects.exists()


def test_bad_votes(voting, alice):
    setup, item = voting, voting["item"]
    client = _client(alice)
    url = f"{API}/agenda-items/{item.pk}/votes"
    assert _fields(_post(client, url, {"membership_id": setup["seats"]["telgte"].pk, "choice": "maybe"})) == {"choice"}
    assert _post(client, url, {"membership_id": 999999, "choice": "yes"}).status_code == 404
    response = _post(
        client, f"{API}/agenda-items/999999/votes", {"membership_id": setup["seats"]["telgte"].pk, "choice": "yes"}
    )
    assert response.status_code == 404
    assert not Vote.objects.exists()


def test_a_non_public_item_is_invisible_to_outsiders(voting, registry):
    from verbund.accounts.services import user_create

    setup = voting
    secret = services.agenda_item_add(
        actor=None, meeting=setup["meeting"], name="Personalangelegenheiten", public=False
    )
    outsider = user_create(
        actor=None, username="outsider", password=None, role="member_contact", organization=registry["ahlen"]
    )
    response = _post(
        _client(outsider),
        f"{API}/agenda-items/{secret.pk}/votes",
        {"membership_id": setup["seats"]["ahlen"].pk, "choice": "yes"},
    )
    assert response.status_code == 404
