"""The one reading of a vote: seats, attendance, votes and the engine's tally (page, API and decision alike)."""

from dataclasses import dataclass
from decimal import Decimal

from verbund.governance.choices import MembershipRole
from verbund.governance.engine.voting import Ballot, Rule, Tally, VotingError, outcome, tally
from verbund.governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Membership,
    Vote,
)
from verbund.governance.selectors.meetings import attendance_for


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
