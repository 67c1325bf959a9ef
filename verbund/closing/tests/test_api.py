"""The closing REST API: the controller imports, calculates and approves; members see only their own result;
the auditor reads only; bad rows are 422 with line and column."""

from decimal import Decimal

import pytest
from django.test import Client

from verbund.closing import services
from verbund.closing.models import ActualCost, Closing

API = "/api/v1/closing"
COSTS = [
    {"cost_centre": "RZ", "cost_type": "PERS", "amount": "110000"},
    {"cost_centre": "RZ", "cost_type": "SACH", "amount": "45000"},
    {"cost_centre": "AP", "cost_type": "PERS", "amount": "84.000,00"},
    {"cost_centre": "AP", "cost_type": "SACH", "amount": "21000"},
    {"cost_centre": "FV", "cost_type": "PERS", "amount": "30000"},
]
USAGE = [
    {"ags": "05570044", "product": "AP-100", "period": "2026", "quantity": "45"},
    {"ags": "05570004", "product": "AP-100", "period": "2026-03", "quantity": "120"},
]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def test_controller_closes_the_year_through_the_api(closing, controller):
    client = _client(controller)
    response = _post(client, f"{API}/closings/{closing.pk}/costs", {"rows": COSTS})
    assert response.status_code == 200, response.content
    assert response.json()["changed"] and response.json()["added"] == 5
    again = _post(client, f"{API}/closings/{closing.pk}/costs", {"rows": COSTS})
    assert again.json()["changed"] is False
    assert _post(client, f"{API}/closings/{closing.pk}/usage", {"rows": USAGE}).status_code == 200
    calculated = _post(client, f"{API}/closings/{closing.pk}/calculate")
    assert calculated.status_code == 200, calculated.content
    assert Decimal(calculated.json()["actual_total"]) == Decimal("290000.00")
    products = client.get(f"{API}/closings/{closing.pk}/products").json()
    ap = next(p for p in products if p["product_number"] == "AP-100")
    assert Decimal(ap["price_variance"]) + Decimal(ap["efficiency_variance"]) + Decimal(
        ap["volume_variance"]
    ) == Decimal(ap["total_variance"])
    assert ap["trace"]
    approved = _post(
        client,
        f"{API}/closings/{closing.pk}/approve",
        {"decision_reference": "JA 2026", "approved_on": "2027-06-30"},
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"cost_centre": "XX", "cost_type": "PERS", "amount": "1"}], (2, "cost_centre")),
        (
            [
                {"cost_centre": "RZ", "cost_type": "PERS", "amount": "1"},
                {"cost_centre": "RZ", "cost_type": "PERS", "amount": "x"},
            ],
            (3, "amount"),
        ),
    ],
)
def test_bad_rows_are_422_with_line_and_column_and_change_nothing(closing, controller, rows, message):
    response = _post(_client(controller), f"{API}/closings/{closing.pk}/costs", {"rows": rows})
    assert response.status_code == 422
    line, column = message  # the message is in the request's language (German by default)
    text = response.json()["detail"][0]["msg"]
    assert f" {line}, " in text and column in text
    assert not ActualCost.objects.exists()


def test_bad_json_and_missing_fields(closing, controller):
    client = _client(controller)
    assert _post(client, f"{API}/closings/{closing.pk}/costs", {"rows": [{"cost_centre": "RZ"}]}).status_code == 422
    bad = client.post(f"{API}/closings/{closing.pk}/costs", "{", content_type="application/json")
    assert bad.status_code in (400, 422)
    assert _post(client, f"{API}/closings/{closing.pk}/calculate").status_code == 422  # no actual costs yet


def test_members_see_only_approved_closings_and_only_their_own_result(closing_with_actuals, admin_user, alice, bob):
    import datetime as dt

    assert _client(alice).get(f"{API}/closings/{closing_with_actuals.pk}").status_code == 404  # draft
    services.closing_calculate(actor=admin_user, closing=closing_with_actuals)
    services.closing_approve(
        actor=admin_user, closing=closing_with_actuals, decision_reference="JA", approved_on=dt.date(2027, 6, 1)
    )
    rows = _client(alice).get(f"{API}/closings/{closing_with_actuals.pk}/members").json()
    assert rows and {r["member_id"] for r in rows} == {alice.organization_id}
    rows = _client(bob).get(f"{API}/closings/{closing_with_actuals.pk}/members").json()
    assert {r["member_id"] for r in rows} == {bob.organization_id}
    staff = _client(admin_user).get(f"{API}/closings/{closing_with_actuals.pk}/members").json()
    assert {r["member_id"] for r in staff} == {alice.organization_id, bob.organization_id}


