"""Reads for governance, through the access layer.

Who sees what (ADR 0029): a user whose role grants the governance.view_* permission (provider staff, auditors,
committee members) sees every committee's business; a user without it who holds a seat in a committee (a member
contact who is also the member's voting representative) sees, on the governance pages, the business of the
committees they hold a seat in and nothing else. Both are one rule of the access layer:
`Model.objects.restrict(user, relations=seats)`, where the models name the path to their committee
(`models.SeatScoped`). The pages pass `seats=True`; the REST API serves the roles only (`seats=False`).

Committee business is public record, except agenda items marked non-public (and the papers only discussed
there): those are seen by the roles that see all organisations and by persons holding a seat in the committee.
Soft-deleted rows never appear: every read starts from `.alive()`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from verbund.core.access import Action, permission_name, user_sees_all
from verbund.governance.choices import MeetingState, MembershipRole
from verbund.governance.engine.voting import Ballot, Rule, Tally, VotingError, outcome, tally
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
from verbund.registry.models import Organization

# ---------------------------------------------------------------------------------------------- seats


def seats_of(user: Any) -> QuerySet[Membership]:
    """The user's own seats (live seats of the live person linked to the login), any committee, any role."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.alive().filter(person__user=user, person__deleted=False)


def may_view(user: Any, permission: str) -> bool:
    """May the user open a governance page at all: the role's view permission, or a seat in some committee.
    Which rows the page then shows is the access layer's business (`restrict(user, relations=True)`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_perm(permission)) or seats_of(user).exists()


def sees_internal(user: Any, committee: Committee | None = None) -> bool:
    """May the user see non-public agenda items (of this committee)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_sees_all(user):
        return True
    seats = seats_of(user)
    if committee is not None:
        seats = seats.filter(committee=committee)
    return seats.exists()


def _shows_internal(user: Any, model: type[Any], seats: bool, committee: Committee | None = None) -> bool:
    """`sees_internal` for rows read through `restrict(user, relations=seats)`: rows a user without the view
    permission gets through seats belong to the committees of those seats, so they include the non-public items
    (no query needed)."""
    if seats and not user.has_perm(permission_name(model, Action.VIEW)):
        return True
    return sees_internal(user, committee)


def person_for_user(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.alive().filter(user=user).first()


# ------------------------------------------------------------------------------------------ committees


def committee_list(*, user: Any, seats: bool = False) -> QuerySet[Committee]:
    return (
        Committee.objects.restrict(user, relations=seats)
        .alive()
        .select_related("body")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__deleted=False, memberships__end_date__isnull=True))
        )
        .order_by("name")
    )


def committee_get_for_user(*, user: Any, committee_id: int, seats: bool = False) -> Committee:
    return get_object_or_404(
        Committee.objects.restrict(user, relations=seats).alive().select_related("body"), pk=committee_id
    )


def committee_memberships(*, committee: Committee) -> QuerySet[Membership]:
    return (
        committee.memberships.alive()
        .select_related("person", "on_behalf_of", "deputy_for__person")
        .order_by("role", "person__family_name", "id")
    )


def seats_on(*, committee: Committee, day: dt.date) -> list[Membership]:
    """The committee's seats (members and deputies) active on that day."""
    return [m for m in committee_memberships(committee=committee) if m.is_active_on(day)]


# ---------------------------------------------------------------------------------------- meetings


def meeting_list(
    *, user: Any, committee: Committee | None = None, year: int | None = None, seats: bool = False
) -> QuerySet[Meeting]:
    queryset = Meeting.objects.restrict(user, relations=seats).alive().select_related("committee")
    if committee is not None:
        queryset = queryset.filter(committee=committee)
    if year is not None:
        queryset = queryset.filter(start__year=year)
    return queryset.order_by("start", "id")


def meeting_get_for_user(*, user: Any, meeting_id: int, seats: bool = False) -> Meeting:
    return get_object_or_404(
        Meeting.objects.restrict(user, relations=seats).alive().select_related("committee"), pk=meeting_id
    )


