"""Writes for committees, meetings, papers, votes and decisions.

A decision is recorded once per agenda item (the row lock on the item and the one-to-one constraint make a
repeated or concurrent call fail cleanly) and, when adopted by a deciding committee, makes its subject
effective through that app's service in the same transaction.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.numbering import next_number
from verbund.governance import selectors, subjects
from verbund.governance.choices import Choice, DecisionEffect, MeetingState, MembershipRole, SubjectKind
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

MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingState.SCHEDULED: {MeetingState.INVITED, MeetingState.CANCELLED},
    MeetingState.INVITED: {MeetingState.HELD, MeetingState.CANCELLED},
    MeetingState.HELD: set(),
    MeetingState.CANCELLED: set(),
}
VOTING_STATES = {MeetingState.INVITED, MeetingState.HELD}


def _create(actor: Any, obj: Any, scope: int | None = None) -> Any:
    obj.full_clean()
    obj.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=obj, after=model_snapshot(obj), scope_organization_id=scope
    )
    return obj


@transaction.atomic
def committee_create(*, actor: Any, body: Any, name: str, short_name: str, kind: str, **extra: Any) -> Committee:
    return _create(actor, Committee(body=body, name=name, short_name=short_name, kind=kind, **extra), body.pk)


@transaction.atomic
def person_create(*, actor: Any, name: str, **extra: Any) -> Person:
    return _create(actor, Person(name=name, **extra))


@transaction.atomic
def membership_create(
    *,
    actor: Any,
    committee: Committee,
    person: Person,
    start_date: dt.date,
    role: str = MembershipRole.MEMBER,
    voting_right: bool = True,
    voting_weight: Decimal = Decimal(1),
    on_behalf_of: Any = None,
    deputy_for: Membership | None = None,
    end_date: dt.date | None = None,
) -> Membership:
    if deputy_for is not None and deputy_for.committee_id != committee.pk:
        raise ValidationError({"deputy_for": _("A deputy must belong to the same committee.")})
    overlapping = (
        Membership.objects.alive()
        .filter(committee=committee, person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    )
    if overlapping.exists():
        raise ValidationError({"person": _("%(person)s already has a seat in this committee.") % {"person": person}})
    membership = Membership(
        committee=committee,
        person=person,
        role=role,
        voting_right=voting_right,
        voting_weight=voting_weight,
        on_behalf_of=on_behalf_of,
        deputy_for=deputy_for,
        start_date=start_date,
        end_date=end_date,
    )
    return _create(actor, membership, on_behalf_of.pk if on_behalf_of else None)


@transaction.atomic
def meeting_schedule(
    *,
    actor: Any,
    committee: Committee,
    name: str,
    start: dt.datetime,
    location: str = "",
    end: dt.datetime | None = None,
) -> Meeting:
    if end is not None and end < start:
        raise ValidationError({"end": _("The meeting cannot end before it starts.")})
    return _create(
        actor, Meeting(committee=committee, name=name, start=start, end=end, location=location), committee.body_id
    )


@transaction.atomic
def meeting_set_state(*, actor: Any, meeting: Meeting, state: str) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if state not in MEETING_TRANSITIONS.get(locked.state, set()):
        raise ValidationError(
            {
                "state": _("A meeting cannot go from %(old)s to %(new)s.")
                % {
                    "old": locked.get_state_display(),
                    "new": MeetingState(state).label if state in MeetingState.values else state,
                }
            }
        )
    before = {"state": locked.state}
    locked.state = state
    locked.modified = timezone.now()
    locked.save(update_fields=["state", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=before,
        after={"state": state},
        scope_organization_id=locked.committee.body_id,
    )
    return locked


@transaction.atomic
def paper_create(
    *,
    actor: Any,
    body: Any,
    reference: str,
    name: str,
    date: dt.date,
    paper_type: str = "resolution",
    text: str = "",
    proposed_resolution: str = "",
    subject_kind: str = SubjectKind.NONE,
    subject_id: int | None = None,
    majority_rule: str = "",
    public: bool = True,
) -> Paper:
    if subject_kind:
        subject = subjects.load_subject(subject_kind, subject_id)
        if not subjects.handler_for(subject_kind).is_open(subject):
            raise ValidationError(
                {
                    "subject_id": _("%(subject)s cannot be put to the vote (it is not proposed or already approved).")
                    % {"subject": subject}
                }
            )
    paper = Paper(
        body=body,
        reference=reference.strip(),
        name=name,
        date=date,
        paper_type=paper_type,
        text=text,
        proposed_resolution=proposed_resolution,
        subject_kind=subject_kind,
        subject_id=subject_id if subject_kind else None,
        majority_rule=majority_rule,
        public=public,
    )
    return _create(actor, paper, body.pk)


@transaction.atomic
def agenda_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    name: str,
    paper: Paper | None = None,
    public: bool = True,
    number: str = "",
    decides: bool = True,
) -> AgendaItem:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state in (MeetingState.HELD, MeetingState.CANCELLED):
        raise ValidationError({"meeting": _("The agenda of a held or cancelled meeting cannot be changed.")})
    if paper is not None and paper.body_id != locked.committee.body_id:
        raise ValidationError({"paper": _("The paper belongs to another body.")})
    last = locked.agenda_items.aggregate(last=Max("position"))["last"]
    position = 0 if last is None else last + 1
    item = AgendaItem(
        meeting=locked,
        name=name,
        paper=paper,
        public=public,
        position=position,
        number=number or str(position + 1),
        decides=decides,
    )
    created = _create(actor, item, locked.committee.body_id)
    Meeting.objects.filter(pk=locked.pk).update(modified=timezone.now())  # OParl: embedding object changes too
    return created


@transaction.atomic
def agenda_item_move(*, actor: Any, item: AgendaItem, position: int) -> AgendaItem:
    """Move an item to another place in the agenda; the others shift (numbers follow the new order)."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED):
        raise ValidationError({"meeting": _("The agenda of a held or cancelled meeting cannot be changed.")})
    items = list(meeting.agenda_items.order_by("position", "id"))
    current = next(i for i in items if i.pk == item.pk)
    if not 0 <= position < len(items):
        raise ValidationError({"position": _("The position must be between 1 and %(n)s.") % {"n": len(items)}})
    items.remove(current)
    items.insert(position, current)
    now = timezone.now()
    offset = len(items) + 1000  # two steps, so the unique (meeting, position) holds at every moment
    for index, agenda_item in enumerate(items):
        AgendaItem.objects.filter(pk=agenda_item.pk).update(position=index + offset)
    for index, agenda_item in enumerate(items):
        AgendaItem.objects.filter(pk=agenda_item.pk).update(position=index, number=str(index + 1), modified=now)
    Meeting.objects.filter(pk=meeting.pk).update(modified=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=meeting,
        after={"agenda": [i.name for i in items]},
        scope_organization_id=meeting.committee.body_id,
        message=_("Agenda reordered"),
    )
    return AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def attendance_record(
    *, actor: Any, meeting: Meeting, membership: Membership, present: bool, proxy: Person | None = None
) -> Attendance:
    """Who attends: in person, or represented by a proxy who holds a seat (member or deputy) in the committee."""
    if membership.committee_id != meeting.committee_id:
        raise ValidationError({"membership": _("This person has no seat in this committee.")})
    if not membership.is_active_on(meeting.start.date()):
        raise ValidationError({"membership": _("The seat is not active on the day of the meeting.")})
    if present and proxy is not None:
        raise ValidationError({"proxy": _("A member present in person needs no proxy.")})
    if proxy is not None:
        proxy_seat = Membership.objects.alive().filter(committee=meeting.committee, person=proxy).first()
        if proxy_seat is None or not proxy_seat.is_active_on(meeting.start.date()):
            raise ValidationError({"proxy": _("The proxy must hold a seat (member or deputy) in the committee.")})
    if Decision.objects.filter(agenda_item__meeting=meeting).exists():
        raise ValidationError({"meeting": _("Attendance cannot change after the first decision was recorded.")})
    attendance, created = Attendance.objects.update_or_create(
        meeting=meeting, membership=membership, defaults={"present": present, "proxy": proxy}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=attendance,
        after={"present": present, "proxy": proxy.pk if proxy else None},
        scope_organization_id=membership.on_behalf_of_id,
    )
    return attendance


