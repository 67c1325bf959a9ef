"""The governance pages: committees, meeting calendar, agendas with attendance, papers, live votes, decisions.

Access (one rule, `governance_access`): a logged-in user sees these pages when the role grants the page's
governance.view_* permission (provider staff, auditors, committee members; rows then come through the access
layer and the selectors), or, without that permission, when the user holds a seat in a committee (a member
contact who is also the member's voting representative): such a user sees the business of the committees they
hold a seat in, and nothing else. Voting needs a seat in any case (the services check it); staff actions need
their own permission (governance.change_meeting, add_agendaitem, add_attendance, add_paper, add_decision).
"""

import datetime as dt
import hashlib
import itertools
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from verbund.catalog.choices import CatalogueStatus
from verbund.catalog.models import CatalogueVersion
from verbund.core.access import openable_ids
from verbund.core.audit import audit_events_for
from verbund.core.params import query_year
from verbund.governance import selectors, services, subjects
from verbund.governance.choices import Choice, DecisionResult, MajorityRule, MeetingState, MembershipRole, SubjectKind
from verbund.governance.engine.voting import Ballot, Tally, VotingError, outcome, tally
from verbund.governance.forms import AgendaItemForm, AttendanceForm, DecisionForm, PaperForm, VoteForm
from verbund.governance.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    Membership,
    Paper,
    Person,
)
from verbund.governance.templatetags.governance_tags import organization_label
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementAmendment, AgreementParty, Organization
from verbund.scenarios.choices import ScenarioStatus
from verbund.scenarios.models import Scenario

PAGE_SIZE = 25
POLL_SECONDS = 3

# ---------------------------------------------------------------------------------------------- access


@dataclass(frozen=True)
class Access:
    """How the user sees the governance pages: through the role's permission, or through seats only."""

    by_role: bool
    committee_ids: frozenset[int] = frozenset()

    def scope(self, queryset: QuerySet[Any], committee_path: str) -> QuerySet[Any]:
        """Seat access: only rows belonging to a committee the user holds a seat in."""
        return queryset.filter(**{f"{committee_path}__in": self.committee_ids})


