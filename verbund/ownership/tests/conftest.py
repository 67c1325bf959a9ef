import datetime as dt
from decimal import Decimal

import pytest

JAN_2026 = dt.date(2026, 1, 1)


@pytest.fixture
def entities(registry):
    """The holding (Telgte 60 % with 2 seats, Kreis Warendorf 40 % with 1 seat, from 1 Jan 2026) and its
    operating company (the holding 100 %, 1 seat), with an agreement of the operating company with Telgte."""
    from verbund.ownership.services import ownership_record
    from verbund.registry.choices import OrganizationKind as K
    from verbund.registry.services import agreement_accession_record, agreement_create, organization_create

    holding = organization_create(
        actor=None, name="Münsterland IT Holding AöR", short_name="Münsterland IT", kind=K.HOLDING, land="05"
    )
    operating = organization_create(
        actor=None, name="Münsterland IT Betrieb GmbH", kind=K.OPERATING_COMPANY, parent=holding, land="05"
    )
    telgte_stake = ownership_record(
        actor=None,
        entity=holding,
        owner=registry["telgte"],
        share=Decimal("0.6"),
        board_seats=2,
        valid_from=JAN_2026,
    )
    kreis_stake = ownership_record(
        actor=None, entity=holding, owner=registry["kreis"], share=Decimal("0.4"), board_seats=1, valid_from=JAN_2026
    )
    holding_stake = ownership_record(
        actor=None, entity=operating, owner=holding, share=Decimal("1"), board_seats=1, valid_from=JAN_2026
    )
    agreement = agreement_create(
        actor=None, name="Vereinbarung Betriebsgesellschaft", provider=operating, valid_from=JAN_2026
    )
    agreement_accession_record(actor=None, agreement=agreement, organization=registry["telgte"], joined_on=JAN_2026)
    return {
        "holding": holding,
        "operating": operating,
        "telgte_stake": telgte_stake,
        "kreis_stake": kreis_stake,
        "holding_stake": holding_stake,
        "agreement": agreement,
    }


@pytest.fixture
def controller(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="conny",
        password="Verbund-Test-2026!",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )
