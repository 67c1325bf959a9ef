import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from verbund.accounts.services import api_token_create, api_token_revoke


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_list_returns_items_and_count(admin_client, registry):
    response = admin_client.get("/api/v1/organizations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    assert {item["name"] for item in body["items"]} >= {"Telgte, Stadt", "Ahlen, Stadt"}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("kind=municipality", {"Ahlen, Stadt", "Telgte, Stadt"}),
        ("ags_prefix=0557004", {"Telgte, Stadt"}),
        ("q=ahlen", {"Ahlen, Stadt"}),
        ("land=05&kind=district", {"Warendorf"}),
        ("q=05570044", {"Telgte, Stadt"}),
    ],
)
def test_list_filters(admin_client, query, names):
    body = admin_client.get(f"/api/v1/organizations?{query}").json()
    assert {item["name"] for item in body["items"]} == names
    assert body["count"] == len(names)


def test_list_is_paginated(admin_client):
    body = admin_client.get("/api/v1/organizations?limit=2&offset=2").json()
    assert body["count"] == 6
    assert len(body["items"]) == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [("ags_prefix=abc", "ags_prefix"), ("land=17", "land"), ("kind=planet", "kind"), ("limit=-1", "limit")],
)
def test_bad_filters_are_rejected_naming_the_field(admin_client, query, field):
    response = admin_client.get(f"/api/v1/organizations?{query}")
    assert response.status_code == 422
    assert field in str(response.json()["detail"])


def test_detail_and_decimal_area_as_string(admin_client, registry):
    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["telgte"], area_km2="90.04")
    body = admin_client.get(f"/api/v1/organizations/{registry['telgte'].pk}").json()
    assert body["ags"] == "05570044"
    assert body["area_km2"] == "90.04"


def test_member_sees_only_itself_and_not_another_member(alice, registry):
    client = Client()
    client.force_login(alice)
    body = client.get("/api/v1/organizations").json()
    assert [item["name"] for item in body["items"]] == ["Telgte, Stadt"]
    assert client.get(f"/api/v1/organizations/{registry['ahlen'].pk}").status_code == 404
    assert client.get(f"/api/v1/organizations/{registry['telgte'].pk}").status_code == 200


def test_agreement_detail_shows_a_member_only_its_own_party(alice, registry):
    client = Client()
    client.force_login(alice)
    body = client.get(f"/api/v1/agreements/{registry['agreement'].pk}").json()
    assert [p["organization_name"] for p in body["parties"]] == ["Telgte, Stadt"]


def test_anonymous_requests_are_refused(registry):
    assert Client().get("/api/v1/organizations").status_code == 401


def test_token_authentication(alice, registry):
    _token, raw = api_token_create(actor=None, user=alice, name="fachverfahren")
    client = Client()
    response = client.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert client.get("/api/v1/organizations", HTTP_AUTHORIZATION="Bearer vbd_wrong").status_code == 401
    api_token_revoke(actor=None, token=_token)
    assert client.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_list_query_count_does_not_grow_with_rows(admin_client, registry):
    from verbund.registry.services import organization_create

    with CaptureQueriesContext(connection) as small:
        admin_client.get("/api/v1/organizations")
    for number in range(30):
        organization_create(actor=None, name=f"Amt {number}", kind="office", parent=registry["telgte"])
    with CaptureQueriesContext(connection) as large:
        body = admin_client.get("/api/v1/organizations").json()
    assert body["count"] == 36
    assert len(large) == len(small)


def test_openapi_schema_is_served(admin_client):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations" in schema["paths"]
    assert admin_client.get("/api/v1/docs").status_code == 200


def test_page_size_is_capped(admin_client):
    from django.conf import settings

    assert settings.NINJA_PAGINATION_MAX_LIMIT == 500
    response = admin_client.get("/api/v1/organizations?limit=1000")
    assert response.status_code == 422
    assert "limit" in str(response.json()["detail"])
    assert admin_client.get("/api/v1/organizations?limit=500").status_code == 200


def test_api_docs_are_served_without_a_cdn(admin_client):
    page = admin_client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page
