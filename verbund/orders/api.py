import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.catalog.selectors import product_get_for_user
from verbund.core.access import Action
from verbund.core.api_types import BoundedLimitOffsetPagination, Count, Day, Id
from verbund.orders import selectors, services
from verbund.orders.choices import OrderStatus
from verbund.orders.models import Order

router = Router(tags=["orders"])


class OrderIn(Schema):
    member_id: Id
    product_id: Id
    quantity: Decimal | None = Field(
        None, max_digits=14, decimal_places=2, description="not needed for per-inhabitant and flat products"
    )
    start_date: Day
    member_reference: str = Field("", max_length=100)
    comment: str = Field("", max_length=2000)
    accede: bool = Field(
        False,
        description="apply for the accession to the provider's agreement if the member is not yet a party "
        "(modular joining): the order then waits for it, and both take effect together",
    )


class ChangeIn(Schema):
    quantity: Decimal = Field(..., max_digits=14, decimal_places=2)
    effective_date: Day
    expected_version: Count | None = None
    member_reference: str = Field("", max_length=100)
    comment: str = Field("", max_length=2000)


class CancelIn(Schema):
    end_date: Day
    expected_version: Count | None = None
    comment: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason: str = Field(..., max_length=500)


class OrderOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    member_id: int
    product_id: int
    subscription_id: int | None
    quantity: Decimal | None
    effective_date: dt.date
    member_reference: str
    annual_net_preview: Decimal | None
    rejection_reason: str
    created: dt.datetime
    decided_at: dt.datetime | None
    accession_id: int | None = Field(None, description="the accession (agreement party) the order waits or came with")
    waits_for_accession: bool


class QuantityOut(Schema):
    valid_from: dt.date
    quantity: Decimal


class FolderLineOut(Schema):
    subscription_id: int
    version: int
    product_id: int
    product_number: str
    product_name: str
    unit: str
    start_date: dt.date
    end_date: dt.date | None
    state: str
    quantity: Decimal | None
    quantities: list[QuantityOut]
    unit_price: Decimal | None
    annual_net: Decimal | None
    annual_gross: Decimal | None


class FolderOut(Schema):
    member_id: int
    member_name: str
    as_of: dt.date
    annual_net: Decimal
    annual_gross: Decimal
    lines: list[FolderLineOut]
    pending_orders: list[OrderOut]


@router.post("/orders", response={201: OrderOut}, summary="Submit an order for a product")
def orders_create(request: HttpRequest, payload: OrderIn):  # type: ignore[no-untyped-def]
    member = selectors.member_get_for_user(user=request.user, member_id=payload.member_id)
    product = product_get_for_user(user=request.user, product_id=payload.product_id)
    order = services.order_submit_new(
        actor=request.user,
        member=member,
        product=product,
        quantity=payload.quantity,
        start_date=payload.start_date,
        as_of=timezone.localdate(),
        member_reference=payload.member_reference,
        comment=payload.comment,
        accede=payload.accede,
    )
    return 201, order


@router.get("/orders", response=list[OrderOut], summary="Orders the caller may see, newest first")
@paginate(BoundedLimitOffsetPagination)
def orders_list(request: HttpRequest, status: OrderStatus | None = None):  # type: ignore[no-untyped-def]
    return selectors.order_list(user=request.user, status=status)


@router.get("/orders/{order_id}", response=OrderOut, summary="One order")
def orders_get(request: HttpRequest, order_id: Id):  # type: ignore[no-untyped-def]
    return selectors.order_get_for_user(user=request.user, order_id=order_id)


def _order_for_decision(request: HttpRequest, order_id: Id) -> Order:
    return selectors.order_get_for_user(user=request.user, order_id=order_id, action=Action.CHANGE)


@router.post("/orders/{order_id}/confirm", response=OrderOut, summary="Confirm (provider staff)")
def orders_confirm(request: HttpRequest, order_id: Id):  # type: ignore[no-untyped-def]
    order = _order_for_decision(request, order_id)
    services.order_confirm(actor=request.user, order=order)
    order.refresh_from_db()
    return order


@router.post("/orders/{order_id}/reject", response=OrderOut, summary="Reject with a reason (provider staff)")
def orders_reject(request: HttpRequest, order_id: Id, payload: RejectIn):  # type: ignore[no-untyped-def]
    order = _order_for_decision(request, order_id)
    return services.order_reject(actor=request.user, order=order, reason=payload.reason)


@router.post("/orders/{order_id}/withdraw", response=OrderOut, summary="Withdraw a submitted order")
def orders_withdraw(request: HttpRequest, order_id: Id):  # type: ignore[no-untyped-def]
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    return services.order_withdraw(actor=request.user, order=order)


@router.post("/subscriptions/{subscription_id}/change", response={201: OrderOut}, summary="Request a new quantity")
def subscriptions_change(request: HttpRequest, subscription_id: Id, payload: ChangeIn):  # type: ignore[no-untyped-def]
    subscription = selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id)
    order = services.order_submit_change(
        actor=request.user,
        subscription=subscription,
        quantity=payload.quantity,
        effective_date=payload.effective_date,
        as_of=timezone.localdate(),
        expected_version=payload.expected_version,
        member_reference=payload.member_reference,
        comment=payload.comment,
    )
    return 201, order


@router.post("/subscriptions/{subscription_id}/cancel", response={201: OrderOut}, summary="Request cancellation")
def subscriptions_cancel(request: HttpRequest, subscription_id: Id, payload: CancelIn):  # type: ignore[no-untyped-def]
    subscription = selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id)
    order = services.order_submit_cancel(
        actor=request.user,
        subscription=subscription,
        end_date=payload.end_date,
        as_of=timezone.localdate(),
        expected_version=payload.expected_version,
        comment=payload.comment,
    )
    return 201, order


@router.get("/members/{member_id}/contract-folder", response=FolderOut, summary="A member's contract folder")
def contract_folder(request: HttpRequest, member_id: Id, as_of: Day | None = None):  # type: ignore[no-untyped-def]
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    folder = selectors.contract_folder(user=request.user, member=member, as_of=as_of or timezone.localdate())
    return FolderOut(
        member_id=member.pk,
        member_name=member.name,
        as_of=folder.as_of,
        annual_net=folder.annual_net,
        annual_gross=folder.annual_gross,
        pending_orders=[OrderOut.from_orm(o) for o in folder.pending_orders],
        lines=[
            FolderLineOut(
                subscription_id=line.subscription.pk,
                version=line.subscription.version,
                product_id=line.subscription.product_id,
                product_number=line.subscription.product.number,
                product_name=line.subscription.product.name,
                unit=line.subscription.product.unit,
                start_date=line.subscription.start_date,
                end_date=line.subscription.end_date,
                state=line.state,
                quantity=line.quantity,
                quantities=[QuantityOut(valid_from=q.valid_from, quantity=q.quantity) for q in line.quantities],
                unit_price=line.price.unit_price if line.price else None,
                annual_net=line.preview.net if line.preview else None,
                annual_gross=line.preview.gross if line.preview else None,
            )
            for line in folder.lines
        ],
    )
