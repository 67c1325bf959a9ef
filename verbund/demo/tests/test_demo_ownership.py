"""The demo owners: the holding's three owners and the holding as sole owner of the operating company, marked as
demo data; a second run changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.core.models import AuditEvent
from verbund.demo.ownership import load_demo_ownership
from verbund.ownership import selectors
from verbund.ownership.models import Ownership
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.services import organization_create


@pytest.mark.django_db
def test_demo_owners_are_marked_and_idempotent():
    rb = organization_create(actor=None, name="Reg.-Bez. Münster", kind=K.REGION, ags="055")
    organization_create(
        actor=None, name="Münster, Stadt", kind=K.MUNICIPALITY, ags="05515000", ars="055150000000", parent=rb
    )
    organization_create(actor=None, name="Steinfurt", kind=K.DISTRICT, ags="05566", parent=rb)
    organization_create(actor=None, name="Zweckverband KAAW", short_name="KAAW", kind=K.PROVIDER, land="05")
    holding = organization_create(
        actor=None, name="Münsterland IT Holding AöR", short_name="Münsterland IT", kind=K.HOLDING
    )
    operating = organization_create(
        actor=None, name="Münsterland IT Betriebsgesellschaft mbH", short_name="Münsterland IT Betrieb",
        kind=K.OPERATING_COMPANY, parent=holding,
    )  # fmt: skip
    assert load_demo_ownership() == {"stakes": 4}
    owners = selectors.owners_on(entity=holding, day=dt.date(2026, 1, 1))
    assert [(row.owner.name, row.share, row.board_seats) for row in owners] == [
        ("Münster, Stadt", Decimal("0.4"), 3),
        ("Zweckverband KAAW", Decimal("0.35"), 2),
        ("Steinfurt", Decimal("0.25"), 2),
    ]
    assert [row.owner for row in selectors.owners_on(entity=operating, day=dt.date(2026, 1, 1))] == [holding]
    assert not Ownership.objects.filter(demo=False).exists()
    counts = (Ownership.objects.count(), AuditEvent.objects.count())
    assert load_demo_ownership() == {"stakes": 0}
    assert counts == (Ownership.objects.count(), AuditEvent.objects.count())
