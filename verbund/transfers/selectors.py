"""Reads of the transfers app: lists and details through the access layer, the preview of what a transfer
changes, a member's notices with their lines, and the staff transfer list."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.catalog.engine.pricing import PricingError
from verbund.catalog.models import PriceRevision
from verbund.catalog.selectors import fee_preview
from verbund.core.access import Action
from verbund.orders.choices import OrderStatus
from verbund.orders.models import Order, Subscription, SubscriptionQuantity
from verbund.orders.selectors import quantity_on
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import Agreement, AgreementParty, Organization
from verbund.transfers.models import MovedSubscription, ServiceTransfer, TransferItem, TransferNotice
from verbund.transfers.staff import StaffLine, staff_lines

ZERO = Decimal("0.00")


def transfer_list(*, user: Any, status: str | None = None) -> QuerySet[ServiceTransfer]:
    queryset = ServiceTransfer.objects.restrict(user).select_related("from_provider", "to_provider")
    return queryset.filter(status=status) if status else queryset


def transfer_get_for_user(*, user: Any, transfer_id: int, action: str = Action.VIEW) -> ServiceTransfer:
    return get_object_or_404(
        ServiceTransfer.objects.restrict(user, action).select_related(
            "from_provider", "to_provider", "family", "target_version", "proposed_by"
        ),
        pk=transfer_id,
    )


def transfer_items(transfer: ServiceTransfer) -> list[TransferItem]:
    return list(transfer.items.select_related("product", "new_product"))


@dataclass
class MemberLine:
    product: str
    new_number: str
    quantity: Decimal | None
    before: Decimal  # annual net at the previous price (the pricing engine's line)
    after: Decimal  # annual net at the receiving provider's price

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass
class MemberChange:
    member: Organization
    lines: list[MemberLine] = field(default_factory=list)
    in_agreement: bool = True  # a party of the receiving provider's agreement on the effective date

    @property
    def before(self) -> Decimal:
        return sum((line.before for line in self.lines), ZERO)

    @property
    def after(self) -> Decimal:
        return sum((line.after for line in self.lines), ZERO)

    @property
    def change(self) -> Decimal:
        return self.after - self.before


@dataclass
class Preview:
    items: list[TransferItem]
    members: list[MemberChange]
    open_orders: int
    subscriptions: int
    # the receiving provider's agreement in force on the effective date: members not yet its parties join it
    # with the execution (ADR 0043); None: they cannot be billed by the receiving provider until they accede
    agreement: Agreement | None = None

    @property
    def not_in_agreement(self) -> list[Organization]:
        return [m.member for m in self.members if not m.in_agreement]

    # Totals over every member (a page of the preview shows 50 of them).
    @property
    def before(self) -> Decimal:
        return sum((m.before for m in self.members), ZERO)

    @property
    def after(self) -> Decimal:
        return sum((m.after for m in self.members), ZERO)

    @property
    def change(self) -> Decimal:
        return self.after - self.before


def _revision(item: TransferItem, price: Decimal | None) -> PriceRevision | None:
    return None if price is None else PriceRevision(product=item.product, unit_price=price, vat_rate=item.vat_rate)


def _annual_net(
    item: TransferItem, revision: PriceRevision | None, member: Organization, quantity: Decimal | None
) -> Decimal:
    if revision is None:
        return ZERO
    try:
        return fee_preview(product=item.product, revision=revision, member=member, quantity=quantity).net
    except PricingError:
        return ZERO


def transfer_preview(*, transfer: ServiceTransfer) -> Preview:
    """What moves (items and their prices), whose subscriptions run on the effective date and how each member's
    annual fee (net, at the quantity then) changes: the catalogue's pricing engine, line by line. An executed
    transfer shows what was moved. Queries do not grow with the members (5 in all)."""
    day = transfer.effective_date
    items = transfer_items(transfer)
    by_product = {item.product_id: item for item in items}
    product_ids = list(by_product)
    if transfer.status == "executed":
        subs = Subscription.objects.filter(transferred_from__transfer=transfer)
        by_product = {item.new_product_id: item for item in items if item.new_product_id is not None}
    else:
        subs = Subscription.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), product_id__in=product_ids)
    subs = subs.select_related("member").prefetch_related(
        Prefetch("quantities", queryset=SubscriptionQuantity.objects.order_by("valid_from", "id"))
    )
    # One unsaved revision per item and price, not per subscription (10,981 model instances less per price).
    revisions = {item.pk: (_revision(item, item.source_price), _revision(item, item.unit_price)) for item in items}
    members: dict[int, MemberChange] = {}
    count = 0
    for sub in subs.order_by("member__name", "pk"):
        count += 1
        item = by_product[sub.product_id]
        quantity = quantity_on(list(sub.quantities.all()), max(day, sub.start_date))
        change = members.setdefault(sub.member_id, MemberChange(sub.member))
        change.lines.append(
            MemberLine(
                product=item.product.number,
                new_number=item.new_number,
                quantity=quantity,
                before=_annual_net(item, revisions[item.pk][0], sub.member, quantity),
                after=_annual_net(item, revisions[item.pk][1], sub.member, quantity),
            )
        )
    parties = set(
        AgreementParty.objects.filter(
            agreement__provider=transfer.to_provider,
            status=ApprovalStatus.APPROVED,
            joined_on__lte=day,
            organization_id__in=list(members),
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=day))
        .values_list("organization_id", flat=True)
    )
    for member_id, change in members.items():
        change.in_agreement = member_id in parties
    open_orders = Order.objects.filter(product_id__in=product_ids, status=OrderStatus.SUBMITTED).count()
    return Preview(
        items=items,
        members=list(members.values()),
        open_orders=open_orders,
        subscriptions=count,
        agreement=receiving_agreement(transfer),
    )


def receiving_agreement(transfer: ServiceTransfer) -> Agreement | None:
    """The receiving provider's agreement in force on the effective date (the oldest, if several)."""
    day = transfer.effective_date
    return (
        Agreement.objects.filter(provider_id=transfer.to_provider_id, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("valid_from", "pk")
        .first()
    )


def notice_list(*, user: Any, member: Organization | None = None) -> QuerySet[TransferNotice]:
    queryset = TransferNotice.objects.restrict(user).select_related(
        "member", "transfer", "transfer__from_provider", "transfer__to_provider"
    )
    return queryset.filter(member=member) if member is not None else queryset


def notice_get_for_user(*, user: Any, notice_id: int) -> TransferNotice:
    return get_object_or_404(notice_list(user=user), pk=notice_id)


def notice_lines(notice: TransferNotice) -> list[MovedSubscription]:
    return list(
        MovedSubscription.objects.filter(transfer_id=notice.transfer_id, member_id=notice.member_id)
        .select_related("item", "item__product", "item__new_product", "old_subscription", "new_subscription")
        .order_by("item__product__number")
    )


def staff_list(*, transfer: ServiceTransfer) -> list[StaffLine]:
    """The staff transfer list (`staff.py`: the scenarios app's positions and the rule for each)."""
    return staff_lines(transfer)
