"""The seller data of a provider (#14): checked field by field, its own prefix fixed once it has issued invoices,
no lost update when two clerks edit at once, every change audited with before and after."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from verbund.billing.models import Invoice, SellerProfile
from verbund.billing.services import (
    billing_run_issue,
    billing_run_prepare,
    seller_profile_create,
    seller_profile_update,
)
from verbund.billing.tests.conftest import SELLER
from verbund.core.audit import audit_events_for
from verbund.registry.choices import OrganizationKind
from verbund.registry.services import organization_create


@pytest.fixture
def kaaw(registry):
    return organization_create(actor=None, name="KAAW", short_name="KAAW", kind=OrganizationKind.PROVIDER, land="05")


def _errors(call, **kwargs):
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return info.value.message_dict


def test_create_records_the_profile_normalised_and_audited(registry, clerk):
    profile = seller_profile_create(actor=clerk, provider=registry["citeq"], **{**SELLER, "vat_id": "de 123456788"})
    assert profile.iban == "DE89370400440532013000" and profile.vat_id == "DE123456788" and profile.version == 1
    (event,) = audit_events_for(profile)
    assert event.action == "create" and event.actor == clerk and event.after["legal_name"] == SELLER["legal_name"]
    assert event.scope_organization_id == registry["citeq"].pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iban", "DE89 3704 0044 0532 0130 01"),  # check digits wrong
        ("iban", "DE89"),
        ("vat_id", "DE123456789"),  # check digit wrong
        ("vat_id", "DE12345678"),  # 8 digits
        ("vat_id", "ATU12345678"),  # not German, the seller is
        ("electronic_address", ""),
        ("electronic_address", "kein-postfach"),
        ("postcode", "4815x"),
        ("number_prefix", "Ä"),
        ("number_prefix", "ABC"),
        ("number_prefix", "K1"),
        ("payment_terms_days", 400),
        ("invoice_frequency", "weekly"),
        ("legal_name", ""),
        ("bic", "COBA"),
    ],
)
def test_bad_values_are_refused_naming_the_field(registry, field, value):
    errors = _errors(seller_profile_create, actor=None, provider=registry["citeq"], **{**SELLER, field: value})
    assert field in errors
    assert not SellerProfile.objects.exists()


def test_all_findings_at_once(registry):
    bad = {**SELLER, "iban": "DE00", "vat_id": "DE1", "number_prefix": "X9"}
    errors = _errors(seller_profile_create, actor=None, provider=registry["citeq"], **bad)
    assert {"iban", "vat_id", "number_prefix"} <= set(errors)


def test_vat_id_or_tax_number(registry):
    errors = _errors(seller_profile_create, actor=None, provider=registry["citeq"], **{**SELLER, "vat_id": ""})
    assert "vat_id" in errors
    profile = seller_profile_create(
        actor=None, provider=registry["citeq"], **{**SELLER, "vat_id": "", "tax_number": "337/5912/0815"}
    )
    assert profile.tax_number == "337/5912/0815"


def test_unknown_field_and_non_provider(registry):
    assert "colour" in _errors(seller_profile_create, actor=None, provider=registry["citeq"], colour="red")
    assert "provider" in _errors(seller_profile_create, actor=None, provider=registry["telgte"], **SELLER)


def test_one_profile_per_provider(registry, seller):
    assert "provider" in _errors(seller_profile_create, actor=None, provider=registry["citeq"], **SELLER)


def test_prefix_unique_across_providers(registry, seller, kaaw):
    seller_profile_update(actor=None, profile=seller, number_prefix="KA")
    errors = _errors(seller_profile_create, actor=None, provider=kaaw, **{**SELLER, "number_prefix": "ka"})
    assert "number_prefix" in errors and "citeq" in errors["number_prefix"][0]


def test_only_one_provider_without_prefix(registry, seller, kaaw):
    errors = _errors(seller_profile_create, actor=None, provider=kaaw, **{**SELLER, "number_prefix": ""})
    assert "number_prefix" in errors
    assert seller_profile_create(actor=None, provider=kaaw, **{**SELLER, "number_prefix": "KA"}).number_prefix == "KA"


def _issue_january(registry):
    return billing_run_issue(
        actor=None,
        run=billing_run_prepare(
            actor=None,
            provider=registry["citeq"],
            kind="instalment",
            year=2026,
            period=1,
            billing_date=dt.date(2026, 1, 5),
        ),
    )


def test_prefix_stays_once_invoices_are_issued(registry, seller, members, approved_plan):
    seller_profile_update(actor=None, profile=seller, number_prefix="CQ")  # nothing issued yet: allowed
    run = _issue_january(registry)
    assert run.status == "issued" and Invoice.objects.filter(number__startswith="CQRE-2026-").exists()
    seller.refresh_from_db()
    errors = _errors(seller_profile_update, actor=None, profile=seller, number_prefix="CX")
    assert "number_prefix" in errors and "CQ" in errors["number_prefix"][0]
    errors = _errors(seller_profile_update, actor=None, profile=seller, number_prefix="")
    assert "number_prefix" in errors
    seller.refresh_from_db()
    assert seller.number_prefix == "CQ"
    # The other seller data may still change: issued invoices keep their own copy.
    seller_profile_update(actor=None, profile=seller, contact_name="Neue Ansprechperson")
    assert Invoice.objects.exclude(seller_snapshot__contact_name="Neue Ansprechperson").count() == run.invoices.count()


def test_a_changed_prefix_moves_the_drafts_to_the_new_series(registry, seller, members, approved_plan):
    billing_run_prepare(
        actor=None,
        provider=registry["citeq"],
        kind="instalment",
        year=2026,
        period=2,
        billing_date=dt.date(2026, 2, 5),
    )
    assert set(Invoice.objects.values_list("series", flat=True)) <= {"RE", "IV"}
    seller_profile_update(actor=None, profile=seller, number_prefix="CQ")
    assert set(Invoice.objects.values_list("series", flat=True)) <= {"CQRE", "CQIV"}
    run = Invoice.objects.first().run
    billing_run_issue(actor=None, run=run)
    assert all(number.startswith(("CQRE-", "CQIV-")) for number in Invoice.objects.values_list("number", flat=True))


def test_a_stale_form_loses_nothing(seller, clerk, admin_user):
    seen = seller.version
    seller_profile_update(actor=clerk, profile=seller, expected_version=seen, contact_name="Erste")
    errors = _errors(seller_profile_update, actor=admin_user, profile=seller, expected_version=seen, bank_name="X")
    assert "version" in errors
    seller.refresh_from_db()
    assert (seller.contact_name, seller.bank_name, seller.version) == ("Erste", SELLER["bank_name"], seen + 1)
    seller_profile_update(actor=admin_user, profile=seller, expected_version=seen + 1, bank_name="X")
    seller.refresh_from_db()
    assert (seller.contact_name, seller.bank_name, seller.version) == ("Erste", "X", seen + 2)


def test_an_update_that_changes_nothing_writes_nothing(seller):
    events = audit_events_for(seller).count()
    seller_profile_update(actor=None, profile=seller, legal_name=SELLER["legal_name"])
    seller.refresh_from_db()
    assert seller.version == 1 and audit_events_for(seller).count() == events


def test_update_is_audited_with_before_and_after(seller, clerk):
    seller_profile_update(actor=clerk, profile=seller, iban="DE02 1203 0000 0000 2020 51")
    event = audit_events_for(seller).first()
    assert event.action == "update" and event.actor == clerk
    assert event.before["iban"] == "DE89370400440532013000" and event.after["iban"] == "DE02120300000000202051"


def test_only_billing_staff(seller, registry, auditor, alice):
    with pytest.raises(PermissionDenied):
        seller_profile_update(actor=auditor, profile=seller, contact_name="x")
    with pytest.raises(PermissionDenied):
        seller_profile_update(actor=alice, profile=seller, contact_name="x")
    seller.refresh_from_db()
    assert seller.contact_name == SELLER["contact_name"]
