"""Reads for governance, through the access layer.

Committee business is public record, except agenda items marked non-public (and the papers only discussed
there): those are seen by provider staff, auditors and committee members (roles that see all organisations)
and by persons holding a seat in the committee.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from verbund.core.access import user_sees_all
from verbund.governance.choices import MeetingState, MembershipRole
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


def sees_internal(user: Any, committee: Committee | None = None) -> bool:
    """May the user see non-public agenda items (of this committee)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_sees_all(user):
        return True
    seats = Membership.objects.filter(person__user=user, deleted=False)
    if committee is not None:
        seats = seats.filter(committee=committee)
    return seats.exists()


def person_for_user(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user, deleted=False).first()


def committee_list(*, user: Any) -> QuerySet[Committee]:
    return (
        Committee.objects.restrict(user)
        .filter(deleted=False)
        .select_related("body")
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__deleted=False, memberships__end_date__isnull=True))
        )
        .order_by("name")
    )


def committee_get_for_user(*, user: Any, committee_id: int) -> Committee:
    return get_object_or_404(
        Committee.objects.restrict(user).filter(deleted=False).select_related("body"), pk=committee_id
    )


def committee_memberships(*, committee: Committee) -> QuerySet[Membership]:
    return (
        committee.memberships.filter(deleted=False)
        .select_related("person", "on_behalf_of", "deputy_for__person")
        .order_by("role", "person__family_name", "id")
    )


def meeting_list(*, user: Any, committee: Committee | None = None, year: int | None = None) -> QuerySet[Meeting]:
    queryset = Meeting.objects.restrict(user).filter(deleted=False).select_related("committee")
    if committee is not None:
        queryset = queryset.filter(committee=committee)
    if year is not None:
        queryset = queryset.filter(start__year=year)
    return queryset.order_by("start", "id")


def meeting_get_for_user(*, user: Any, meeting_id: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.restrict(user).filter(deleted=False).select_related("committee"), pk=meeting_id
    )


def agenda_items(*, user: Any, meeting: Meeting) -> QuerySet[AgendaItem]:
    queryset = (
        AgendaItem.objects.restrict(user)
        .filter(meeting=meeting, deleted=False)
        .select_related("paper", "decision")
        .order_by("position", "id")
    )
    if not sees_internal(user, meeting.committee):
        queryset = queryset.filter(public=True)
    return queryset


def agenda_item_get_for_user(*, user: Any, item_id: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.restrict(user).filter(deleted=False).select_related("meeting__committee", "paper"),
        pk=item_id,
    )
    if not item.public and not sees_internal(user, item.meeting.committee):
        from django.http import Http404

        raise Http404
    return item


def attendance_for(*, meeting: Meeting) -> dict[int, Attendance]:
    return {a.membership_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("proxy")}


def votes_for(*, item: AgendaItem) -> QuerySet[Vote]:
    return item.votes.select_related("membership__person", "membership__on_behalf_of", "cast_by").order_by(
        "membership__person__family_name"
    )


def paper_list(*, user: Any, q: str | None = None) -> QuerySet[Paper]:
    queryset = Paper.objects.restrict(user).filter(deleted=False).select_related("body")
    if not sees_internal(user):
        queryset = queryset.filter(public=True)
    if q and q.strip():
        term = q.strip()
        queryset = queryset.filter(Q(name__icontains=term) | Q(reference__icontains=term) | Q(text__icontains=term))
    return queryset.order_by("-date", "-id")


def paper_get_for_user(*, user: Any, paper_id: int) -> Paper:
    paper = get_object_or_404(
        Paper.objects.restrict(user)
        .filter(deleted=False)
        .select_related("body")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(deleted=False).select_related("meeting__committee", "decision"),
            )
        ),
        pk=paper_id,
    )
    if not paper.public and not sees_internal(user):
        from django.http import Http404

        raise Http404
    return paper


def decision_register(
    *, user: Any, q: str | None = None, committee_id: int | None = None, year: int | None = None
) -> QuerySet[Decision]:
    """Every recorded decision the user may see, newest first, searchable by number, title and text."""
    queryset = Decision.objects.restrict(user).select_related(
        "agenda_item__meeting__committee", "agenda_item__paper", "amends", "repeals"
    )
    if not sees_internal(user):
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

    The committees are those the user holds a seat in (the governance pages' seat rule) and, for a role that may
    view meetings, every meeting it sees; open votes are only those of the user's own seats."""
    seats = list(
        Membership.objects.filter(person__user=user, person__deleted=False, deleted=False, voting_right=True)
        .exclude(role=MembershipRole.DEPUTY)
        .select_related("committee", "on_behalf_of")
        .order_by("committee__name", "id")
    )
    committee_ids = {seat.committee_id for seat in seats}
    meetings = Meeting.objects.restrict(user).filter(deleted=False)
    if not user.has_perm("governance.view_meeting"):
        meetings = Meeting.objects.filter(deleted=False, committee_id__in=committee_ids)
    next_meeting = (
        meetings.filter(start__date__gte=today, state__in=(MeetingState.SCHEDULED, MeetingState.INVITED))
        .select_related("committee")
        .order_by("start", "id")
        .first()
    )
    items = list(
        AgendaItem.objects.filter(
            meeting__committee_id__in=committee_ids,
            meeting__state__in=VOTING_STATES,
            meeting__deleted=False,
            deleted=False,
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
