"""REST API for committees, meetings, papers, votes and decisions (/api/v1/governance/...).

Reads go through the access layer and the governance selectors (non-public agenda items and papers only for
those who may see them). Writes check the role's Django permission first (403), then load the objects the caller
may see (404) and leave every business rule to the services, whose refusals become 422 with the field named.
Voting is the exception: any logged-in user may try; the service decides (only the seat's person, or its
recorded proxy, votes for a seat, and only in its own committee).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Filter, Id, Moment, Year
from verbund.governance import selectors, services
from verbund.governance.engine.voting import VotingError, tally
from verbund.governance.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    Membership,
    Person,
    Vote,
)
from verbund.registry.selectors import organization_get_for_user

router = Router(tags=["governance"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "You are not allowed to do this.")


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# ---------------------------------------------------------------- schemas: committees


class CommitteeOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    body_id: int
    body_name: str
    parent_id: int | None
    advisory: bool
    weighted_votes: bool
    majority_rule: str
    quorum_share: Decimal
    start_date: dt.date | None
    modified: dt.datetime

    @staticmethod
    def resolve_body_name(obj: Committee) -> str:
        return obj.body.name


class CommitteeListOut(CommitteeOut):
    member_count: int


class MembershipOut(Schema):
    id: int
    person_id: int
    person_name: str
    person_title: str
    role: str
    voting_right: bool
    voting_weight: Decimal
    on_behalf_of_id: int | None
    on_behalf_of_name: str
    deputy_for_id: int | None
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_person_name(obj: Membership) -> str:
        return obj.person.name

    @staticmethod
    def resolve_person_title(obj: Membership) -> str:
        return obj.person.title

    @staticmethod
    def resolve_on_behalf_of_name(obj: Membership) -> str:
        return obj.on_behalf_of.name if obj.on_behalf_of else ""


class CommitteeDetailOut(CommitteeOut):
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj: Committee) -> list[Membership]:
        return list(selectors.committee_memberships(committee=obj))


# ---------------------------------------------------------------- schemas: meetings and agenda


class MeetingIn(Schema):
    committee_id: Id
    name: str = Field(..., max_length=200)
    start: Moment
    end: Moment | None = None
    location: str = Field("", max_length=255)


class MeetingStateIn(Schema):
    state: str = Field(..., description="scheduled → invited → held; scheduled/invited → cancelled")


class MeetingOut(Schema):
    id: int
    committee_id: int
    committee_short_name: str
    name: str
    start: dt.datetime
    end: dt.datetime | None
    location: str
    state: str
    modified: dt.datetime

    @staticmethod
    def resolve_committee_short_name(obj: Meeting) -> str:
        return obj.committee.short_name


class AgendaItemIn(Schema):
    name: str = Field(..., max_length=255)
    paper_id: Id | None = None
    public: bool = True
    number: str = Field("", max_length=20)
    decides: bool = True


class AgendaItemOut(Schema):
    id: int
    meeting_id: int
    number: str
    position: int
    name: str
    public: bool
    decides: bool
    paper_id: int | None
    paper_reference: str
    decision_number: str | None
    decision_result: str | None

    @staticmethod
    def resolve_paper_reference(obj: AgendaItem) -> str:
        return obj.paper.reference if obj.paper_id and obj.paper else ""

    @staticmethod
    def resolve_decision_number(obj: AgendaItem) -> str | None:
        decision = _decision_of(obj)
        return decision.number if decision else None

    @staticmethod
    def resolve_decision_result(obj: AgendaItem) -> str | None:
        decision = _decision_of(obj)
        return decision.result if decision else None


def _decision_of(item: AgendaItem) -> Decision | None:
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


class MeetingDetailOut(MeetingOut):
    agenda_items: list[AgendaItemOut]

    @staticmethod
    def resolve_agenda_items(obj: Meeting, context: dict[str, Any]) -> list[AgendaItem]:
        """Only the items the caller may see (non-public ones for staff and the committee's members)."""
        return list(selectors.agenda_items(user=context["request"].user, meeting=obj))


class AttendanceIn(Schema):
    membership_id: Id
    present: bool = True
    proxy_person_id: Id | None = None


class AttendanceOut(Schema):
    id: int
    meeting_id: int
    membership_id: int
    present: bool
    proxy_id: int | None
    represented: bool


# ---------------------------------------------------------------- schemas: papers


class PaperIn(Schema):
    body_id: Id
    reference: str = Field(..., max_length=40)
    name: str = Field(..., max_length=255)
    date: Day
    paper_type: str = "resolution"
    text: str = ""
    proposed_resolution: str = ""
    subject_kind: str = Field("", description="catalogue_version, accession, agreement_change or empty")
    subject_id: Id | None = None
    majority_rule: str = Field("", description="empty: the committee's default rule")
    public: bool = True


class PaperOut(Schema):
    id: int
    body_id: int
    reference: str
    name: str
    paper_type: str
    date: dt.date
    text: str
    proposed_resolution: str
    subject_kind: str
    subject_id: int | None
    majority_rule: str
    public: bool
    modified: dt.datetime


# ---------------------------------------------------------------- schemas: votes and decisions


class VoteIn(Schema):
    membership_id: Id
    choice: str = Field(..., description="yes, no or abstain")


class VoteOut(Schema):
    id: int
    agenda_item_id: int
    membership_id: int
    cast_by_id: int
    choice: str
    weight: Decimal
    modified: dt.datetime


class DecisionIn(Schema):
    decided_on: Day | None = Field(default=None, description="default: the day of the meeting")
    resolution_text: str | None = Field(default=None, description="default: the paper's proposed resolution")


class DecisionOut(Schema):
    id: int
    number: str
    agenda_item_id: int
    meeting_id: int
    committee_id: int
    result: str
    majority_rule: str
    weighted: bool
    quorum_share: Decimal
    total_weight: Decimal
    present_weight: Decimal
    yes_weight: Decimal
    no_weight: Decimal
    abstain_weight: Decimal
    tally: dict[str, Any]
    resolution_text: str
    subject_kind: str
    subject_id: int | None
    subject_effect: str
    amends_id: int | None
    repeals_id: int | None
    decided_on: dt.date
    recorded_at: dt.datetime

    @staticmethod
    def resolve_meeting_id(obj: Decision) -> int:
        return obj.agenda_item.meeting_id

    @staticmethod
    def resolve_committee_id(obj: Decision) -> int:
        return obj.agenda_item.meeting.committee_id

    @staticmethod
    def resolve_subject_effect(obj: Decision) -> str:
        return obj.effect_display  # stored as a code, worded in the request's language


class BallotOut(Schema):
    membership_id: int
    person_name: str
    on_behalf_of_name: str
    weight: Decimal
    present: bool
    choice: str | None


class TallyOut(Schema):
    agenda_item_id: int
    majority_rule: str
    weighted: bool
    quorum_share: Decimal
    total: Decimal
    present: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    not_voted: Decimal
    quorum_required: Decimal
    quorate: bool
    adopted: bool
    result: str
    trace: list[str]
    decision_number: str | None
    ballots: list[BallotOut]


# ---------------------------------------------------------------- committees


@router.get("/committees", response=list[CommitteeListOut], summary="Committees the caller may see")
@paginate(BoundedLimitOffsetPagination)
def committees_list(request: HttpRequest) -> QuerySet[Committee]:
    return selectors.committee_list(user=request.user)


@router.get("/committees/{committee_id}", response=CommitteeDetailOut, summary="One committee with its seats")
def committees_get(request: HttpRequest, committee_id: Id) -> Committee:
    return selectors.committee_get_for_user(user=request.user, committee_id=committee_id)


# ---------------------------------------------------------------- meetings


@router.get("/meetings", response=list[MeetingOut], summary="Meetings, by committee and year")
@paginate(BoundedLimitOffsetPagination)
def meetings_list(request: HttpRequest, committee: Id | None = None, year: Year | None = None) -> QuerySet[Meeting]:
    chosen = selectors.committee_get_for_user(user=request.user, committee_id=committee) if committee else None
    return selectors.meeting_list(user=request.user, committee=chosen, year=year)


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut, summary="One meeting with its agenda")
def meetings_get(request: HttpRequest, meeting_id: Id) -> Meeting:
    return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)


