"""The demo meetings of the ZA: papers, agenda items, attendance, votes and decisions."""

import datetime as dt
from typing import Any

from verbund.catalog.choices import CatalogueStatus
from verbund.catalog.models import CatalogueVersion
from verbund.demo.governance.common import (
    ACCESSION_AGS,
    ACCESSION_CONTRIBUTION,
    ACCESSION_COUNCIL_RESOLUTION,
    ACCESSION_JOINED_ON,
    ACCESSION_PAPER,
    AMENDMENT_EFFECTIVE,
    AMENDMENT_PAPER,
    AMENDMENT_TEXT,
    AMENDMENT_TITLE,
    BERLIN,
    CATALOGUE_NAME,
    CATALOGUE_PAPER,
    HELD_END,
    HELD_START,
    ITEM_ACCESSION,
    ITEM_CATALOGUE,
    ITEM_PERSONNEL,
    LOCATION,
    UPCOMING_END,
    UPCOMING_START,
    Counter,
)
from verbund.governance import services, subjects
from verbund.governance.choices import (
    Choice,
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
    Vote,
)
from verbund.registry.choices import ApprovalStatus, OrganizationKind
from verbund.registry.keys import make_leitweg_id
from verbund.registry.models import Agreement, AgreementAmendment, AgreementParty, Organization
from verbund.registry.services import (
    agreement_accession_record,
    agreement_amendment_propose,
    organization_update,
)

# ---------------------------------------------------------------- meetings


def ensure_meeting(actor: Any, counter: Counter, committee: Committee, start: dt.datetime, end: dt.datetime) -> Meeting:
    meeting = Meeting.objects.alive().filter(committee=committee, start=start).first()
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


def ensure_paper(
    actor: Any, counter: Counter, body: Organization, reference: str, subject: Any, **values: Any
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


def ensure_item(
    actor: Any, counter: Counter, meeting: Meeting, name: str, paper: Paper | None = None, **values: Any
) -> AgendaItem | None:
    item = AgendaItem.objects.alive().filter(meeting=meeting, name=name).first()
    if item is not None:
        return item
    if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED):
        counter.note(f"agenda item {name!r} skipped: the meeting of {meeting.start:%d.%m.%Y} is already closed")
        return None
    item = services.agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper, **values)
    counter.agenda_items += 1
    return item


def catalogue_item(actor: Any, counter: Counter, meeting: Meeting, citeq: Organization) -> AgendaItem | None:
    version = CatalogueVersion.objects.filter(provider=citeq, name=CATALOGUE_NAME).first()
    if version is None:
        counter.note(f"item {ITEM_CATALOGUE!r} skipped: {CATALOGUE_NAME!r} does not exist (load the catalogue first)")
        return None
    if version.status != CatalogueStatus.PROPOSED and not Paper.objects.filter(reference=CATALOGUE_PAPER).exists():
        counter.note(f"item {ITEM_CATALOGUE!r} skipped: {CATALOGUE_NAME!r} is {version.status}, not proposed")
        return None
    paper = ensure_paper(
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
    return ensure_item(actor, counter, meeting, ITEM_CATALOGUE, paper)


def accession_item(
    actor: Any, counter: Counter, meeting: Meeting, citeq: Organization, agreement: Agreement
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
    paper = ensure_paper(
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
    return ensure_item(actor, counter, meeting, ITEM_ACCESSION, paper)


def ensure_attendance(actor: Any, counter: Counter, meeting: Meeting) -> list[Membership]:
    """Every voting seat of the meeting day present in person; returns those seats."""
    day = meeting.start.astimezone(BERLIN).date()
    seats = [
        seat
        for seat in Membership.objects.alive()
        .filter(committee=meeting.committee, voting_right=True)
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


def vote_and_decide(
    actor: Any, counter: Counter, item: AgendaItem, seats: list[Membership], abstaining: Membership | None
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


def held_meeting(
    actor: Any, counter: Counter, za: Committee, citeq: Organization, agreement: Agreement, *, hold: bool
) -> None:
    meeting = ensure_meeting(actor, counter, za, HELD_START, HELD_END)
    catalogue = catalogue_item(actor, counter, meeting, citeq)
    accession = accession_item(actor, counter, meeting, citeq, agreement)
    ensure_item(actor, counter, meeting, ITEM_PERSONNEL, public=False, decides=False)
    seats = ensure_attendance(actor, counter, meeting)
    if catalogue is not None:
        vote_and_decide(actor, counter, catalogue, seats, abstaining=seats[-1] if len(seats) > 1 else None)
    if accession is not None:
        vote_and_decide(actor, counter, accession, seats, abstaining=None)
    if hold:
        hold_meeting_now(actor, meeting)


def hold_meeting_now(actor: Any, meeting: Meeting) -> None:
    meeting.refresh_from_db(fields=["state"])
    if meeting.state == MeetingState.INVITED:
        services.meeting_set_state(actor=actor, meeting=meeting, state=MeetingState.HELD)


def upcoming_meeting(actor: Any, counter: Counter, za: Committee, citeq: Organization, agreement: Agreement) -> None:
    meeting = ensure_meeting(actor, counter, za, UPCOMING_START, UPCOMING_END)
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
    paper = ensure_paper(
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
        ensure_item(actor, counter, meeting, AMENDMENT_TITLE, paper)