def governance_access(request: HttpRequest, permission: str) -> Access:
    """The one access rule of the governance pages (see the module docstring). Raises PermissionDenied for a
    user who has neither the view permission nor a seat; objects of other committees are then not found."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if user.has_perm(permission):
        return Access(by_role=True)
    seats = frozenset(
        Membership.objects.filter(person__user=user, person__deleted=False, deleted=False).values_list(
            "committee_id", flat=True
        )
    )
    if not seats:
        raise PermissionDenied
    return Access(by_role=False, committee_ids=seats)


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _committee(request: HttpRequest, access: Access, committee_id: int) -> Committee:
    if access.by_role:
        return selectors.committee_get_for_user(user=request.user, committee_id=committee_id)
    queryset = Committee.objects.filter(deleted=False).select_related("body")
    return get_object_or_404(access.scope(queryset, "pk"), pk=committee_id)


def _meeting(request: HttpRequest, access: Access, meeting_id: int) -> Meeting:
    if access.by_role:
        return selectors.meeting_get_for_user(user=request.user, meeting_id=meeting_id)
    queryset = Meeting.objects.filter(deleted=False).select_related("committee__body")
    return get_object_or_404(access.scope(queryset, "committee"), pk=meeting_id)


def _item(request: HttpRequest, access: Access, item_id: int) -> AgendaItem:
    if access.by_role:
        return selectors.agenda_item_get_for_user(user=request.user, item_id=item_id)
    queryset = AgendaItem.objects.filter(deleted=False).select_related("meeting__committee", "paper")
    return get_object_or_404(access.scope(queryset, "meeting__committee"), pk=item_id)


def _agenda(request: HttpRequest, access: Access, meeting: Meeting) -> list[AgendaItem]:
    """The agenda the user may see (a seat holder of the committee sees the non-public items too)."""
    if access.by_role:
        return list(selectors.agenda_items(user=request.user, meeting=meeting))
    return list(
        AgendaItem.objects.filter(meeting=meeting, deleted=False)
        .select_related("paper", "decision")
        .order_by("position", "id")
    )


def _decision_of(item: AgendaItem) -> Decision | None:
    try:
        return item.decision
    except Decision.DoesNotExist:
        return None


def _show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _add_errors(form: Any, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's errors next to the form's fields (`aliases`: service field name → form field name)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        field = (aliases or {}).get(name, name)
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _querystring(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


# ------------------------------------------------------------------------------------------ committees


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    access = governance_access(request, "governance.view_committee")
    if access.by_role:
        committees = selectors.committee_list(user=request.user)
    else:
        committees = (
            access.scope(Committee.objects.filter(deleted=False), "pk")
            .select_related("body")
            .annotate(
                member_count=Count(
                    "memberships", filter=Q(memberships__deleted=False, memberships__end_date__isnull=True)
                )
            )
            .order_by("name")
        )
    return render(request, "governance/committee_list.html", {"committees": committees})


@login_required
def committee_detail(request: HttpRequest, committee_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_committee")
    committee = _committee(request, access, committee_id)
    meetings = list(Meeting.objects.filter(committee=committee, deleted=False).order_by("start", "id"))
    now = timezone.now()
    memberships = list(selectors.committee_memberships(committee=committee))
    return render(
        request,
        "governance/committee_detail.html",
        {
            "committee": committee,
            "memberships": memberships,
            # a member sees a seat's organisation as a link only where it may open its page (issue #10, 10)
            "openable": openable_ids(request.user, Organization, (m.on_behalf_of_id for m in memberships)),
            "upcoming": [m for m in meetings if m.start >= now],
            "past": [m for m in reversed(meetings) if m.start < now],
            "quorum_percent": committee.quorum_share * 100,
        },
    )


# ---------------------------------------------------------------------------------------------- meetings


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    access = governance_access(request, "governance.view_meeting")
    committee_options = list(
        selectors.committee_list(user=request.user)
        if access.by_role
        else access.scope(Committee.objects.filter(deleted=False), "pk").order_by("name")
    )
    committee_id = _int(request.GET.get("committee"))
    committee = next((c for c in committee_options if c.pk == committee_id), None)
    year = query_year(request.GET.get("year"))  # bounded: ?year=32976 answered 500
    if access.by_role:
        base = selectors.meeting_list(user=request.user)
        meetings = selectors.meeting_list(user=request.user, committee=committee, year=year)
    else:
        base = access.scope(Meeting.objects.filter(deleted=False).select_related("committee"), "committee")
        meetings = base.order_by("start", "id")
        if committee is not None:
            meetings = meetings.filter(committee=committee)
        if year is not None:
            meetings = meetings.filter(start__year=year)
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


def _seats_on(committee: Committee, day: dt.date) -> list[Membership]:
    return [m for m in selectors.committee_memberships(committee=committee) if m.is_active_on(day)]


def _attendance_rows(meeting: Meeting) -> tuple[list[Membership], list[Person], dict[int, Any]]:
    """Seats that attend in their own right (not deputies), the persons who may act as proxy (any seat holder
    on the day), and the attendance recorded so far."""
    seats = _seats_on(meeting.committee, timezone.localtime(meeting.start).date())
    proxies = list({m.person_id: m.person for m in seats}.values())
    proxies.sort(key=lambda p: p.name)
    attending = [m for m in seats if m.role != MembershipRole.DEPUTY]
    return attending, proxies, selectors.attendance_for(meeting=meeting)


def _papers_of(committee: Committee) -> list[Paper]:
    return list(Paper.objects.filter(body_id=committee.body_id, deleted=False).order_by("-date", "-id"))


STATE_ACTIONS: dict[str, Any] = {
    MeetingState.INVITED: gettext_lazy("Mark as invited"),
    MeetingState.HELD: gettext_lazy("Mark as held"),
    MeetingState.CANCELLED: gettext_lazy("Cancel meeting"),
}


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    access: Access,
    agenda_form: AgendaItemForm | None = None,
    attendance_form: AttendanceForm | None = None,
) -> HttpResponse:
    user = request.user
    items = _agenda(request, access, meeting)
    seats, proxies, attendance = _attendance_rows(meeting)
    open_agenda = meeting.state not in (MeetingState.HELD, MeetingState.CANCELLED)
    decided = Decision.objects.filter(agenda_item__meeting=meeting).exists()
    may_build = user.has_perm("governance.add_agendaitem") and open_agenda
    may_attend = user.has_perm("governance.add_attendance") and not decided
    if may_build and agenda_form is None:
        agenda_form = AgendaItemForm(papers=_papers_of(meeting.committee), prefix="agenda")
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
    access = governance_access(request, "governance.view_meeting")
    return _meeting_page(request, _meeting(request, access, meeting_id), access)


@login_required
@require_POST
def meeting_state(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "governance.change_meeting")
    access = governance_access(request, "governance.view_meeting")
    meeting = _meeting(request, access, meeting_id)
    state = request.POST.get("state", "")
    try:
        updated = services.meeting_set_state(actor=request.user, meeting=meeting, state=state)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(request, _("The meeting is now %(state)s.") % {"state": updated.get_state_display()})
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "governance.add_agendaitem")
    access = governance_access(request, "governance.view_meeting")
    meeting = _meeting(request, access, meeting_id)
    form = AgendaItemForm(request.POST, papers=_papers_of(meeting.committee), prefix="agenda")
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
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(item)s was added to the agenda.") % {"item": item})
            return redirect(meeting.get_absolute_url())
    return _meeting_page(request, meeting, access, agenda_form=form)


@login_required
@require_POST
def agenda_item_move(request: HttpRequest, item_id: int) -> HttpResponse:
    _require(request, "governance.add_agendaitem")
    access = governance_access(request, "governance.view_agendaitem")
    item = _item(request, access, item_id)
    order = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("position", "id").values_list("pk", flat=True)
    )
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.agenda_item_move(actor=request.user, item=item, position=order.index(item.pk) + step)
    except ValidationError as exc:
        _show_errors(request, exc)
    return redirect(f"{item.meeting.get_absolute_url()}#agenda")


@login_required
@require_POST
def attendance_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _require(request, "governance.add_attendance")
    access = governance_access(request, "governance.view_meeting")
    meeting = _meeting(request, access, meeting_id)
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
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("Attendance was recorded (%(n)s change).", "Attendance was recorded (%(n)s changes).", changed)
                % {"n": changed},
            )
            return redirect(f"{meeting.get_absolute_url()}#attendance")
    return _meeting_page(request, meeting, access, attendance_form=form)


# -------------------------------------------------------------------------------------- agenda item, votes


@dataclass(frozen=True)
class TallyRow:
    person: str
    on_behalf_of: str
    weight: Decimal
    present: bool
    proxy: str
    choice: str | None
    recorded: bool = True  # live tally: False while the seat's attendance is not recorded (not "absent")

    @property
    def choice_label(self) -> str:
        return str(Choice(self.choice).label) if self.choice in Choice.values else ""


@dataclass(frozen=True)
class TallyView:
    """What the tally box shows: live while the vote runs, as recorded once the decision exists."""

    rows: list[TallyRow]
    total: Decimal
    present: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    quorum_required: Decimal
    quorate: bool
    adopted: bool
    majority_label: str
    weighted: bool
    digest: str
    error: str = ""
    # Live only: whether the outstanding votes can still change the result ("adopted", "rejected" or "open").
    outcome: str = ""
    outstanding: Decimal = Decimal(0)

    @property
    def voted_weight(self) -> Decimal:
        return self.yes + self.no + self.abstain

    @property
    def voted(self) -> list[TallyRow]:
        return [row for row in self.rows if row.choice]


Seats = list[tuple[Membership, Ballot]]


def _live_tally(item: AgendaItem, seats: Seats, attendance: dict[int, Attendance]) -> TallyView:
    rule = services.rule_for(item)
    rows = []
    for seat, ballot in seats:
        record = attendance.get(seat.pk)
        proxy = record.proxy.name if record is not None and record.proxy is not None and not record.present else ""
        rows.append(
            TallyRow(
                person=seat.person.name,
                on_behalf_of=organization_label(seat.on_behalf_of) if seat.on_behalf_of else "",
                weight=ballot.weight if rule.weighted else Decimal(1),
                present=ballot.present,
                proxy=proxy,
                choice=ballot.choice,
                recorded=record is not None,
            )
        )
    digest = hashlib.sha256(repr([(seat.pk, row) for (seat, _b), row in zip(seats, rows, strict=True)]).encode())
    error = ""
    result: Tally | None = None
    settled = ""
    try:
        result = tally([ballot for _seat, ballot in seats], rule)
        settled = outcome([ballot for _seat, ballot in seats], rule)
    except VotingError as exc:
        error = str(exc)
    zero = Decimal(0)
    return TallyView(
        rows=rows,
        total=result.total if result else zero,
        present=result.present if result else zero,
        yes=result.yes if result else zero,
        no=result.no if result else zero,
        abstain=result.abstain if result else zero,
        quorum_required=result.quorum_required if result else zero,
        quorate=bool(result and result.quorate),
        adopted=bool(result and result.adopted),
        majority_label=str(MajorityRule(rule.majority).label) if rule.majority in MajorityRule.values else "",
        weighted=rule.weighted,
        digest=digest.hexdigest()[:16],
        error=error,
        outcome=settled,
        outstanding=result.not_voted if result else zero,
    )


def _recorded_tally(decision: Decision) -> TallyView:
    rows = [
        TallyRow(
            person=ballot.get("person", ""),
            on_behalf_of=organization_label(
                SimpleNamespace(name=ballot.get("on_behalf_of", ""), kind=ballot.get("on_behalf_of_kind", ""))
            )
            if ballot.get("on_behalf_of")
            else "",
            weight=Decimal(ballot.get("weight", "0")) if decision.weighted else Decimal(1),
            present=bool(ballot.get("present")),
            proxy="",
            choice=ballot.get("choice"),
        )
        for ballot in (decision.tally or {}).get("ballots", [])
    ]
    return TallyView(
        rows=rows,
        total=decision.total_weight,
        present=decision.present_weight,
        yes=decision.yes_weight,
        no=decision.no_weight,
        abstain=decision.abstain_weight,
        quorum_required=decision.quorum_share * decision.total_weight,
        quorate=decision.result != DecisionResult.NO_QUORUM,
        adopted=decision.result == DecisionResult.ADOPTED,
        majority_label=decision.get_majority_rule_display(),
        weighted=decision.weighted,
        digest=f"decision-{decision.pk}",
    )


@dataclass(frozen=True)
class VoteOption:
    seat: Membership
    as_proxy: bool
    choice: str | None

    @property
    def choice_label(self) -> str:
        return str(Choice(self.choice).label) if self.choice in Choice.values else ""


def _vote_options(
    request: HttpRequest, item: AgendaItem, seats: Seats, attendance: dict[int, Attendance]
) -> tuple[list[VoteOption], list[str]]:
    """The seats the logged-in person may vote for (their own when present, those they represent as proxy), and
    for each of their own seats without a vote form the reason why (so that nobody is left without a word)."""
    person = selectors.person_for_user(request.user)
    if person is None:
        return [], []
    opens = services.voting_opens_on(item.meeting)
    options: list[VoteOption] = []
    notes: list[str] = []
    for seat, ballot in seats:
        record = attendance.get(seat.pk)
        own = seat.person_id == person.pk
        represents = record is not None and not record.present and record.proxy_id == person.pk
        if not own and not represents:
            continue
        label = organization_label(seat.on_behalf_of) if seat.on_behalf_of else seat.person.name
        if opens is not None:
            notes.append(
                _("Your seat (%(seat)s): voting opens on the day of the meeting, %(day)s.")
                % {"seat": label, "day": formats.date_format(opens, "SHORT_DATE_FORMAT")}
            )
        elif record is None and own:
            notes.append(
                _(
                    "Your seat (%(seat)s): your attendance is not recorded yet. The committee office records it "
                    "at the start of the meeting; then you can vote here."
                )
                % {"seat": label}
            )
        elif own and record is not None and record.present:
            options.append(VoteOption(seat, False, ballot.choice))
        elif own and record is not None and record.proxy is not None and record.proxy_id != person.pk:
            notes.append(
                _("Your seat (%(seat)s) is represented by %(name)s; only the proxy can vote for it.")
                % {"seat": label, "name": record.proxy.name}
            )
        elif own:
            notes.append(_("Your seat (%(seat)s) is recorded as absent; it has no vote.") % {"seat": label})
        else:
            options.append(VoteOption(seat, True, ballot.choice))
    return options, notes


def _tally_context(item: AgendaItem, decision: Decision | None) -> dict[str, Any]:
    """What the tally box needs (plus the seats with their ballots and the attendance, read once per request)."""
    voting_open = item.decides and decision is None and item.meeting.state in services.VOTING_STATES
    seats: Seats = []
    attendance: dict[int, Attendance] = {}
    tally_view = None
    if decision is not None:
        tally_view = _recorded_tally(decision)
    elif item.decides:
        seats = services.ballots_for(item)
        attendance = selectors.attendance_for(meeting=item.meeting)
        tally_view = _live_tally(item, seats, attendance)
    subject_label = ""
    if decision is not None and decision.subject_kind:
        subject_label = subjects.describe(decision.subject_kind, decision.subject_id)
    return {
        "item": item,
        "decision": decision,
        "subject_label": subject_label,
        "tally": tally_view,
        "poll": voting_open,
        "poll_seconds": POLL_SECONDS,
        "seats": seats,
        "attendance": attendance,
    }


@login_required
def agenda_item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_agendaitem")
    item = _item(request, access, item_id)
    decision = Decision.objects.filter(agenda_item=item).first()
    context = _tally_context(item, decision)
    vote_options, vote_notes = (
        _vote_options(request, item, context["seats"], context["attendance"]) if context["poll"] else ([], [])
    )
    subject = None
    if item.paper and item.paper.subject_kind:
        subject = _subject_link(item.paper)
    may_record = (
        request.user.has_perm("governance.add_decision")
        and decision is None
        and item.decides
        and item.meeting.state in services.VOTING_STATES
    )
    context.update(
        {
            "meeting": item.meeting,
            "committee": item.meeting.committee,
            "paper": item.paper,
            "subject": subject,
            "vote_options": vote_options,
            "vote_notes": vote_notes,
            "choices": Choice.choices,
            "decision_form": DecisionForm(
                initial={"resolution_text": item.paper.proposed_resolution if item.paper else ""}
            )
            if may_record
            else None,
            "events": audit_events_for(item)[:30],
        }
    )
    return render(request, "governance/agenda_item_detail.html", context)


@login_required
def agenda_item_tally(request: HttpRequest, item_id: int) -> HttpResponse:
    """htmx fragment, polled while the vote runs: 204 (nothing to swap) when the tally has not changed."""
    access = governance_access(request, "governance.view_agendaitem")
    item = _item(request, access, item_id)
    decision = Decision.objects.filter(agenda_item=item).first()
    context = _tally_context(item, decision)
    if context["tally"] is not None and request.GET.get("since") == context["tally"].digest:
        return HttpResponse(status=204)
    context["oob"] = _is_htmx(request) and decision is not None
    return render(request, "governance/_tally.html", context)


@login_required
@require_POST
def vote_cast(request: HttpRequest, item_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_agendaitem")
    item = _item(request, access, item_id)
    form = VoteForm(request.POST)
    seat = None
    if form.is_valid():
        seat = (
            Membership.objects.filter(pk=form.cleaned_data["membership"], deleted=False)
            .select_related("person", "on_behalf_of")
            .first()
        )
    if seat is None:
        messages.error(request, _("Choose a seat and vote yes, no or abstain."))
        return redirect(item.get_absolute_url())
    try:
        vote = services.vote_cast(
            actor=request.user, agenda_item=item, membership=seat, choice=form.cleaned_data["choice"]
        )
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Your vote “%(choice)s” for the seat of %(seat)s was recorded.")
            % {"choice": vote.get_choice_display(), "seat": organization_label(seat.on_behalf_of or seat.person)},
        )
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def decision_record(request: HttpRequest, item_id: int) -> HttpResponse:
    _require(request, "governance.add_decision")
    access = governance_access(request, "governance.view_agendaitem")
    item = _item(request, access, item_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():  # pragma: no cover - the only field is optional free text
        messages.error(request, _("The resolution could not be read."))
        return redirect(item.get_absolute_url())
    text = form.cleaned_data["resolution_text"].strip()
    try:
        decision = services.decision_record(actor=request.user, agenda_item=item, resolution_text=text or None)
    except ValidationError as exc:
        _show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Decision %(number)s was recorded: %(result)s.")
            % {"number": decision.number, "result": decision.get_result_display()},
        )
    return redirect(item.get_absolute_url())


# -------------------------------------------------------------------------------------------------- papers


def _subject_link(paper: Paper) -> dict[str, str]:
    """Label and (when it can be shown) URL of the subject a paper asks to approve."""
    label = subjects.describe(paper.subject_kind, paper.subject_id)
    url = ""
    try:
        handler = subjects.handler_for(paper.subject_kind)
        url = handler.url(subjects.load_subject(paper.subject_kind, paper.subject_id))
    except ValidationError:
        pass
    return {"kind": paper.get_subject_kind_display(), "label": label, "url": url}


@login_required
def paper_list(request: HttpRequest) -> HttpResponse:
    access = governance_access(request, "governance.view_paper")
    q = request.GET.get("q", "").strip()
    if access.by_role:
        papers = selectors.paper_list(user=request.user, q=q)
    else:
        papers = (
            access.scope(Paper.objects.filter(deleted=False), "body__committees")
            .select_related("body")
            .distinct()
            .order_by("-date", "-id")
        )
        if q:
            papers = papers.filter(Q(name__icontains=q) | Q(reference__icontains=q) | Q(text__icontains=q))
    page = Paginator(papers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "q": q, "querystring": _querystring(request)}
    template = "governance/_paper_results.html" if _is_htmx(request) else "governance/paper_list.html"
    return render(request, template, context)


def _subject_options(user: Any) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, int]]:
    """Proposed subjects, grouped by kind, as (label, [(value, text)]), and each value's provider id."""
    providers: dict[str, int] = {}
    groups: list[tuple[str, list[tuple[str, str]]]] = []

    def add(kind: str, rows: list[tuple[int, str, int]]) -> None:
        options = []
        for pk, text, provider_id in rows:
            value = PaperForm.subject_value(kind, pk)
            providers[value] = provider_id
            options.append((value, text))
        groups.append((str(SubjectKind(kind).label), options))

    versions = CatalogueVersion.objects.restrict(user).filter(status=CatalogueStatus.PROPOSED).order_by("-year")
    add(SubjectKind.CATALOGUE_VERSION, [(v.pk, str(v), v.provider_id) for v in versions])
    parties = (
        AgreementParty.objects.restrict(user)
        .filter(status=ApprovalStatus.PROPOSED)
        .select_related("organization", "agreement")
        .order_by("agreement__name", "organization__name")
    )
    add(
        SubjectKind.ACCESSION,
        [(p.pk, subjects.HANDLERS[SubjectKind.ACCESSION].describe(p), p.agreement.provider_id) for p in parties],
    )
    amendments = (
        AgreementAmendment.objects.restrict(user)
        .filter(status=ApprovalStatus.PROPOSED)
        .select_related("agreement")
        .order_by("agreement__name", "effective_from")
    )
    add(SubjectKind.AGREEMENT_CHANGE, [(a.pk, str(a), a.agreement.provider_id) for a in amendments])
    scenarios = Scenario.objects.restrict(user).filter(status=ScenarioStatus.PUBLISHED).order_by("name")
    add(SubjectKind.SCENARIO_DECISION, [(s.pk, str(s), 0) for s in scenarios])
    return groups, providers


