"""Committees and their seats."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Id
from verbund.governance import selectors
from verbund.governance.api.common import operation_id
from verbund.governance.api.schemas import CommitteeDetailOut, CommitteeListOut
from verbund.governance.models import Committee

router = Router()


@router.get(
    "/committees",
    response=list[CommitteeListOut],
    summary="Committees the caller may see",
    operation_id=operation_id("committees_list"),
)
@paginate(BoundedLimitOffsetPagination)
def committees_list(request: HttpRequest) -> QuerySet[Committee]:
    return selectors.committee_list(user=request.user)


@router.get(
    "/committees/{committee_id}",
    response=CommitteeDetailOut,
    summary="One committee with its seats",
    operation_id=operation_id("committees_get"),
)
def committees_get(request: HttpRequest, committee_id: Id) -> Committee:
    return selectors.committee_get_for_user(user=request.user, committee_id=committee_id)
