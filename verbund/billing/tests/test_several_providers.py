"""Several providers bill side by side (#14): `billing-run` without `--provider` issues the run of every provider
with a seller profile and an approved plan or catalogue, each with its own seller data and number series, all
valid e-invoices. The operating company here has its own agreement (Telgte) and an approved 2026 catalogue of its
own product, to which Telgte subscribes (composing takes no product of citeq's catalogue: billed twice else)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from verbund.billing.models import Invoice
from verbund.billing.tests.conftest import SELLER

OPERATING_SELLER = {
    **SELLER,
    "legal_name": "Münsterland IT Betriebsgesellschaft mbH",
    "street": "Albersloher Weg 33",
    "postcode": "48155",
    "legal_registration_id": "HRB 99999",
    "contact_name": "Fakturierung Betriebsgesellschaft",
    "contact_email": "rechnung@muensterland-it.example",
    "electronic_address": "rechnung@muensterland-it.example",
    "host_settlement_internal": False,
    "number_prefix": "MB",
}


@pytest.fixture
def operating(registry, catalogue, members):
    from verbund.billing.services import seller_profile_save
    from verbund.catalog.services import (
        catalogue_version_approve,
        catalogue_version_compose,
        catalogue_version_create,
        catalogue_version_propose,
    )
    from verbund.registry.choices import OrganizationKind as K
    from verbund.registry.services import agreement_accession_record, agreement_create, organization_create

    holding = organization_create(actor=None, name="Münsterland IT Holding AöR", kind=K.HOLDING, land="05")
    operating = organization_create(
        actor=None, name="Münsterland IT Betrieb GmbH", short_name="MIT Betrieb", kind=K.OPERATING_COMPANY,
        parent=holding, land="05",
    )  # fmt: skip
    agreement = agreement_create(
        actor=None, name="Vereinbarung Betrieb", provider=operating, valid_from=dt.date(2026, 1, 1)
    )
    agreement_accession_record(
        actor=None, agreement=agreement, organization=registry["telgte"], joined_on=dt.date(2026, 1, 1)
    )
    seller_profile_save(actor=None, provider=operating, **OPERATING_SELLER)
    from verbund.catalog.services import price_revision_create, product_create, product_transition
    from verbund.orders.models import Subscription, SubscriptionQuantity

    mailbox = product_create(
        actor=None, number="MB-100", name="Postfach", family=catalogue["family"], category="communication", unit="user"
    )
    product_transition(actor=None, product=mailbox, to_status="proposed")
    price_revision_create(actor=None, product=mailbox, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("76.00"))
    version = catalogue_version_create(actor=None, provider=operating, year=2026, name="Katalog Betrieb 2026")
    catalogue_version_compose(actor=None, version=version)
    assert set(version.items.values_list("product__number", flat=True)) == {"MB-100"}
    catalogue_version_propose(actor=None, version=version)
    catalogue_version_approve(
        actor=None, version=version, decision_reference="AR 2025/1", approved_on=dt.date(2025, 12, 12)
    )
    sub = Subscription.objects.create(member=registry["telgte"], product=mailbox, start_date=dt.date(2026, 1, 1))
    SubscriptionQuantity.objects.create(subscription=sub, valid_from=dt.date(2026, 1, 1), quantity=Decimal(20))
    return operating


def _run(*args):
    out = io.StringIO()
    call_command(
        "billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--billing-date", "2026-01-05",
        *args, stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_every_provider_issues_with_its_own_series_and_seller(approved_plan, seller, operating, registry):
    out = _run("--issue")
    assert out.count("Issued run") == 2
    ours = Invoice.objects.filter(provider=operating)
    assert ours.exists() and all(i.number.startswith("MBRE-2026-") for i in ours)
    assert {i.seller_snapshot["legal_name"] for i in ours} == {OPERATING_SELLER["legal_name"]}
    citeq = Invoice.objects.filter(provider=registry["citeq"])
    assert citeq.exists() and all(i.number[:3] in ("RE-", "IV-") for i in citeq)
    assert {i.seller_snapshot["legal_name"] for i in citeq} == {SELLER["legal_name"]}
    assert not Invoice.objects.filter(status="draft").exists()
    # Telgte pays the operating company for its mailboxes only (20 × 76 € / 12 net), and citeq for the rest
    assert [i.net_total for i in ours] == [Decimal("126.67")]
    # Each series counts on its own: the operating company's first invoice is number 1.
    assert ours.order_by("number").first().number == "MBRE-2026-000001"


def test_one_provider_by_its_short_name(approved_plan, seller, operating):
    out = _run("--provider", "MIT Betrieb")
    assert out.count("Run ") == 1 and "MIT Betrieb" in out


def test_without_any_approved_plan_or_catalogue_it_says_so(registry, seller):
    with pytest.raises(CommandError, match="no provider has a seller profile"):
        _run()


def test_number_prefix_is_checked(registry):
    from django.core.exceptions import ValidationError

    from verbund.billing.services import seller_profile_save

    with pytest.raises(ValidationError) as info:
        seller_profile_save(actor=None, provider=registry["citeq"], **{**SELLER, "number_prefix": "k1"})
    assert "number_prefix" in info.value.message_dict