@login_required
def paper_create(request: HttpRequest) -> HttpResponse:
    _require(request, "governance.add_paper")
    bodies = list(
        Organization.objects.restrict(request.user).filter(committees__deleted=False).distinct().order_by("name")
    )
    groups, providers = _subject_options(request.user)
    form = PaperForm(request.POST or None, bodies=bodies, subjects=groups, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        body = next(b for b in bodies if b.pk == data["body"])
        kind, subject_id = data["subject"]
        # 0: a subject of several providers (a consolidation scenario) may go to the committee of any body
        if kind and providers.get(PaperForm.subject_value(kind, subject_id or 0)) not in (body.pk, 0):
            form.add_error("subject", _("The subject belongs to another provider than the paper's body."))
        else:
            try:
                paper = services.paper_create(
                    actor=request.user,
                    body=body,
                    reference=data["reference"],
                    name=data["name"],
                    date=data["date"],
                    paper_type=data["paper_type"],
                    text=data["text"],
                    proposed_resolution=data["proposed_resolution"],
                    subject_kind=kind,
                    subject_id=subject_id,
                    majority_rule=data["majority_rule"],
                    public=data["public"],
                )
            except ValidationError as exc:
                _add_errors(form, exc, aliases={"subject_kind": "subject", "subject_id": "subject"})
            else:
                messages.success(request, _("Paper %(reference)s was created.") % {"reference": paper.reference})
                return redirect(paper.get_absolute_url())
    return render(request, "governance/paper_form.html", {"form": form})


@login_required
def paper_detail(request: HttpRequest, paper_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_paper")
    if access.by_role:
        paper = selectors.paper_get_for_user(user=request.user, paper_id=paper_id)
    else:
        visible_items = access.scope(AgendaItem.objects.filter(deleted=False), "meeting__committee")
        paper = get_object_or_404(
            access.scope(Paper.objects.filter(deleted=False), "body__committees")
            .select_related("body")
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=visible_items.select_related("meeting__committee", "decision"),
                )
            )
            .distinct(),
            pk=paper_id,
        )
    consultations = sorted(paper.agenda_items.all(), key=lambda i: (i.meeting.start, i.position))
    return render(
        request,
        "governance/paper_detail.html",
        {
            "paper": paper,
            "consultations": consultations,
            "decisions": [d for i in consultations if (d := _decision_of(i)) is not None],
            "subject": _subject_link(paper) if paper.subject_kind else None,
            "events": audit_events_for(paper)[:30],
        },
    )


