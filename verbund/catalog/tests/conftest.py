"""Catalogue fixtures: a family, an active product with an approved 2026 price, and a per-inhabitant product."""

import datetime as dt
from decimal import Decimal

import pytest


@pytest.fixture
def catalogue(registry):
    from verbund.catalog.services import (
        catalogue_version_approve,
        catalogue_version_compose,
        catalogue_version_create,
        catalogue_version_propose,
        price_revision_create,
        product_create,
        product_family_create,
        product_transition,
    )

    family = product_family_create(actor=None, code="AP", name="Arbeitsplatz", name_en="Workplace")
    workplace = product_create(
        actor=None,
        number="AP-100",
        name="Standard-Arbeitsplatz",
        name_en="Standard workplace",
        family=family,
        category="workplace",
        unit="workstation",
        notice_period_months=3,
        sla_target_availability=Decimal("99.50"),
        sla_service_hours="Mo–Fr 7–18 Uhr",
    )
    ozg = product_create(
        actor=None,
        number="OZ-200",
        name="OZG-Basisdienste",
        family=family,
        category="specialised_procedure",
        unit="inhabitant",
    )
    draft = product_create(
        actor=None, number="XX-900", name="Entwurf", family=family, category="consulting", unit="hour"
    )
    for product, price in ((workplace, "1200.00"), (ozg, "0.35")):
        product_transition(actor=None, product=product, to_status="proposed")
        price_revision_create(actor=None, product=product, valid_from=dt.date(2026, 1, 1), unit_price=Decimal(price))
    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2026, name="Produktkatalog 2026")
    catalogue_version_compose(actor=None, version=version)
    catalogue_version_propose(actor=None, version=version)
    catalogue_version_approve(
        actor=None, version=version, decision_reference="ZA 2025/12", approved_on=dt.date(2025, 12, 10)
    )
    workplace.refresh_from_db()
    ozg.refresh_from_db()
    return {"family": family, "workplace": workplace, "ozg": ozg, "draft": draft, "version": version}
