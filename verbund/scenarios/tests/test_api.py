"""API /api/v1/scenarios/: success, another member, read-only role, bad input; query count of the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from verbund.scenarios import services
from verbund.scenarios.choices import ScenarioKind


@pytest.fixture
def scenarios(world, analyst):
    draft = services.scenario_create(actor=analyst, name="Entwurf", kind=ScenarioKind.MERGER, first_year=2027)
    published = services.scenario_create(actor=analyst, name="Holding", kind=ScenarioKind.HOLDING, first_year=2027)
    services.scenario_calculate(actor=analyst, scenario=published)
    services.scenario_publish(actor=analyst, scenario=published)
    return {"draft": draft, "published": published}


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_analyst_lists_and_runs(client, analyst, scenarios):
    response = _get(client, analyst, "/api/v1/scenarios/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and {s["name"] for s in body["items"]} == {"Entwurf", "Holding"}
    response = client.post(f"/api/v1/scenarios/{scenarios['draft'].pk}/run")
    assert response.status_code == 200
    data = response.json()
    assert data["npv"] is not None and len(data["years"]) == 15
    assert {f["member_name"] for f in data["member_fees"]} == {"Telgte, Stadt", "Ahlen, Stadt"}


def test_a_member_sees_only_published_scenarios_and_its_own_fees(client, alice, scenarios):
    body = _get(client, alice, "/api/v1/scenarios/").json()
    assert [s["name"] for s in body["items"]] == ["Holding"] and body["items"][0]["npv"] is None
    assert client.get(f"/api/v1/scenarios/{scenarios['draft'].pk}").status_code == 404
    data = client.get(f"/api/v1/scenarios/{scenarios['published'].pk}/results").json()
    assert [f["member_name"] for f in data["member_fees"]] == ["Telgte, Stadt"]  # never Ahlen's
    assert data["years"] == [] and data["checks"] == [] and data["npv"] is None


def test_read_only_roles_cannot_run(client, auditor, alice, scenarios):
    assert _get(client, auditor, "/api/v1/scenarios/").status_code == 200
    assert client.post(f"/api/v1/scenarios/{scenarios['draft'].pk}/run").status_code == 403
    client.force_login(alice)
    assert client.post(f"/api/v1/scenarios/{scenarios['published'].pk}/run").status_code == 403


def test_bad_input(client, analyst, scenarios):
    client.force_login(analyst)
    assert client.get("/api/v1/scenarios/abc").status_code == 422
    assert client.get("/api/v1/scenarios/999999").status_code == 404
    assert client.get("/api/v1/scenarios/?limit=-1").status_code == 422


def test_list_has_a_fixed_number_of_queries(client, analyst, world):
    client.force_login(analyst)
    client.get("/api/v1/scenarios/")
    for n in range(3):
        services.scenario_create(actor=analyst, name=f"S{n}", kind=ScenarioKind.MERGER)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/scenarios/")
    for n in range(5):
        services.scenario_create(actor=analyst, name=f"T{n}", kind=ScenarioKind.MERGER)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/scenarios/")
    assert len(many) == len(few)