def agenda_items(*, user: Any, meeting: Meeting, seats: bool = False) -> QuerySet[AgendaItem]:
    queryset = (
        AgendaItem.objects.restrict(user, relations=seats)
        .alive()
        .filter(meeting=meeting)
        .select_related("paper", "decision")
        .order_by("position", "id")
    )
    if not _shows_internal(user, AgendaItem, seats, meeting.committee):
        queryset = queryset.filter(public=True)
    return queryset


def agenda_item_get_for_user(*, user: Any, item_id: int, seats: bool = False) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.restrict(user, relations=seats).alive().select_related("meeting__committee", "paper"),
        pk=item_id,
    )
    if not item.public and not _shows_internal(user, AgendaItem, seats, item.meeting.committee):
        raise Http404
    return item


def agenda_order(*, item: AgendaItem) -> list[int]:
    """The ids of the meeting's agenda in order, as `services.agenda_item_move` counts positions."""
    return list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("position", "id").values_list("pk", flat=True)
    )


def has_voted(*, item: AgendaItem, membership: Membership) -> bool:
    return Vote.objects.filter(agenda_item=item, membership=membership).exists()


def attendance_for(*, meeting: Meeting) -> dict[int, Attendance]:
    return {a.membership_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("proxy")}


def meeting_has_decision(*, meeting: Meeting) -> bool:
    """Is a decision recorded in this meeting (attendance is then final)?"""
    return Decision.objects.filter(agenda_item__meeting=meeting).exists()


def membership_get(*, membership_id: Any) -> Membership | None:
    """A live seat by id, for the forms of voting and attendance: committee business is public record, and the
    services decide whether the caller may act for that seat."""
    try:
        pk = int(membership_id)
    except (TypeError, ValueError):
        return None
    return Membership.objects.alive().select_related("person", "on_behalf_of").filter(pk=pk).first()


def person_get(*, person_id: int) -> Person | None:
    """A live person by id (a proxy named in an attendance record)."""
    return Person.objects.alive().filter(pk=person_id).first()


def item_for_voting(*, user: Any, item_id: int) -> AgendaItem:
    """An agenda item to vote on. A voter needs no read permission, only a seat (the service checks it);
    non-public items stay invisible to those who may not see them."""
    item = get_object_or_404(
        AgendaItem.objects.alive().filter(meeting__deleted=False).select_related("meeting__committee"), pk=item_id
    )
    if not item.public and not sees_internal(user, item.meeting.committee):
        raise Http404
    return item


# ------------------------------------------------------------------------------------------------ papers


def paper_list(*, user: Any, q: str | None = None, seats: bool = False) -> QuerySet[Paper]:
    queryset = Paper.objects.restrict(user, relations=seats).alive().select_related("body")
    if not _shows_internal(user, Paper, seats):
        queryset = queryset.filter(public=True)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(reference__icontains=term) | Q(text__icontains=term))
    return queryset.order_by("-date", "-id")


def paper_get_for_user(*, user: Any, paper_id: int, seats: bool = False) -> Paper:
    consultations = AgendaItem.objects.restrict(user, relations=seats).alive()
    paper = get_object_or_404(
        Paper.objects.restrict(user, relations=seats)
        .alive()
        .select_related("body")
        .prefetch_related(
            Prefetch("agenda_items", queryset=consultations.select_related("meeting__committee", "decision"))
        ),
        pk=paper_id,
    )
    if not paper.public and not _shows_internal(user, Paper, seats):
        raise Http404
    return paper


def paper_bodies(*, user: Any) -> list[Organization]:
    """The bodies a new paper may belong to: organisations the user sees that have a live committee."""
    return list(Organization.objects.restrict(user).filter(committees__deleted=False).distinct().order_by("name"))


def papers_of_body(*, user: Any, body_id: int) -> list[Paper]:
    """The papers a meeting of this body may put on its agenda."""
    return list(Paper.objects.restrict(user).alive().filter(body_id=body_id).order_by("-date", "-id"))


# --------------------------------------------------------------------------------------------- decisions


