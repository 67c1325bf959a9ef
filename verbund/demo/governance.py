"""The demo committees of citeq, with a held and an upcoming meeting of the Zentralausschuss. Idempotent: a
second run creates nothing (no rows, no audit events).

Committees (body: the provider citeq). The agreement (seed 001) names a Zentralausschuss of the chief
administrative officers (Hauptverwaltungsbeamte) of the partners, which decides on the IT concept, the product
catalogue, the accession of new partners and changes of the agreement, and an advisory Arbeitsausschuss. As an
eigenbetriebsähnliche Einrichtung of the city of Münster, citeq also has a Betriebsausschuss of the city council.

- Zentralausschuss (ZA): one seat per current partner of "ÖrV citeq 2019", weighted by population (see
  `voting_weight`), simple majority by default, quorum half of the weights; the host city chairs (assumption).
- Arbeitsausschuss (AA): advisory, a few IT heads of partners, the citeq management as advisory member.
- Betriebsausschuss (BA): works committee of the Münster city council, three council members.

Persons are placeholders named after their office ("Hauptverwaltungsbeamtin Münster", title
"Oberbürgermeister(in) der Stadt Münster"); no real person is named.

Meetings. The ZA met on 19 Nov 2025 (held): (1) "Produktkatalog 2026" (paper ZA-V-2025/11) – all partners
present, recorded votes (all yes, one abstention), the decision approves the proposed catalogue version through
the catalogue service; (2) "Beitritt der Stadt Warendorf" – the accession from 1 Jan 2026 is proposed and
approved by a two-thirds decision (skipped with a printed note when the town is not in the registry); (3) a
non-public "Personalangelegenheiten" item without a vote; (4) "Plankostenrechnung 2026" (paper ZA-V-2025/10),
added by `approve_demo_plan` once the demo plan is calculated and submitted (`verbund.demo.costing`): the
decision approves the plan, which generates the approved 2026 prices of its metered products from its rates. The
next ZA meeting (10 Dec 2026) is invited, with a proposed change of the agreement on the agenda and no votes yet.

Order. Agenda items can only be added while the meeting is invited, and the plan needs the subscriptions, which
need the approved 2026 catalogue. So `federation.load_demo` runs `load_demo_governance(hold_meeting=False)`
(catalogue and accession decided, the meeting still invited), the subscriptions and the plan, then
`approve_demo_plan` and `hold_demo_meeting`. Called alone, `load_demo_governance()` closes the meeting itself.

Logins for the votes. Votes go through `governance.services.vote_cast`, which accepts a vote only from the
seat's person (Person.user) – there is no back door for a "system" vote. So every person holding a ZA seat gets
a demo login "hvb-<AGS>" (role committee member, organisation = the partner, *unusable password*: nobody can
sign in with it until an administrator sets a password), used as the actor of that seat's demo votes. The
exception is Kreis Warendorf: its seat is held by the demo user "ausschuss" (committee member with the demo
password), so that the demo shows the committee member's view with a seat. The member-contact demo users stay
unlinked. AA and BA persons cast no demo votes and get no login.
"""

import datetime as dt
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from verbund.accounts.models import User
from verbund.accounts.roles import Role
from verbund.accounts.services import user_create
from verbund.catalog.choices import CatalogueStatus
from verbund.catalog.models import CatalogueVersion
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.governance import services, subjects
from verbund.governance.choices import (
    Choice,
    CommitteeKind,
    DecisionResult,
    MajorityRule,
    MeetingState,
    MembershipRole,
    PaperType,
    SubjectKind,
)
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
from verbund.registry.choices import ApprovalStatus, OrganizationKind, PartyRole
from verbund.registry.keys import make_leitweg_id
from verbund.registry.models import Agreement, AgreementAmendment, AgreementParty, Organization
from verbund.registry.services import (
    agreement_accession_record,
    agreement_amendment_propose,
    organization_update,
)

PROVIDER_SHORT_NAME = "citeq"
AGREEMENT_REFERENCE = "ÖrV citeq 2019"
COMMITTEE_MEMBER_USERNAME = "ausschuss"  # demo user of federation.py, holds the Kreis Warendorf seat
COMMITTEE_MEMBER_SEAT_AGS = "05570"  # Kreis Warendorf
BERLIN = ZoneInfo("Europe/Berlin")
LOCATION = "Münster, Stadthaus 1"

