"""REST API for plan costing (/api/v1/costing/...): plan versions, rate sheets, showback of planned fees.

Reads go through the access layer: staff see every plan, a member contact sees approved plans only and the fees
of its own organisation only (`MemberFee.objects.restrict`); anything else is 404. Writes check the role's Django
permission first (403), then load the plan the caller may change (404), and leave every business rule to the
services, whose refusals become 422 naming the field (e.g. `year`, or `plan` with the product the engine refused).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.core.access import Action, require_permission, user_sees_all
from verbund.core.api_types import BoundedLimitOffsetPagination, Filter, Id, Year
from verbund.core.explain import render_steps
from verbund.core.money import CENT, round_even
from verbund.costing import engine, selectors, services
from verbund.costing.choices import Method
from verbund.costing.models import PlanVersion, ProductRate
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.selectors import organization_get_for_user

router = Router(tags=["costing"])


# ---------------------------------------------------------------- schemas


def trace_text(trace: list[Any]) -> list[str]:
    """The stored trace steps as text in the request's language (ADR 0025)."""
    return [line.text for line in render_steps(trace, engine.MESSAGES)]


class PlanIn(Schema):
    provider_id: Id
    year: Year
    name: str = Field(..., min_length=1, max_length=200)
    method: Method = Method.RECIPROCAL


class CopyIn(Schema):
    year: Year
    name: str = Field(..., min_length=1, max_length=200)


class PlanOut(Schema):
    id: int
    provider_id: int
    provider_name: str
    year: int
    name: str
    status: str
    method: str
    predecessor_id: int | None
    decision_reference: str
    approved_on: dt.date | None
    calculated_at: dt.datetime | None
    result_total: Decimal | None
    modified: dt.datetime

    @staticmethod
    def resolve_provider_name(obj: PlanVersion) -> str:
        return obj.provider.name


class RateOut(Schema):
    product_id: int
    product_number: str
    product_name: str
    unit: str
    charging: str
    cost: Decimal
    carry_forward: Decimal
    net_cost: Decimal
    planned_quantity: Decimal | None
    rate: Decimal | None
    trace: list[str]


class PlanDetailOut(PlanOut):
    rates: list[RateOut]

    @staticmethod
    def resolve_rates(obj: PlanVersion) -> list[RateOut]:
        return [_rate_out(r) for r in _rates(obj)]


class FeeOut(Schema):
    product_id: int
    product_number: str
    product_name: str
    unit: str
    charging: str
    quantity: Decimal | None = Field(None, description="metered: the member's quantity")
    share: Decimal | None = Field(None, description="shared: the member's share by the product's key")
    rate: Decimal | None
    fee: Decimal
    trace: list[str]


class MemberFeesOut(Schema):
    plan_id: int
    year: int
    member_id: int
    member_name: str
    total: Decimal
    lines: list[FeeOut]


class CompareLineOut(Schema):
    product_number: str
    product_name: str
    cost: Decimal | None = Field(None, description="this plan")
    rate: Decimal | None
    other_cost: Decimal | None = Field(None, description="the plan compared with")
    other_rate: Decimal | None
    cost_difference: Decimal | None = Field(None, description="this − other")
    rate_difference: Decimal | None
    rate_change_percent: Decimal | None


class CompareOut(Schema):
    plan_id: int
    other_id: int
    total: Decimal | None
    other_total: Decimal | None
    total_difference: Decimal | None
    products: list[CompareLineOut]


# ---------------------------------------------------------------- helpers


def _rates(plan: PlanVersion) -> list[ProductRate]:
    return list(
        ProductRate.objects.filter(plan=plan)
        .select_related("product_plan__product")
        .order_by("product_plan__product__number")
    )


def _rate_out(rate: ProductRate) -> RateOut:
    product = rate.product_plan.product
    return RateOut(
        product_id=product.pk,
        product_number=product.number,
        product_name=product.name,
        unit=product.unit,
        charging=rate.product_plan.charging,
        cost=rate.cost,
        carry_forward=rate.carry_forward,
        net_cost=rate.net_cost,
        planned_quantity=rate.planned_quantity,
        rate=rate.rate,
        trace=trace_text(rate.trace),
    )


def _detail(plan: PlanVersion) -> PlanVersion:
    """The plan with its current status and results (the services work on a locked copy)."""
    return PlanVersion.objects.select_related("provider").get(pk=plan.pk)


def _plan_for_change(request: HttpRequest, plan_id: Id) -> PlanVersion:
    require_permission(request.user, "costing.change_planversion")
    return selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=Action.CHANGE)


def _difference(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return a - b if a is not None and b is not None else None


# ---------------------------------------------------------------- reads


@router.get("/plans", response=list[PlanOut], summary="Plan versions the caller may see, newest year first")
@paginate(BoundedLimitOffsetPagination)
def plans_list(request: HttpRequest, year: Year | None = None, status: Filter | None = None) -> Any:
    plans = selectors.plan_list(user=request.user)
    if year is not None:
        plans = plans.filter(year=year)
    if status:
        plans = plans.filter(status=status)
    return plans


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="One plan version with its rates")
def plans_get(request: HttpRequest, plan_id: Id) -> Any:
    return _detail(selectors.plan_get_for_user(user=request.user, plan_id=plan_id))


