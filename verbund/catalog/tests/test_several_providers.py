"""Composing a catalogue with several providers side by side (issue #14, ADR 0043): a provider's draft takes its
own products and new ones, never a product listed only in another provider's catalogue."""

import datetime as dt
from decimal import Decimal

from verbund.catalog.services import (
    catalogue_version_compose,
    catalogue_version_create,
    price_revision_create,
    product_create,
    product_transition,
)
from verbund.registry.choices import OrganizationKind
from verbund.registry.services import organization_create


def test_a_draft_takes_own_and_new_products_not_those_of_another_provider(registry, catalogue):
    company = organization_create(actor=None, name="Betriebsgesellschaft", kind=OrganizationKind.OPERATING_COMPANY)
    new = product_create(
        actor=None, number="NEU-1", name="Neu", family=catalogue["family"], category="communication", unit="user"
    )
    product_transition(actor=None, product=new, to_status="proposed")
    price_revision_create(actor=None, product=new, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("5"))
    draft = catalogue_version_create(actor=None, provider=company, year=2026, name="Katalog 2026")
    catalogue_version_compose(actor=None, version=draft)
    # AP-100 and OZ-200 are in citeq's approved 2026 catalogue; NEU-1 is in none
    assert set(draft.items.values_list("product__number", flat=True)) == {"NEU-1"}
    citeq_2027 = catalogue_version_create(actor=None, provider=registry["citeq"], year=2027, name="Katalog 2027")
    catalogue_version_compose(actor=None, version=citeq_2027)
    # citeq keeps its own; NEU-1 is only in the other provider's draft now, so it is no longer citeq's to take
    assert set(citeq_2027.items.values_list("product__number", flat=True)) == {"AP-100", "OZ-200"}
    # composing again replaces the items: the provider's own draft does not count against it
    catalogue_version_compose(actor=None, version=draft)
    assert set(draft.items.values_list("product__number", flat=True)) == {"NEU-1"}


def _company_with_product(catalogue):
    from verbund.catalog.services import catalogue_version_approve, catalogue_version_propose

    company = organization_create(
        actor=None, name="Betriebsgesellschaft", short_name="MIB", kind=OrganizationKind.OPERATING_COMPANY
    )
    product = product_create(
        actor=None, number="MIB-1", name="Postfach", family=catalogue["family"], category="communication", unit="user"
    )
    product_transition(actor=None, product=product, to_status="proposed")
    price_revision_create(actor=None, product=product, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("76"))
    version = catalogue_version_create(actor=None, provider=company, year=2026, name="Katalog MIB 2026")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    catalogue_version_approve(actor=None, version=version, decision_reference="GV 1", approved_on=dt.date(2026, 1, 5))
    return company


def test_the_catalogue_page_and_api_filter_by_provider(registry, catalogue, alice):
    from django.test import Client

    company = _company_with_product(catalogue)
    client = Client()
    client.force_login(alice)
    everything = client.get("/katalog/?year=2026").content.decode()
    assert 'id="id_provider"' in everything and "MIB-1" in everything and "AP-100" in everything
    only = client.get(f"/katalog/?year=2026&provider={company.pk}").content.decode()
    assert "MIB-1" in only and "AP-100" not in only
    assert client.get("/katalog/?year=2026&provider=abc").status_code == 200  # an unknown choice shows all
    rows = client.get(f"/api/v1/catalog/prices?year=2026&provider_id={registry['citeq'].pk}").json()
    assert {row["number"] for row in rows} == {"AP-100", "OZ-200"}
    assert client.get("/api/v1/catalog/prices?year=2026&provider_id=x").status_code == 422
