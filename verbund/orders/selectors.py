"""Reads for orders, subscriptions and the contract folder (a fixed number of queries per page)."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.catalog.choices import ChargeUnit, RevisionStatus
from verbund.catalog.engine.pricing import LinePreview, PricingError, price_line
from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.selectors import product_provider_ids
from verbund.core.access import Action
from verbund.orders.models import Order, Subscription, SubscriptionQuantity
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import Agreement, AgreementParty, Organization


def parties_in_force(member: Organization, on: dt.date) -> QuerySet[AgreementParty]:
    """The member's approved agreement parties in force on the day."""
    return AgreementParty.objects.filter(organization=member, status=ApprovalStatus.APPROVED, joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on)
    )


def accession_agreement(*, member: Organization, product: Product, on: dt.date) -> Agreement | None:
    """Modular joining (ADR 0043): the agreement the member must accede to before it can take the product, or
    None when it may order right away. A product belongs to the providers whose catalogue of the year lists it;
    a member that is a party of one of their agreements orders as before. Otherwise it is the oldest agreement of
    such a provider in force on the start date. A product in no provider's catalogue, or whose providers have no
    agreement in force, needs none (the services then ask for a party of any agreement, the rule before)."""
    provider_ids = product_provider_ids(product=product, year=on.year)
    if not provider_ids or parties_in_force(member, on).filter(agreement__provider_id__in=provider_ids).exists():
        return None
    return (
        Agreement.objects.filter(provider_id__in=provider_ids, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .select_related("provider")
        .order_by("valid_from", "pk")
        .first()
    )


def order_list(*, user: Any, status: str | None = None, member_id: int | None = None) -> QuerySet[Order]:
    queryset: QuerySet[Order] = Order.objects.restrict(user).select_related(
        "member", "product", "submitted_by", "accession"
    )
    if status:
        queryset = queryset.filter(status=status)
    if member_id:
        queryset = queryset.filter(member_id=member_id)
    return queryset.order_by("-created", "-id")


def order_get_for_user(*, user: Any, order_id: int, action: str = Action.VIEW) -> Order:
    return get_object_or_404(
        Order.objects.restrict(user, action).select_related(
            "member", "product", "subscription", "price_revision", "submitted_by", "decided_by", "accession__agreement"
        ),
        pk=order_id,
    )


def subscription_get_for_user(*, user: Any, subscription_id: int, action: str = Action.VIEW) -> Subscription:
    return get_object_or_404(
        Subscription.objects.restrict(user, action).select_related("member", "product"), pk=subscription_id
    )


def quantity_on(quantities: list[SubscriptionQuantity], day: dt.date) -> Decimal | None:
    """The quantity in force on `day` from an ordered list of quantity rows (latest valid_from wins)."""
    current = None
    for row in quantities:
        if row.valid_from <= day:
            current = row.quantity
    return current


@dataclass
class FolderLine:
    subscription: Subscription
    quantities: list[SubscriptionQuantity]
    quantity: Decimal | None
    price: PriceRevision | None
    preview: LinePreview | None
    state: str  # active, future, ended
    orders: list[Order] = field(default_factory=list)


@dataclass
class ContractFolder:
    member: Organization
    as_of: dt.date
    lines: list[FolderLine]
    pending_orders: list[Order]

    @property
    def active_lines(self) -> list[FolderLine]:
        return [line for line in self.lines if line.state != "ended"]

    @property
    def past_lines(self) -> list[FolderLine]:
        return [line for line in self.lines if line.state == "ended"]

    @property
    def annual_net(self) -> Decimal:
        return sum(
            (
                line.preview.net
                for line in self.lines
                if line.state == "active" and line.preview and line.preview.recurring
            ),
            Decimal("0.00"),
        )

    @property
    def annual_gross(self) -> Decimal:
        return sum(
            (
                line.preview.gross
                for line in self.lines
                if line.state == "active" and line.preview and line.preview.recurring
            ),
            Decimal("0.00"),
        )


def member_get_for_user(*, user: Any, member_id: int) -> Organization:
    return get_object_or_404(Organization.objects.restrict(user), pk=member_id)


def _price_on(revisions: list[PriceRevision], day: dt.date) -> PriceRevision | None:
    for revision in revisions:  # ordered by -valid_from, -approved_at, -id
        if revision.valid_from <= day:
            return revision
    return None


def contract_folder(*, user: Any, member: Organization, as_of: dt.date) -> ContractFolder:
    """Everything a member has ordered: subscriptions with quantities over time, price and fee as of a date."""
    revisions = PriceRevision.objects.filter(status=RevisionStatus.APPROVED).order_by(
        "-valid_from", "-approved_at", "-id"
    )
    # Any: django-stubs cannot type Prefetch(to_attr=...) attributes.
    visible: Any = Subscription.objects.restrict(user)
    subscriptions: Any = (
        visible.filter(member=member)
        .select_related("product", "product__family")
        .prefetch_related(
            Prefetch(
                "quantities",
                queryset=SubscriptionQuantity.objects.order_by("valid_from", "id"),
                to_attr="quantity_rows",
            ),
            Prefetch("product__price_revisions", queryset=revisions, to_attr="approved_revisions"),
            Prefetch("orders", queryset=Order.objects.order_by("created", "id"), to_attr="order_rows"),
        )
        .order_by("product__number", "start_date")
    )
    lines = []
    for sub in subscriptions:
        if sub.end_date is not None and sub.end_date < as_of:
            state, day = "ended", sub.end_date
        elif sub.start_date > as_of:
            state, day = "future", sub.start_date
        else:
            state, day = "active", as_of
        quantity = quantity_on(sub.quantity_rows, day)
        price = _price_on(sub.product.approved_revisions, day)
        preview = None
        if price is not None and quantity is not None:
            try:
                preview = price_line(
                    quantity=quantity,
                    unit_price=price.unit_price,
                    vat_rate=price.vat_rate,
                    recurring=sub.product.unit != ChargeUnit.ONE_OFF,
                )
            except PricingError:
                preview = None
        lines.append(FolderLine(sub, sub.quantity_rows, quantity, price, preview, state, sub.order_rows))
    pending = list(order_list(user=user, member_id=member.pk, status="submitted"))
    return ContractFolder(member=member, as_of=as_of, lines=lines, pending_orders=pending)


def subscriptions_in_year(
    *, member_ids: Collection[int], product_ids: Collection[int], year: int
) -> QuerySet[Subscription]:
    """The subscriptions of these members and products in force on some day of the year, with their quantity
    rows (`quantity_rows`, oldest first), ordered by member, product, start (2 queries when evaluated)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (
        Subscription.objects.filter(member_id__in=list(member_ids), product_id__in=list(product_ids))
        .filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .prefetch_related(
            Prefetch(
                "quantities",
                queryset=SubscriptionQuantity.objects.order_by("valid_from", "id"),
                to_attr="quantity_rows",
            )
        )
        .order_by("member_id", "product_id", "start_date", "id")
    )
