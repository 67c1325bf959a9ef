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
