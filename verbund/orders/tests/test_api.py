import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.orders.models import Order


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _start():
    return (timezone.localdate() + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def ordered(registry, catalogue, alice, admin_user):
    client = _client(alice)
    response = client.post(
        "/api/v1/orders",
        {
            "member_id": registry["telgte"].pk,
            "product_id": catalogue["workplace"].pk,
            "quantity": "8",
            "start_date": _start(),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_member_orders_staff_confirms_member_sees_folder(registry, catalogue, alice, admin_user, ordered):
    assert ordered["status"] == "submitted"
    assert ordered["annual_net_preview"] == "9600.00"
    response = _client(admin_user).post(f"/api/v1/orders/{ordered['id']}/confirm")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"
    as_of = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    folder = _client(alice).get(f"/api/v1/members/{registry['telgte'].pk}/contract-folder?as_of={as_of}").json()
    [line] = folder["lines"]
    assert (line["product_number"], line["quantity"], line["annual_net"]) == ("AP-100", "8.00", "9600.00")


def test_another_member_cannot_see_or_touch_the_order(registry, catalogue, bob, ordered):
    client = _client(bob)
    assert client.get(f"/api/v1/orders/{ordered['id']}").status_code == 404
    assert client.post(f"/api/v1/orders/{ordered['id']}/withdraw").status_code == 404
    assert client.get("/api/v1/orders").json() == {"items": [], "count": 0}
    assert client.get(f"/api/v1/members/{registry['telgte'].pk}/contract-folder").status_code == 404


def test_member_cannot_confirm_its_own_order(alice, ordered):
    response = _client(alice).post(f"/api/v1/orders/{ordered['id']}/confirm")
    assert response.status_code == 404  # not changeable for a member: invisible for the change action
    assert Order.objects.get(pk=ordered["id"]).status == "submitted"


def test_member_cannot_order_for_another_member(registry, catalogue, alice):
    response = _client(alice).post(
        "/api/v1/orders",
        {
            "member_id": registry["ahlen"].pk,
            "product_id": catalogue["workplace"].pk,
            "quantity": "1",
            "start_date": _start(),
        },
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"start_date": "2020-01-01"}, "effective_date"),
        ({"start_date": "31.12.2026"}, "start_date"),
        ({"product_id": "draft"}, "product"),
    ],
)
def test_bad_order_input_gets_422_naming_the_field(registry, catalogue, alice, change, field):
    payload = {
        "member_id": registry["telgte"].pk,
        "product_id": catalogue["workplace"].pk,
        "quantity": "3",
        "start_date": _start(),
        **change,
    }
    if payload["product_id"] == "draft":
        payload["product_id"] = catalogue["draft"].pk
        response = _client(alice).post("/api/v1/orders", payload, content_type="application/json")
        assert response.status_code == 404  # a draft product is invisible to members
        return
    response = _client(alice).post("/api/v1/orders", payload, content_type="application/json")
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert Order.objects.count() == 0


def test_staff_ordering_a_draft_product_gets_422(registry, catalogue, admin_user):
    response = _client(admin_user).post(
        "/api/v1/orders",
        {
            "member_id": registry["telgte"].pk,
            "product_id": catalogue["draft"].pk,
            "quantity": "3",
            "start_date": _start(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "product" in str(response.json()["detail"])


def test_catalogue_for_members_shows_active_products_and_prices(catalogue, alice):
    client = _client(alice)
    numbers = [p["number"] for p in client.get("/api/v1/catalog/products").json()["items"]]
    assert numbers == ["AP-100", "OZ-200"]
    prices = {p["number"]: p["unit_price"] for p in client.get("/api/v1/catalog/prices?year=2026").json()}
    assert prices == {"AP-100": "1200.0000", "OZ-200": "0.3500"}
    assert client.get("/api/v1/catalog/prices?year=1800").status_code == 422
    assert client.get(f"/api/v1/catalog/products/{catalogue['draft'].pk}").status_code == 404


def test_preview(registry, catalogue, alice):
    client = _client(alice)
    body = client.get(
        f"/api/v1/catalog/products/{catalogue['ozg'].pk}/preview?member_id={registry['telgte'].pk}&on=2026-02-01"
    ).json()
    assert (body["quantity"], body["net"], body["gross"]) == ("20222", "7077.70", "8422.46")
    response = client.get(
        f"/api/v1/catalog/products/{catalogue['workplace'].pk}/preview?"
        f"member_id={registry['telgte'].pk}&on=2026-02-01&quantity=-1"
    )
    assert response.status_code == 422


def test_change_and_cancel_through_the_api(registry, catalogue, alice, admin_user, ordered):
    _client(admin_user).post(f"/api/v1/orders/{ordered['id']}/confirm")
    from verbund.orders.models import Subscription

    subscription = Subscription.objects.get()
    client = _client(alice)
    response = client.post(
        f"/api/v1/subscriptions/{subscription.pk}/change",
        {"quantity": "9", "effective_date": _start(), "expected_version": 1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    stale = client.post(
        f"/api/v1/subscriptions/{subscription.pk}/cancel",
        {"end_date": "2030-12-31", "expected_version": 7},
        content_type="application/json",
    )
    assert stale.status_code == 422
    assert "version" in str(stale.json()["detail"])


def test_order_list_query_count_is_constant(registry, catalogue, alice, admin_user, ordered):
    client = _client(admin_user)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/orders")
    for _ in range(5):
        from verbund.orders.services import order_withdraw

        order_withdraw(actor=None, order=Order.objects.filter(status="submitted").first())
        client_alice = _client(alice)
        client_alice.post(
            "/api/v1/orders",
            {
                "member_id": registry["telgte"].pk,
                "product_id": catalogue["workplace"].pk,
                "quantity": "2",
                "start_date": _start(),
            },
            content_type="application/json",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/orders").json()["count"] == 6
    assert len(many) == len(one)
