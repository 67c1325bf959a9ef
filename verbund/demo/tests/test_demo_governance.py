"""The governance demo on the minimal federation of test_demo_catalogue (Münster, Kreis Warendorf, Telgte; no
GV100AD file), run in the order of `load_demo`: catalogue → governance → subscriptions, twice."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from verbund.accounts.models import User
from verbund.catalog.models import CatalogueVersion
from verbund.core.models import AuditEvent
from verbund.demo.catalogue import load_demo_catalogue, load_demo_subscriptions
from verbund.demo.governance import DemoGovernanceError, load_demo_governance, voting_weight
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.governance.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    Membership,
    Paper,
    Person,
    Vote,
)
from verbund.orders.models import Subscription
from verbund.registry.choices import OrganizationKind as K
from verbund.registry.keys import validate_leitweg_id
from verbund.registry.models import AgreementAmendment, AgreementParty
from verbund.registry.services import organization_create

BERLIN = ZoneInfo("Europe/Berlin")


def _load_all():
    catalogue = load_demo_catalogue()
    governance = load_demo_governance()
    subscriptions = load_demo_subscriptions()
    return catalogue, governance, subscriptions


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Committee,
            Person,
            Membership,
            Meeting,
            Paper,
            AgendaItem,
            Attendance,
            Vote,
            Decision,
            AgreementParty,
            AgreementAmendment,
            User,
            Subscription,
            AuditEvent,
        )
    }


def test_voting_weight_rule():
    assert [voting_weight(p) for p in (None, 20222, 49999, 50000, 320946, 1_900_000)] == [
        Decimal(1),
        Decimal(1),
        Decimal(1),
        Decimal(2),
        Decimal(7),
        Decimal(8),
    ]


def test_governance_demo_approves_the_2026_catalogue_by_decision(federation, capsys):  # noqa: F811
    _catalogue, governance, subscriptions = _load_all()
    assert "05570052" in capsys.readouterr().out  # Stadt Warendorf is not in this registry: item skipped
    assert governance["notes"] and governance["accessions"] == 0

    # Committees of citeq.
    za, aa, ba = (Committee.objects.get(short_name=s) for s in ("ZA", "AA", "BA"))
    assert za.body == aa.body == ba.body == federation["citeq"]
    assert (za.kind, za.weighted_votes, za.majority_rule, za.quorum_share) == (
        "central",
        True,
        "simple",
        Decimal("0.500"),
    )
    assert (aa.kind, aa.advisory, aa.parent) == ("working", True, za)
    assert ba.kind == "works" and ba.memberships.count() == 3

    # One weighted seat per partner, held by a placeholder person with a technical login.
    seats = {m.on_behalf_of.ags: m for m in za.memberships.select_related("person__user", "on_behalf_of")}
    assert set(seats) == {"05515000", "05570", "05570044"}
    assert {ags: seat.voting_weight for ags, seat in seats.items()} == {
        "05515000": 7,  # 320,946 inhabitants
        "05570": 6,  # 278,766
        "05570044": 1,  # 20,222
    }
    assert seats["05515000"].role == "chair"
    assert seats["05515000"].person.title == "Oberbürgermeister(in) der Stadt Münster"
    assert seats["05570"].person.title == "Landrat/Landrätin des Kreises Warendorf"
    assert seats["05570044"].person.title == "Bürgermeister(in) der Stadt Telgte"
    for seat in seats.values():
        login = seat.person.user
        assert login.username == f"hvb-{seat.on_behalf_of.ags}"
        assert (login.role, login.organization, login.has_usable_password()) == (
            "committee_member",
            seat.on_behalf_of,
            False,
        )

    # The held meeting: the catalogue item decided by recorded votes, the personnel item non-public.
    held = Meeting.objects.get(committee=za, start=dt.datetime(2025, 11, 19, 10, tzinfo=BERLIN))
    assert (held.state, held.location) == ("held", "Münster, Stadthaus 1")
    items = list(held.agenda_items.order_by("position"))
    assert [(i.name, i.public, i.decides) for i in items] == [
        ("Produktkatalog 2026", True, True),
        ("Personalangelegenheiten", False, False),
    ]
    catalogue_item, personnel = items
    assert catalogue_item.paper.reference == "ZA-V-2025/11"
    assert Attendance.objects.filter(meeting=held, present=True).count() == 3
    assert sorted(catalogue_item.votes.values_list("choice", flat=True)) == ["abstain", "yes", "yes"]
    assert not personnel.votes.exists() and not Decision.objects.filter(agenda_item=personnel).exists()

    decision = Decision.objects.get(agenda_item=catalogue_item)
    version = CatalogueVersion.objects.get(name="Produktkatalog 2026")
    assert (decision.result, decision.number, decision.decided_on) == ("adopted", "ZA-2025-001", dt.date(2025, 11, 19))
    assert (version.status, version.decision_reference, version.approved_on) == (
        "approved",
        decision.number,
        dt.date(2025, 11, 19),
    )
    assert decision.subject_id == version.pk and decision.number in decision.effect_display

    # The upcoming meeting: invited, a proposed change of the agreement on the agenda, no votes.
    upcoming = Meeting.objects.get(committee=za, start=dt.datetime(2026, 12, 10, 10, tzinfo=BERLIN))
    assert upcoming.state == "invited"
    [item] = upcoming.agenda_items.all()
    amendment = AgreementAmendment.objects.get()
    assert (item.paper.subject_kind, item.paper.subject_id, amendment.status) == (
        "agreement_change",
        amendment.pk,
        "proposed",
    )
    assert not item.votes.exists()

    # Subscriptions from 1 Jan 2026 found the approved 2026 prices.
    assert subscriptions["subscriptions"] == Subscription.objects.count() > 0

    # The second run creates nothing: no rows, no decisions, no audit events.
    before = _counts()
    _catalogue, again, subscriptions = _load_all()
    assert _counts() == before
    assert {k: v for k, v in again.items() if k != "notes"} == dict.fromkeys(again.keys() - {"notes"}, 0)
    assert subscriptions == {"subscriptions": 0}


def test_accession_of_stadt_warendorf_and_the_committee_member_login(federation):  # noqa: F811
    from verbund.accounts.services import user_create
    from verbund.registry.models import Organization

    kreis = Organization.objects.get(kind=K.DISTRICT, ags="05570")
    town = organization_create(
        actor=None,
        name="Warendorf, Stadt",
        kind=K.MUNICIPALITY,
        ags="05570052",
        ars="055700052052",
        parent=kreis,
        population=37936,
    )
    ausschuss = user_create(
        actor=None, username="ausschuss", password=None, role="committee_member", organization=kreis
    )
    _load_all()

    assert Person.objects.get(user=ausschuss).memberships.get().on_behalf_of == kreis
    party = AgreementParty.objects.get(organization=town)
    decision = Decision.objects.get(agenda_item__name="Beitritt der Stadt Warendorf")
    assert (decision.result, decision.majority_rule, decision.number) == ("adopted", "two_thirds", "ZA-2025-002")
    assert (party.status, party.committee_decision_ref, party.joined_on, party.capital_contribution) == (
        "approved",
        decision.number,
        dt.date(2026, 1, 1),
        Decimal("4371.70"),
    )
    # The new partner's seat starts with its accession: no vote in 2025, a seat for the 2026 meeting.
    seat = Membership.objects.get(committee__short_name="ZA", on_behalf_of=town)
    assert (seat.start_date, seat.voting_weight, seat.person.title) == (
        dt.date(2026, 1, 1),
        1,
        "Bürgermeister(in) der Stadt Warendorf",
    )
    assert len(decision.tally["ballots"]) == 3
    assert Subscription.objects.filter(member=town, start_date=dt.date(2026, 1, 1)).exists()
    town.refresh_from_db()
    validate_leitweg_id(town.leitweg_id)

    before = _counts()
    _load_all()
    assert _counts() == before


def test_governance_demo_needs_the_federation(db):
    with pytest.raises(DemoGovernanceError):
        load_demo_governance()