def test_members_and_auditors_cannot_write(closing, alice, auditor):
    for user in (alice, auditor):
        response = _post(_client(user), f"{API}/closings/{closing.pk}/costs", {"rows": COSTS})
        assert response.status_code == 403
        assert _post(_client(user), f"{API}/closings", {"plan_id": closing.plan_id}).status_code == 403
    assert not ActualCost.objects.exists()
    assert _client(auditor).get(f"{API}/closings/{closing.pk}").status_code == 200  # read only


def test_create_and_unknown_ids(approved_plan, controller):
    client = _client(controller)
    created = _post(client, f"{API}/closings", {"plan_id": approved_plan.pk, "name": "Nachkalkulation"})
    assert created.status_code == 201 and Closing.objects.count() == 1
    assert client.get(f"{API}/closings/999999").status_code == 404
    assert _post(client, f"{API}/closings", {"plan_id": 999999}).status_code == 404


def test_price_indices_through_the_api(closing, controller):
    client = _client(controller)
    ok = _post(client, f"{API}/closings/{closing.pk}/price-indices", {"indices": {"PERS": "1.03"}})
    assert ok.status_code == 200 and ok.json()["added"] == 1
    for bad in ({"PERS": "0"}, {"NOPE": "1"}, {"PERS": "abc"}, {"PERS": "NaN"}):
        response = _post(client, f"{API}/closings/{closing.pk}/price-indices", {"indices": bad})
        assert response.status_code == 422, (bad, response.content)


def test_business_plan_through_the_api(registry, controller, alice):
    client = _client(controller)
    body = {
        "provider_id": registry["citeq"].pk,
        "year": 2026,
        "rows": [{"part": "income", "code": "U1", "label": "Erlöse", "planned": "100", "actual": "110"}],
    }
    assert _post(client, f"{API}/business-plan", body).json()["changed"] is True
    assert _post(client, f"{API}/business-plan", body).json()["changed"] is False
    lines = client.get(f"{API}/business-plan", {"provider_id": registry["citeq"].pk, "year": 2026}).json()
    assert lines == [{"part": "income", "code": "U1", "label": "Erlöse", "planned": "100.00", "actual": "110.00"}]
    bad = {**body, "rows": [{"part": "nope", "code": "U1", "label": "x", "planned": "1"}]}
    assert _post(client, f"{API}/business-plan", bad).status_code == 422
    assert _post(_client(alice), f"{API}/business-plan", body).status_code == 403
    assert (
        _client(alice).get(f"{API}/business-plan", {"provider_id": registry["citeq"].pk, "year": 2026}).status_code
        == 403
    )


def test_committee_report_through_the_api(registry, admin_user, alice):
    from verbund.closing.tests.test_services import _meeting

    client = _client(admin_user)
    body = {
        "provider_id": registry["citeq"].pk,
        "year": 2026,
        "rows": [{"part": "income", "code": "U1", "label": "Erlöse", "planned": "100"}],
    }
    meeting = _meeting(registry, admin_user)
    report = {"provider_id": registry["citeq"].pk, "year": 2026, "meeting_id": meeting.pk, "reference": "WP-2026"}
    assert _post(client, f"{API}/committee-reports", report).status_code == 422  # no business plan yet
    _post(client, f"{API}/business-plan", body)
    created = _post(client, f"{API}/committee-reports", report)
    assert created.status_code == 201, created.content
    assert _post(client, f"{API}/committee-reports", report).status_code == 422  # once per year
    assert _post(_client(alice), f"{API}/committee-reports", report).status_code == 403
    assert _post(client, f"{API}/committee-reports", {**report, "meeting_id": 999999}).status_code == 404
