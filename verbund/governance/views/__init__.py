"""The governance pages: committees, meeting calendar, agendas with attendance, papers, live votes, decisions.

Who may open which page, and which rows it shows: `views/common.py` and ADR 0029 (one rule, in the access layer).
"""

from verbund.governance.views.committees import committee_detail, committee_list
from verbund.governance.views.decisions import decision_record, decision_register
from verbund.governance.views.meetings import (
    agenda_item_add,
    agenda_item_move,
    attendance_record,
    meeting_detail,
    meeting_invitation_pdf,
    meeting_list,
    meeting_minutes_pdf,
    meeting_state,
)
from verbund.governance.views.papers import paper_create, paper_detail, paper_list
from verbund.governance.views.votes import agenda_item_detail, agenda_item_tally, vote_cast

__all__ = [
    "agenda_item_add",
    "agenda_item_detail",
    "agenda_item_move",
    "agenda_item_tally",
    "attendance_record",
    "committee_detail",
    "committee_list",
    "decision_record",
    "decision_register",
    "meeting_detail",
    "meeting_invitation_pdf",
    "meeting_list",
    "meeting_minutes_pdf",
    "meeting_state",
    "paper_create",
    "paper_detail",
    "paper_list",
    "vote_cast",
]
