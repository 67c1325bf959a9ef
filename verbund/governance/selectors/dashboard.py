"""The committee card of the dashboard."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from verbund.governance.choices import MeetingState, MembershipRole
from verbund.governance.models import (
    AgendaItem,
    Meeting,
    Membership,
    Vote,
)
from verbund.governance.selectors.seats import seats_of

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
