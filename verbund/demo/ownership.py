"""Demo owners of the consolidation's entities (issue #14), marked as demo data: from 1 January 2026 the holding
"Münsterland IT" belongs to the Stadt Münster (40 %, 3 seats, the host city of citeq), the Zweckverband KAAW
(35 %, 2 seats, for Kreis Borken and its municipalities) and the Kreis Steinfurt (25 %, 2 seats); the holding is
the sole owner of its operating company (100 %, 3 seats).

Idempotent: a stake is recorded only where the owner holds none in the entity yet; an owner missing from the
loaded directory (a minimal federation) is left out.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from verbund.ownership.models import Ownership
from verbund.ownership.services import ownership_record
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

START = dt.date(2026, 1, 1)
HOLDING = "Münsterland IT"
OPERATING_COMPANY = "Münsterland IT Betrieb"

# (lookup of the owner, share, board seats, note)
HOLDING_OWNERS = (
    ({"kind": OrganizationKind.MUNICIPALITY, "ags": "05515000"}, "0.40", 3, "Sitzstadt der citeq"),
    ({"kind": OrganizationKind.PROVIDER, "short_name": "KAAW"}, "0.35", 2, "für den Kreis Borken und seine Kommunen"),
    ({"kind": OrganizationKind.DISTRICT, "ags": "05566"}, "0.25", 2, ""),
)


def _record(entity: Organization, owner: Organization, share: str, seats: int, note: str) -> int:
    if Ownership.objects.filter(entity=entity, owner=owner).exists():
        return 0
    ownership_record(
        actor=None,
        entity=entity,
        owner=owner,
        share=Decimal(share),
        board_seats=seats,
        valid_from=START,
        note=note,
        demo=True,
    )
    return 1


@transaction.atomic
def load_demo_ownership() -> dict[str, int]:
    holding = Organization.objects.filter(kind=OrganizationKind.HOLDING, short_name=HOLDING).first()
    operating = Organization.objects.filter(
        kind=OrganizationKind.OPERATING_COMPANY, short_name=OPERATING_COMPANY
    ).first()
    created = 0
    if holding is not None:
        for lookup, share, seats, note in HOLDING_OWNERS:
            owner = Organization.objects.filter(**lookup).first()
            if owner is not None:
                created += _record(holding, owner, share, seats, note)
        if operating is not None:
            created += _record(operating, holding, "1", 3, "Alleingesellschafterin")
    return {"stakes": created}
