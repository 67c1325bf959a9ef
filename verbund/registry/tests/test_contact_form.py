"""Correcting an organisation's address and Leitweg-ID: provider administrators only, validated, audited."""

import pytest
from django.test import Client

from verbund.core.models import AuditEvent
from verbund.registry.keys import make_leitweg_id
from verbund.registry.services import organization_contact_correct


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(client, org, **overrides):
    data = {"street": "Waldenburger Straße 2", "postcode": "48231", "city": "Warendorf", "email": "", "leitweg_id": ""}
    data.update(overrides)
    return client.post(f"/organisationen/{org.pk}/anschrift/", data)


def test_a_provider_admin_corrects_the_address_and_the_change_is_audited(registry, admin_user):
    kreis = registry["kreis"]
    client = _client(admin_user)
    assert 'data-testid="edit-contact"' in client.get(kreis.get_absolute_url()).content.decode()
    leitweg = make_leitweg_id("05570", "ITDL").lower()
    response = _post(client, kreis, leitweg_id=leitweg)
    assert response.status_code == 302 and response["Location"] == kreis.get_absolute_url()
    kreis.refresh_from_db()
    assert (kreis.street, kreis.postcode, kreis.city) == ("Waldenburger Straße 2", "48231", "Warendorf")
    assert kreis.leitweg_id == leitweg.upper()
    event = AuditEvent.objects.filter(object_id=str(kreis.pk), action="update").get()
    assert event.actor == admin_user
    assert event.after["postcode"] == "48231" and event.before["postcode"] == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [("postcode", "4823"), ("postcode", "4823a"), ("leitweg_id", "05570-ITDL-00"), ("email", "nicht-mail")],
)
def test_bad_values_are_named_by_field_and_change_nothing(registry, admin_user, field, value):
    kreis = registry["kreis"]
    events = AuditEvent.objects.count()
    response = _post(_client(admin_user), kreis, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    kreis.refresh_from_db()
    assert kreis.postcode == "" and kreis.street == ""
    assert AuditEvent.objects.count() == events


def test_others_may_not_edit(registry, alice, auditor):
    telgte = registry["telgte"]
    for user in (alice, auditor):
        client = _client(user)
        assert 'data-testid="edit-contact"' not in client.get(telgte.get_absolute_url()).content.decode()
        assert client.get(f"/organisationen/{telgte.pk}/anschrift/").status_code == 403
        assert _post(client, telgte).status_code == 403
    # another member's organisation is not even visible
    assert _client(alice).get(f"/organisationen/{registry['ahlen'].pk}/anschrift/").status_code == 404
    telgte.refresh_from_db()
    assert telgte.postcode == ""


def test_the_form_is_german_and_english(registry, admin_user):
    client = _client(admin_user)
    url = f"/organisationen/{registry['kreis'].pk}/anschrift/"
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Postleitzahl" in german and "Speichern" in german
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Postcode" in english and "Save" in english


def test_an_unchanged_form_writes_no_event(registry, admin_user):
    kreis = registry["kreis"]
    values = {"street": "", "postcode": "", "city": kreis.city, "email": "", "leitweg_id": ""}
    events = AuditEvent.objects.count()
    organization_contact_correct(actor=admin_user, organization=kreis, **values)
    assert AuditEvent.objects.count() == events