@router.get("/plans/{plan_id}/rates", response=list[RateOut], summary="Rate sheet: cost and unit rate per product")
def plans_rates(request: HttpRequest, plan_id: Id) -> Any:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    return [_rate_out(r) for r in _rates(plan)]


@router.get(
    "/plans/{plan_id}/members/{member_id}/fees",
    response=MemberFeesOut,
    summary="Showback: a member's planned fees with how each came about",
)
def plans_member_fees(request: HttpRequest, plan_id: Id, member_id: Id) -> Any:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    member = organization_get_for_user(user=request.user, organization_id=member_id)
    if not user_sees_all(request.user) and member.pk != getattr(request.user, "organization_id", None):
        raise Http404  # a member contact sees its own organisation's fees only (not those of its municipalities)
    fees = list(selectors.member_fees(user=request.user, plan=plan, member=member))
    lines = []
    for fee in fees:
        product_plan = fee.product_plan
        product = product_plan.product
        rate = getattr(product_plan, "rate", None)
        lines.append(
            FeeOut(
                product_id=product.pk,
                product_number=product.number,
                product_name=product.name,
                unit=product.unit,
                charging=product_plan.charging,
                quantity=fee.quantity,
                share=fee.share,
                rate=rate.rate if rate is not None else None,
                fee=fee.fee,
                trace=trace_text(fee.trace),
            )
        )
    return MemberFeesOut(
        plan_id=plan.pk,
        year=plan.year,
        member_id=member.pk,
        member_name=member.name,
        total=sum((line.fee for line in lines), Decimal("0.00")),
        lines=lines,
    )


@router.get(
    "/plans/{plan_id}/compare/{other_id}",
    response=CompareOut,
    summary="Cost and rate per product of two plan versions, with the difference (this − other)",
)
def plans_compare(request: HttpRequest, plan_id: Id, other_id: Id) -> Any:
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    other = selectors.plan_get_for_user(user=request.user, plan_id=other_id)
    mine = {r.product_plan.product.number: r for r in _rates(plan)}
    theirs = {r.product_plan.product.number: r for r in _rates(other)}
    products = []
    for number in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(number), theirs.get(number)
        rate_a, rate_b = (a.rate if a else None), (b.rate if b else None)
        percent = None
        if rate_a is not None and rate_b:
            percent = round_even((rate_a - rate_b) / rate_b * 100, CENT)
        products.append(
            CompareLineOut(
                product_number=number,
                product_name=(a or b).product_plan.product.name,  # type: ignore[union-attr]
                cost=a.cost if a else None,
                rate=rate_a,
                other_cost=b.cost if b else None,
                other_rate=rate_b,
                cost_difference=_difference(a.cost if a else None, b.cost if b else None),
                rate_difference=_difference(rate_a, rate_b),
                rate_change_percent=percent,
            )
        )
    return CompareOut(
        plan_id=plan.pk,
        other_id=other.pk,
        total=plan.result_total,
        other_total=other.result_total,
        total_difference=_difference(plan.result_total, other.result_total),
        products=products,
    )


# ---------------------------------------------------------------- writes


@router.post("/plans", response={201: PlanOut}, summary="Create a draft plan version")
def plans_create(request: HttpRequest, payload: PlanIn) -> Any:
    require_permission(request.user, "costing.add_planversion")
    provider = organization_get_for_user(user=request.user, organization_id=payload.provider_id)
    if provider.kind not in PROVIDER_KINDS:
        raise ValidationError({"provider_id": f"{provider} is not an IT service provider."})
    plan = services.plan_version_create(
        actor=request.user, provider=provider, year=payload.year, name=payload.name, method=payload.method
    )
    return 201, plan


@router.post("/plans/{plan_id}/copy", response={201: PlanOut}, summary="Copy a plan's figures to a new draft")
def plans_copy(request: HttpRequest, plan_id: Id, payload: CopyIn) -> Any:
    require_permission(request.user, "costing.add_planversion")
    source = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    plan = services.plan_version_copy(actor=request.user, source=source, year=payload.year, name=payload.name)
    return 201, plan


@router.post("/plans/{plan_id}/calculate", response=PlanDetailOut, summary="Calculate rates and fees of a draft")
def plans_calculate(request: HttpRequest, plan_id: Id) -> Any:
    plan = _plan_for_change(request, plan_id)
    services.plan_version_calculate(actor=request.user, plan=plan)
    return _detail(plan)


@router.post("/plans/{plan_id}/submit", response=PlanOut, summary="Submit a calculated draft to the committee")
def plans_submit(request: HttpRequest, plan_id: Id) -> Any:
    plan = _plan_for_change(request, plan_id)
    services.plan_version_submit(actor=request.user, plan=plan)
    return _detail(plan)


@router.post("/plans/{plan_id}/withdraw", response=PlanOut, summary="Take a submitted plan back to draft")
def plans_withdraw(request: HttpRequest, plan_id: Id) -> Any:
    plan = _plan_for_change(request, plan_id)
    services.plan_version_withdraw(actor=request.user, plan=plan)
    return _detail(plan)
