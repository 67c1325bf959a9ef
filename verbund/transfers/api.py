"""REST API of service transfers (/api/v1/transfers/...): list, detail, propose, preview, execute, notices.

Transfers are staff data: a member contact finds none (404) and sees only its own notices. Writes check the
role's permission (403), then the services decide (422 naming the field).
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from verbund.catalog.models import Product, ProductFamily
from verbund.core.access import Action, require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Filter, Id
from verbund.core.params import OFFSET_MAX
from verbund.governance.models import Committee
from verbund.ownership import presentation
from verbund.registry.models import Organization
from verbund.transfers import selectors, services
from verbund.transfers.inhouse import transfer_inhouse
from verbund.transfers.models import ServiceTransfer

router = Router(tags=["transfers"])

PROPOSE_NAMES = {
    "from_provider": "from_provider_id",
    "to_provider": "to_provider_id",
    "products": "product_ids",
    "family": "family_id",
    "bodies": "body_ids",
}


@contextmanager
def _api_names(names: dict[str, str]) -> Iterator[None]:
    """The services' field names as the client sent them (a 422 names the field of the request)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()}) from exc


class TransferItemOut(Schema):
    product_id: int
    product_number: str
    new_number: str
    source_price: Decimal | None
    unit_price: Decimal
    new_product_id: int | None


class TransferBodyOut(Schema):
    committee_id: int
    committee: str
    decision_reference: str
    adopted_on: dt.date | None


class TransferOut(Schema):
    id: int
    name: str
    from_provider_id: int
    to_provider_id: int
    scope: str
    effective_date: dt.date
    status: str
    decision_reference: str
    executed_at: dt.datetime | None
    moved_subscriptions: int


class TransferDetailOut(TransferOut):
    items: list[TransferItemOut]
    bodies: list[TransferBodyOut]


class TransferProposeIn(Schema):
    from_provider_id: Id
    to_provider_id: Id
    effective_date: Day
    scope: str = Field("products", max_length=12, description="products, family or portfolio")
    product_ids: list[Id] = Field(default_factory=list, max_length=500)
    family_id: Id | None = None
    prices: dict[str, str] = Field(
        default_factory=dict, description="product id → unit price at the receiving provider (net EUR)"
    )
    body_ids: list[Id] = Field(..., max_length=20, description="committees whose identical resolutions are needed")
    name: str = Field("", max_length=200)
    reason: str = Field("", max_length=5000)


class TransferMemberLineOut(Schema):
    product: str
    new_number: str
    quantity: Decimal | None
    before: Decimal
    after: Decimal
    change: Decimal


class TransferMemberChangeOut(Schema):
    member_id: int
    member: str
    in_agreement: bool = Field(..., description="party of the receiving provider's agreement on the effective date")
    before: Decimal
    after: Decimal
    change: Decimal
    lines: list[TransferMemberLineOut]


class TransferInHouseRuleOut(Schema):
    code: str
    label: str
    passed: bool | None
    text: str
    lines: list[str]


class TransferInHouseJudgementOut(Schema):
    entity_id: int
    day: dt.date
    status: str = Field(description="eligible, not_eligible or undetermined")
    status_label: str
    years: list[int]
    turnover_total: Decimal
    turnover_controllers: Decimal
    activity_share_percent: Decimal | None
    controllers: list[int]
    rules: list[TransferInHouseRuleOut]


class TransferInHouseOut(Schema):
    side: str = Field(description="receiving or transferring")
    entity_id: int
    entity: str
    annual_turnover: Decimal = Field(description="change of the entity's annual net turnover (negative: lost)")
    customers: int
    breaks: bool = Field(description="the transfer would make an in-house award impossible")
    before: TransferInHouseJudgementOut
    after: TransferInHouseJudgementOut
    customers_left_off: int = Field(description="customers outside the controlling authorities not named in lines")


class TransferPreviewOut(Schema):
    transfer_id: int
    subscriptions: int
    open_orders: int
    items: list[TransferItemOut]
    count: int = Field(description="members in all (the totals cover them all; `members` is one page)")
    receiving_agreement_id: int | None = Field(
        None,
        description="the receiving provider's agreement in force on the effective date: members not yet its "
        "parties join it with the execution; null: they cannot be billed there until they accede",
    )
    limit: int
    offset: int
    before: Decimal = Field(description="annual net fees of all members before (EUR)")
    after: Decimal = Field(description="annual net fees of all members after (EUR)")
    change: Decimal
    members: list[TransferMemberChangeOut]
    inhouse: list[TransferInHouseOut] = Field(
        description="§ 108 GWB check of the receiving/transferring entity (holding or operating company only)"
    )


class TransferExecuteIn(Schema):
    as_of: Day | None = Field(None, description="the day of execution (default today); not before the effective date")


class TransferNoticeOut(Schema):
    id: int
    transfer_id: int
    transfer: str
    member_id: int
    member: str
    from_provider: str
    to_provider: str
    effective_date: dt.date
    created: dt.datetime


def _out(t: ServiceTransfer) -> dict[str, Any]:
    fields = ("id", "name", "from_provider_id", "to_provider_id", "scope", "effective_date", "status")
    data = {f: getattr(t, f) for f in fields}
    return data | {
        "decision_reference": t.decision_reference,
        "executed_at": t.executed_at,
        "moved_subscriptions": t.moved_subscriptions,
    }


def _items(items: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "product_id": i.product_id,
            "product_number": i.product.number,
            "new_number": i.new_number,
            "source_price": i.source_price,
            "unit_price": i.unit_price,
            "new_product_id": i.new_product_id,
        }
        for i in items
    ]


