"""Demo committees, their persons, logins and seats (ZA weighted by population, AA advisory, BA of the council)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from verbund.accounts.models import User
from verbund.accounts.roles import Role
from verbund.accounts.services import user_create
from verbund.demo.governance.common import (
    AA_IT_HEADS,
    BA_MEMBERS,
    COMMITTEE_MEMBER_SEAT_AGS,
    COMMITTEE_MEMBER_USERNAME,
    Counter,
    office_title,
    org_label,
    place_name,
    voting_weight,
)
from verbund.governance import services
from verbund.governance.choices import (
    MembershipRole,
)
from verbund.governance.models import (
    Committee,
    Membership,
    Person,
)
from verbund.registry.choices import ApprovalStatus, PartyRole
from verbund.registry.models import Agreement, AgreementParty, Organization


def ensure_person(actor: Any, counter: Counter, *, name: str, org: Organization, title: str) -> Person:
    person = Person.objects.alive().filter(name=name, organization=org).first()
    if person is None:
        person = services.person_create(actor=actor, name=name, family_name=name, title=title, organization=org)
        counter.persons += 1
    return person


def login_for(actor: Any, counter: Counter, org: Organization, person_name: str) -> User:
    """The login a ZA seat votes with: "ausschuss" for Kreis Warendorf when free, else a demo "hvb-<AGS>"."""
    if org.ags == COMMITTEE_MEMBER_SEAT_AGS:
        member = User.objects.filter(username=COMMITTEE_MEMBER_USERNAME, organization=org).first()
        if member is not None and not Person.objects.filter(user=member).exists():
            return member
    username = f"hvb-{org.ags or org.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=actor,
            username=username,
            password=None,  # unusable: a technical demo login that casts the recorded demo votes
            role=Role.COMMITTEE_MEMBER,
            organization=org,
            last_name=person_name,
            email=f"{username}@demo.invalid",
        )
        counter.users += 1
    return user


def ensure_seat(
    actor: Any,
    counter: Counter,
    committee: Committee,
    person: Person,
    *,
    start: dt.date,
    org: Organization | None,
    role: str = MembershipRole.MEMBER,
    weight: Decimal = Decimal(1),
    voting_right: bool = True,
) -> Membership:
    seat = Membership.objects.alive().filter(committee=committee, person=person).first()
    if seat is None:
        seat = services.membership_create(
            actor=actor,
            committee=committee,
            person=person,
            start_date=start,
            role=role,
            voting_right=voting_right,
            voting_weight=weight,
            on_behalf_of=org,
        )
        counter.memberships += 1
    return seat


def ensure_committee(actor: Any, counter: Counter, body: Organization, short_name: str, **values: Any) -> Committee:
    committee = Committee.objects.filter(body=body, short_name=short_name).first()
    if committee is None:
        committee = services.committee_create(actor=actor, body=body, short_name=short_name, **values)
        counter.committees += 1
    return committee


def za_seats(actor: Any, counter: Counter, za: Committee, agreement: Agreement) -> None:
    """One seat per approved party that has not left, from its accession (so a new partner's seat starts on its
    accession date and has no vote in earlier meetings)."""
    parties = (
        AgreementParty.objects.filter(agreement=agreement, status=ApprovalStatus.APPROVED, left_on__isnull=True)
        .select_related("organization")
        .order_by("id")
    )
    for party in parties:
        org = party.organization
        name = f"Hauptverwaltungsbeamtin {org_label(org)}"
        person = Person.objects.alive().filter(name=name, organization=org).first()
        if person is None:
            login = login_for(actor, counter, org, name)
            person = services.person_create(
                actor=actor,
                name=name,
                family_name=org_label(org),
                title=office_title(org),
                organization=org,
                user=login,
            )
            counter.persons += 1
        ensure_seat(
            actor,
            counter,
            za,
            person,
            start=party.joined_on,
            org=org,
            role=MembershipRole.CHAIR if party.role == PartyRole.HOST else MembershipRole.MEMBER,
            weight=voting_weight(org.population),
        )


def aa_seats(actor: Any, counter: Counter, aa: Committee, agreement: Agreement, citeq: Organization) -> None:
    partners = {
        p.organization.ags: p
        for p in AgreementParty.objects.filter(agreement=agreement, status=ApprovalStatus.APPROVED).select_related(
            "organization"
        )
    }
    for ags in AA_IT_HEADS:
        party = partners.get(ags)
        if party is None:
            continue
        org = party.organization
        person = ensure_person(
            actor, counter, name=f"IT-Leitung {org_label(org)}", org=org, title=f"Leitung IT – {org_label(org)}"
        )
        ensure_seat(actor, counter, aa, person, start=party.joined_on, org=org)
    management = ensure_person(actor, counter, name="Betriebsleitung citeq", org=citeq, title="Betriebsleitung")
    ensure_seat(
        actor,
        counter,
        aa,
        management,
        start=aa.start_date or dt.date(2019, 1, 1),
        org=citeq,
        role=MembershipRole.ADVISORY,
        voting_right=False,
    )


def ba_seats(actor: Any, counter: Counter, ba: Committee, agreement: Agreement, citeq: Organization) -> None:
    """Three members of the council of the city citeq belongs to (its parent, else the host city)."""
    host = AgreementParty.objects.filter(agreement=agreement, role=PartyRole.HOST).select_related("organization")
    council = citeq.parent or next((party.organization for party in host), None)
    if council is None:
        counter.note("Betriebsausschuss without members: citeq has no parent city and the agreement no host")
        return
    for number in range(1, BA_MEMBERS + 1):
        person = ensure_person(
            actor,
            counter,
            name=f"Ratsmitglied {place_name(council)} {number}",
            org=council,
            title=f"Mitglied des Rates der Stadt {place_name(council)}",
        )
        ensure_seat(
            actor,
            counter,
            ba,
            person,
            start=dt.date(2020, 11, 1),  # council term from the 2020 local elections (assumption)
            org=council,
            role=MembershipRole.CHAIR if number == 1 else MembershipRole.MEMBER,
        )
