import pytest

from verbund.core.testing.endpoints import database_state
from verbund.evidence.models import Post

pytestmark = pytest.mark.django_db


def _post(client, user, kind, payload):
    if "_auth_user_id" not in client.session:
        client.force_login(user)
    return client.post(f"/api/v1/evidence/imports/{kind}", payload, content_type="application/json")


def test_api_import_refuses_every_bad_row_with_line_and_column_and_writes_nothing(client, controller, registry):
    rows = [
        {"post": "ST-1", "title": "A", "planned_fte": "1", "filled_fte": "1"},
        {"post": "ST-1", "title": "B", "planned_fte": "1", "filled_fte": "1"},
        {"post": "ST-2", "title": "C", "planned_fte": "1", "filled_fte": "1", "left_on": "2025-02-30"},
    ]
    client.force_login(controller)  # (logging in writes last_login)
    before = database_state()
    response = _post(client, controller, "staff", {"provider_id": registry["citeq"].pk, "year": 2025, "rows": rows})
    assert response.status_code == 422
    text = response.content.decode()
    assert "3" in text and "post" in text and "left_on" in text
    assert database_state() == before


def test_api_import_then_list_with_filters_and_again_unchanged(client, controller, registry):
    citeq = registry["citeq"].pk
    rows = [
        {"post": "ST-1", "title": "A", "planned_fte": "1", "filled_fte": "1", "telework": "ja"},
        {"post": "ST-2", "title": "B", "planned_fte": "1", "filled_fte": "0"},
    ]
    first = _post(client, controller, "staff", {"provider_id": citeq, "year": 2025, "rows": rows}).json()
    assert first["changed"] is True and first["added"] == 2
    again = _post(client, controller, "staff", {"provider_id": citeq, "year": 2025, "rows": rows}).json()
    assert again["changed"] is False
    listed = client.get("/api/v1/evidence/posts", {"provider_id": citeq, "year": 2025, "vacant": "true"}).json()
    assert [p["post"] for p in listed["items"]] == ["ST-2"]
    assert Post.objects.count() == 2


def test_an_unknown_column_and_a_member_as_provider_are_refused(client, controller, registry):
    citeq = registry["citeq"].pk
    bad = {"provider_id": citeq, "year": 2025, "rows": [{"post": "X", "colour": "red"}]}
    response = _post(client, controller, "staff", bad)
    assert response.status_code == 422 and "colour" in response.content.decode()
    member = {"provider_id": registry["telgte"].pk, "year": 2025, "rows": []}
    assert _post(client, controller, "staff", member).status_code == 404
