"""The API answers bad input with a documented 4xx in the declared error schema, never with a 500 (ADR 0023)."""

import re

import jsonschema
import pytest
from django import forms
from django.test import Client

from verbund.config.api import api


@pytest.fixture(scope="module")
def openapi():
    return api.get_openapi_schema()


def _operations(openapi):
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _resolve(openapi, schema):
    """The schema with every $ref into components inlined (enough for jsonschema to validate a response)."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return _resolve(openapi, openapi["components"]["schemas"][name])
        return {key: _resolve(openapi, value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_resolve(openapi, item) for item in schema]
    return schema


def _declared(openapi, path, method, status):
    response = openapi["paths"][path][method]["responses"][status]
    return _resolve(openapi, response["content"]["application/json"]["schema"])


@pytest.fixture
def api_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


# ---------------------------------------------------------------- closing the class in the published schema


def test_every_integer_parameter_is_bounded(openapi):
    """An unbounded integer reaches the database as a number it cannot hold (offset 2^63 answered 500)."""
    unbounded = []
    for path, method, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            schema = parameter["schema"]
            variants = schema.get("anyOf", [schema])
            for variant in variants:
                if variant.get("type") == "integer" and ("maximum" not in variant or "minimum" not in variant):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []


def test_every_string_query_parameter_is_bounded(openapi):
    unbounded = []
    for path, method, operation in _operations(openapi):
        for parameter in operation.get("parameters", []):
            variants = parameter["schema"].get("anyOf", [parameter["schema"]])
            if any(variant.get("type") == "number" for variant in variants):
                continue  # a decimal: pydantic reads the string form with the declared digits
            for variant in variants:
                if variant.get("type") == "string" and not ({"maxLength", "enum", "pattern", "format"} & set(variant)):
                    unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []


def test_every_operation_declares_its_error_answers_with_the_error_schema(openapi):
    for path, method, operation in _operations(openapi):
        responses = operation["responses"]
        for status in (401, 403, 404, 422):
            assert status in responses, f"{method.upper()} {path} does not declare {status}"
            schema = _declared(openapi, path, method, status)
            assert "detail" in schema["required"], f"{method.upper()} {path} {status}"


# ---------------------------------------------------------------- the findings of issue #10


def test_a_huge_offset_is_refused_on_every_paged_list(openapi, api_client):
    paged = [
        path
        for path, method, operation in _operations(openapi)
        if method == "get" and any(p["name"] == "offset" for p in operation.get("parameters", []))
    ]
    assert len(paged) >= 8
    for path in paged:
        # A list below an object (/strategy/municipalities/{organization_id}/inventory): any valid id, since
        # the parameters are checked before the object is looked up.
        response = api_client.get(re.sub(r"\{[a-z_]+\}", "1", path), {"offset": "9223372036854775808"})
        assert response.status_code == 422, (path, response.content)
        assert response.json()["detail"][0]["loc"] == ["query", "offset"]
        jsonschema.validate(response.json(), _declared(openapi, path, "get", 422))


@pytest.mark.parametrize(
    "path", ["/api/v1/billing/invoices", "/api/v1/governance/meetings", "/api/v1/governance/decisions"]
)
def test_a_year_out_of_range_is_refused(api_client, path):
    response = api_client.get(path, {"year": "32976"})
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["query", "year"]


@pytest.mark.parametrize("path", ["/api/v1/organizations/99999999999999999999", "/api/v1/billing/runs/-1"])
def test_an_id_out_of_range_is_refused(api_client, path):
    response = api_client.get(path)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("get", "/api/v1/billing/invoices/abc/cii", "/api/v1/billing/invoices/{invoice_id}/cii"),
        ("post", "/api/v1/billing/runs/abc/issue", "/api/v1/billing/runs/{run_id}/issue"),
    ],
)
def test_a_non_numeric_id_gets_the_declared_422(openapi, api_client, method, path, operation):
    response = getattr(api_client, method)(path)
    assert response.status_code == 422
    jsonschema.validate(response.json(), _declared(openapi, operation, method, 422))


def test_a_control_character_in_a_json_body_is_refused_naming_the_field(api_client):
    response = api_client.post(
        "/api/v1/billing/invoices/1/credit", {"reason": "Storno\x0b"}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


def test_a_control_character_in_a_query_is_refused(api_client):
    response = api_client.get("/api/v1/organizations", {"q": "Telgte\x00"})
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["query", "q"]


def test_a_date_must_be_iso_not_a_unix_time(api_client, registry):
    response = api_client.get(f"/api/v1/members/{registry['telgte'].pk}/contract-folder", {"as_of": "0"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_every_form_text_field_refuses_control_characters():
    field = forms.CharField(required=False)
    with pytest.raises(forms.ValidationError):
        field.clean("Storno\x1b[31m")
    assert field.clean("Zeile 1\r\nZeile 2\tEnde") == "Zeile 1\r\nZeile 2\tEnde"
