"""Votes, the running tally and decisions (recording one, and the register)."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Filter, Id, Year
from verbund.governance import selectors, services
from verbund.governance.api.common import operation_id, require
from verbund.governance.api.schemas import DecisionIn, DecisionOut, TallyOut, VoteIn, VoteOut
from verbund.governance.models import Decision, Vote

router = Router()


@router.post(
    "/agenda-items/{item_id}/votes",
    response={200: VoteOut, 201: VoteOut},
    summary="Cast (or change) the vote of a seat",
    operation_id=operation_id("votes_cast"),
)
def votes_cast(request: HttpRequest, item_id: Id, payload: VoteIn) -> tuple[int, Vote]:
    item = selectors.item_for_voting(user=request.user, item_id=item_id)
    membership = selectors.membership_get(membership_id=payload.membership_id)
    if membership is None:
        raise Http404
    existed = selectors.has_voted(item=item, membership=membership)
    vote = services.vote_cast(actor=request.user, agenda_item=item, membership=membership, choice=payload.choice)
    return (200 if existed else 201), vote


@router.post(
    "/agenda-items/{item_id}/decision",
    response={201: DecisionOut},
    summary="Close the vote and record the decision (with its effect on the paper's subject)",
    operation_id=operation_id("decisions_record"),
)
def decisions_record(request: HttpRequest, item_id: Id, payload: DecisionIn | None = None) -> tuple[int, Decision]:
    require(request, "governance.add_decision")
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id)
    data = payload or DecisionIn()
    decision = services.decision_record(
        actor=request.user, agenda_item=item, decided_on=data.decided_on, resolution_text=data.resolution_text
    )
    return 201, decision


@router.get(
    "/agenda-items/{item_id}/tally",
    response=TallyOut,
    summary="Ballots and running tally of an item",
    operation_id=operation_id("agenda_items_tally"),
)
def agenda_items_tally(request: HttpRequest, item_id: Id) -> selectors.VoteTally:
    item = selectors.agenda_item_get_for_user(user=request.user, item_id=item_id)
    count = selectors.vote_tally(item, decision=selectors.decision_of(item))
    if count.figures is None:
        raise ValidationError({"votes": count.error})
    return count


@router.get(
    "/decisions",
    response=list[DecisionOut],
    summary="The register of decisions, searchable",
    operation_id=operation_id("decisions_list"),
)
@paginate(BoundedLimitOffsetPagination)
def decisions_list(
    request: HttpRequest, q: Filter | None = None, committee: Id | None = None, year: Year | None = None
) -> QuerySet[Decision]:
    return selectors.decision_register(user=request.user, q=q, committee_id=committee, year=year)