# ------------------------------------------------------------------------------------------ decision register


@login_required
def decision_register(request: HttpRequest) -> HttpResponse:
    access = governance_access(request, "governance.view_decision")
    q = request.GET.get("q", "").strip()
    committee_id = _int(request.GET.get("committee"))
    year = query_year(request.GET.get("year"))  # bounded: ?year=32976 answered 500
    decisions: QuerySet[Decision]
    years_from: QuerySet[Decision]
    if access.by_role:
        committees = list(selectors.committee_list(user=request.user))
        decisions = selectors.decision_register(user=request.user, q=q, committee_id=committee_id, year=year)
        years_from = Decision.objects.restrict(request.user)
    else:
        committees = list(access.scope(Committee.objects.filter(deleted=False), "pk").order_by("name"))
        years_from = access.scope(Decision.objects.all(), "agenda_item__meeting__committee")
        decisions = years_from.select_related(
            "agenda_item__meeting__committee", "agenda_item__paper", "amends", "repeals"
        )
        if committee_id:
            decisions = decisions.filter(agenda_item__meeting__committee_id=committee_id)
        if year:
            decisions = decisions.filter(decided_on__year=year)
        if q:
            decisions = decisions.filter(
                Q(number__icontains=q)
                | Q(agenda_item__name__icontains=q)
                | Q(resolution_text__icontains=q)
                | Q(agenda_item__paper__reference__icontains=q)
            )
        decisions = decisions.order_by("-decided_on", "-id")
    years = sorted({day.year for day in years_from.dates("decided_on", "year")}, reverse=True)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "committees": committees,
        "committee_id": committee_id,
        "years": years,
        "year": year,
        "querystring": _querystring(request),
    }
    template = "governance/_decision_results.html" if _is_htmx(request) else "governance/decision_register.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------------- PDFs


def _pdf(request: HttpRequest, template: str, context: dict[str, Any], filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, {**context, "now": timezone.now()}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_invitation_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_meeting")
    meeting = _meeting(request, access, meeting_id)
    return _pdf(
        request,
        "governance/meeting_invitation_pdf.html",
        {"meeting": meeting, "committee": meeting.committee, "items": _agenda(request, access, meeting)},
        f"einladung-{meeting.pk}.pdf",
    )


@login_required
def meeting_minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    access = governance_access(request, "governance.view_meeting")
    meeting = _meeting(request, access, meeting_id)
    items = _agenda(request, access, meeting)
    seats, _proxies, attendance = _attendance_rows(meeting)
    entries = []
    for item in items:
        decision = _decision_of(item)
        label = subjects.describe(decision.subject_kind, decision.subject_id) if decision else ""
        entries.append(
            {
                "item": item,
                "decision": decision,
                "subject_label": label,
                "tally": _recorded_tally(decision) if decision else None,
            }
        )
    return _pdf(
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
