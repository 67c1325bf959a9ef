"""Reads of closing a year, through the access layer, and the loader that turns a closing into the engine's input."""

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from verbund.closing import engine as closing_engine
from verbund.closing.choices import ClosingStatus
from verbund.closing.models import (
    ActualCost,
    ActualFlow,
    ActualImport,
    ActualPriceIndex,
    ActualUsage,
    BusinessPlanLine,
    CarryForward,
    Closing,
    MemberOutcome,
    ProductOutcome,
)
from verbund.costing import engine
from verbund.costing.selectors import plan_model
from verbund.registry.models import Organization


def closing_list(*, user: Any) -> QuerySet[Closing]:
    return Closing.objects.restrict(user).select_related("plan", "provider").order_by("-year", "-id")


def closing_get_for_user(*, user: Any, closing_id: int, action: str = "view") -> Closing:
    return get_object_or_404(Closing.objects.restrict(user, action).select_related("plan", "provider"), pk=closing_id)


def closing_model(*, closing: Closing) -> tuple[engine.CostingModel, dict[str, Organization]]:
    """The plan of the closing as the costing engine reads it, with the closing's actual figures as `actuals`."""
    model, members = plan_model(plan=closing.plan)
    costs = [
        engine.PrimaryCost(c.centre.code, c.cost_type.code, c.amount)
        for c in ActualCost.objects.filter(closing=closing).select_related("centre", "cost_type")
    ]
    flows: list[engine.ServiceQuantity] | None = [
        engine.ServiceQuantity(f.provider.code, f.receiver.code, f.quantity)
        for f in ActualFlow.objects.filter(closing=closing).select_related("provider", "receiver")
    ]
    if not flows:
        flows = None  # no actual service quantities: the plan's hold
    usage: dict[tuple[str, str], Decimal] = {}
    for row in (
        ActualUsage.objects.filter(closing=closing)
        .values("member_id", "product_plan__product__number")
        .annotate(total=Sum("quantity"))
    ):
        usage[(str(row["member_id"]), row["product_plan__product__number"])] = row["total"]
    indices = tuple(
        engine.PriceIndex(p.cost_type.code, p.index)
        for p in ActualPriceIndex.objects.filter(closing=closing).select_related("cost_type")
    )
    model = closing_engine.actual_figures(model, costs=costs, flows=flows, usage=usage)
    if indices and model.actuals is not None:
        model = replace(model, actuals=replace(model.actuals, price_indices=indices))
    return model, members


def price_indices(*, closing: Closing) -> dict[str, Decimal]:
    return {
        p.cost_type.code: p.index for p in ActualPriceIndex.objects.filter(closing=closing).select_related("cost_type")
    }


def actual_costs(*, closing: Closing) -> dict[tuple[str, str], Decimal]:
    return {
        (c.centre.code, c.cost_type.code): c.amount
        for c in ActualCost.objects.filter(closing=closing).select_related("centre", "cost_type")
    }


def actual_flows(*, closing: Closing) -> dict[tuple[str, str], Decimal]:
    return {
        (f.provider.code, f.receiver.code): f.quantity
        for f in ActualFlow.objects.filter(closing=closing).select_related("provider", "receiver")
    }


def actual_usage_rows(*, closing: Closing) -> dict[tuple[int, int, str], Decimal]:
    """(member id, product plan id, period) → quantity. Equal ids, periods and quantities share one object each:
    a national closing holds 2 million rows of a few thousand distinct values (issue #18)."""
    rows = ActualUsage.objects.filter(closing=closing).values_list("member_id", "product_plan_id", "period", "quantity")
    ids: dict[int, int] = {}
    periods: dict[str, str] = {}
    quantities: dict[Decimal, Decimal] = {}  # (a dict of its own: 12 == Decimal(12), but an id is not a quantity)
    result: dict[tuple[int, int, str], Decimal] = {}
    one_id, one_period, one_quantity = ids.setdefault, periods.setdefault, quantities.setdefault
    for member, product_plan, period, quantity in rows.iterator(20_000):
        result[(one_id(member, member), one_id(product_plan, product_plan), one_period(period, period))] = one_quantity(
            quantity, quantity
        )
        if len(quantities) > 100_000:  # many distinct quantities: stop keeping new ones
            one_quantity = _same
    return result


def _same(value: Decimal, _default: Decimal) -> Decimal:
    return value


def actual_usage(provider: Organization, year: int) -> dict[tuple[int, int], Decimal]:
    """The actual quantities of metered products per (member organisation id, catalogue product id) in `year`,
    from the provider's approved post-calculation of that year (else its latest one): what a final settlement
    bills instead of the subscribed quantities. Empty when no usage was imported. One query (the closing is a
    subquery). (Not a user read: the billing run calls it for the provider it settles.)"""
    closing = (
        Closing.objects.filter(provider=provider, year=year)
        .order_by("status", "-id")  # "approved" sorts before "draft" (ascending), then the newest
        .values("pk")[:1]
    )
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for row in (
        ActualUsage.objects.filter(closing_id=Subquery(closing))
        .values("member_id", "product_plan__product_id")
        .annotate(total=Sum("quantity"))
    ):
        totals[(row["member_id"], row["product_plan__product_id"])] += row["total"]
    return dict(totals)


def imports_of(*, closing: Closing) -> QuerySet[ActualImport]:
    return ActualImport.objects.filter(closing=closing).select_related("created_by").order_by("-created", "-id")


def product_outcomes(*, closing: Closing) -> QuerySet[ProductOutcome]:
    return ProductOutcome.objects.filter(closing=closing).select_related("product_plan__product")


def member_outcomes(*, user: Any, closing: Closing, member: Organization | None = None) -> QuerySet[MemberOutcome]:
    """Over-/under-recovery per member and product; a member contact sees its own organisation only."""
    rows = MemberOutcome.objects.restrict(user).filter(closing=closing)
    if member is not None:
        rows = rows.filter(member=member)
    return rows.select_related("member", "product_plan__product").order_by(
        "member__name", "product_plan__product__number"
    )


def member_totals(*, user: Any, closing: Closing) -> list[dict[str, Any]]:
    """Per member: revenue, cost share and over-/under-recovery summed over products (visible rows only)."""
    return list(
        MemberOutcome.objects.restrict(user)
        .filter(closing=closing)
        .values("member_id", "member__name", "member__ags")
        .annotate(revenue=Sum("revenue"), cost=Sum("cost"), over_under=Sum("over_under"))
        .order_by("member__name")
    )


def carry_forwards(*, user: Any, provider: Organization | None = None) -> QuerySet[CarryForward]:
    """What was carried where, by year of origin (visible to whoever may see the approved closings)."""
    visible = Closing.objects.restrict(user).values("pk")
    rows = CarryForward.objects.filter(closing__in=visible)
    if provider is not None:
        rows = rows.filter(provider=provider)
    return rows.select_related("product", "target_plan", "closing").order_by("from_year", "product__number")


def approved_closing(*, plan_id: int) -> Closing | None:
    return Closing.objects.filter(plan_id=plan_id, status=ClosingStatus.APPROVED).first()


def business_plan_lines(*, user: Any, provider: Organization, year: int) -> QuerySet[BusinessPlanLine]:
    return BusinessPlanLine.objects.restrict(user).filter(provider=provider, year=year).order_by("part", "code")
