import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)


@pytest.fixture
def storage(catalogue):  # noqa: F811  (the shared fixture, requested by name)
    """A product charged per GB (a divisible unit: fractional quantities allowed), orderable like AP-100."""
    from verbund.catalog.models import PriceRevision, Product
    from verbund.catalog.services import price_revision_create, product_create

    product = product_create(
        actor=None,
        number="SP-400",
        name="Speicher",
        family=catalogue["family"],
        category="data_centre",
        unit="gigabyte",
    )
    revision = price_revision_create(
        actor=None, product=product, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("1200.00")
    )
    Product.objects.filter(pk=product.pk).update(status=catalogue["workplace"].status)
    PriceRevision.objects.filter(pk=revision.pk).update(status="approved", approved_at=timezone.now())
    product.refresh_from_db()
    return product


@pytest.fixture
def company(registry, catalogue):  # noqa: F811
    """An operating company (an in-house entity of the ownership app) with its own agreement from 1 Jan 2026 (no
    parties yet) and an approved 2026 catalogue of one product, MIB-1 (76 EUR per user)."""
    from verbund.catalog.services import (
        catalogue_version_approve,
        catalogue_version_create,
        catalogue_version_propose,
        price_revision_create,
        product_create,
        product_transition,
    )
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.services import agreement_create, organization_create

    entity = organization_create(actor=None, name="Münsterland IT Betrieb", kind=OrganizationKind.OPERATING_COMPANY)
    agreement = agreement_create(
        actor=None, name="Rahmenvereinbarung MIB", provider=entity, valid_from=dt.date(2026, 1, 1)
    )
    product = product_create(
        actor=None, number="MIB-1", name="Postfach", family=catalogue["family"], category="communication", unit="user"
    )
    product_transition(actor=None, product=product, to_status="proposed")
    price_revision_create(actor=None, product=product, valid_from=dt.date(2026, 1, 1), unit_price=Decimal("76"))
    version = catalogue_version_create(actor=None, provider=entity, year=2026, name="Katalog MIB 2026")
    version.items.create(product=product, price_revision=product.price_revisions.get())
    catalogue_version_propose(actor=None, version=version)
    catalogue_version_approve(actor=None, version=version, decision_reference="GV 1", approved_on=dt.date(2026, 1, 5))
    product.refresh_from_db()
    return {"entity": entity, "agreement": agreement, "product": product}
