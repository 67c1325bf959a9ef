"""Availability fixtures: the catalogue's AP-100 (99.5 %, Mo–Fr 7–18 Uhr) and OZ-200, both subscribed by Telgte
(alice) and Ahlen (bob); general commitments for both from 1 January 2026; a controller of citeq."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)

CSV = (
    "product,member_ags,start,end,kind,announced_at,impact,reference\n"
    "AP-100,,2026-02-10T10:00:00+01:00,2026-02-10T12:00:00+01:00,outage,,,INC-1\n"
    "AP-100,05570044,2026-02-11T09:00:00+01:00,2026-02-11T10:00:00+01:00,outage,,0.5,INC-2\n"
    "OZ-200,,2026-03-03T20:00:00+01:00,2026-03-03T22:00:00+01:00,maintenance,2026-02-20T09:00:00+01:00,,CHG-1\n"
)


@pytest.fixture
def controller(registry):
    from verbund.accounts.roles import Role
    from verbund.accounts.services import user_create

    return user_create(
        actor=None,
        username="carla",
        password="x-Passwort-123",
        role=Role.CONTROLLER,
        organization=registry["citeq"],
        validate_password=False,
    )


@pytest.fixture
def subscribed(registry, catalogue):  # noqa: F811
    from verbund.orders.models import Subscription

    for member in (registry["telgte"], registry["ahlen"]):
        for product in (catalogue["workplace"], catalogue["ozg"]):
            Subscription.objects.create(member=member, product=product, start_date=dt.date(2025, 1, 1))
    return catalogue


@pytest.fixture
def commitments(registry, subscribed):
    from verbund.availability import services

    workplace = services.commitment_set(
        actor=None,
        provider=registry["citeq"],
        product=subscribed["workplace"],
        valid_from=dt.date(2026, 1, 1),
        service_hours="Mo-Fr 07:00-18:00",
        exclude_holidays=True,
        target_month=Decimal("99.5"),
        target_year=Decimal("99.5"),
        notice_days=5,
    )
    ozg = services.commitment_set(
        actor=None,
        provider=registry["citeq"],
        product=subscribed["ozg"],
        valid_from=dt.date(2026, 1, 1),
        service_hours="24x7",
        exclude_holidays=False,
        target_month=Decimal("99.9"),
        target_year=Decimal("99.9"),
        notice_days=5,
    )
    return {"workplace": workplace, "ozg": ozg}


@pytest.fixture
def outage(registry, commitments, subscribed):
    """A two-hour outage of AP-100 for every subscriber, on a Tuesday inside the service time."""
    from zoneinfo import ZoneInfo

    from verbund.availability import services

    berlin = ZoneInfo("Europe/Berlin")
    return services.outage_record(
        actor=None,
        provider=registry["citeq"],
        kind="outage",
        start=dt.datetime(2026, 2, 10, 10, tzinfo=berlin),
        end=dt.datetime(2026, 2, 10, 12, tzinfo=berlin),
        products=[subscribed["workplace"]],
        reference="INC-0001",
    )