@router.post("/meetings", response={201: MeetingOut}, summary="Schedule a meeting")
def meetings_create(request: HttpRequest, payload: MeetingIn) -> tuple[int, Meeting]:
    _require(request, "governance.add_meeting")
    committee = selectors.committee_get_for_user(user=request.user, committee_id=payload.committee_id)
    start = _aware(payload.start)
    assert start is not None
    meeting = services.meeting_schedule(
        actor=request.user,
        committee=committee,
        name=payload.name,
        start=start,
        end=_aware(payload.end),
        location=payload.location,
    )
    return 201, meeting


@router.post("/meetings/{meeting_id}/state", response=MeetingOut, summary="Invite, hold or cancel a meeting")
def meetings_state(request: HttpRequest, meeting_id: Id, payload: MeetingStateIn) -> Meeting:
    _require(request, "governance.change_meeting")
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return services.meeting_set_state(actor=request.user, meeting=meeting, state=payload.state)


@router.post("/meetings/{meeting_id}/agenda-items", response={201: AgendaItemOut}, summary="Add an item to the agenda")
def agenda_items_create(request: HttpRequest, meeting_id: Id, payload: AgendaItemIn) -> tuple[int, AgendaItem]:
    _require(request, "governance.add_agendaitem")
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    paper = selectors.paper_get_for_user(user=request.user, paper_id=payload.paper_id) if payload.paper_id else None
    item = services.agenda_item_add(
        actor=request.user,
        meeting=meeting,
        name=payload.name,
        paper=paper,
        public=payload.public,
        number=payload.number,
        decides=payload.decides,
    )
    return 201, item


