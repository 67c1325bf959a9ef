"""Billing fixtures: citeq's seller profile, members ready for e-invoices, the 2026 plan approved."""

import datetime as dt

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)
from verbund.costing.tests.conftest import plan  # noqa: F401  (shared fixture)

SELLER = {
    "legal_name": "citeq – Informations-Technologie für Kommunen",
    "street": "Scheibenstraße 109",
    "postcode": "48153",
    "city": "Münster",
    "vat_id": "DE123456788",
    "legal_registration_id": "05515000",
    "contact_name": "Fakturierung citeq",
    "contact_phone": "+49 251 4921800",
    "contact_email": "info@citeq.de",
    "electronic_address": "info@citeq.de",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "COBADEFFXXX",
    "bank_name": "Demo-Bank",
    "payment_terms_days": 30,
    "invoice_frequency": "monthly",
    "host_settlement_internal": True,
}


@pytest.fixture
def seller(registry):
    from verbund.billing.services import seller_profile_save

    return seller_profile_save(actor=None, provider=registry["citeq"], **SELLER)


@pytest.fixture
def members(registry):
    """Telgte and Ahlen with valid Leitweg-IDs and postal addresses."""
    from verbund.registry.keys import make_leitweg_id
    from verbund.registry.services import organization_update

    result = {}
    for key, postcode, street in (("telgte", "48291", "Baßfeld 4–6"), ("ahlen", "59227", "Westenmauer 10")):
        org = registry[key]
        result[key] = organization_update(
            actor=None,
            organization=org,
            leitweg_id=make_leitweg_id(org.ags, "ITDL"),
            postcode=postcode,
            street=street,
            city=org.name.split(",")[0],
        )
    return result


@pytest.fixture
def approved_plan(plan, admin_user):  # noqa: F811  (the imported fixture)
    from verbund.costing import services

    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    services.plan_version_approve(
        actor=admin_user, plan=plan, decision_reference="ZA-2025-011", approved_on=dt.date(2025, 11, 19)
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def clerk(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="fatma",
        password="Correct-Horse-Battery-9",
        role=Role.BILLING_CLERK,
        organization=registry["citeq"],
        validate_password=False,
    )
