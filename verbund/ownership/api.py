"""REST API of the consolidation's entities (/api/v1/ownership/...): the entities, their owners at a date, their
agreements and the providers they hold; recording and ending a stake; the in-house check.

Reads go through the access layer (a member contact sees only the entities in which it holds a stake; anything
else is 404). Writes need `ownership.add_ownership` / `ownership.change_ownership` (403); refused input is 422
naming the field as the client sent it (`owner_id`, `share`, ...)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from verbund.core.access import Action, require_permission
from verbund.core.api_types import Day, Id
from verbund.ownership import inhouse, presentation, selectors, services
from verbund.registry.models import Organization

router = Router(tags=["ownership"])

API_FIELDS = {"entity": "entity_id", "owner": "owner_id"}


def _renamed(exc: ValidationError) -> ValidationError:
    """The service names its fields as the model does (`owner`); the client sent `owner_id`."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({API_FIELDS.get(field, field): problems for field, problems in exc.message_dict.items()})


class OwnershipEntityOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    legal_form: str
    parent_id: int | None


class StakeOut(Schema):
    id: int
    entity_id: int
    owner_id: int
    owner_name: str = Field(alias="owner.name")
    owner_kind: str = Field(alias="owner.kind")
    share: Decimal
    board_seats: int
    valid_from: dt.date
    valid_to: dt.date | None
    note: str
    demo: bool


class EntityAgreementOut(Schema):
    id: int
    name: str
    reference: str
    valid_from: dt.date
    valid_to: dt.date | None


class HeldOut(Schema):
    organization_id: int
    name: str
    kind: str
    share: Decimal | None
    board_seats: int | None


class EntityDetailOut(Schema):
    entity: OwnershipEntityOut
    day: dt.date
    owners: list[StakeOut]
    total_share: Decimal
    board_seats: int
    agreements: list[EntityAgreementOut]
    holds: list[HeldOut]
    history: list[StakeOut]


class StakeIn(Schema):
    owner_id: Id
    share: Decimal = Field(gt=0, le=1, max_digits=7, decimal_places=6, description="a fraction: 0.25 = 25 %")
    board_seats: int = Field(0, ge=0, le=99)
    valid_from: Day
    valid_to: Day | None = None
    note: str = Field("", max_length=500)


class StakeEndIn(Schema):
    valid_to: Day


def _entity(request: HttpRequest, entity_id: int) -> Organization:
    return selectors.entity_get_for_user(user=request.user, entity_id=entity_id)


@router.get("/entities", response=list[OwnershipEntityOut], summary="The holding and the operating company")
def ownership_entities_list(request: HttpRequest) -> Any:
    return list(selectors.entity_list(user=request.user))


@router.get(
    "/entities/{entity_id}",
    response=EntityDetailOut,
    summary="An entity's owners at a date, its agreements and what it holds",
)
def ownership_entities_get(request: HttpRequest, entity_id: Id, day: Day | None = None) -> Any:
    entity = _entity(request, entity_id)
    on = day or timezone.localdate()
    owners = selectors.owners_on(entity=entity, day=on)
    return {
        "entity": entity,
        "day": on,
        "owners": owners,
        "total_share": sum((row.share for row in owners), Decimal(0)),
        "board_seats": sum(row.board_seats for row in owners),
        "agreements": selectors.entity_agreements(user=request.user, entity=entity),
        "holds": [
            {
                "organization_id": held.organization.pk,
                "name": held.organization.name,
                "kind": held.organization.kind,
                "share": held.share,
                "board_seats": held.board_seats,
            }
            for held in selectors.entity_holdings(entity=entity, day=on)
        ],
        "history": selectors.ownership_history(entity=entity),
    }