# Voting weight by population – a demo assumption, the real ÖrV may differ: one vote per partner plus one more
# for every full 50,000 inhabitants, at most 8 (Münster with ~320,000 inhabitants: 7; a town of 20,000: 1).
# A district's population includes its municipalities, some of which are partners themselves; the demo does
# not net this out.
WEIGHT_STEP = 50_000
WEIGHT_CAP = 8

# The 2025 meeting and its papers.
HELD_START = dt.datetime(2025, 11, 19, 10, 0, tzinfo=BERLIN)
HELD_END = dt.datetime(2025, 11, 19, 12, 30, tzinfo=BERLIN)
CATALOGUE_NAME = "Produktkatalog 2026"
CATALOGUE_PAPER = "ZA-V-2025/11"
ACCESSION_PAPER = "ZA-V-2025/12"
ACCESSION_AGS = "05570052"  # Warendorf, Stadt (GV100AD)
ACCESSION_JOINED_ON = dt.date(2026, 1, 1)
ACCESSION_COUNCIL_RESOLUTION = dt.date(2025, 9, 25)
# One-off capital contribution (Einlage): 4,371.70 EUR is the only published figure of an accession contribution
# to this agreement (Billerbeck's); used here as a demo value for Warendorf, not Warendorf's real contribution.
ACCESSION_CONTRIBUTION = Decimal("4371.70")
ITEM_CATALOGUE = "Produktkatalog 2026"
ITEM_ACCESSION = "Beitritt der Stadt Warendorf"
ITEM_PERSONNEL = "Personalangelegenheiten"
ITEM_PLAN = "Plankostenrechnung 2026"
PLAN_PAPER = "ZA-V-2025/10"  # the plan came before the catalogue whose prices it explains

# The upcoming meeting.
UPCOMING_START = dt.datetime(2026, 12, 10, 10, 0, tzinfo=BERLIN)
UPCOMING_END = dt.datetime(2026, 12, 10, 12, 30, tzinfo=BERLIN)
AMENDMENT_TITLE = "Änderung § 5 ÖrV: Entgeltanpassung"
AMENDMENT_PAPER = "ZA-V-2026/09"
AMENDMENT_EFFECTIVE = dt.date(2027, 1, 1)
# Demo wording, not the text of the real agreement.
AMENDMENT_TEXT = (
    "§ 5 Abs. 2 erhält folgende Fassung: „Die Entgelte werden jährlich auf Grundlage der vom Zentralausschuss "
    "beschlossenen Plankostenrechnung festgesetzt. Steigen die Kosten einer Leistung im laufenden Jahr um mehr "
    "als 5 %, kann die citeq die Entgelte mit Zustimmung des Zentralausschusses zum nächsten Quartal anpassen.“"
)

AA_IT_HEADS = ["05515000", "05915000", "05558", "05570", "05558016"]  # Münster, Hamm, Kreis Coesfeld, Kreis WAF, Dülmen
BA_MEMBERS = 3


class DemoGovernanceError(RuntimeError):
    """The federation the committees build on (citeq, the agreement) is missing."""


@dataclass
class _Counter:
    committees: int = 0
    persons: int = 0
    users: int = 0
    memberships: int = 0
    meetings: int = 0
    papers: int = 0
    agenda_items: int = 0
    attendances: int = 0
    votes: int = 0
    decisions: int = 0
    accessions: int = 0
    amendments: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        sys.stdout.write(f"Demo governance: {text}\n")

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# ---------------------------------------------------------------- persons and seats


