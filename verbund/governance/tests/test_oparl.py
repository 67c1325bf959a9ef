"""OParl 1.1 endpoint: contract against the official JSON schemas, a crawler over every link, what is never
published, and statelessness. Lists, filters and query counts are in test_oparl_lists.py."""

import datetime as dt
import hashlib
import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.utils.functional import empty

from verbund.governance import services
from verbund.governance.models import Attachment, LegislativeTerm

SCHEMA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data" / "oparl-1.1" / "schema"
HOST = "http://testserver"
BASE = f"{HOST}/oparl/v1/"
TYPE_PREFIX = "https://schema.oparl.org/1.1/"
ALL_TYPES = {"System", "Body", "LegislativeTerm", "Organization", "Person", "Membership", "Meeting", "Location"}
ALL_TYPES |= {"AgendaItem", "Paper", "Consultation", "File"}
SECRETS = ("Personalangelegenheit", "Vertrauliche", "GEHEIM", "ZA-V-2026/02", "ZA-V-2026/03", "personal.pdf")


# --- data ---------------------------------------------------------------------------------------------------------


def attach(paper: Any, name: str, file_name: str) -> Attachment:
    content = f"%PDF-1.4\n% {name}\n%%EOF\n".encode()
    return Attachment.objects.create(
        paper=paper,
        name=name,
        file_name=file_name,
        mime_type="application/pdf",
        content=content,
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
    )


