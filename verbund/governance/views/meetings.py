"""Meetings: the calendar, one meeting with its agenda and attendance, the staff actions on it, and its PDFs
(invitation and minutes)."""

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from verbund.core.audit import audit_events_for
from verbund.core.params import query_year
from verbund.governance import selectors, services, subjects
from verbund.governance.choices import MeetingState, MembershipRole
from verbund.governance.forms import AgendaItemForm, AttendanceForm
from verbund.governance.models import Meeting, Membership, Person
from verbund.governance.views.common import (
    add_errors,
    allow,
    int_or_none,
    pdf_response,
    require,
    show_errors,
)
from verbund.governance.views.votes import TallyView


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id, seats=True)


def _agenda(request: HttpRequest, meeting: Meeting) -> list[Any]:
    """The agenda the user may see (a seat holder of the committee sees the non-public items too)."""
    return list(selectors.agenda_items(user=request.user, meeting=meeting, seats=True))


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    allow(request, "governance.view_meeting")
    committee_options = list(selectors.committee_list(user=request.user, seats=True))
    committee_id = int_or_none(request.GET.get("committee"))
    committee = next((c for c in committee_options if c.pk == committee_id), None)
    year = query_year(request.GET.get("year"))  # bounded: ?year=32976 answered 500
    base = selectors.meeting_list(user=request.user, seats=True)
    meetings = selectors.meeting_list(user=request.user, committee=committee, year=year, seats=True)
    years = sorted({day.year for day in base.dates("start", "year")}, reverse=True)
    months = [
        (month, list(group))
        for month, group in itertools.groupby(meetings, key=lambda m: timezone.localtime(m.start).date().replace(day=1))
    ]
    return render(
        request,
        "governance/meeting_list.html",
        {
            "months": months,
            "committees": committee_options,
            "committee": committee,
            "years": years,
            "year": year,
        },
    )


def _attendance_rows(meeting: Meeting) -> tuple[list[Membership], list[Person], dict[int, Any]]:
    """Seats that attend in their own right (not deputies), the persons who may act as proxy (any seat holder
    on the day), and the attendance recorded so far."""
    seats = selectors.seats_on(committee=meeting.committee, day=timezone.localtime(meeting.start).date())
    proxies = list({m.person_id: m.person for m in seats}.values())
    proxies.sort(key=lambda p: p.name)
    attending = [m for m in seats if m.role != MembershipRole.DEPUTY]
    return attending, proxies, selectors.attendance_for(meeting=meeting)


STATE_ACTIONS: dict[str, Any] = {
    MeetingState.INVITED: gettext_lazy("Mark as invited"),
    MeetingState.HELD: gettext_lazy("Mark as held"),
    MeetingState.CANCELLED: gettext_lazy("Cancel meeting"),
}


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    agenda_form: AgendaItemForm | None = None,
    attendance_form: AttendanceForm | None = None,
) -> HttpResponse:
    user = request.user
    items = _agenda(request, meeting)
    seats, proxies, attendance = _attendance_rows(meeting)
    open_agenda = meeting.state not in (MeetingState.HELD, MeetingState.CANCELLED)
    decided = selectors.meeting_has_decision(meeting=meeting)
    may_build = user.has_perm("governance.add_agendaitem") and open_agenda
    may_attend = user.has_perm("governance.add_attendance") and not decided
    if may_build and agenda_form is None:
        papers = selectors.papers_of_body(user=user, body_id=meeting.committee.body_id)
        agenda_form = AgendaItemForm(papers=papers, prefix="agenda")
    if may_attend and attendance_form is None:
        attendance_form = AttendanceForm(seats=seats, proxies=proxies, attendance=attendance, prefix="attendance")
    transitions = (
        [
            (state, STATE_ACTIONS[state])
            for state in MeetingState.values
            if state in services.MEETING_TRANSITIONS[meeting.state]
        ]
        if user.has_perm("governance.change_meeting")
        else []
    )
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "items": items,
            "attendance_rows": [(seat, attendance.get(seat.pk)) for seat in seats],
            "agenda_form": agenda_form if may_build else None,
            "attendance_form": attendance_form if may_attend else None,
            "attendance_locked": decided,
            "transitions": transitions,
            "may_move": may_build and len(items) > 1,
            "events": audit_events_for(meeting)[:30],
        },
    )


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    allow(request, "governance.view_meeting")
    return _meeting_page(request, _meeting(request, meeting_id))


