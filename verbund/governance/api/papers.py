"""Papers (motions and reports)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Filter
from verbund.governance import selectors, services
from verbund.governance.api.common import operation_id, require
from verbund.governance.api.schemas import PaperIn, PaperOut
from verbund.registry.selectors import organization_get_for_user

router = Router()


@router.get(
    "/papers",
    response=list[PaperOut],
    summary="Papers (motions and reports), searchable",
    operation_id=operation_id("papers_list"),
)
@paginate(BoundedLimitOffsetPagination)
def papers_list(request: HttpRequest, q: Filter | None = None) -> Any:
    return selectors.paper_list(user=request.user, q=q)


@router.post(
    "/papers",
    response={201: PaperOut},
    summary="Create a paper (Beschlussvorlage)",
    operation_id=operation_id("papers_create"),
)
def papers_create(request: HttpRequest, payload: PaperIn) -> tuple[int, Any]:
    require(request, "governance.add_paper")
    body = organization_get_for_user(user=request.user, organization_id=payload.body_id)
    paper = services.paper_create(
        actor=request.user,
        body=body,
        reference=payload.reference,
        name=payload.name,
        date=payload.date,
        paper_type=payload.paper_type,
        text=payload.text,
        proposed_resolution=payload.proposed_resolution,
        subject_kind=payload.subject_kind,
        subject_id=payload.subject_id,
        majority_rule=payload.majority_rule,
        public=payload.public,
    )
    return 201, paper