def voting_weight(population: int | None) -> Decimal:
    """1 + one per full 50,000 inhabitants, capped at 8 (demo assumption, see WEIGHT_STEP)."""
    return Decimal(min(WEIGHT_CAP, 1 + (population or 0) // WEIGHT_STEP))


def _place(org: Organization) -> str:
    """ "Münster, Stadt" → "Münster"; districts keep their plain name ("Warendorf")."""
    return org.name.split(",")[0].strip()


def _label(org: Organization) -> str:
    return f"Kreis {_place(org)}" if org.kind == OrganizationKind.DISTRICT else _place(org)


def office_title(org: Organization) -> str:
    """The generic title of the partner's chief administrative officer (NRW: Oberbürgermeister in district-free
    cities, Bürgermeister in towns and municipalities, Landrat in districts)."""
    place = _place(org)
    if org.kind == OrganizationKind.DISTRICT:
        return f"Landrat/Landrätin des Kreises {place}"
    if len(org.ags) == 8 and org.ags.endswith("000"):
        return f"Oberbürgermeister(in) der Stadt {place}"
    if ", Stadt" in org.name:
        return f"Bürgermeister(in) der Stadt {place}"
    return f"Bürgermeister(in) der Gemeinde {place}"


def _ensure_person(actor: Any, counter: _Counter, *, name: str, org: Organization, title: str) -> Person:
    person = Person.objects.filter(name=name, organization=org, deleted=False).first()
    if person is None:
        person = services.person_create(actor=actor, name=name, family_name=name, title=title, organization=org)
        counter.persons += 1
    return person


def _login_for(actor: Any, counter: _Counter, org: Organization, person_name: str) -> User:
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


def _ensure_seat(
    actor: Any,
    counter: _Counter,
    committee: Committee,
    person: Person,
    *,
    start: dt.date,
    org: Organization | None,
    role: str = MembershipRole.MEMBER,
    weight: Decimal = Decimal(1),
    voting_right: bool = True,
) -> Membership:
    seat = Membership.objects.filter(committee=committee, person=person, deleted=False).first()
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


def _ensure_committee(actor: Any, counter: _Counter, body: Organization, short_name: str, **values: Any) -> Committee:
    committee = Committee.objects.filter(body=body, short_name=short_name).first()
    if committee is None:
        committee = services.committee_create(actor=actor, body=body, short_name=short_name, **values)
        counter.committees += 1
    return committee


def _za_seats(actor: Any, counter: _Counter, za: Committee, agreement: Agreement) -> None:
    """One seat per approved party that has not left, from its accession (so a new partner's seat starts on its
    accession date and has no vote in earlier meetings)."""
    parties = (
        AgreementParty.objects.filter(agreement=agreement, status=ApprovalStatus.APPROVED, left_on__isnull=True)
        .select_related("organization")
        .order_by("id")
    )
    for party in parties:
        org = party.organization
        name = f"Hauptverwaltungsbeamtin {_label(org)}"
        person = Person.objects.filter(name=name, organization=org, deleted=False).first()
        if person is None:
            login = _login_for(actor, counter, org, name)
            person = services.person_create(
                actor=actor, name=name, family_name=_label(org), title=office_title(org), organization=org, user=login
            )
            counter.persons += 1
        _ensure_seat(
            actor,
            counter,
            za,
            person,
            start=party.joined_on,
            org=org,
            role=MembershipRole.CHAIR if party.role == PartyRole.HOST else MembershipRole.MEMBER,
            weight=voting_weight(org.population),
        )


def _aa_seats(actor: Any, counter: _Counter, aa: Committee, agreement: Agreement, citeq: Organization) -> None:
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
        person = _ensure_person(
            actor, counter, name=f"IT-Leitung {_label(org)}", org=org, title=f"Leitung IT – {_label(org)}"
        )
        _ensure_seat(actor, counter, aa, person, start=party.joined_on, org=org)
    management = _ensure_person(actor, counter, name="Betriebsleitung citeq", org=citeq, title="Betriebsleitung")
    _ensure_seat(
        actor,
        counter,
        aa,
        management,
        start=aa.start_date or dt.date(2019, 1, 1),
        org=citeq,
        role=MembershipRole.ADVISORY,
        voting_right=False,
    )


def _ba_seats(actor: Any, counter: _Counter, ba: Committee, agreement: Agreement, citeq: Organization) -> None:
    """Three members of the council of the city citeq belongs to (its parent, else the host city)."""
    host = AgreementParty.objects.filter(agreement=agreement, role=PartyRole.HOST).select_related("organization")
    council = citeq.parent or next((party.organization for party in host), None)
    if council is None:
        counter.note("Betriebsausschuss without members: citeq has no parent city and the agreement no host")
        return
    for number in range(1, BA_MEMBERS + 1):
        person = _ensure_person(
            actor,
            counter,
            name=f"Ratsmitglied {_place(council)} {number}",
            org=council,
            title=f"Mitglied des Rates der Stadt {_place(council)}",
        )
        _ensure_seat(
            actor,
            counter,
            ba,
            person,
            start=dt.date(2020, 11, 1),  # council term from the 2020 local elections (assumption)
            org=council,
            role=MembershipRole.CHAIR if number == 1 else MembershipRole.MEMBER,
        )


# ---------------------------------------------------------------- meetings


def _ensure_meeting(
    actor: Any, counter: _Counter, committee: Committee, start: dt.datetime, end: dt.datetime
) -> Meeting:
    meeting = Meeting.objects.filter(committee=committee, start=start, deleted=False).first()
    if meeting is None:
        meeting = services.meeting_schedule(
            actor=actor,
            committee=committee,
            name="Sitzung des Zentralausschusses",
            start=start,
            end=end,
            location=LOCATION,
        )
        counter.meetings += 1
    if meeting.state == MeetingState.SCHEDULED:
        meeting = services.meeting_set_state(actor=actor, meeting=meeting, state=MeetingState.INVITED)
    return meeting


def _ensure_paper(
    actor: Any, counter: _Counter, body: Organization, reference: str, subject: Any, **values: Any
) -> Paper | None:
    """The paper, created while its subject is still open; None (with a note) when it can no longer be."""
    paper = Paper.objects.filter(body=body, reference=reference).first()
    if paper is not None:
        return paper
    kind = values.get("subject_kind", "")
    if kind and not subjects.handler_for(kind).is_open(subject):
        counter.note(f"paper {reference} skipped: {subject} is not open for a decision any more")
        return None
    paper = services.paper_create(actor=actor, body=body, reference=reference, subject_id=subject.pk, **values)
    counter.papers += 1
    return paper


def _ensure_item(
    actor: Any, counter: _Counter, meeting: Meeting, name: str, paper: Paper | None = None, **values: Any
) -> AgendaItem | None:
    item = AgendaItem.objects.filter(meeting=meeting, name=name, deleted=False).first()
    if item is not None:
        return item
    if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED):
        counter.note(f"agenda item {name!r} skipped: the meeting of {meeting.start:%d.%m.%Y} is already closed")
        return None
    item = services.agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper, **values)
    counter.agenda_items += 1
    return item


