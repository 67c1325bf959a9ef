"""The providers' seller data over the REST API and on the pages (#14): create, change, stale versions, the
prefix lock, who sees and who edits."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from verbund.billing.models import SellerProfile
from verbund.billing.services import billing_run_issue, billing_run_prepare
from verbund.billing.tests.conftest import SELLER
from verbund.core.audit import audit_events_for
from verbund.registry.choices import OrganizationKind
from verbund.registry.services import organization_create


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(provider):
    return f"/api/v1/billing/sellers/{provider.pk}"


@pytest.fixture
def kaaw(registry):
    return organization_create(actor=None, name="KAAW", short_name="KAAW", kind=OrganizationKind.PROVIDER, land="05")


@pytest.fixture
def issued(seller, members, approved_plan, registry):
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    return billing_run_issue(actor=None, run=run)


# ---------------------------------------------------------------- API


def test_put_creates_then_needs_the_version(kaaw, seller, clerk):
    client = _client(clerk)
    body = {**SELLER, "number_prefix": "KA", "legal_name": "Zweckverband KAAW"}
    created = client.put(_url(kaaw), body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["number_prefix"] == "KA" and created.json()["version"] == 1
    assert created.json()["provider_name"] == "KAAW" and created.json()["prefix_locked"] is False
    again = client.put(_url(kaaw), body, content_type="application/json")
    assert again.status_code == 422 and "version" in str(again.json()["detail"])
    changed = client.put(_url(kaaw), {**body, "city": "Borken", "version": 1}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["city"] == "Borken" and changed.json()["version"] == 2


def test_put_refuses_a_prefix_of_another_provider(kaaw, seller, clerk):
    client = _client(clerk)
    client.patch(_url(seller.provider), {"number_prefix": "CQ"}, content_type="application/json")
    response = client.put(_url(kaaw), {**SELLER, "number_prefix": "CQ"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "number_prefix"]
    assert not SellerProfile.objects.filter(provider=kaaw).exists()


def test_patch_with_a_stale_version_loses_nothing(seller, clerk, admin_user):
    first = _client(clerk).patch(
        _url(seller.provider), {"contact_name": "Erste", "version": 1}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = _client(admin_user).patch(
        _url(seller.provider), {"bank_name": "Zweite", "version": 1}, content_type="application/json"
    )
    assert second.status_code == 422 and second.json()["detail"][0]["loc"] == ["body", "version"]
    seller.refresh_from_db()
    assert (seller.contact_name, seller.bank_name) == ("Erste", SELLER["bank_name"])


def test_patch_of_the_prefix_after_issued_invoices_is_refused(issued, seller, clerk):
    client = _client(clerk)
    got = client.get(_url(seller.provider)).json()
    assert got["prefix_locked"] is True
    assert client.get("/api/v1/billing/sellers").json()["items"][0]["prefix_locked"] is True
    assert "fest: Rechnungen ausgestellt" in client.get(reverse("billing:seller_list")).content.decode()
    response = client.patch(_url(seller.provider), {"number_prefix": "CQ"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "number_prefix"]
    assert (
        client.patch(_url(seller.provider), {"city": "Münster (Westf.)"}, content_type="application/json").status_code
        == 200
    )


def test_a_member_contact_sees_no_seller_data(seller, alice):
    client = _client(alice)
    assert client.get("/api/v1/billing/sellers").json()["items"] == []
    assert client.get(_url(seller.provider)).status_code == 404


def test_the_auditor_reads_but_does_not_write(seller, auditor):
    client = _client(auditor)
    assert client.get("/api/v1/billing/sellers").json()["count"] == 1
    response = client.patch(_url(seller.provider), {"city": "X"}, content_type="application/json")
    assert response.status_code == 403


def test_a_non_provider_has_no_seller_data(registry, clerk):
    response = _client(clerk).put(_url(registry["telgte"]), SELLER, content_type="application/json")
    assert response.status_code == 404


# ---------------------------------------------------------------- pages


def test_the_list_shows_providers_without_seller_data_with_a_link_to_record_them(seller, kaaw, clerk):
    page = _client(clerk).get(reverse("billing:seller_list")).content.decode()
    assert SELLER["legal_name"] in page
    assert reverse("billing:seller_edit", args=[kaaw.pk]) in page
    assert "Rechnungsstellerdaten von KAAW erfassen" in page  # German first


def test_the_billing_pages_link_to_the_seller_data(seller, clerk, alice):
    link = reverse("billing:seller_list")
    assert link in _client(clerk).get(reverse("billing:invoice_list")).content.decode()
    assert link in _client(clerk).get(reverse("billing:run_list")).content.decode()
    assert link not in _client(alice).get(reverse("billing:invoice_list")).content.decode()


def test_the_clerk_records_seller_data_on_the_form(kaaw, seller, clerk):
    url = reverse("billing:seller_edit", args=[kaaw.pk])
    form = _client(clerk).get(url)
    assert form.status_code == 200 and 'name="iban"' in form.content.decode()
    data = {**SELLER, "country": "de", "number_prefix": "ka", "host_settlement_internal": ""}  # capitals follow
    response = _client(clerk).post(url, data)
    assert response.status_code == 302
    profile = SellerProfile.objects.get(provider=kaaw)
    assert profile.number_prefix == "KA" and profile.host_settlement_internal is False
    detail = _client(clerk).get(response["Location"]).content.decode()
    assert "Änderungsverlauf" in detail and "KA" in detail


def test_the_form_names_every_bad_field_and_saves_nothing(seller, clerk):
    url = reverse("billing:seller_edit", args=[seller.provider_id])
    data = {**SELLER, "country": "DE", "version": 1, "iban": "DE00 1234", "vat_id": "DE1", "electronic_address": ""}
    response = _client(clerk).post(url, data)
    assert response.status_code == 400
    assert {"iban", "vat_id", "electronic_address"} <= set(response.context["form"].errors)
    page = response.content.decode()
    assert 'aria-describedby="id_iban_error' in page and 'aria-invalid="true"' in page and 'role="alert"' in page
    assert audit_events_for(seller).count() == 1  # only the creation


def test_a_stale_form_is_refused_with_a_message(seller, clerk, admin_user):
    url = reverse("billing:seller_edit", args=[seller.provider_id])
    data = {**SELLER, "country": "DE", "version": 1}
    assert _client(clerk).post(url, {**data, "contact_name": "Erste"}).status_code == 302
    response = _client(admin_user).post(url, {**data, "bank_name": "Zweite"})
    assert response.status_code == 400 and "in der Zwischenzeit" in response.content.decode()
    seller.refresh_from_db()
    assert (seller.contact_name, seller.bank_name) == ("Erste", SELLER["bank_name"])


def test_the_prefix_field_is_locked_after_issued_invoices(issued, seller, clerk):
    url = reverse("billing:seller_edit", args=[seller.provider_id])
    page = _client(clerk).get(url).content.decode()
    assert 'name="number_prefix"' in page and "disabled" in page.split('name="number_prefix"')[1].split(">")[0]
    data = {**SELLER, "country": "DE", "version": 1, "number_prefix": "CQ", "city": "Münster (Westf.)"}
    assert _client(clerk).post(url, data).status_code == 302  # the disabled prefix is ignored, the rest saved
    seller.refresh_from_db()
    assert seller.number_prefix == "" and seller.city == "Münster (Westf.)"


def test_who_may_open_the_pages(seller, auditor, alice, bob):
    detail = reverse("billing:seller_detail", args=[seller.provider_id])
    edit = reverse("billing:seller_edit", args=[seller.provider_id])
    auditor_page = _client(auditor).get(detail)
    assert auditor_page.status_code == 200 and edit not in auditor_page.content.decode()
    assert _client(auditor).get(edit).status_code == 403
    assert _client(alice).get(detail).status_code == 404
    assert SELLER["legal_name"] not in _client(bob).get(reverse("billing:seller_list")).content.decode()
