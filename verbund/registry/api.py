import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from verbund.core.api_types import BoundedLimitOffsetPagination, Id
from verbund.registry import selectors
from verbund.registry.filters import OrganizationFilter
from verbund.registry.models import AgreementParty

router = Router(tags=["registry"])


class OrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    legal_form: str
    ags: str
    ars: str
    land: str
    official_type: str
    population: int | None
    area_km2: Decimal | None
    parent_id: int | None
    postcode: str
    city: str
    leitweg_id: str
    is_active: bool
    modified: dt.datetime


class PartyOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    role: str
    joined_on: dt.date
    council_resolution_date: dt.date | None
    committee_decision_ref: str
    supervisory_approval_date: dt.date | None
    capital_contribution: Decimal
    left_on: dt.date | None

    @staticmethod
    def resolve_organization_name(obj: AgreementParty) -> str:
        return obj.organization.name


class AgreementOut(Schema):
    id: int
    name: str
    reference: str
    provider_id: int
    valid_from: dt.date
    valid_to: dt.date | None


class AgreementDetailOut(AgreementOut):
    parties: list[PartyOut]

    @staticmethod
    def resolve_parties(obj) -> list:  # type: ignore[no-untyped-def,type-arg]
        return list(obj.visible_parties)


@router.get("/organizations", response=list[OrganizationOut], summary="List organisations")
@paginate(BoundedLimitOffsetPagination)
def organizations_list(request: HttpRequest, filters: Query[OrganizationFilter]):  # type: ignore[no-untyped-def]
    """Organisations the caller may see, filtered by kind, Land, AGS prefix and name; paginated."""
    return selectors.organization_list(user=request.user, filters=filters)


@router.get("/organizations/{organization_id}", response=OrganizationOut, summary="One organisation")
def organizations_get(request: HttpRequest, organization_id: Id):  # type: ignore[no-untyped-def]
    return selectors.organization_get_for_user(user=request.user, organization_id=organization_id)


@router.get("/agreements", response=list[AgreementOut], summary="List agreements")
@paginate(BoundedLimitOffsetPagination)
def agreements_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.agreement_list(user=request.user)


@router.get("/agreements/{agreement_id}", response=AgreementDetailOut, summary="One agreement with its parties")
def agreements_get(request: HttpRequest, agreement_id: Id):  # type: ignore[no-untyped-def]
    return selectors.agreement_get_for_user(user=request.user, agreement_id=agreement_id)