def _catalogue_item(actor: Any, counter: _Counter, meeting: Meeting, citeq: Organization) -> AgendaItem | None:
    version = CatalogueVersion.objects.filter(provider=citeq, name=CATALOGUE_NAME).first()
    if version is None:
        counter.note(f"item {ITEM_CATALOGUE!r} skipped: {CATALOGUE_NAME!r} does not exist (load the catalogue first)")
        return None
    if version.status != CatalogueStatus.PROPOSED and not Paper.objects.filter(reference=CATALOGUE_PAPER).exists():
        counter.note(f"item {ITEM_CATALOGUE!r} skipped: {CATALOGUE_NAME!r} is {version.status}, not proposed")
        return None
    paper = _ensure_paper(
        actor,
        counter,
        citeq,
        CATALOGUE_PAPER,
        version,
        name="Produktkatalog 2026",
        date=dt.date(2025, 10, 22),
        paper_type=PaperType.RESOLUTION,
        text="Die citeq legt den Produktkatalog 2026 mit den Entgelten ab dem 01.01.2026 vor "
        "(Plankostenrechnung; im Mittel rund 3 % über 2025). Neu sind Leistungen aus dem Portfolio des "
        "Zweckverbands KAAW und der IT des Kreises Steinfurt; der Telefax-Dienst entfällt.",
        proposed_resolution="Der Zentralausschuss beschließt den Produktkatalog 2026 mit den darin "
        "ausgewiesenen Entgelten. Er gilt ab dem 01.01.2026.",
        subject_kind=SubjectKind.CATALOGUE_VERSION,
    )
    if paper is None:
        return None
    return _ensure_item(actor, counter, meeting, ITEM_CATALOGUE, paper)


