"""Governance fixtures: a Zentralausschuss of citeq with three weighted seats (Telgte 1, Ahlen 2, Kreis 3),
alice (Telgte) and bob (Ahlen) as members with logins, a meeting in the invited state."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)


@pytest.fixture
def committee_setup(registry, alice, bob):
    from verbund.accounts.services import user_create
    from verbund.governance import services

    kreis_user = user_create(
        actor=None, username="landrat", password=None, role="committee_member", organization=registry["kreis"]
    )
    committee = services.committee_create(
        actor=None,
        body=registry["citeq"],
        name="Zentralausschuss",
        short_name="ZA",
        kind="central",
        quorum_share=Decimal("0.5"),
    )
    working = services.committee_create(
        actor=None, body=registry["citeq"], name="Arbeitsausschuss", short_name="AA", kind="working", advisory=True
    )
    start = dt.date(2020, 1, 1)
    people = {}
    seats = {}
    for key, user, org, weight in (
        ("telgte", alice, registry["telgte"], 1),
        ("ahlen", bob, registry["ahlen"], 2),
        ("kreis", kreis_user, registry["kreis"], 3),
    ):
        people[key] = services.person_create(
            actor=None, name=f"HVB {org.name}", family_name=org.name, user=user, organization=org
        )
        seats[key] = services.membership_create(
            actor=None,
            committee=committee,
            person=people[key],
            start_date=start,
            voting_weight=Decimal(weight),
            on_behalf_of=org,
        )
    deputy = services.person_create(actor=None, name="Stellvertretung Kreis", family_name="Vertretung")
    seats["deputy"] = services.membership_create(
        actor=None,
        committee=committee,
        person=deputy,
        role="deputy",
        start_date=start,
        deputy_for=seats["kreis"],
        on_behalf_of=registry["kreis"],
    )
    people["deputy"] = deputy
    meeting = services.meeting_schedule(
        actor=None,
        committee=committee,
        name="Sitzung des Zentralausschusses",
        start=dt.datetime(2026, 11, 19, 10, 0, tzinfo=dt.UTC),
        location="Münster, Stadthaus 1",
    )
    services.meeting_set_state(actor=None, meeting=meeting, state="invited")
    return {
        "committee": committee,
        "working": working,
        "people": people,
        "seats": seats,
        "meeting": meeting,
        "kreis_user": kreis_user,
    }


@pytest.fixture
def staff(admin_user):
    """A client logged in as the superuser (provider staff on the governance pages)."""
    from verbund.governance.tests.pages import client_for

    return client_for(admin_user)