def _detail(t: ServiceTransfer) -> dict[str, Any]:
    bodies = [
        {
            "committee_id": b.committee_id,
            "committee": str(b.committee),
            "decision_reference": b.decision_reference,
            "adopted_on": b.adopted_on,
        }
        for b in t.bodies.select_related("committee")
    ]
    return _out(t) | {"items": _items(selectors.transfer_items(t)), "bodies": bodies}


@router.get("/", response=list[TransferOut], summary="Service transfers (staff)")
@paginate(BoundedLimitOffsetPagination)
def transfers_list(request: HttpRequest, status: Filter | None = None) -> Any:
    return [_out(t) for t in selectors.transfer_list(user=request.user, status=status)]


@router.get("/notices", response=list[TransferNoticeOut], summary="Transfer notices (a member sees its own)")
@paginate(BoundedLimitOffsetPagination)
def transfers_notices(request: HttpRequest) -> Any:
    return [
        {
            "id": n.pk,
            "transfer_id": n.transfer_id,
            "transfer": str(n.transfer),
            "member_id": n.member_id,
            "member": n.member.name,
            "from_provider": str(n.transfer.from_provider),
            "to_provider": str(n.transfer.to_provider),
            "effective_date": n.transfer.effective_date,
            "created": n.created,
        }
        for n in selectors.notice_list(user=request.user)
    ]


def _objects(model: type[Any], ids: list[int], field: str, user: Any) -> list[Any]:
    found = list(model.objects.restrict(user).filter(pk__in=ids)) if ids else []
    if len(found) != len(set(ids)):
        raise ValidationError({field: "; ".join(f"#{pk}" for pk in sorted(set(ids) - {o.pk for o in found}))})
    return found


@router.post("/propose", response={201: TransferDetailOut}, summary="Propose a transfer to the committees")
def transfers_propose(request: HttpRequest, payload: TransferProposeIn) -> Any:
    require_permission(request.user, "transfers.add_servicetransfer")
    user = request.user
    from_provider = _objects(Organization, [payload.from_provider_id], "from_provider_id", user)[0]
    to_provider = _objects(Organization, [payload.to_provider_id], "to_provider_id", user)[0]
    products = _objects(Product, payload.product_ids, "product_ids", user)
    family = _objects(ProductFamily, [payload.family_id], "family_id", user)[0] if payload.family_id else None
    bodies = _objects(Committee, payload.body_ids, "body_ids", user)
    prices: dict[int, Any] = {}
    for key, value in payload.prices.items():
        if not key.isdigit() or len(key) > 12:
            raise ValidationError({"prices": f"{key[:20]}: product id"})
        prices[int(key)] = value
    with _api_names(PROPOSE_NAMES):
        transfer = services.transfer_create(
            actor=user,
            from_provider=from_provider,
            to_provider=to_provider,
            effective_date=payload.effective_date,
            scope=payload.scope,
            products=products,
            family=family,
            prices=prices,
            bodies=bodies,
            name=payload.name,
            reason=payload.reason,
            submit=True,
        )
    return 201, _detail(transfer)


@router.get("/{transfer_id}", response=TransferDetailOut, summary="A transfer with its items and bodies")
def transfers_detail(request: HttpRequest, transfer_id: Id) -> Any:
    return _detail(selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id))


@router.get("/{transfer_id}/preview", response=TransferPreviewOut, summary="What the transfer moves and changes")
def transfers_preview(
    request: HttpRequest,
    transfer_id: Id,
    limit: int = Query(100, ge=1, le=500, description="members per page"),
    offset: int = Query(0, ge=0, le=OFFSET_MAX, description="members to skip"),
) -> Any:
    """Members are paged like the API's lists (`limit`/`offset`); the totals and the in-house check cover every
    member."""
    transfer = selectors.transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    preview = selectors.transfer_preview(transfer=transfer)
    return {
        "transfer_id": transfer.pk,
        "subscriptions": preview.subscriptions,
        "open_orders": preview.open_orders,
        "items": _items(preview.items),
        "count": len(preview.members),
        "receiving_agreement_id": preview.agreement.pk if preview.agreement else None,
        "limit": limit,
        "offset": offset,
        "before": preview.before,
        "after": preview.after,
        "change": preview.change,
        "members": [
            {
                "member_id": m.member.pk,
                "member": m.member.name,
                "in_agreement": m.in_agreement,
                "before": m.before,
                "after": m.after,
                "change": m.change,
                "lines": [
                    {
                        "product": line.product,
                        "new_number": line.new_number,
                        "quantity": line.quantity,
                        "before": line.before,
                        "after": line.after,
                        "change": line.change,
                    }
                    for line in m.lines
                ],
            }
            for m in preview.members[offset : offset + limit]
        ],
        "inhouse": [
            {
                "side": check.side,
                "entity_id": check.entity.pk,
                "entity": check.entity.name,
                "annual_turnover": check.annual_turnover,
                "customers": check.customers,
                "breaks": check.breaks,
                "before": presentation.as_json(check.before, check.warning.names),
                "after": presentation.as_json(check.after, check.warning.names),
                "customers_left_off": check.left_off,
            }
            for check in transfer_inhouse(transfer=transfer, preview=preview)
        ],
    }


@router.post("/{transfer_id}/execute", response=TransferDetailOut, summary="Execute an adopted transfer (idempotent)")
def transfers_execute(request: HttpRequest, transfer_id: Id, payload: TransferExecuteIn) -> Any:
    require_permission(request.user, services.EXECUTE)
    transfer = get_object_or_404(ServiceTransfer.objects.restrict(request.user, Action.CHANGE), pk=transfer_id)
    with _api_names({"effective_date": "as_of"}):
        done = services.transfer_execute(
            actor=request.user, transfer=transfer, as_of=payload.as_of or timezone.localdate()
        )
    return _detail(done)