def _accession_item(
    actor: Any, counter: _Counter, meeting: Meeting, citeq: Organization, agreement: Agreement
) -> AgendaItem | None:
    town = Organization.objects.filter(kind=OrganizationKind.MUNICIPALITY, ags=ACCESSION_AGS).first()
    if town is None:
        counter.note(f"item {ITEM_ACCESSION!r} skipped: municipality {ACCESSION_AGS} is not in the registry")
        return None
    if not town.leitweg_id:  # a partner is invoiced electronically; a demo routing ID as for the other partners
        town = organization_update(actor=actor, organization=town, leitweg_id=make_leitweg_id(town.ags, "ITDL"))
    party = AgreementParty.objects.filter(agreement=agreement, organization=town).first()
    if party is None:
        party = agreement_accession_record(
            actor=actor,
            agreement=agreement,
            organization=town,
            joined_on=ACCESSION_JOINED_ON,
            council_resolution_date=ACCESSION_COUNCIL_RESOLUTION,
            capital_contribution=ACCESSION_CONTRIBUTION,
            status=ApprovalStatus.PROPOSED,
        )
        counter.accessions += 1
    paper = _ensure_paper(
        actor,
        counter,
        citeq,
        ACCESSION_PAPER,
        party,
        name="Beitritt der Stadt Warendorf zur Öffentlich-rechtlichen Vereinbarung",
        date=dt.date(2025, 10, 22),
        paper_type=PaperType.RESOLUTION,
        text="Der Rat der Stadt Warendorf hat am 25.09.2025 den Beitritt zur Öffentlich-rechtlichen Vereinbarung "
        "zum 01.01.2026 beschlossen. Die einmalige Einlage beträgt 4.371,70 EUR.",
        proposed_resolution="Der Zentralausschuss stimmt dem Beitritt der Stadt Warendorf zum 01.01.2026 zu.",
        subject_kind=SubjectKind.ACCESSION,
        majority_rule=MajorityRule.TWO_THIRDS,  # demo assumption for an accession
    )
    if paper is None:
        return None
    return _ensure_item(actor, counter, meeting, ITEM_ACCESSION, paper)


def _ensure_attendance(actor: Any, counter: _Counter, meeting: Meeting) -> list[Membership]:
    """Every voting seat of the meeting day present in person; returns those seats."""
    day = meeting.start.astimezone(BERLIN).date()
    seats = [
        seat
        for seat in Membership.objects.filter(committee=meeting.committee, deleted=False, voting_right=True)
        .exclude(role=MembershipRole.DEPUTY)
        .select_related("person__user")
        .order_by("id")
        if seat.is_active_on(day)
    ]
    decided = Decision.objects.filter(agenda_item__meeting=meeting).exists()
    for seat in seats:
        if Attendance.objects.filter(meeting=meeting, membership=seat).exists() or decided:
            continue
        services.attendance_record(actor=actor, meeting=meeting, membership=seat, present=True)
        counter.attendances += 1
    return seats


def _vote_and_decide(
    actor: Any, counter: _Counter, item: AgendaItem, seats: list[Membership], abstaining: Membership | None
) -> Decision:
    decision = Decision.objects.filter(agenda_item=item).first()
    if decision is not None:
        return decision
    day = services.meeting_day(item.meeting)  # the demo votes and decides on the meeting day, whenever it loads
    for seat in seats:
        if Vote.objects.filter(agenda_item=item, membership=seat).exists():
            continue
        voter = seat.person.user
        if voter is None:
            counter.note(f"no vote for {seat}: the seat's person has no login")
            continue
        choice = Choice.ABSTAIN if seat == abstaining else Choice.YES
        services.vote_cast(actor=voter, agenda_item=item, membership=seat, choice=choice, as_of=day)
        counter.votes += 1
    decision = services.decision_record(actor=actor, agenda_item=item, as_of=day)
    counter.decisions += 1
    if decision.result != DecisionResult.ADOPTED:
        counter.note(f"decision {decision.number} on {item.name!r}: {decision.result}")
    return decision


def _held_meeting(
    actor: Any, counter: _Counter, za: Committee, citeq: Organization, agreement: Agreement, *, hold: bool
) -> None:
    meeting = _ensure_meeting(actor, counter, za, HELD_START, HELD_END)
    catalogue = _catalogue_item(actor, counter, meeting, citeq)
    accession = _accession_item(actor, counter, meeting, citeq, agreement)
    _ensure_item(actor, counter, meeting, ITEM_PERSONNEL, public=False, decides=False)
    seats = _ensure_attendance(actor, counter, meeting)
    if catalogue is not None:
        _vote_and_decide(actor, counter, catalogue, seats, abstaining=seats[-1] if len(seats) > 1 else None)
    if accession is not None:
        _vote_and_decide(actor, counter, accession, seats, abstaining=None)
    if hold:
        _hold(actor, meeting)


