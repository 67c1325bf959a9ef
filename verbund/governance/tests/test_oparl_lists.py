"""OParl 1.1 endpoint: external lists (filters, deleted objects, pagination, omit_internal), errors, file
downloads and a query count per list page that does not grow with the data."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.governance import services
from verbund.governance.models import AgendaItem, Attachment, Meeting, Membership, Paper, Person
from verbund.governance.tests import test_oparl as shared
from verbund.governance.tests.test_oparl import BASE, HOST, attach, validate

oparl_world = shared.oparl_world  # the fixture of test_oparl.py, used here too

ERROR = "https://schema.oparl.org/1.1/Error"
SINCE_2000 = "2000-01-01T00:00:00+01:00"
BODY_LISTS = (
    "organization",
    "person",
    "meeting",
    "paper",
    "membership",
    "agendaItem",
    "consultation",
    "file",
    "legislativeTerm",
    "location",
)


def _list(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.content
    page = response.json()
    for obj in page["data"]:
        validate(obj)
    return page


def _ids(page):
    return [obj["id"] for obj in page["data"]]


def test_deleted_objects_are_listed_only_with_modified_since(client, oparl_world):
    world = oparl_world
    body = world["body"].pk
    cancelled = world["cancelled"]
    Meeting.objects.filter(pk=cancelled.pk).update(deleted=True, modified=timezone.now())
    url = f"{BASE}meeting/{cancelled.pk}"

    assert url not in _ids(_list(client, f"/oparl/v1/body/{body}/meeting"))
    assert url not in _ids(_list(client, f"/oparl/v1/organization/{world['works'].pk}/meeting"))
    page = _list(client, f"/oparl/v1/body/{body}/meeting", modified_since=SINCE_2000)
    (stub,) = [obj for obj in page["data"] if obj["id"] == url]
    assert stub["deleted"] is True
    assert set(stub) == {"id", "type", "created", "modified", "deleted"}
    assert client.get(f"/oparl/v1/meeting/{cancelled.pk}").json() == stub  # 200 with the stub, not 404


def test_deleting_a_paper_deletes_its_consultations_and_files(client, oparl_world):
    world = oparl_world
    body = world["body"].pk
    budget = world["papers"]["budget"]
    Paper.objects.filter(pk=budget.pk).update(deleted=True, modified=timezone.now())
    consultation = f"{BASE}consultation/{world['items']['public'].pk}"
    main_file = f"{BASE}file/{world['files']['main'].pk}"

    assert consultation not in _ids(_list(client, f"/oparl/v1/body/{body}/consultation"))
    assert main_file not in _ids(_list(client, f"/oparl/v1/body/{body}/file"))
    for url in (consultation, main_file, f"{BASE}paper/{budget.pk}"):
        assert client.get(url.removeprefix(HOST)).json()["deleted"] is True
    since = _list(client, f"/oparl/v1/body/{body}/consultation", modified_since=SINCE_2000)
    assert consultation in [obj["id"] for obj in since["data"] if obj.get("deleted")]
    assert client.get(f"/oparl/v1/file/{world['files']['main'].pk}/download").status_code == 404
    item = client.get(f"/oparl/v1/agendaItem/{world['items']['public'].pk}").json()
    assert "consultation" not in item  # no link to a deleted consultation


def test_a_deleted_agenda_item_renumbers_the_meeting_and_changes_what_embedded_it(client, oparl_world):
    world = oparl_world
    item = world["items"]["public"]
    later = timezone.now() + dt.timedelta(hours=1)
    AgendaItem.objects.filter(pk=item.pk).update(deleted=True, modified=later)
    stamp = timezone.localtime(later).isoformat(timespec="seconds")

    meeting = client.get(f"/oparl/v1/meeting/{world['meeting'].pk}").json()
    assert [(i["name"], i["order"]) for i in meeting["agendaItem"]] == [("Bericht IT-Sicherheit", 0)]
    assert meeting["modified"] == stamp  # OParl 1.1: the embedding object changes with the embedded one
    assert client.get(f"/oparl/v1/paper/{world['papers']['budget'].pk}").json()["modified"] == stamp
    stub = client.get(f"/oparl/v1/agendaItem/{item.pk}").json()
    assert (stub["deleted"], stub["modified"]) == (True, stamp)
    validate(stub)


def test_created_and_modified_bounds_filter_the_list(client, oparl_world):
    world = oparl_world
    body = world["body"].pk
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    Meeting.objects.filter(pk=world["preparation"].pk).update(created=old, modified=old)
    AgendaItem.objects.filter(meeting=world["preparation"]).update(modified=old)
    preparation = f"{BASE}meeting/{world['preparation'].pk}"
    path = f"/oparl/v1/body/{body}/meeting"

    assert _ids(_list(client, path, created_until="2025-01-01T00:00:00+01:00")) == [preparation]
    assert preparation not in _ids(_list(client, path, created_since="2025-01-01T00:00:00+01:00"))
    assert _ids(_list(client, path, modified_until="2024-01-01T01:00:00+01:00")) == [preparation]  # inclusive
    assert preparation not in _ids(_list(client, path, modified_since="2024-01-01T01:00:01+01:00"))
    # An unencoded "+" arrives as a space and still means "+01:00".
    page = client.get(f"{path}?created_until=2025-01-01T00:00:00+01:00").json()
    assert _ids(page) == [preparation]
    assert "created_until=2025-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["self"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"created_since": "gestern"}, 400),
        ({"modified_since": "2026-01-01"}, 400),  # a date is not a date-time
        ({"created_until": "2026-01-01T00:00:00"}, 400),  # no offset
        ({"modified_until": "2026-13-01T00:00:00+01:00"}, 400),
        ({"page": "0"}, 400),
        ({"page": "zwei"}, 400),
        ({"page": "²"}, 400),
        ({"created_since": "0001-01-01T00:00:00+01:00"}, 400),
        ({"page": "2"}, 404),  # after the last page
    ],
)
def test_bad_list_parameters_answer_an_error_object(client, oparl_world, params, status):
    response = client.get(f"/oparl/v1/body/{oparl_world['body'].pk}/paper", params)
    assert response.status_code == status
    error = response.json()
    assert error["type"] == ERROR and error["message"]
    assert set(error) == {"type", "message"}


def test_unknown_ids_and_paths_answer_404_with_an_error_object(client, oparl_world, registry):
    telgte = registry["telgte"].pk  # an organisation, but not a body
    paths = [
        *(f"/oparl/v1/{kind}/999999" for kind in ("organization", "person", "meeting", "paper", "file", "location")),
        "/oparl/v1/agendaItem/999999",
        "/oparl/v1/file/999999/download",
        f"/oparl/v1/body/{telgte}",
        f"/oparl/v1/body/{telgte}/meeting",
        "/oparl/v1/organization/999999/meeting",
        "/oparl/v1/nothing/here",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["type"] == ERROR
    assert client.post("/oparl/v1/").status_code == 405  # read-only


def test_pagination_has_next_and_last_links_that_keep_the_filter(client, oparl_world):
    world = oparl_world
    people = Person.objects.bulk_create(Person(name=f"Person {n:03d}", family_name=f"P{n:03d}") for n in range(120))
    Membership.objects.bulk_create(
        Membership(committee=world["works"], person=person, start_date=dt.date(2024, 1, 1)) for person in people
    )
    first = _list(client, f"/oparl/v1/body/{world['body'].pk}/person", created_since=SINCE_2000)
    assert first["pagination"] == {"totalElements": 124, "elementsPerPage": 100, "currentPage": 1, "totalPages": 2}
    links = first["links"]
    assert {"first", "self", "next", "last"} <= set(links) and "prev" not in links
    for name in ("first", "self", "next", "last"):
        assert parse_qs(urlparse(links[name]).query)["created_since"] == [SINCE_2000], name
    assert links["next"] == links["last"]
    assert parse_qs(urlparse(links["next"]).query)["page"] == ["2"]

    second = client.get(links["next"].removeprefix(HOST)).json()
    assert second["pagination"]["currentPage"] == 2 and len(second["data"]) == 24
    assert "next" not in second["links"] and second["links"]["prev"] == links["first"]
    ids = _ids(first) + _ids(second)
    assert len(ids) == len(set(ids)) == 124
    assert ids == sorted(ids, key=lambda url: int(url.rsplit("/", 1)[1]))  # stable order by id


def test_omit_internal_drops_embedded_objects_from_list_entries(client, oparl_world):
    body = oparl_world["body"].pk
    dropped = {"meeting": {"agendaItem", "location"}, "paper": {"consultation", "mainFile", "auxiliaryFile"}}
    dropped["person"] = {"membership"}
    for name, keys in dropped.items():
        full = _list(client, f"/oparl/v1/body/{body}/{name}")
        lean = _list(client, f"/oparl/v1/body/{body}/{name}", omit_internal="true")
        assert any(keys & set(obj) for obj in full["data"]), name
        assert not any(keys & set(obj) for obj in lean["data"]), name
        assert all("omit_internal=true" in link for link in lean["links"].values())
    bodies = _list(client, "/oparl/v1/body", omit_internal="true")
    assert all("legislativeTerm" in obj for obj in bodies["data"])  # mandatory in Body.json
    alone = client.get(f"/oparl/v1/meeting/{oparl_world['meeting'].pk}", {"omit_internal": "true"}).json()
    assert "agendaItem" in alone  # objects fetched alone are always complete


def test_the_file_download_serves_the_bytes_with_their_type(client, oparl_world):
    attachment = oparl_world["files"]["main"]
    response = client.get(f"/oparl/v1/file/{attachment.pk}/download")
    assert response.status_code == 200
    assert response.content == bytes(Attachment.objects.get(pk=attachment.pk).content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="wirtschaftsplan-2027.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    Attachment.objects.filter(pk=attachment.pk).update(deleted=True, modified=timezone.now())
    assert client.get(f"/oparl/v1/file/{attachment.pk}/download").status_code == 404


def _grow(world, alice, bob):
    """More of everything: committees' seats, meetings with places, public items with papers, files and a
    decision."""
    people = Person.objects.bulk_create(Person(name=f"Mitglied {n}", family_name=f"M{n}") for n in range(5))
    Membership.objects.bulk_create(
        Membership(committee=world["works"], person=person, start_date=dt.date(2024, 1, 1)) for person in people
    )
    for n in range(3):
        meeting = services.meeting_schedule(
            actor=None,
            committee=world["working"],
            name=f"Sitzung {n}",
            start=dt.datetime(2027, 1, 10 + n, 9, tzinfo=dt.UTC),
            location=f"Raum {n}",
        )
        for m in range(2):
            paper = services.paper_create(
                actor=None,
                body=world["body"],
                reference=f"AA-{n}-{m}",
                name=f"Vorlage {n}.{m}",
                date=dt.date(2027, 1, 1),
            )
            attach(paper, f"Vorlage {n}.{m}", f"vorlage-{n}-{m}.pdf")
            services.agenda_item_add(actor=None, meeting=meeting, name=f"Punkt {m}", paper=paper)
    item = services.agenda_item_add(actor=None, meeting=world["meeting"], name="Nachtrag", paper=paper)
    for key, user in {"telgte": alice, "ahlen": bob, "kreis": world["kreis_user"]}.items():
        services.vote_cast(actor=user, agenda_item=item, membership=world["seats"][key], choice="no")
    services.decision_record(actor=None, agenda_item=item)


def test_a_list_page_takes_the_same_number_of_queries_however_much_it_holds(client, oparl_world, alice, bob):
    body = oparl_world["body"].pk
    paths = ["/oparl/v1/", "/oparl/v1/body", *(f"/oparl/v1/body/{body}/{name}" for name in BODY_LISTS)]
    paths += [f"/oparl/v1/organization/{oparl_world['working'].pk}/{name}" for name in ("meeting", "consultation")]

    def measure():
        counts, sizes = {}, {}
        for path in paths:
            client.get(path)  # warm-up
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, path
            counts[path] = len(queries.captured_queries)
            sizes[path] = response.json().get("pagination", {}).get("totalElements")
        return counts, sizes

    before, small = measure()
    _grow(oparl_world, alice, bob)
    after, large = measure()
    assert after == before
    assert max(before.values()) <= 6, before
    for name in ("person", "meeting", "paper", "agendaItem", "consultation", "file", "membership", "location"):
        path = f"/oparl/v1/body/{body}/{name}"
        assert large[path] > small[path], path  # the lists really grew