@login_required
@require_POST
def meeting_state(request: HttpRequest, meeting_id: int) -> HttpResponse:
    require(request, "governance.change_meeting")
    allow(request, "governance.view_meeting")
    meeting = _meeting(request, meeting_id)
    state = request.POST.get("state", "")
    try:
        updated = services.meeting_set_state(actor=request.user, meeting=meeting, state=state)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, _("The meeting is now %(state)s.") % {"state": updated.get_state_display()})
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    require(request, "governance.add_agendaitem")
    allow(request, "governance.view_meeting")
    meeting = _meeting(request, meeting_id)
    papers = selectors.papers_of_body(user=request.user, body_id=meeting.committee.body_id)
    form = AgendaItemForm(request.POST, papers=papers, prefix="agenda")
    if form.is_valid():
        try:
            item = services.agenda_item_add(
                actor=request.user,
                meeting=meeting,
                name=form.cleaned_data["name"],
                paper=form.cleaned_data["paper"],
                public=form.cleaned_data["public"],
                decides=form.cleaned_data["decides"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("%(item)s was added to the agenda.") % {"item": item})
            return redirect(meeting.get_absolute_url())
    return _meeting_page(request, meeting, agenda_form=form)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, item_id: int) -> HttpResponse:
    require(request, "governance.add_agendaitem")
    allow(request, "governance.view_agendaitem")
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id, seats=True)
    order = selectors.agenda_order(item=item)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.agenda_item_move(actor=request.user, item=item, position=order.index(item.pk) + step)
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect(f"{item.meeting.get_absolute_url()}#agenda")


@login_required
@require_POST
def attendance_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    require(request, "governance.add_attendance")
    allow(request, "governance.view_meeting")
    meeting = _meeting(request, meeting_id)
    seats, proxies, attendance = _attendance_rows(meeting)
    form = AttendanceForm(request.POST, seats=seats, proxies=proxies, attendance=attendance, prefix="attendance")
    if form.is_valid():
        try:
            with transaction.atomic():  # all rows or none
                changed = 0
                for seat, present, proxy in form.changes(all_present="all_present" in request.POST):
                    try:
                        services.attendance_record(
                            actor=request.user, meeting=meeting, membership=seat, present=present, proxy=proxy
                        )
                    except ValidationError as exc:
                        raise ValidationError({AttendanceForm.field_name(seat): exc.messages}) from exc
                    changed += 1
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("Attendance was recorded (%(n)s change).", "Attendance was recorded (%(n)s changes).", changed)
                % {"n": changed},
            )
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return _meeting_page(request, meeting, attendance_form=form)


# ---------------------------------------------------------------------------------------------------- PDFs


@login_required
def meeting_invitation_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    allow(request, "governance.view_meeting")
    meeting = _meeting(request, meeting_id)
    return pdf_response(
        request,
        "governance/meeting_invitation_pdf.html",
        {"meeting": meeting, "committee": meeting.committee, "items": _agenda(request, meeting)},
        f"einladung-{meeting.pk}.pdf",
    )


@login_required
def meeting_minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    allow(request, "governance.view_meeting")
    meeting = _meeting(request, meeting_id)
    items = _agenda(request, meeting)
    seats, _proxies, attendance = _attendance_rows(meeting)
    entries = []
    for item in items:
        decision = selectors.decision_of(item)
        label = subjects.describe(decision.subject_kind, decision.subject_id) if decision else ""
        entries.append(
            {
                "item": item,
                "decision": decision,
                "subject_label": label,
                "tally": TallyView.recorded(decision) if decision else None,
            }
        )
    return pdf_response(
        request,
        "governance/meeting_minutes_pdf.html",
        {
            "meeting": meeting,
            "committee": meeting.committee,
            "entries": entries,
            "attendance_rows": [(seat, attendance.get(seat.pk)) for seat in seats],
        },
        f"niederschrift-{meeting.pk}.pdf",
    )