def _hold(actor: Any, meeting: Meeting) -> None:
    meeting.refresh_from_db(fields=["state"])
    if meeting.state == MeetingState.INVITED:
        services.meeting_set_state(actor=actor, meeting=meeting, state=MeetingState.HELD)


def _upcoming_meeting(actor: Any, counter: _Counter, za: Committee, citeq: Organization, agreement: Agreement) -> None:
    meeting = _ensure_meeting(actor, counter, za, UPCOMING_START, UPCOMING_END)
    amendment = AgreementAmendment.objects.filter(agreement=agreement, title=AMENDMENT_TITLE).first()
    if amendment is None:
        amendment = agreement_amendment_propose(
            actor=actor,
            agreement=agreement,
            title=AMENDMENT_TITLE,
            text=AMENDMENT_TEXT,
            effective_from=AMENDMENT_EFFECTIVE,
        )
        counter.amendments += 1
    paper = _ensure_paper(
        actor,
        counter,
        citeq,
        AMENDMENT_PAPER,
        amendment,
        name=AMENDMENT_TITLE,
        date=dt.date(2026, 11, 12),
        paper_type=PaperType.RESOLUTION,
        text="Die Kooperationspartner schlagen vor, die Anpassung der Entgelte im laufenden Jahr an eine "
        "Kostensteigerung von mehr als 5 % und die Zustimmung des Zentralausschusses zu binden.",
        proposed_resolution=f"Der Zentralausschuss stimmt der {AMENDMENT_TITLE} zum 01.01.2027 zu.",
        subject_kind=SubjectKind.AGREEMENT_CHANGE,
        majority_rule=MajorityRule.TWO_THIRDS,  # demo assumption for a change of the agreement
    )
    if paper is not None:
        _ensure_item(actor, counter, meeting, AMENDMENT_TITLE, paper)


# ---------------------------------------------------------------- entry point


@transaction.atomic
def load_demo_governance(*, actor: Any = None, hold_meeting: bool = True) -> dict[str, Any]:
    """Load the demo committees, seats, meetings, papers, votes and decisions (see the module docstring).

    Needs the demo federation (citeq, the agreement "ÖrV citeq 2019" with its partners) and, for the catalogue
    item, the proposed "Produktkatalog 2026" of `load_demo_catalogue`. With `hold_meeting=False` the meeting of
    19 Nov 2025 stays invited, so that `approve_demo_plan` can still add the plan to its agenda; then call
    `hold_demo_meeting` at the end. Returns the counts of what was created and the notes on skipped items; a
    second call creates nothing."""
    citeq = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=PROVIDER_SHORT_NAME).first()
    if citeq is None:
        raise DemoGovernanceError(f"the provider {PROVIDER_SHORT_NAME!r} does not exist; load the federation first")
    agreement = Agreement.objects.filter(reference=AGREEMENT_REFERENCE, provider=citeq).first()
    if agreement is None:
        raise DemoGovernanceError(f"the agreement {AGREEMENT_REFERENCE!r} does not exist; load the federation first")
    counter = _Counter()
    founded = agreement.valid_from
    za = _ensure_committee(
        actor,
        counter,
        citeq,
        "ZA",
        name="Zentralausschuss",
        kind=CommitteeKind.CENTRAL,
        weighted_votes=True,
        majority_rule=MajorityRule.SIMPLE,
        quorum_share=Decimal("0.500"),
        start_date=founded,
    )
    aa = _ensure_committee(
        actor,
        counter,
        citeq,
        "AA",
        name="Arbeitsausschuss",
        kind=CommitteeKind.WORKING,
        parent=za,
        advisory=True,
        weighted_votes=False,
        start_date=founded,
    )
    ba = _ensure_committee(
        actor,
        counter,
        citeq,
        "BA",
        name="Betriebsausschuss citeq",
        kind=CommitteeKind.WORKS,
        weighted_votes=False,
        start_date=founded,
    )
    _za_seats(actor, counter, za, agreement)
    _aa_seats(actor, counter, aa, agreement, citeq)
    _ba_seats(actor, counter, ba, agreement, citeq)
    _held_meeting(actor, counter, za, citeq, agreement, hold=hold_meeting)
    _za_seats(actor, counter, za, agreement)  # the new partner's seat, from its accession on
    _upcoming_meeting(actor, counter, za, citeq, agreement)
    return counter.as_dict()


