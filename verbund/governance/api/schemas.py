"""The governance API's request and response schemas."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from verbund.core.api_types import Day, Id, Moment
from verbund.governance import selectors
from verbund.governance.models import AgendaItem, Committee, Decision, Meeting, Membership

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
        decision = selectors.decision_of(obj)
        return decision.number if decision else None

    @staticmethod
    def resolve_decision_result(obj: AgendaItem) -> str | None:
        decision = selectors.decision_of(obj)
        return decision.result if decision else None


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
    subject_kind: str = Field(
        "", description="catalogue_version, accession, agreement_change, service_transfer or empty"
    )
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


# `selectors.vote_tally` as it is: the same reading the page shows and a decision stores.
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