@router.post(
    "/meetings/{meeting_id}/attendance",
    response={200: AttendanceOut, 201: AttendanceOut},
    summary="Record who attends in person or by proxy",
)
def attendance_record(request: HttpRequest, meeting_id: Id, payload: AttendanceIn) -> tuple[int, Attendance]:
    _require(request, "governance.add_attendance")
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    membership = get_object_or_404(Membership.objects.filter(deleted=False), pk=payload.membership_id)
    proxy = (
        get_object_or_404(Person.objects.filter(deleted=False), pk=payload.proxy_person_id)
        if payload.proxy_person_id
        else None
    )
    existed = Attendance.objects.filter(meeting=meeting, membership=membership).exists()
    attendance = services.attendance_record(
        actor=request.user, meeting=meeting, membership=membership, present=payload.present, proxy=proxy
    )
    return (200 if existed else 201), attendance


# ---------------------------------------------------------------- papers


@router.get("/papers", response=list[PaperOut], summary="Papers (motions and reports), searchable")
@paginate(BoundedLimitOffsetPagination)
def papers_list(request: HttpRequest, q: Filter | None = None) -> Any:
    return selectors.paper_list(user=request.user, q=q)


@router.post("/papers", response={201: PaperOut}, summary="Create a paper (Beschlussvorlage)")
def papers_create(request: HttpRequest, payload: PaperIn) -> tuple[int, Any]:
    _require(request, "governance.add_paper")
    body = organization_get_for_user(user=request.user, organization_id=payload.body_id)
    paper = services.paper_create(
        actor=request.user,
        body=body,
        reference=payload.reference,
        name=payload.name,
        date=payload.date,
        paper_type=payload.paper_type,
        text=payload.text,
        proposed_resolution=payload.proposed_resolution,
        subject_kind=payload.subject_kind,
        subject_id=payload.subject_id,
        majority_rule=payload.majority_rule,
        public=payload.public,
    )
    return 201, paper


# ---------------------------------------------------------------- votes and decisions


def _item_for_voting(user: Any, item_id: Id) -> AgendaItem:
    """Committee business is public record: a voter needs no read permission, only a seat (the service checks
    it). Non-public items stay invisible to those who may not see them."""
    item = get_object_or_404(
        AgendaItem.objects.filter(deleted=False, meeting__deleted=False).select_related("meeting__committee"),
        pk=item_id,
    )
    if not item.public and not selectors.sees_internal(user, item.meeting.committee):
        raise Http404
    return item


@router.post(
    "/agenda-items/{item_id}/votes",
    response={200: VoteOut, 201: VoteOut},
    summary="Cast (or change) the vote of a seat",
)
def votes_cast(request: HttpRequest, item_id: Id, payload: VoteIn) -> tuple[int, Vote]:
    item = _item_for_voting(request.user, item_id)
    membership = get_object_or_404(Membership.objects.filter(deleted=False), pk=payload.membership_id)
    existed = Vote.objects.filter(agenda_item=item, membership=membership).exists()
    vote = services.vote_cast(actor=request.user, agenda_item=item, membership=membership, choice=payload.choice)
    return (200 if existed else 201), vote


@router.post(
    "/agenda-items/{item_id}/decision",
    response={201: DecisionOut},
    summary="Close the vote and record the decision (with its effect on the paper's subject)",
)
def decisions_record(request: HttpRequest, item_id: Id, payload: DecisionIn | None = None) -> tuple[int, Decision]:
    _require(request, "governance.add_decision")
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id)
    data = payload or DecisionIn()
    decision = services.decision_record(
        actor=request.user, agenda_item=item, decided_on=data.decided_on, resolution_text=data.resolution_text
    )
    return 201, decision


@router.get("/agenda-items/{item_id}/tally", response=TallyOut, summary="Ballots and running tally of an item")
def agenda_items_tally(request: HttpRequest, item_id: Id) -> TallyOut:
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id)
    seats = services.ballots_for(item)
    rule = services.rule_for(item)
    try:
        result = tally([ballot for _seat, ballot in seats], rule)
    except VotingError as exc:
        raise ValidationError({"votes": str(exc)}) from exc
    decision = Decision.objects.filter(agenda_item=item).first()
    return TallyOut(
        agenda_item_id=item.pk,
        majority_rule=rule.majority,
        weighted=rule.weighted,
        quorum_share=rule.quorum_share,
        total=result.total,
        present=result.present,
        yes=result.yes,
        no=result.no,
        abstain=result.abstain,
        not_voted=result.not_voted,
        quorum_required=result.quorum_required,
        quorate=result.quorate,
        adopted=result.adopted,
        result=result.result,
        trace=list(result.trace),
        decision_number=decision.number if decision else None,
        ballots=[
            BallotOut(
                membership_id=seat.pk,
                person_name=seat.person.name,
                on_behalf_of_name=seat.on_behalf_of.name if seat.on_behalf_of else "",
                weight=ballot.weight,
                present=ballot.present,
                choice=ballot.choice,
            )
            for seat, ballot in seats
        ],
    )


@router.get("/decisions", response=list[DecisionOut], summary="The register of decisions, searchable")
@paginate(BoundedLimitOffsetPagination)
def decisions_list(
    request: HttpRequest, q: Filter | None = None, committee: Id | None = None, year: Year | None = None
) -> QuerySet[Decision]:
    return selectors.decision_register(user=request.user, q=q, committee_id=committee, year=year)
