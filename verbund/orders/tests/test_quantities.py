"""Issue #10, 18 and 19: whole quantities for whole units, everywhere a quantity comes in; the pricing engine's
messages and trace in the user's language; no error in the fee preview before anything was typed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from verbund.catalog.engine.pricing import WHOLE_UNITS, PricingError, resolve_quantity
from verbund.orders import services
from verbund.orders.models import Order


def _client(user, language=None):
    client = Client()
    client.force_login(user)
    if language:
        client.cookies["django_language"] = language
    return client


def _start():
    return (timezone.localdate() + dt.timedelta(days=5)).isoformat()


@pytest.mark.parametrize("unit", ["workstation", "user", "case", "one_off"])
def test_whole_units_refuse_a_fraction(unit):
    assert unit in WHOLE_UNITS
    with pytest.raises(PricingError) as info:
        resolve_quantity(unit, Decimal("2.5"), None)
    assert info.value.field == "quantity"
    assert resolve_quantity(unit, Decimal("3.00"), None)[0] == 3  # 3,00 is a whole number


@pytest.mark.parametrize("unit", ["gigabyte", "hour"])
def test_divisible_units_take_a_fraction(unit):
    assert resolve_quantity(unit, Decimal("2.5"), None)[0] == Decimal("2.5")


def test_the_service_refuses_a_fraction_of_a_workstation_in_german(registry, catalogue, alice):
    with override("de"), pytest.raises(ValidationError) as info:
        services.order_submit_new(
            actor=alice,
            member=registry["telgte"],
            product=catalogue["workplace"],
            quantity=Decimal("2.5"),
            start_date=timezone.localdate() + dt.timedelta(days=5),
            as_of=timezone.localdate(),
        )
    assert info.value.message_dict == {
        "quantity": ["Die Menge muss eine ganze Zahl sein: Dieses Produkt wird je Arbeitsplatz abgerechnet."]
    }
    assert Order.objects.count() == 0


def test_the_order_form_shows_the_whole_number_error_at_the_quantity(registry, catalogue, alice):
    response = _client(alice).post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["telgte"].pk, "quantity": "2,5", "start_date": _start()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == [
        "Die Menge muss eine ganze Zahl sein: Dieses Produkt wird je Arbeitsplatz abgerechnet."
    ]
    assert Order.objects.count() == 0


def test_the_order_form_says_greater_than_zero_in_german_without_0_01(registry, catalogue, alice):
    response = _client(alice).post(
        f"/bestellungen/neu/{catalogue['workplace'].pk}/",
        {"member": registry["telgte"].pk, "quantity": "0", "start_date": _start()},
    )
    errors = response.context["form"].errors["quantity"]
    assert errors == ["Die Menge muss größer als null sein."]
    assert "0.01" not in response.content.decode() and "0,01" not in " ".join(errors)


def test_the_api_refuses_a_fraction_of_a_workstation(registry, catalogue, alice):
    payload = {
        "member_id": registry["telgte"].pk,
        "product_id": catalogue["workplace"].pk,
        "quantity": "2.5",
        "start_date": _start(),
    }
    response = _client(alice).post("/api/v1/orders", payload, content_type="application/json")
    assert response.status_code == 422
    assert "quantity" in str(response.json()["detail"])
    assert Order.objects.count() == 0


def test_a_quantity_change_to_a_fraction_is_refused_with_a_message(registry, catalogue, alice, admin_user):
    order = services.order_submit_new(
        actor=alice,
        member=registry["telgte"],
        product=catalogue["workplace"],
        quantity=Decimal(6),
        start_date=timezone.localdate(),
        as_of=timezone.localdate(),
    )
    subscription = services.order_confirm(actor=admin_user, order=order)
    prefix = f"c{subscription.pk}"
    response = _client(alice).post(
        f"/abonnements/{subscription.pk}/aendern/",
        {f"{prefix}-quantity": "6,5", f"{prefix}-effective_date": _start(), f"{prefix}-version": "1"},
        follow=True,
    )
    assert "Die Menge muss eine ganze Zahl sein" in response.content.decode()
    assert Order.objects.filter(kind="change").count() == 0


def test_the_preview_invites_rather_than_complains_before_typing(registry, catalogue, alice):
    url = f"/bestellungen/vorschau/{catalogue['workplace'].pk}/?member={registry['telgte'].pk}&start_date=2026-03-01"
    page = _client(alice).get(url + "&quantity=").content.decode()
    assert "field-error" not in page
    assert "Geben Sie eine Menge ein, um das Entgelt zu sehen." in page
    english = _client(alice, "en").get(url + "&quantity=").content.decode()
    assert "Enter a quantity to see the fee." in english and "field-error" not in english


def test_the_preview_errors_are_translated(registry, catalogue, alice):
    url = f"/bestellungen/vorschau/{catalogue['workplace'].pk}/?member={registry['telgte'].pk}&start_date=2026-03-01"
    page = _client(alice).get(url + "&quantity=-1").content.decode()
    assert '<p class="field-error">Die Menge muss größer als null sein.</p>' in page
    page = _client(alice).get(url + "&quantity=2,5").content.decode()
    assert "Die Menge muss eine ganze Zahl sein: Dieses Produkt wird je Arbeitsplatz abgerechnet." in page


def test_the_preview_explains_the_fee_in_the_users_language(registry, catalogue, alice):
    url = (
        f"/bestellungen/vorschau/{catalogue['workplace'].pk}/?member={registry['telgte'].pk}"
        "&start_date=2026-03-01&quantity=3"
    )
    german = _client(alice).get(url).content.decode()
    assert "netto = 3 × 1.200 = 3.600 → 3.600,00 (auf den Cent gerundet)" in german
    assert "brutto = 3.600,00 + 684,00 = 4.284,00 pro Jahr" in german
    english = _client(alice, "en").get(url).content.decode()
    assert "net = 3 × 1,200 = 3,600 → 3,600.00 (rounded to the cent)" in english
    assert "gross = 3,600.00 + 684.00 = 4,284.00 per year" in english
