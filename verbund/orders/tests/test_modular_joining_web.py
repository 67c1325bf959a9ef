"""Modular joining on the order pages and the API: the form says which accession is needed, the order waits for
it (no confirm button), and the in-house check of an operating company is shown with it."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from verbund.accounts.roles import Role
from verbund.accounts.services import user_create
from verbund.orders.models import Order
from verbund.registry.models import AgreementParty


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _start():
    return (timezone.localdate() + dt.timedelta(days=10)).isoformat()


@pytest.fixture
def tom(registry):
    """Member contact of Kreis Warendorf, which is a party of no agreement."""
    return user_create(
        actor=None,
        username="tom",
        password="x-Geheim-2026!",
        role=Role.MEMBER_CONTACT,
        organization=registry["kreis"],
        validate_password=False,
    )


def _post(client, registry, product, **extra):
    return client.post(
        "/api/v1/orders",
        {"member_id": registry["kreis"].pk, "product_id": product.pk, "quantity": "4", "start_date": _start(), **extra},
        content_type="application/json",
    )


def test_api_order_with_accession_waits_and_others_cannot_see_it(registry, catalogue, tom, bob, auditor):
    client = _client(tom)
    refused = _post(client, registry, catalogue["workplace"])  # bad input: the accession is not applied for
    assert refused.status_code == 422
    assert "accede" in refused.content.decode()
    assert Order.objects.count() == 0
    read_only = _post(_client(auditor), registry, catalogue["workplace"], accede=True)
    assert read_only.status_code in (403, 422) and Order.objects.count() == 0  # the auditor may not order
    response = _post(client, registry, catalogue["workplace"], accede=True)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["waits_for_accession"] is True
    party = AgreementParty.objects.get(pk=body["accession_id"])
    assert (party.organization, party.status) == (registry["kreis"], "proposed")
    assert _client(bob).get(f"/api/v1/orders/{body['id']}").status_code == 404  # another member


def test_order_form_names_the_accession_and_the_order_waits_for_it(registry, catalogue, company, tom, admin_user):
    client = _client(tom)
    url = f"/bestellungen/neu/{company['product'].pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="accession-needed"' in page and "Rahmenvereinbarung MIB" in page
    form = {"member": registry["kreis"].pk, "quantity": "4", "start_date": _start()}
    again = client.post(url, form).content.decode()
    assert "Beitritt" in again and Order.objects.count() == 0
    response = client.post(url, {**form, "accede": "on"})
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    detail = _client(admin_user).get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-accession"' in detail
    assert 'data-testid="inhouse-check"' in detail  # the operating company is an in-house entity
    assert "Bestellung bestätigen" not in detail  # waits for the committee, no confirm button
    folder = client.get(f"/vertragsmappe/{registry['kreis'].pk}/").content.decode()
    assert order.number in folder and "wartet auf den Beitritt" in folder
