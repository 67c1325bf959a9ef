"""Tallying a vote: quorum, weights and majority rules. Pure Python, no Django.

Definitions (docs/adr/0014-voting-rules.md):
- Every member with a voting right has a weight (1 when the committee does not weigh votes).
- Present weight = weights of members present in person or represented by a recorded proxy.
- Quorum: present weight ≥ quorum share × total weight of all voting members (no quorum → nothing adopted).
- simple:     yes > no (abstentions and members who did not vote are not counted; a tie is rejected).
- absolute:   yes > ½ × total weight of all voting members of the committee.
- two_thirds: yes ≥ ⅔ × (yes + no), and yes > 0.
- unanimous:  every present voting member voted yes (an abstention, a no or a missing vote defeats it).
All comparisons are exact (Decimal/Fraction), never floating point.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

SIMPLE, ABSOLUTE, TWO_THIRDS, UNANIMOUS = "simple", "absolute", "two_thirds", "unanimous"
RULES = (SIMPLE, ABSOLUTE, TWO_THIRDS, UNANIMOUS)
YES, NO, ABSTAIN = "yes", "no", "abstain"


class VotingError(ValueError):
    def __init__(self, path: str, message: str):
        self.path = path
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class Ballot:
    member: str  # an identifier for the trace (membership id or name)
    weight: Decimal
    present: bool  # in person or by proxy
    choice: str | None  # yes/no/abstain, None = did not vote


@dataclass(frozen=True)
class Rule:
    majority: str = SIMPLE
    weighted: bool = True
    quorum_share: Decimal = Decimal("0.5")


@dataclass(frozen=True)
class Tally:
    total: Decimal
    present: Decimal
    yes: Decimal
    no: Decimal
    abstain: Decimal
    not_voted: Decimal
    quorum_required: Decimal
    quorate: bool
    adopted: bool
    result: str  # adopted / rejected / no_quorum
    trace: tuple[str, ...]


def tally(ballots: list[Ballot], rule: Rule) -> Tally:
    if rule.majority not in RULES:
        raise VotingError("rule.majority", f"unknown majority rule {rule.majority!r}")
    if not (Decimal(0) <= rule.quorum_share <= Decimal(1)):
        raise VotingError("rule.quorum_share", "must be between 0 and 1")
    seen: set[str] = set()
    for ballot in ballots:
        if ballot.member in seen:
            raise VotingError(f"ballots[{ballot.member}]", "two ballots for one member")
        seen.add(ballot.member)
        if ballot.weight < 0:
            raise VotingError(f"ballots[{ballot.member}]", "a weight cannot be negative")
        if ballot.choice is not None and ballot.choice not in (YES, NO, ABSTAIN):
            raise VotingError(f"ballots[{ballot.member}]", f"unknown choice {ballot.choice!r}")
        if ballot.choice is not None and not ballot.present:
            raise VotingError(f"ballots[{ballot.member}]", "an absent member cannot vote")

    def weight(b: Ballot) -> Decimal:
        return b.weight if rule.weighted else Decimal(1)

    total = sum((weight(b) for b in ballots), Decimal(0))
    present = sum((weight(b) for b in ballots if b.present), Decimal(0))
    yes = sum((weight(b) for b in ballots if b.choice == YES), Decimal(0))
    no = sum((weight(b) for b in ballots if b.choice == NO), Decimal(0))
    abstain = sum((weight(b) for b in ballots if b.choice == ABSTAIN), Decimal(0))
    not_voted = present - yes - no - abstain
    quorum_required = rule.quorum_share * total
    quorate = total > 0 and present >= quorum_required
    unit = "weight" if rule.weighted else "votes"
    trace = [
        f"total {unit} of voting members: {total}",
        f"present (in person or by proxy): {present}; quorum needs {quorum_required} "
        f"({rule.quorum_share:%} of total) → {'quorate' if quorate else 'NOT quorate'}",
        f"yes {yes}, no {no}, abstain {abstain}, present but not voted {not_voted}",
    ]
    if not quorate:
        trace.append("no decision: the committee is not quorate")
        return Tally(
            total, present, yes, no, abstain, not_voted, quorum_required, False, False, "no_quorum", tuple(trace)
        )
    if rule.majority == SIMPLE:
        adopted = yes > no
        trace.append(f"simple majority: yes {yes} {'>' if adopted else '≤'} no {no}")
    elif rule.majority == ABSOLUTE:
        adopted = Fraction(yes) > Fraction(total) / 2
        trace.append(f"absolute majority: yes {yes} {'>' if adopted else '≤'} half of all {total / 2}")
    elif rule.majority == TWO_THIRDS:
        cast = yes + no
        adopted = yes > 0 and Fraction(yes) * 3 >= Fraction(cast) * 2
        trace.append(f"two-thirds of votes cast: yes {yes} {'≥' if adopted else '<'} ⅔ × {cast}")
    else:
        adopted = yes > 0 and yes == present
        trace.append(f"unanimity: yes {yes} {'=' if adopted else '≠'} present {present}")
    trace.append("adopted" if adopted else "rejected")
    return Tally(
        total,
        present,
        yes,
        no,
        abstain,
        not_voted,
        quorum_required,
        True,
        adopted,
        "adopted" if adopted else "rejected",
        tuple(trace),
    )


OPEN = "open"


def outcome(ballots: list[Ballot], rule: Rule) -> str:
    """Whether the result is already settled by the votes cast, whatever the present members who have not voted
    yet will vote: "adopted" or "rejected" when the best and the worst case agree (the worst case: every
    outstanding ballot no, the best: every one yes; each rule is monotone in the choices), else "open".

    A live tally shows this instead of "reached so far": six yes votes of 46 present weights do not make a
    two-thirds majority. Attendance and votes already cast can still change until the decision is recorded;
    this is about the outstanding votes only."""
    best = tally([_fill(b, YES) for b in ballots], rule)
    worst = tally([_fill(b, NO) for b in ballots], rule)
    if best.adopted == worst.adopted:
        return "adopted" if best.adopted else "rejected"
    return OPEN


def _fill(ballot: Ballot, choice: str) -> Ballot:
    if ballot.present and ballot.choice is None:
        return Ballot(member=ballot.member, weight=ballot.weight, present=True, choice=choice)
    return ballot