@pytest.fixture
def oparl_world(committee_setup, registry, alice, bob):
    """The Zentralausschuss meeting with four items: a public decision (adopted), a non-public decision, a
    public paper discussed only non-publicly, and a public report; the advisory Arbeitsausschuss prepares
    the budget; a sub-committee, a cancelled meeting, a term of office and three attachments."""
    setup = committee_setup
    citeq = registry["citeq"]
    central, working = setup["committee"], setup["working"]
    works = services.committee_create(
        actor=None,
        body=citeq,
        name="Betriebsausschuss",
        short_name="BA",
        kind="works",
        parent=central,
        start_date=dt.date(2021, 1, 1),
    )
    term = LegislativeTerm.objects.create(
        body=citeq, name="Amtszeit 2020–2025", start_date=dt.date(2020, 11, 1), end_date=dt.date(2025, 10, 31)
    )

    def paper(reference: str, name: str, **extra: Any) -> Any:
        return services.paper_create(
            actor=None, body=citeq, reference=reference, name=name, date=dt.date(2026, 10, 1), **extra
        )

    budget = paper(
        "ZA-V-2026/01", "Wirtschaftsplan 2027", proposed_resolution="Der Zentralausschuss beschließt den Plan."
    )
    staff = paper("ZA-V-2026/02", "Personalangelegenheit Geschäftsführung", public=False)
    contract = paper("ZA-V-2026/03", "Vertrauliche Vertragsverhandlung")  # public, but only discussed non-publicly
    report = paper("ZA-B-2026/04", "Bericht IT-Sicherheit", paper_type="report")

    preparation = services.meeting_schedule(
        actor=None,
        committee=working,
        name="Sitzung des Arbeitsausschusses",
        start=dt.datetime(2026, 11, 5, 9, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 5, 12, 0, tzinfo=dt.UTC),
        location="Münster, citeq Raum 1",
    )
    services.agenda_item_add(actor=None, meeting=preparation, name="Wirtschaftsplan 2027", paper=budget)
    cancelled = services.meeting_schedule(
        actor=None,
        committee=works,
        name="Sitzung des Betriebsausschusses",
        start=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    services.meeting_set_state(actor=None, meeting=cancelled, state="cancelled")

    meeting = setup["meeting"]
    public_item = services.agenda_item_add(actor=None, meeting=meeting, name="Wirtschaftsplan 2027", paper=budget)
    secret_item = services.agenda_item_add(
        actor=None, meeting=meeting, name="Personalangelegenheit Geschäftsführung", paper=staff, public=False
    )
    hidden_item = services.agenda_item_add(
        actor=None, meeting=meeting, name="Vertrauliche Vertragsverhandlung", paper=contract, public=False
    )
    notice_item = services.agenda_item_add(
        actor=None, meeting=meeting, name="Bericht IT-Sicherheit", paper=report, decides=False
    )
    for key in ("telgte", "ahlen", "kreis"):
        services.attendance_record(actor=None, meeting=meeting, membership=setup["seats"][key], present=True)
    voters = {"telgte": alice, "ahlen": bob, "kreis": setup["kreis_user"]}
    for item in (public_item, secret_item):
        for key, user in voters.items():
            services.vote_cast(actor=user, agenda_item=item, membership=setup["seats"][key], choice="yes")
    adopted = services.decision_record(actor=None, agenda_item=public_item)
    secret_decision = services.decision_record(
        actor=None, agenda_item=secret_item, resolution_text="GEHEIM: Der Vertrag wird verlängert."
    )
    return {
        **setup,
        "body": citeq,
        "works": works,
        "term": term,
        "papers": {"budget": budget, "staff": staff, "contract": contract, "report": report},
        "preparation": preparation,
        "cancelled": cancelled,
        "items": {"public": public_item, "secret": secret_item, "hidden": hidden_item, "notice": notice_item},
        "decisions": {"adopted": adopted, "secret": secret_decision},
        "files": {
            "main": attach(budget, "Wirtschaftsplan 2027", "wirtschaftsplan-2027.pdf"),
            "annex": attach(budget, "Anlage Stellenplan", "stellenplan.pdf"),
            "staff": attach(staff, "Personalvorlage", "personal.pdf"),
        },
    }


# --- schema validation --------------------------------------------------------------------------------------------


def _format_checker() -> Any:
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    date_time = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")  # OParl: offset, no "Z"

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        return not isinstance(value, str) or (bool(date_time.match(value)) and bool(dt.datetime.fromisoformat(value)))

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        return not isinstance(value, str) or (len(value) == 10 and bool(dt.date.fromisoformat(value)))

    @checker.checks("url")
    def is_url(value: object) -> bool:
        parsed = urlparse(value) if isinstance(value, str) else None
        return parsed is None or (parsed.scheme in ("http", "https") and bool(parsed.netloc))

    return checker


@cache
def _schema(type_name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{type_name}.json").read_text(encoding="utf-8"))


def validate(obj: dict[str, Any]) -> None:
    """Validate one OParl object against its schema (Draft 7; the schemas have no $schema key and their extra
    keys such as "references" are ignored). Deleted objects keep only id, type, created, modified, deleted
    (OParl 1.1, "Gelöschte Objekte": all other properties may be removed), so only id and type are required."""
    from jsonschema import Draft7Validator

    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"the OParl 1.1 schemas are not available at {SCHEMA_DIR}")
    type_name = obj["type"].removeprefix(TYPE_PREFIX)
    schema = _schema(type_name)
    if obj.get("deleted"):
        assert set(obj) == {"id", "type", "created", "modified", "deleted"}, obj
        schema = {**schema, "required": ["id", "type"]}
    errors = [error.message for error in Draft7Validator(schema, format_checker=_format_checker()).iter_errors(obj)]
    assert not errors, f"{obj['id']} is not a valid {type_name}: {errors}"
    # OParl 1.1 makes created and modified mandatory on every object, embedded ones included.
    assert "created" in obj and "modified" in obj, f"{obj['id']} lacks created/modified"


def oparl_objects(payload: Any) -> Iterator[dict[str, Any]]:
    """Every OParl object in a response: the object, list entries and embedded objects, recursively."""
    if isinstance(payload, dict):
        if str(payload.get("type", "")).startswith(TYPE_PREFIX):
            yield payload
        for value in payload.values():
            yield from oparl_objects(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from oparl_objects(value)


def urls_in(payload: Any) -> Iterator[str]:
    if isinstance(payload, dict):
        for value in payload.values():
            yield from urls_in(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from urls_in(value)
    elif isinstance(payload, str) and payload.startswith(("http://", "https://")):
        yield payload


# --- crawler ------------------------------------------------------------------------------------------------------


@dataclass
class Crawl:
    pages: dict[str, Any] = field(default_factory=dict)  # URL → JSON
    files: dict[str, bytes] = field(default_factory=dict)  # download URL → bytes

    def objects(self) -> list[dict[str, Any]]:
        return [obj for page in self.pages.values() for obj in oparl_objects(page)]

    def urls(self) -> set[str]:
        return {url for page in self.pages.values() for url in urls_in(page)} | set(self.pages)

    def text(self) -> str:
        return json.dumps(self.pages, ensure_ascii=False)


def crawl(client: Any, start: str = BASE) -> Crawl:
    """Follow every URL of this OParl system from `start` (ids, references, lists, pagination links, file
    URLs); each must answer 200, with JSON except the file downloads."""
    result = Crawl()
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in result.pages or url in result.files:
            continue
        response = client.get(url.removeprefix(HOST))
        assert response.status_code == 200, f"dead link {url}: {response.status_code} {response.content[:300]!r}"
        if url.endswith("/download"):
            result.files[url] = response.content
            continue
        assert response["Content-Type"].startswith("application/json"), url
        payload = response.json()
        result.pages[url] = payload
        queue.extend(found for found in urls_in(payload) if found.startswith(BASE))
    return result


# --- tests --------------------------------------------------------------------------------------------------------


def test_every_served_and_embedded_object_matches_the_official_schema(client, oparl_world):
    result = crawl(client)
    objects = result.objects()
    for obj in objects:
        validate(obj)
    assert {obj["type"].removeprefix(TYPE_PREFIX) for obj in objects} == ALL_TYPES
    # An object looks the same wherever it appears: fetched alone, as a list entry or embedded.
    alone = {url: page for url, page in result.pages.items() if "type" in page}
    for obj in objects:
        if obj["id"] in alone:
            assert (obj["created"], obj["modified"]) == (alone[obj["id"]]["created"], alone[obj["id"]]["modified"])
    for url, page in result.pages.items():
        if "data" in page:  # an external list
            assert set(page) == {"data", "pagination", "links"}, url
            assert page["links"]["self"] == url


def test_the_crawler_reaches_every_object_without_a_dead_link(client, oparl_world):
    world = oparl_world
    result = crawl(client)
    ids = {obj["id"] for obj in result.objects()}
    body = f"{BASE}body/{world['body'].pk}"
    expected = {
        body,
        f"{BASE}legislativeTerm/{world['term'].pk}",
        f"{BASE}organization/{world['works'].pk}",
        f"{BASE}meeting/{world['cancelled'].pk}",
        f"{BASE}location/{world['meeting'].pk}",
        f"{BASE}agendaItem/{world['items']['public'].pk}",
        f"{BASE}agendaItem/{world['items']['notice'].pk}",
        f"{BASE}consultation/{world['items']['public'].pk}",
        f"{BASE}paper/{world['papers']['report'].pk}",
        f"{BASE}file/{world['files']['annex'].pk}",
        *(f"{BASE}person/{person.pk}" for person in world["people"].values()),
        *(f"{BASE}membership/{seat.pk}" for seat in world["seats"].values()),
    }
    assert expected <= ids
    # 1 system, 1 body, 1 term, 3 committees, 4 persons, 4 seats, 3 meetings, 2 places, 3 public agenda items,
    # 2 published papers, 3 consultations and 2 files.
    assert len(ids) == 29
    assert len(result.files) == 2
    for url, content in result.files.items():
        obj = next(o for o in result.objects() if o.get("accessUrl") == url)
        assert hashlib.sha512(content).hexdigest() == obj["sha512Checksum"]
        assert len(content) == obj["size"]


def test_the_published_values(client, oparl_world):
    world = oparl_world
    system = client.get("/oparl/v1/").json()
    assert system["oparlVersion"] == "https://schema.oparl.org/1.1/"
    assert system["body"] == f"{BASE}body"
    body = client.get(f"/oparl/v1/body/{world['body'].pk}").json()
    assert "ags" not in body and "rgs" not in body  # the provider has no official key
    assert [term["name"] for term in body["legislativeTerm"]] == ["Amtszeit 2020–2025"]
    assert body["mainOrganization"] == f"{BASE}organization/{world['committee'].pk}"

    meeting = client.get(f"/oparl/v1/meeting/{world['meeting'].pk}").json()
    assert meeting["meetingState"] == "eingeladen" and meeting["cancelled"] is False
    assert meeting["start"] == "2026-11-19T11:00:00+01:00"
    assert meeting["location"]["description"] == "Münster, Stadthaus 1"
    assert [(item["name"], item["order"]) for item in meeting["agendaItem"]] == [
        ("Wirtschaftsplan 2027", 0),
        ("Bericht IT-Sicherheit", 1),
    ]
    decided, noted = meeting["agendaItem"]
    assert decided["result"] == "beschlossen"
    assert decided["resolutionText"] == "Der Zentralausschuss beschließt den Plan."
    assert "result" not in noted
    alone = client.get(f"/oparl/v1/agendaItem/{world['items']['notice'].pk}").json()
    assert alone == noted  # `order` counts only the public items, embedded or alone

    paper = client.get(f"/oparl/v1/paper/{world['papers']['budget'].pk}").json()
    assert paper["paperType"] == "Beschlussvorlage"
    assert paper["mainFile"]["fileName"] == "wirtschaftsplan-2027.pdf"
    assert [f["fileName"] for f in paper["auxiliaryFile"]] == ["stellenplan.pdf"]
    roles = {c["organization"][0]: (c["role"], c["authoritative"]) for c in paper["consultation"]}
    assert roles == {
        f"{BASE}organization/{world['working'].pk}": ("Vorberatung", False),
        f"{BASE}organization/{world['committee'].pk}": ("Entscheidung", True),
    }
    report = client.get(f"/oparl/v1/paper/{world['papers']['report'].pk}").json()
    assert [(c["role"], c["authoritative"]) for c in report["consultation"]] == [("Kenntnisnahme", False)]

    working = client.get(f"/oparl/v1/organization/{world['working'].pk}").json()
    works = client.get(f"/oparl/v1/organization/{world['works'].pk}").json()
    assert (working["classification"], working["organizationType"]) == ("Beirat", "Gremium")
    assert works["subOrganizationOf"] == f"{BASE}organization/{world['committee'].pk}"
    cancelled = client.get(f"/oparl/v1/meeting/{world['cancelled'].pk}").json()
    assert (cancelled["meetingState"], cancelled["cancelled"]) == ("terminiert", True)

    deputy = client.get(f"/oparl/v1/person/{world['people']['deputy'].pk}").json()
    assert deputy["body"] == f"{BASE}body/{world['body'].pk}"
    (seat,) = deputy["membership"]
    assert (seat["role"], seat["votingRight"]) == ("stellvertretendes Mitglied", True)
    assert "onBehalfOf" not in seat and "person" not in seat  # embedded: the person is the parent


def test_non_public_items_their_decisions_and_papers_never_appear(client, oparl_world):
    world = oparl_world
    result = crawl(client)
    text = result.text()
    for secret in SECRETS:
        assert secret not in text, secret
    hidden = {
        f"{BASE}agendaItem/{world['items']['secret'].pk}",
        f"{BASE}agendaItem/{world['items']['hidden'].pk}",
        f"{BASE}consultation/{world['items']['secret'].pk}",
        f"{BASE}consultation/{world['items']['hidden'].pk}",
        f"{BASE}paper/{world['papers']['staff'].pk}",
        f"{BASE}paper/{world['papers']['contract'].pk}",
        f"{BASE}file/{world['files']['staff'].pk}",
        f"{BASE}file/{world['files']['staff'].pk}/download",
    }
    assert not hidden & result.urls()
    # Not with modified_since either (deleted objects are listed then, unpublished ones never are).
    for name in ("agendaItem", "consultation", "paper", "file"):
        page = client.get(
            f"/oparl/v1/body/{world['body'].pk}/{name}", {"modified_since": "2000-01-01T00:00:00+01:00"}
        ).json()
        assert not hidden & {obj["id"] for obj in page["data"]}
        assert not any(secret in json.dumps(page, ensure_ascii=False) for secret in SECRETS)
    for url in hidden:
        response = client.get(url.removeprefix(HOST))
        assert response.status_code == 404, url
        assert response.json()["type"] == "https://schema.oparl.org/1.1/Error"


def _assert_stateless(response: Any) -> None:
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "cookie" not in response.get("Vary", "").lower()
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    request = response.wsgi_request
    assert not request.session.accessed  # the views never touch the session ...
    assert request.user._wrapped is empty  # ... nor the user


def test_responses_are_stateless_cacheable_and_open_to_anonymous_clients(client, oparl_world, admin_user):
    world = oparl_world
    paths = [
        "/oparl/v1/",
        "/oparl/v1/body",
        f"/oparl/v1/body/{world['body'].pk}/meeting",
        f"/oparl/v1/meeting/{world['meeting'].pk}",
        f"/oparl/v1/file/{world['files']['main'].pk}/download",
        "/oparl/v1/meeting/999999",
        f"/oparl/v1/body/{world['body'].pk}/paper?created_since=nonsense",
        "/oparl/v1/no/such/path",
    ]
    anonymous = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 400, 404)
        _assert_stateless(response)
        anonymous[path] = response.content
    # Logged in (provider staff may see non-public items in the UI), the API answers exactly the same.
    client.force_login(admin_user)
    for path in paths:
        response = client.get(path)
        _assert_stateless(response)
        assert response.content == anonymous[path], path


def test_system_links_lead_to_a_public_page_without_login(client, oparl_world):
    """website, vendor and product must open without a login (the root redirects to the login page)."""
    system = client.get("/oparl/v1/").json()
    for key in ("website", "vendor", "product"):
        url = system[key]
        assert url.startswith("http://testserver/"), key
        response = client.get(url.removeprefix("http://testserver").split("#")[0])
        assert response.status_code == 200, (key, url)
    page = client.get("/ueber/").content.decode()
    assert 'id="software"' in page
