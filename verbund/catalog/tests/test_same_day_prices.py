"""One approved price per product and day (issue #10 item 17): a second one only as the correction of the first."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.catalog.models import CatalogueVersionItem, PriceRevision
from verbund.catalog.services import (
    catalogue_version_approve,
    catalogue_version_compose,
    catalogue_version_create,
    catalogue_version_propose,
    price_revision_create,
)

JAN_1 = dt.date(2026, 1, 1)


def test_a_second_price_from_the_same_day_is_refused_unless_it_corrects_the_first(catalogue):
    workplace = catalogue["workplace"]
    approved = PriceRevision.objects.get(product=workplace, status="approved")
    with pytest.raises(ValidationError) as info:
        price_revision_create(actor=None, product=workplace, valid_from=JAN_1, unit_price=Decimal("1300"))
    assert "supersedes" in info.value.message_dict and "AP-100" in info.value.message_dict["supersedes"][0]
    assert PriceRevision.objects.filter(product=workplace).count() == 1
    correction = price_revision_create(
        actor=None, product=workplace, valid_from=JAN_1, unit_price=Decimal("1300"), supersedes=approved
    )
    assert correction.status == "draft"
    price_revision_create(actor=None, product=workplace, valid_from=dt.date(2026, 7, 1), unit_price=Decimal("1310"))


def test_a_catalogue_cannot_approve_a_competing_price_of_the_same_day(catalogue, registry):
    workplace = catalogue["workplace"]
    draft = price_revision_create(
        actor=None,
        product=workplace,
        valid_from=JAN_1,
        unit_price=Decimal("1300"),
        supersedes=PriceRevision.objects.get(product=workplace, status="approved"),
    )
    # The correction is approved by the plan in the meantime (another approved price of the same day) ...
    PriceRevision.objects.create(
        product=workplace, valid_from=JAN_1, unit_price=Decimal("1266.6667"), status="approved",
        supersedes=draft.supersedes,
    )  # fmt: skip
    version = catalogue_version_create(actor=None, provider=registry["citeq"], year=2026, name="Nachtrag 2026")
    catalogue_version_compose(actor=None, version=version)
    CatalogueVersionItem.objects.filter(version=version, product=workplace).update(price_revision=draft)
    catalogue_version_propose(actor=None, version=version)
    with pytest.raises(ValidationError):  # ... so the catalogue's draft would be a third price of that day
        catalogue_version_approve(actor=None, version=version, decision_reference="ZA 2026/1", approved_on=JAN_1)
    draft.refresh_from_db()
    assert draft.status == "draft"
