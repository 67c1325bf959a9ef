"""An agenda item with its live vote: the tally box (polled by htmx while the vote runs) and the vote buttons.

The figures come from one selector (`selectors.vote_tally`, the same reading the API shows and
`services.decision_record` stores); this module only lays them out for the page (`TallyView`).
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.audit import audit_events_for
from verbund.governance import selectors, services, subjects
from verbund.governance.choices import Choice, DecisionResult, MajorityRule
from verbund.governance.forms import DecisionForm, VoteForm
from verbund.governance.models import AgendaItem, Attendance, Decision, Membership
from verbund.governance.templatetags.governance_tags import organization_label
from verbund.governance.views.common import POLL_SECONDS, allow, is_htmx, show_errors
from verbund.governance.views.papers import subject_link


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
    """What the tally box shows: live while the vote runs (`live`), as recorded once the decision exists
    (`recorded`)."""

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

    @classmethod
    def live(cls, count: selectors.VoteTally) -> "TallyView":
        rule = count.rule
        rows = []
        for seat, ballot in count.seats:
            record = count.attendance.get(seat.pk)
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
        pairs = [(seat.pk, row) for (seat, _ballot), row in zip(count.seats, rows, strict=True)]
        digest = hashlib.sha256(repr(pairs).encode())
        figures = count.figures
        zero = Decimal(0)
        return cls(
            rows=rows,
            total=figures.total if figures else zero,
            present=figures.present if figures else zero,
            yes=figures.yes if figures else zero,
            no=figures.no if figures else zero,
            abstain=figures.abstain if figures else zero,
            quorum_required=figures.quorum_required if figures else zero,
            quorate=bool(figures and figures.quorate),
            adopted=bool(figures and figures.adopted),
            majority_label=str(MajorityRule(rule.majority).label) if rule.majority in MajorityRule.values else "",
            weighted=rule.weighted,
            digest=digest.hexdigest()[:16],
            error=count.error,
            outcome=count.outcome,
            outstanding=figures.not_voted if figures else zero,
        )

    @classmethod
    def recorded(cls, decision: Decision) -> "TallyView":
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
        return cls(
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


Seats = list[tuple[Membership, Any]]


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
        tally_view = TallyView.recorded(decision)
    elif item.decides:
        count = selectors.vote_tally(item)
        seats, attendance = count.seats, count.attendance
        tally_view = TallyView.live(count)
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


def _item(request: HttpRequest, item_id: int) -> AgendaItem:
    return selectors.agenda_item_get_for_user(user=request.user, item_id=item_id, seats=True)


@login_required
def agenda_item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    allow(request, "governance.view_agendaitem")
    item = _item(request, item_id)
    decision = selectors.decision_of(item)
    context = _tally_context(item, decision)
    vote_options, vote_notes = (
        _vote_options(request, item, context["seats"], context["attendance"]) if context["poll"] else ([], [])
    )
    subject = None
    if item.paper and item.paper.subject_kind:
        subject = subject_link(item.paper)
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
    allow(request, "governance.view_agendaitem")
    item = _item(request, item_id)
    decision = selectors.decision_of(item)
    context = _tally_context(item, decision)
    if context["tally"] is not None and request.GET.get("since") == context["tally"].digest:
        return HttpResponse(status=204)
    context["oob"] = is_htmx(request) and decision is not None
    return render(request, "governance/_tally.html", context)


@login_required
@require_POST
def vote_cast(request: HttpRequest, item_id: int) -> HttpResponse:
    allow(request, "governance.view_agendaitem")
    item = _item(request, item_id)
    form = VoteForm(request.POST)
    seat = selectors.membership_get(membership_id=form.cleaned_data["membership"]) if form.is_valid() else None
    if seat is None:
        messages.error(request, _("Choose a seat and vote yes, no or abstain."))
        return redirect(item.get_absolute_url())
    try:
        vote = services.vote_cast(
            actor=request.user, agenda_item=item, membership=seat, choice=form.cleaned_data["choice"]
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            _("Your vote “%(choice)s” for the seat of %(seat)s was recorded.")
            % {"choice": vote.get_choice_display(), "seat": organization_label(seat.on_behalf_of or seat.person)},
        )
    return redirect(item.get_absolute_url())
