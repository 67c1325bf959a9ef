"""Committees, meetings, agendas, attendance and the seats a vote or an attendance record names."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

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
from verbund.governance.selectors.seats import sees_internal, shows_internal


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
    if not shows_internal(user, AgendaItem, seats, meeting.committee):
        queryset = queryset.filter(public=True)
    return queryset


def agenda_item_get_for_user(*, user: Any, item_id: int, seats: bool = False) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.restrict(user, relations=seats).alive().select_related("meeting__committee", "paper"),
        pk=item_id,
    )
    if not item.public and not shows_internal(user, AgendaItem, seats, item.meeting.committee):
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