def meeting_day(meeting: Meeting) -> dt.date:
    """The calendar day of the meeting in the local time zone (a 00:30 meeting is on that local day)."""
    return timezone.localtime(meeting.start).date()


def voting_opens_on(meeting: Meeting, as_of: dt.date | None = None) -> dt.date | None:
    """The day votes open when that is still ahead of `as_of` (default: today), else None (voting is open)."""
    day = meeting_day(meeting)
    return day if (as_of or timezone.localdate()) < day else None


def _refuse_before_meeting_day(meeting: Meeting, as_of: dt.date | None, what: str) -> None:
    opens = voting_opens_on(meeting, as_of)
    if opens is not None:
        message = (
            _("Votes are taken from the day of the meeting (%(day)s) on.")
            if what == "vote"
            else _("A decision is recorded on or after the day of the meeting (%(day)s).")
        )
        raise ValidationError({"agenda_item": message % {"day": formats.date_format(opens, "SHORT_DATE_FORMAT")}})


@transaction.atomic
def vote_cast(
    *, actor: Any, agenda_item: AgendaItem, membership: Membership, choice: str, as_of: dt.date | None = None
) -> Vote:
    """A member votes for its own seat, or a recorded proxy votes for the seat it represents; from the day of
    the meeting on (`as_of`, default today: a vote cast before is refused)."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting__committee").get(pk=agenda_item.pk)
    )
    meeting = item.meeting
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Vote yes, no or abstain.")})
    if Decision.objects.filter(agenda_item=item).exists():
        raise ValidationError({"agenda_item": _("The decision on this item is already recorded; no more votes.")})
    if not item.decides:
        raise ValidationError({"agenda_item": _("There is no vote on this item.")})
    if meeting.state not in VOTING_STATES:
        raise ValidationError({"agenda_item": _("Votes are taken only in a meeting that was invited or held.")})
    _refuse_before_meeting_day(meeting, as_of, "vote")
    if membership.committee_id != meeting.committee_id:
        raise ValidationError({"membership": _("This seat belongs to another committee.")})
    if not membership.voting_right or not membership.is_active_on(meeting.start.date()):
        raise ValidationError({"membership": _("This seat has no vote in this meeting.")})
    person = selectors.person_for_user(actor)
    if person is None:
        raise ValidationError({"membership": _("Only committee members can vote.")})
    attendance = Attendance.objects.filter(meeting=meeting, membership=membership).first()
    if attendance is None or not attendance.represented:
        raise ValidationError({"membership": _("The member is not recorded as present or represented.")})
    if attendance.present and person.pk != membership.person_id:
        raise ValidationError({"membership": _("You can only vote for your own seat.")})
    if not attendance.present and person.pk != attendance.proxy_id:
        raise ValidationError({"membership": _("Only the recorded proxy can vote for this seat.")})
    weight = membership.voting_weight if meeting.committee.weighted_votes else Decimal(1)
    existing = Vote.objects.filter(agenda_item=item, membership=membership).first()
    before = {"choice": existing.choice} if existing else None
    vote, _created = Vote.objects.update_or_create(
        agenda_item=item, membership=membership, defaults={"choice": choice, "cast_by": person, "weight": weight}
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if existing else AuditAction.CREATE,
        obj=vote,
        before=before,
        after={"choice": choice, "cast_by": person.name, "weight": str(weight)},
        scope_organization_id=membership.on_behalf_of_id,
    )
    return vote


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    agenda_item: AgendaItem,
    decided_on: dt.date | None = None,
    resolution_text: str | None = None,
    amends: Decision | None = None,
    repeals: Decision | None = None,
    as_of: dt.date | None = None,
) -> Decision:
    """Close the vote on an item: tally it, record the decision (append-only) and, when adopted by a deciding
    committee, make the paper's subject effective in the same transaction. A second call is refused."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__committee", "paper")
        .get(pk=agenda_item.pk)
    )
    meeting, committee, paper = item.meeting, item.meeting.committee, item.paper
    if Decision.objects.filter(agenda_item=item).exists():
        raise ValidationError({"agenda_item": _("The decision on this item is already recorded.")})
    if not item.decides:
        raise ValidationError({"agenda_item": _("There is no vote on this item.")})
    if meeting.state not in VOTING_STATES:
        raise ValidationError({"agenda_item": _("Decisions are recorded only in a meeting that was invited or held.")})
    _refuse_before_meeting_day(meeting, as_of, "decision")
    count = selectors.vote_tally(item)  # the same reading the page and the API show
    if count.figures is None:
        raise ValidationError({"votes": count.error})
    seats, rule, result = count.seats, count.rule, count.figures
    day = decided_on or meeting.start.date()
    number = next_number(series=committee.short_name, year=day.year, width=3)
    effect = ""
    kind = paper.subject_kind if paper else ""
    subject_id = paper.subject_id if paper else None
    if result.adopted and kind and not committee.advisory:
        handler = subjects.handler_for(kind)
        subject = subjects.load_subject(kind, subject_id)
        if not handler.is_open(subject):
            raise ValidationError(
                {
                    "subject_id": _("%(subject)s was already approved; it cannot be approved twice.")
                    % {"subject": subject}
                }
            )
        if handler.per_committee:
            handler.approve(actor, subject, number, day, committee)
        else:
            handler.approve(actor, subject, number, day)
        effect = DecisionEffect.APPROVED  # a code: put into words in the reader's language (effect_display)
    elif result.adopted and kind:
        effect = DecisionEffect.RECOMMENDED
    ballots_json = [
        {
            "membership": seat.pk,
            "person": seat.person.name,
            "on_behalf_of": seat.on_behalf_of.name if seat.on_behalf_of else "",
            "on_behalf_of_kind": seat.on_behalf_of.kind if seat.on_behalf_of else "",  # "Kreis Warendorf" when shown
            "weight": str(ballot.weight),
            "present": ballot.present,
            "choice": ballot.choice,
        }
        for seat, ballot in seats
    ]
    decision = Decision(
        agenda_item=item,
        number=number,
        result=result.result,
        majority_rule=rule.majority,
        weighted=rule.weighted,
        quorum_share=rule.quorum_share,
        total_weight=result.total,
        present_weight=result.present,
        yes_weight=result.yes,
        no_weight=result.no,
        abstain_weight=result.abstain,
        tally={"ballots": ballots_json, "trace": list(result.trace)},
        resolution_text=resolution_text
        if resolution_text is not None
        else (paper.proposed_resolution if paper else ""),
        subject_kind=kind,
        subject_id=subject_id,
        subject_effect=effect,
        amends=amends,
        repeals=repeals,
        decided_on=day,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    decision.save()
    AgendaItem.objects.filter(pk=item.pk).update(modified=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=decision,
        after={
            "number": number,
            "result": result.result,
            "yes": str(result.yes),
            "no": str(result.no),
            "abstain": str(result.abstain),
            "effect": effect,
        },
        scope_organization_id=committee.body_id,
    )
    return decision