def decision_of(item: AgendaItem) -> Decision | None:
    """The decision recorded on the item, or None (reads the `select_related("decision")` cache when there)."""
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def decision_register(
    *,
    user: Any,
    q: str | None = None,
    committee_id: int | None = None,
    year: int | None = None,
    seats: bool = False,
) -> QuerySet[Decision]:
    """Every recorded decision the user may see, newest first, searchable by number, title and text."""
    queryset = Decision.objects.restrict(user, relations=seats).select_related(
        "agenda_item__meeting__committee", "agenda_item__paper", "amends", "repeals"
    )
    if not _shows_internal(user, Decision, seats):
        queryset = queryset.filter(agenda_item__public=True)
    if committee_id:
        queryset = queryset.filter(agenda_item__meeting__committee_id=committee_id)
    if year:
        queryset = queryset.filter(decided_on__year=year)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(
            Q(number__icontains=term)
            | Q(agenda_item__name__icontains=term)
            | Q(resolution_text__icontains=term)
            | Q(agenda_item__paper__reference__icontains=term)
        )
    return queryset.order_by("-decided_on", "-id")


def decision_years(*, user: Any, seats: bool = False) -> list[int]:
    """The years with a decision the user may see, newest first (the register's year filter)."""
    days = Decision.objects.restrict(user, relations=seats).dates("decided_on", "year")
    return sorted({day.year for day in days}, reverse=True)


# ------------------------------------------------------------------------------------------------ tally


def rule_for(item: AgendaItem) -> Rule:
    committee = item.meeting.committee
    majority = item.paper.majority_rule if item.paper and item.paper.majority_rule else committee.majority_rule
    return Rule(majority=majority, weighted=committee.weighted_votes, quorum_share=committee.quorum_share)


def ballots_for(item: AgendaItem, attendance: dict[int, Attendance] | None = None) -> list[tuple[Membership, Ballot]]:
    """Every voting seat of the committee on the meeting day with presence and vote (for tally and display)."""
    meeting = item.meeting
    day = meeting.start.date()
    seats = [
        m
        for m in Membership.objects.alive()
        .filter(committee=meeting.committee, voting_right=True)
        .exclude(role=MembershipRole.DEPUTY)
        .select_related("person", "on_behalf_of")
        .order_by("id")
        if m.is_active_on(day)
    ]
    if attendance is None:
        attendance = attendance_for(meeting=meeting)
    votes = {v.membership_id: v.choice for v in Vote.objects.filter(agenda_item=item)}
    result = []
    for seat in seats:
        present = seat.pk in attendance and attendance[seat.pk].represented
        choice = votes.get(seat.pk) if present else None
        ballot = Ballot(member=f"{seat.pk}", weight=seat.voting_weight, present=present, choice=choice)
        result.append((seat, ballot))
    return result


@dataclass(frozen=True)
class BallotRow:
    membership_id: int
    person_name: str
    on_behalf_of_name: str
    weight: Decimal
    present: bool
    choice: str | None


@dataclass(frozen=True)
class VoteTally:
    """The one reading of the vote on an agenda item, as the engine counts it now: used by the page's tally box,
    the API's tally and `services.decision_record` (which stores it). `figures` is None and `error` says why
    when the engine refuses the ballots."""

    item: AgendaItem
    rule: Rule
    seats: list[tuple[Membership, Ballot]]
    attendance: dict[int, Attendance]
    figures: Tally | None
    error: str
    decision: Decision | None

    @property
    def ballots(self) -> list[BallotRow]:
        return [
            BallotRow(
                membership_id=seat.pk,
                person_name=seat.person.name,
                on_behalf_of_name=seat.on_behalf_of.name if seat.on_behalf_of else "",
                weight=ballot.weight,
                present=ballot.present,
                choice=ballot.choice,
            )
            for seat, ballot in self.seats
        ]

    @property
    def outcome(self) -> str:
        """Whether the outstanding votes can still change the result: "adopted", "rejected" or "open"."""
        return outcome([ballot for _seat, ballot in self.seats], self.rule) if self.figures else ""

    # The API's names (TallyOut) for the engine's figures.
    @property
    def agenda_item_id(self) -> int:
        return self.item.pk

    @property
    def majority_rule(self) -> str:
        return self.rule.majority

    @property
    def weighted(self) -> bool:
        return self.rule.weighted

    @property
    def quorum_share(self) -> Decimal:
        return self.rule.quorum_share

    @property
    def decision_number(self) -> str | None:
        return self.decision.number if self.decision else None

    # The engine's figures (only read after checking `error`: the API refuses, the service raises).
    @property
    def total(self) -> Decimal:
        return self._figures.total

    @property
    def present(self) -> Decimal:
        return self._figures.present

    @property
    def yes(self) -> Decimal:
        return self._figures.yes

    @property
    def no(self) -> Decimal:
        return self._figures.no

    @property
    def abstain(self) -> Decimal:
        return self._figures.abstain

    @property
    def not_voted(self) -> Decimal:
        return self._figures.not_voted

    @property
    def quorum_required(self) -> Decimal:
        return self._figures.quorum_required

    @property
    def quorate(self) -> bool:
        return self._figures.quorate

    @property
    def adopted(self) -> bool:
        return self._figures.adopted

    @property
    def result(self) -> str:
        return self._figures.result

    @property
    def trace(self) -> list[str]:
        return list(self._figures.trace)

    @property
    def _figures(self) -> Tally:
        if self.figures is None:
            raise VotingError("votes", self.error)
        return self.figures


