"""The costing REST API on the `plan` fixture: citeq's 2026 draft, Telgte (alice) and Ahlen (bob) subscribed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from verbund.costing import services
from verbund.costing.models import PlanVersion, ProductPlan

API = "/api/v1/costing"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data if data is not None else {}, content_type="application/json")


def _fields(response):
    assert response.status_code == 422, response.content
    return {entry["loc"][-1]: entry["msg"] for entry in response.json()["detail"]}


@pytest.fixture
def controller(registry):
    from verbund.accounts.services import user_create

    return user_create(actor=None, username="carla", password=None, role="controller", organization=registry["citeq"])


@pytest.fixture
def approved(plan, admin_user):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    services.plan_version_approve(
        actor=admin_user, plan=plan, decision_reference="ZA-2025-003", approved_on=dt.date(2025, 11, 19)
    )
    plan.refresh_from_db()
    return plan


def test_the_controller_calculates_submits_and_withdraws(plan, controller):
    client = _client(controller)
    listing = client.get(f"{API}/plans")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1 and listing.json()["items"][0]["status"] == "draft"

    response = _post(client, f"{API}/plans/{plan.pk}/calculate")
    assert response.status_code == 200, response.content
    body = response.json()
    assert Decimal(body["result_total"]) == Decimal("280000.00") and body["calculated_at"]
    rates = {r["product_number"]: r for r in body["rates"]}
    assert Decimal(rates["AP-100"]["rate"]) == Decimal("1266.6667") and rates["OZ-200"]["rate"] is None
    assert rates["AP-100"]["trace"][0].startswith("AP-100")

    sheet = client.get(f"{API}/plans/{plan.pk}/rates").json()
    assert [r["product_number"] for r in sheet] == ["AP-100", "OZ-200"]
    assert client.get(f"{API}/plans/{plan.pk}").json()["rates"] == body["rates"]

    assert _post(client, f"{API}/plans/{plan.pk}/submit").json()["status"] == "submitted"
    assert _post(client, f"{API}/plans/{plan.pk}/withdraw").json()["status"] == "draft"
    assert "status" in _fields(_post(client, f"{API}/plans/{plan.pk}/withdraw"))  # not submitted any more


def test_create_copy_and_compare(plan, controller, registry):
    client = _client(controller)
    response = _post(
        client, f"{API}/plans", {"provider_id": registry["citeq"].pk, "year": 2027, "name": "Entwurf 2027"}
    )
    assert response.status_code == 201, response.content
    assert (response.json()["year"], response.json()["status"], response.json()["method"]) == (
        2027,
        "draft",
        "reciprocal",
    )
    assert "provider_id" in _fields(
        _post(client, f"{API}/plans", {"provider_id": registry["telgte"].pk, "year": 2027, "name": "X"})
    )

    _post(client, f"{API}/plans/{plan.pk}/calculate")
    copy = _post(client, f"{API}/plans/{plan.pk}/copy", {"year": 2027, "name": "Plan 2027"})
    assert copy.status_code == 201 and copy.json()["predecessor_id"] == plan.pk
    copy_id = copy.json()["id"]
    ProductPlan.objects.filter(plan_id=copy_id, product__number="AP-100").update(planned_quantity=Decimal(200))
    _post(client, f"{API}/plans/{copy_id}/calculate")

    comparison = client.get(f"{API}/plans/{copy_id}/compare/{plan.pk}").json()
    assert Decimal(comparison["total_difference"]) == 0
    ap = next(p for p in comparison["products"] if p["product_number"] == "AP-100")
    assert Decimal(ap["rate"]) == Decimal("950.0000") and Decimal(ap["other_rate"]) == Decimal("1266.6667")
    assert Decimal(ap["rate_difference"]) == Decimal("-316.6667") and Decimal(ap["rate_change_percent"]) == -25
    assert Decimal(ap["cost_difference"]) == 0


def test_bad_input_is_422_naming_the_field(plan, controller):
    client = _client(controller)
    errors = _fields(_post(client, f"{API}/plans/{plan.pk}/copy", {"year": 1800, "name": "Zu früh"}))
    assert set(errors) == {"year"}
    assert PlanVersion.objects.count() == 1

    ProductPlan.objects.filter(plan=plan, product__number="AP-100").update(planned_quantity=Decimal(0))
    errors = _fields(_post(client, f"{API}/plans/{plan.pk}/calculate"))
    assert set(errors) == {"plan"} and "AP-100" in errors["plan"]


def test_members_see_approved_plans_and_only_their_own_fees(plan, approved, alice, bob, registry):
    bob_client = _client(bob)
    response = bob_client.get(f"{API}/plans/{plan.pk}/members/{registry['ahlen'].pk}/fees")
    assert response.status_code == 200, response.content
    body = response.json()
    lines = {line["product_number"]: line for line in body["lines"]}
    assert set(lines) == {"AP-100", "OZ-200"}
    assert Decimal(lines["AP-100"]["quantity"]) == 110 and Decimal(lines["AP-100"]["rate"]) == Decimal("1266.6667")
    assert Decimal(lines["AP-100"]["fee"]) == Decimal("139333.34")  # 110 × 1,266.6667
    assert lines["AP-100"]["trace"]
    assert lines["OZ-200"]["share"] is not None and lines["OZ-200"]["rate"] is None
    assert Decimal(body["total"]) == sum(Decimal(line["fee"]) for line in body["lines"])

    # Another member cannot see bob's fees (nor can bob see Telgte's): 404, not an empty list.
    alice_client = _client(alice)
    assert alice_client.get(f"{API}/plans/{plan.pk}/members/{registry['ahlen'].pk}/fees").status_code == 404
    assert bob_client.get(f"{API}/plans/{plan.pk}/members/{registry['telgte'].pk}/fees").status_code == 404
    assert alice_client.get(f"{API}/plans/{plan.pk}/rates").status_code == 200

    # A member contact cannot calculate, create or copy.
    assert _post(alice_client, f"{API}/plans/{plan.pk}/calculate").status_code == 403
    assert _post(alice_client, f"{API}/plans/{plan.pk}/copy", {"year": 2027, "name": "X"}).status_code == 403
    assert (
        _post(
            alice_client, f"{API}/plans", {"provider_id": registry["citeq"].pk, "year": 2027, "name": "X"}
        ).status_code
        == 403
    )


def test_members_do_not_see_drafts(plan, admin_user, bob, registry):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    client = _client(bob)
    assert client.get(f"{API}/plans").json()["count"] == 0
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 404
    assert client.get(f"{API}/plans/{plan.pk}/members/{registry['ahlen'].pk}/fees").status_code == 404


def test_anonymous_is_refused(plan):
    assert Client().get(f"{API}/plans").status_code == 401