@router.post("/entities/{entity_id}/owners", response={201: StakeOut}, summary="Record a stake in an entity")
def ownership_stakes_record(request: HttpRequest, entity_id: Id, payload: StakeIn) -> Any:
    require_permission(request.user, "ownership.add_ownership")
    entity = _entity(request, entity_id)
    owner = Organization.objects.restrict(request.user).filter(pk=payload.owner_id).first()
    if owner is None:
        raise ValidationError({"owner_id": "No such organisation."})
    try:
        row = services.ownership_record(
            actor=request.user,
            entity=entity,
            owner=owner,
            share=payload.share,
            board_seats=payload.board_seats,
            valid_from=payload.valid_from,
            valid_to=payload.valid_to,
            note=payload.note,
        )
    except ValidationError as exc:
        raise _renamed(exc) from exc
    return 201, row


@router.post("/stakes/{stake_id}/end", response=StakeOut, summary="End a stake on a day (its last day)")
def ownership_stakes_end(request: HttpRequest, stake_id: Id, payload: StakeEndIn) -> Any:
    require_permission(request.user, "ownership.change_ownership")
    row = selectors.ownership_rows(user=request.user, action=Action.CHANGE).filter(pk=stake_id).first()
    if row is None:
        raise Http404
    return services.ownership_end(actor=request.user, ownership=row, valid_to=payload.valid_to)


class InHouseRuleOut(Schema):
    code: str
    label: str
    passed: bool | None
    text: str
    lines: list[str]


class InHouseOut(Schema):
    entity_id: int
    day: dt.date
    status: str = Field(description="eligible, not_eligible or undetermined")
    status_label: str
    years: list[int]
    turnover_total: Decimal
    turnover_controllers: Decimal
    activity_share_percent: Decimal | None
    controllers: list[int]
    rules: list[InHouseRuleOut]


class InHouseChangeIn(Schema):
    day: Day | None = None
    customer_id: Id | None = Field(None, description="a customer that would buy more (an accession, an order)")
    annual_turnover: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    owner_id: Id | None = Field(None, description="a public organisation that would take a share")
    private_owner: bool = Field(False, description="a private investor would take the share")
    share: Decimal = Field(Decimal(0), ge=0, le=1, max_digits=7, decimal_places=6)
    board_seats: int = Field(0, ge=0, le=99)


class InHouseChangeOut(Schema):
    breaks: bool
    before: InHouseOut
    after: InHouseOut


@router.get("/entities/{entity_id}/inhouse", response=InHouseOut, summary="The in-house check (§ 108 GWB)")
def ownership_inhouse_get(request: HttpRequest, entity_id: Id, day: Day | None = None) -> Any:
    entity = _entity(request, entity_id)
    judgement, names = inhouse.judgement(entity=entity, as_of=day or timezone.localdate())
    return presentation.as_json(judgement, names)


@router.post(
    "/entities/{entity_id}/inhouse/check",
    response=InHouseChangeOut,
    summary="Would this accession, additional turnover or owner break the in-house award?",
)
def ownership_inhouse_check(request: HttpRequest, entity_id: Id, payload: InHouseChangeIn) -> Any:
    """Changes nothing: the check now and after the change."""
    entity = _entity(request, entity_id)
    customer = owner = None
    if payload.customer_id is not None:
        customer = Organization.objects.restrict(request.user).filter(pk=payload.customer_id).first()
        if customer is None:
            raise ValidationError({"customer_id": "No such organisation."})
    if payload.owner_id is not None:
        owner = Organization.objects.restrict(request.user).filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": "No such organisation."})
    if (owner is not None or payload.private_owner) and not payload.share:
        raise ValidationError({"share": "A new owner needs a share above 0."})
    warning = inhouse.inhouse_warning(
        entity=entity,
        as_of=payload.day or timezone.localdate(),
        customer=customer,
        annual_turnover=payload.annual_turnover,
        owner=owner,
        private_owner_id=0 if payload.private_owner and owner is None else None,
        share=payload.share,
        board_seats=payload.board_seats,
    )
    return {
        "breaks": warning.breaks,
        "before": presentation.as_json(warning.before, warning.names),
        "after": presentation.as_json(warning.after, warning.names),
    }