def vote_tally(item: AgendaItem, *, decision: Decision | None = None) -> VoteTally:
    """Seats, ballots, attendance and the engine's tally of an item (three queries once the item's meeting,
    committee and paper are loaded)."""
    rule = rule_for(item)
    attendance = attendance_for(meeting=item.meeting)
    seats = ballots_for(item, attendance)
    figures: Tally | None = None
    error = ""
    try:
        figures = tally([ballot for _seat, ballot in seats], rule)
    except VotingError as exc:
        error = str(exc)
    return VoteTally(
        item=item, rule=rule, seats=seats, attendance=attendance, figures=figures, error=error, decision=decision
    )


# ------------------------------------------------------------------------------------------------ dashboard

VOTING_STATES = (MeetingState.INVITED, MeetingState.HELD)  # as services.VOTING_STATES


@dataclass(frozen=True)
class OpenVote:
    """An undecided item the user's seat votes on: already voted or not, and the day voting opens if ahead."""

    item: AgendaItem
    seat: Membership
    voted: bool
    opens_on: dt.date | None


@dataclass(frozen=True)
class CommitteeWork:
    next_meeting: Meeting | None
    open_votes: list[OpenVote]
    seats: list[Membership]


def committee_work(*, user: Any, today: dt.date, limit: int = 8) -> CommitteeWork:
    """The next meeting and the open votes of the user's committees, for the dashboard, in four queries.

    The meetings are those the user sees on the governance pages (the role's, or the committees of the user's
    seats); open votes are only those of the user's own voting seats."""
    seats = list(
        seats_of(user)
        .filter(voting_right=True)
        .exclude(role=MembershipRole.DEPUTY)
        .select_related("committee", "on_behalf_of")
        .order_by("committee__name", "id")
    )
    committee_ids = {seat.committee_id for seat in seats}
    next_meeting = (
        Meeting.objects.restrict(user, relations=True)
        .alive()
        .filter(start__date__gte=today, state__in=(MeetingState.SCHEDULED, MeetingState.INVITED))
        .select_related("committee")
        .order_by("start", "id")
        .first()
    )
    items = list(
        AgendaItem.objects.alive()
        .filter(
            meeting__committee_id__in=committee_ids,
            meeting__state__in=VOTING_STATES,
            meeting__deleted=False,
            decides=True,
            decision__isnull=True,
        )
        .select_related("meeting__committee")
        .order_by("meeting__start", "position", "id")[:limit]
    )
    votes = Vote.objects.filter(agenda_item__in=[i.pk for i in items], membership__in=[s.pk for s in seats])
    voted = set(votes.values_list("agenda_item_id", "membership_id")) if items and seats else set()
    open_votes = []
    for item in items:
        day = timezone.localtime(item.meeting.start).date()
        for seat in seats:
            if seat.committee_id == item.meeting.committee_id and seat.is_active_on(day):
                open_votes.append(OpenVote(item, seat, (item.pk, seat.pk) in voted, day if today < day else None))
    return CommitteeWork(next_meeting=next_meeting, open_votes=open_votes, seats=seats)