def _held_za_meeting(citeq: Organization) -> Meeting | None:
    za = Committee.objects.filter(body=citeq, short_name="ZA").first()
    if za is None:
        return None
    return Meeting.objects.filter(committee=za, start=HELD_START, deleted=False).first()


def _plan_paper_text(plan: PlanVersion) -> str:
    total = plan.result_total or Decimal(0)
    shown = f"{total / Decimal(1_000_000):.1f}".replace(".", ",")
    return (
        f"Die citeq legt die Plankostenrechnung {plan.year} vor: geplante Kosten von rund {shown} Mio. EUR in "
        "drei Hilfs- und fünf Endkostenstellen, Verrechnung der Hilfskostenstellen nach dem Gleichungsverfahren, "
        "Kalkulation der Entgelte je Produkt aus den Planmengen der Kooperationspartner. Grundpauschale, "
        "Serviceportal und Einkaufskoordinierung werden nach Schlüsseln umgelegt."
    )


@transaction.atomic
def approve_demo_plan(plan: PlanVersion, *, actor: Any = None) -> dict[str, Any]:
    """Put the submitted demo plan on the agenda of the ZA meeting of 19 Nov 2025 (paper ZA-V-2025/10, before
    the non-public item) and decide it by the recorded votes of the seats present: the decision approves the plan
    through the costing service. The meeting must still be invited for a new item (see the module docstring);
    otherwise the item is skipped with a note. Returns the counts of what was created; idempotent."""
    counter = _Counter()
    meeting = _held_za_meeting(plan.provider)
    if meeting is None:
        counter.note(f"item {ITEM_PLAN!r} skipped: no ZA meeting of {HELD_START:%d.%m.%Y} (load the governance demo)")
        return counter.as_dict()
    if plan.status != PlanStatus.SUBMITTED and not Paper.objects.filter(reference=PLAN_PAPER).exists():
        counter.note(f"item {ITEM_PLAN!r} skipped: {plan} is {plan.status}, not submitted")
        return counter.as_dict()
    paper = _ensure_paper(
        actor,
        counter,
        plan.provider,
        PLAN_PAPER,
        plan,
        name=f"Plankostenrechnung {plan.year}",
        date=dt.date(2025, 10, 15),
        paper_type=PaperType.RESOLUTION,
        text=_plan_paper_text(plan),
        proposed_resolution=f"Der Zentralausschuss beschließt die Plankostenrechnung {plan.year}. Die daraus "
        f"kalkulierten Entgelte gelten ab dem 01.01.{plan.year}.",
        subject_kind=SubjectKind.PLAN_VERSION,
    )
    if paper is None:
        return counter.as_dict()
    new = not AgendaItem.objects.filter(meeting=meeting, name=ITEM_PLAN, deleted=False).exists()
    item = _ensure_item(actor, counter, meeting, ITEM_PLAN, paper)
    if item is None:
        return counter.as_dict()
    personnel = AgendaItem.objects.filter(meeting=meeting, name=ITEM_PERSONNEL, deleted=False).first()
    if new and personnel is not None and personnel.position < item.position:
        ordered = [i.pk for i in meeting.agenda_items.order_by("position", "id")]
        item = services.agenda_item_move(actor=actor, item=item, position=ordered.index(personnel.pk))
    seats = _ensure_attendance(actor, counter, meeting)
    _vote_and_decide(actor, counter, item, seats, abstaining=None)
    return counter.as_dict()


@transaction.atomic
def hold_demo_meeting(*, actor: Any = None) -> None:
    """Close the ZA meeting of 19 Nov 2025 (invited → held), once every item of the demo is on its agenda."""
    citeq = Organization.objects.filter(kind=OrganizationKind.PROVIDER, short_name=PROVIDER_SHORT_NAME).first()
    meeting = _held_za_meeting(citeq) if citeq is not None else None
    if meeting is not None:
        _hold(actor, meeting)


def summary_line(result: dict[str, Any]) -> str:
    """One line for the load-demo command."""
    return (
        f"Demo governance: {result['committees']} committees, {result['memberships']} seats, "
        f"{result['meetings']} meetings, {result['papers']} papers, {result['votes']} votes, "
        f"{result['decisions']} decisions created (existing ones kept)."
    )
