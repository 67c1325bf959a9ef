"""Meetings: the calendar, one meeting with its agenda, scheduling, state, agenda items and attendance."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Id, Year
from verbund.governance import selectors, services
from verbund.governance.api.common import aware, operation_id, require
from verbund.governance.api.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    AttendanceOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MeetingStateIn,
)
from verbund.governance.models import AgendaItem, Attendance, Meeting

router = Router()


@router.get(
    "/meetings",
    response=list[MeetingOut],
    summary="Meetings, by committee and year",
    operation_id=operation_id("meetings_list"),
)
@paginate(BoundedLimitOffsetPagination)
def meetings_list(request: HttpRequest, committee: Id | None = None, year: Year | None = None) -> QuerySet[Meeting]:
    chosen = selectors.committee_get_for_user(user=request.user, committee_id=committee) if committee else None
    return selectors.meeting_list(user=request.user, committee=chosen, year=year)


@router.get(
    "/meetings/{meeting_id}",
    response=MeetingDetailOut,
    summary="One meeting with its agenda",
    operation_id=operation_id("meetings_get"),
)
def meetings_get(request: HttpRequest, meeting_id: Id) -> Meeting:
    return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)


@router.post(
    "/meetings", response={201: MeetingOut}, summary="Schedule a meeting", operation_id=operation_id("meetings_create")
)
def meetings_create(request: HttpRequest, payload: MeetingIn) -> tuple[int, Meeting]:
    require(request, "governance.add_meeting")
    committee = selectors.committee_get_for_user(user=request.user, committee_id=payload.committee_id)
    start = aware(payload.start)
    assert start is not None
    meeting = services.meeting_schedule(
        actor=request.user,
        committee=committee,
        name=payload.name,
        start=start,
        end=aware(payload.end),
        location=payload.location,
    )
    return 201, meeting


@router.post(
    "/meetings/{meeting_id}/state",
    response=MeetingOut,
    summary="Invite, hold or cancel a meeting",
    operation_id=operation_id("meetings_state"),
)
def meetings_state(request: HttpRequest, meeting_id: Id, payload: MeetingStateIn) -> Meeting:
    require(request, "governance.change_meeting")
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    return services.meeting_set_state(actor=request.user, meeting=meeting, state=payload.state)


@router.post(
    "/meetings/{meeting_id}/agenda-items",
    response={201: AgendaItemOut},
    summary="Add an item to the agenda",
    operation_id=operation_id("agenda_items_create"),
)
def agenda_items_create(request: HttpRequest, meeting_id: Id, payload: AgendaItemIn) -> tuple[int, AgendaItem]:
    require(request, "governance.add_agendaitem")
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
    operation_id=operation_id("attendance_record"),
)
def attendance_record(request: HttpRequest, meeting_id: Id, payload: AttendanceIn) -> tuple[int, Attendance]:
    require(request, "governance.add_attendance")
    meeting = selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    membership = selectors.membership_get(membership_id=payload.membership_id)
    if membership is None:
        raise Http404
    proxy = None
    if payload.proxy_person_id:
        proxy = selectors.person_get(person_id=payload.proxy_person_id)
        if proxy is None:
            raise Http404
    existed = membership.pk in selectors.attendance_for(meeting=meeting)
    attendance = services.attendance_record(
        actor=request.user, meeting=meeting, membership=membership, present=payload.present, proxy=proxy
    )
    return (200 if existed else 201), attendance
