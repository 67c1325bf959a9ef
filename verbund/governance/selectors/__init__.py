"""Reads for governance, through the access layer.

Who sees what (ADR 0029): a user whose role grants the governance.view_* permission (provider staff, auditors,
committee members) sees every committee's business; a user without it who holds a seat in a committee (a member
contact who is also the member's voting representative) sees, on the governance pages, the business of the
committees they hold a seat in and nothing else. Both are one rule of the access layer:
`Model.objects.restrict(user, relations=seats)`, where the models name the path to their committee
(`querysets.SeatScoped`). The pages pass `seats=True`; the REST API serves the roles only (`seats=False`).

Committee business is public record, except agenda items marked non-public (and the papers only discussed
there): those are seen by the roles that see all organisations and by persons holding a seat in the committee.
Soft-deleted rows never appear: every read starts from `.alive()`.

One module per area: `seats` (who sees what), `meetings`, `papers` (and decisions), `tally`, `dashboard`.
"""

from verbund.governance.selectors.dashboard import (
    VOTING_STATES,
    CommitteeWork,
    OpenVote,
    committee_work,
)
from verbund.governance.selectors.meetings import (
    agenda_item_get_for_user,
    agenda_items,
    agenda_order,
    attendance_for,
    committee_get_for_user,
    committee_list,
    committee_memberships,
    has_voted,
    item_for_voting,
    meeting_get_for_user,
    meeting_has_decision,
    meeting_list,
    membership_get,
    person_get,
    seats_on,
)
from verbund.governance.selectors.papers import (
    decision_of,
    decision_register,
    decision_years,
    paper_bodies,
    paper_get_for_user,
    paper_list,
    papers_of_body,
)
from verbund.governance.selectors.seats import (
    may_view,
    person_for_user,
    seats_of,
    sees_internal,
)
from verbund.governance.selectors.tally import (
    BallotRow,
    VoteTally,
    ballots_for,
    rule_for,
    vote_tally,
)

__all__ = [
    "VOTING_STATES",
    "BallotRow",
    "CommitteeWork",
    "OpenVote",
    "VoteTally",
    "agenda_item_get_for_user",
    "agenda_items",
    "agenda_order",
    "attendance_for",
    "ballots_for",
    "committee_get_for_user",
    "committee_list",
    "committee_memberships",
    "committee_work",
    "decision_of",
    "decision_register",
    "decision_years",
    "has_voted",
    "item_for_voting",
    "may_view",
    "meeting_get_for_user",
    "meeting_has_decision",
    "meeting_list",
    "membership_get",
    "paper_bodies",
    "paper_get_for_user",
    "paper_list",
    "papers_of_body",
    "person_for_user",
    "person_get",
    "rule_for",
    "seats_of",
    "seats_on",
    "sees_internal",
    "vote_tally",
]
