"""REST API for closing a year (/api/v1/closing/...): post-calculations, their actual figures, calculation,
approval, results per product and per member, carry-forwards.

Reads go through the access layer: staff see every post-calculation, a member contact sees approved ones and the
over-/under-recovery of its own organisation only; anything else is 404. Writes check the role's permission first
(403), then load what the caller may change (404); bad rows and refused business rules are 422 naming the line
and column or the field.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.closing import imports, selectors, services
from verbund.closing.models import ActualImport, CarryForward, Closing, MemberOutcome, ProductOutcome
from verbund.core.access import Action, require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Id, Year
from verbund.core.explain import render_steps
from verbund.core.spreadsheet import SpreadsheetError
from verbund.costing import engine
from verbund.costing.models import PlanVersion
from verbund.governance.models import Meeting
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization

router = Router(tags=["closing"])
MAX_API_ROWS = 100_000


def _trace(trace: list[Any]) -> list[str]:
    return [line.text for line in render_steps(trace, engine.MESSAGES)]


class ClosingIn(Schema):
    plan_id: Id
    name: str = Field("", max_length=200)


class ClosingOut(Schema):
    id: int
    plan_id: int
    provider_id: int
    year: int
    name: str
    status: str
    demo: bool
    calculated_at: dt.datetime | None
    actual_total: Decimal | None
    result_total: Decimal | None = Field(None, description="Σ over- (+) / under-recovery (−)")
    decision_reference: str
    approved_on: dt.date | None


class CostRow(Schema):
    cost_centre: str = Field(..., max_length=20)
    cost_type: str = Field(..., max_length=20)
    amount: str = Field(..., max_length=30, description="EUR, 1234.56 or 1.234,56")


class FlowRow(Schema):
    provider: str = Field(..., max_length=20)
    receiver: str = Field(..., max_length=20)
    quantity: str = Field(..., max_length=30)


class UsageRow(Schema):
    ags: str = Field(..., max_length=12)
    product: str = Field(..., max_length=40)
    period: str = Field(..., max_length=7, description="YYYY, YYYY-MM or YYYY-Qn")
    quantity: str = Field(..., max_length=30)


class CostsIn(Schema):
    rows: list[CostRow] = Field(..., max_length=MAX_API_ROWS)


class FlowsIn(Schema):
    rows: list[FlowRow] = Field(..., max_length=MAX_API_ROWS)


class UsageIn(Schema):
    rows: list[UsageRow] = Field(..., max_length=MAX_API_ROWS)


class ImportOut(Schema):
    changed: bool
    rows: int = 0
    added: int = 0
    changed_rows: int = 0
    removed: int = 0
    diff: list[dict[str, str]] = []


class ApproveIn(Schema):
    decision_reference: str = Field(..., min_length=1, max_length=120)
    approved_on: Day


class ClosingProductOut(Schema):
    product_number: str
    planned_quantity: Decimal | None
    actual_quantity: Decimal | None
    plan_cost: Decimal
    actual_cost: Decimal
    credited: Decimal
    target: Decimal
    price_variance: Decimal
    efficiency_variance: Decimal
    volume_variance: Decimal
    total_variance: Decimal
    plan_rate: Decimal | None
    actual_rate: Decimal | None
    revenue: Decimal
    carry_forward: Decimal
    over_under: Decimal
    trace: list[str]

    @staticmethod
    def resolve_product_number(obj: ProductOutcome) -> str:
        return obj.product_plan.product.number

    @staticmethod
    def resolve_trace(obj: ProductOutcome) -> list[str]:
        return _trace(obj.trace)


class MemberOut(Schema):
    member_id: int
    member_name: str
    product_number: str
    quantity: Decimal | None
    revenue: Decimal
    cost: Decimal
    over_under: Decimal
    trace: list[str]

    @staticmethod
    def resolve_member_name(obj: MemberOutcome) -> str:
        return obj.member.name

    @staticmethod
    def resolve_product_number(obj: MemberOutcome) -> str:
        return obj.product_plan.product.number

    @staticmethod
    def resolve_trace(obj: MemberOutcome) -> list[str]:
        return _trace(obj.trace)


class CarryIn(Schema):
    target_plan_id: Id
    years: int = Field(1, ge=1, le=10)
    products: list[str] | None = Field(None, max_length=10_000)


class CarryOut(Schema):
    id: int
    closing_id: int
    product_number: str
    from_year: int
    amount: Decimal
    target_plan_id: int
    target_year: int
    first_year: int
    years: int

    @staticmethod
    def resolve_product_number(obj: CarryForward) -> str:
        return obj.product.number

    @staticmethod
    def resolve_target_year(obj: CarryForward) -> int:
        return obj.target_plan.year


def _for_change(request: HttpRequest, closing_id: int) -> Closing:
    require_permission(request.user, "closing.change_closing")
    return selectors.closing_get_for_user(user=request.user, closing_id=closing_id, action=Action.CHANGE)


def _fresh(closing: Closing) -> Closing:
    return Closing.objects.get(pk=closing.pk)


def _rows(items: list[Any]) -> list[tuple[int, dict[str, str]]]:
    """JSON rows as spreadsheet rows: row 1 of the list is line 2 (the header would be line 1)."""
    return [(index + 2, {k: str(v) for k, v in item.dict().items()}) for index, item in enumerate(items)]


def _import_out(record: ActualImport | None) -> ImportOut:
    if record is None:
        return ImportOut(changed=False)
    return ImportOut(
        changed=True,
        rows=record.rows,
        added=record.added,
        changed_rows=record.changed,
        removed=record.removed,
        diff=record.diff,
    )


def _refused(exc: SpreadsheetError) -> ValidationError:
    return ValidationError({"rows": [str(error) for error in exc.errors[:200]]})


@router.get("/closings", response=list[ClosingOut], summary="Post-calculations the caller may see")
@paginate(BoundedLimitOffsetPagination)
def closings_list(request: HttpRequest, year: Year | None = None) -> Any:
    closings = selectors.closing_list(user=request.user)
    return closings.filter(year=year) if year is not None else closings


@router.post("/closings", response={201: ClosingOut}, summary="Start the post-calculation of an approved plan")
def closings_create(request: HttpRequest, payload: ClosingIn) -> Any:
    require_permission(request.user, "closing.add_closing")
    plan = get_object_or_404(PlanVersion.objects.restrict(request.user), pk=payload.plan_id)
    return 201, services.closing_create(actor=request.user, plan=plan, name=payload.name)


@router.get("/closings/{closing_id}", response=ClosingOut, summary="One post-calculation")
def closings_get(request: HttpRequest, closing_id: Id) -> Any:
    return selectors.closing_get_for_user(user=request.user, closing_id=closing_id)


@router.post("/closings/{closing_id}/costs", response=ImportOut, summary="Replace the actual costs")
def closings_costs(request: HttpRequest, closing_id: Id, payload: CostsIn) -> Any:
    closing = _for_change(request, closing_id)
    try:
        figures = imports.parse_costs(closing, _rows(payload.rows))
    except SpreadsheetError as exc:
        raise _refused(exc) from exc
    return _import_out(services.actual_costs_replace(actor=request.user, closing=closing, figures=figures))


@router.post("/closings/{closing_id}/flows", response=ImportOut, summary="Replace the actual service quantities")
def closings_flows(request: HttpRequest, closing_id: Id, payload: FlowsIn) -> Any:
    closing = _for_change(request, closing_id)
    try:
        figures = imports.parse_flows(closing, _rows(payload.rows))
    except SpreadsheetError as exc:
        raise _refused(exc) from exc
    return _import_out(services.actual_flows_replace(actor=request.user, closing=closing, figures=figures))


@router.post("/closings/{closing_id}/usage", response=ImportOut, summary="Replace the actual usage")
def closings_usage(request: HttpRequest, closing_id: Id, payload: UsageIn) -> Any:
    closing = _for_change(request, closing_id)
    try:
        figures = imports.parse_usage(closing, _rows(payload.rows))
    except SpreadsheetError as exc:
        raise _refused(exc) from exc
    return _import_out(services.actual_usage_replace(actor=request.user, closing=closing, figures=figures))


class IndicesIn(Schema):
    indices: dict[str, Decimal] = Field(..., description="cost type code → price index (1.03 = 3 % dearer)")


@router.post(
    "/closings/{closing_id}/price-indices", response=ImportOut, summary="Replace the price indices per cost type"
)
def closings_price_indices(request: HttpRequest, closing_id: Id, payload: IndicesIn) -> Any:
    closing = _for_change(request, closing_id)
    if len(payload.indices) > 1000:
        raise ValidationError({"indices": "At most 1000 cost types."})
    return _import_out(services.price_indices_replace(actor=request.user, closing=closing, figures=payload.indices))


@router.post("/closings/{closing_id}/calculate", response=ClosingOut, summary="Calculate the post-calculation")
def closings_calculate(request: HttpRequest, closing_id: Id) -> Any:
    closing = _for_change(request, closing_id)
    services.closing_calculate(actor=request.user, closing=closing)
    return _fresh(closing)


@router.post("/closings/{closing_id}/approve", response=ClosingOut, summary="Approve the post-calculation")
def closings_approve(request: HttpRequest, closing_id: Id, payload: ApproveIn) -> Any:
    closing = _for_change(request, closing_id)
    services.closing_approve(
        actor=request.user,
        closing=closing,
        decision_reference=payload.decision_reference,
        approved_on=payload.approved_on,
    )
    return _fresh(closing)


@router.get(
    "/closings/{closing_id}/products",
    response=list[ClosingProductOut],
    summary="Plan vs actual per product: variances and over-/under-recovery, with the trace",
)
def closings_products(request: HttpRequest, closing_id: Id) -> Any:
    closing = selectors.closing_get_for_user(user=request.user, closing_id=closing_id)
    return list(selectors.product_outcomes(closing=closing))


@router.get(
    "/closings/{closing_id}/members",
    response=list[MemberOut],
    summary="Over-/under-recovery per member and product (a member sees its own only)",
)
def closings_members(request: HttpRequest, closing_id: Id) -> Any:
    closing = selectors.closing_get_for_user(user=request.user, closing_id=closing_id)
    return list(selectors.member_outcomes(user=request.user, closing=closing))


@router.post(
    "/closings/{closing_id}/carry-forward",
    response={201: list[CarryOut]},
    summary="Carry the over-/under-recovery into a later draft plan (ADR 0017)",
)
def closings_carry(request: HttpRequest, closing_id: Id, payload: CarryIn) -> Any:
    require_permission(request.user, "closing.add_carryforward")
    closing = selectors.closing_get_for_user(user=request.user, closing_id=closing_id)
    target = get_object_or_404(PlanVersion.objects.restrict(request.user, Action.CHANGE), pk=payload.target_plan_id)
    carried = services.carry_forward_apply(
        actor=request.user, closing=closing, target_plan=target, years=payload.years, products=payload.products
    )
    return 201, carried


@router.get("/carry-forwards", response=list[CarryOut], summary="What was carried where, by year of origin")
def carry_list(request: HttpRequest) -> Any:
    return list(selectors.carry_forwards(user=request.user))


class BusinessLineRow(Schema):
    part: str = Field(..., max_length=12)
    code: str = Field(..., max_length=20)
    label: str = Field(..., max_length=200)
    planned: str = Field(..., max_length=30)
    actual: str = Field("", max_length=30)


class BusinessPlanIn(Schema):
    provider_id: Id
    year: Year
    rows: list[BusinessLineRow] = Field(..., max_length=10_000)


class BusinessLineOut(Schema):
    part: str
    code: str
    label: str
    planned: Decimal
    actual: Decimal | None


def _provider_for(request: HttpRequest, provider_id: int) -> Organization:
    providers = Organization.objects.restrict(request.user).filter(kind__in=PROVIDER_KINDS)
    return get_object_or_404(providers, pk=provider_id)


@router.get("/business-plan", response=list[BusinessLineOut], summary="A provider's business plan and annual accounts")
def business_plan_get(request: HttpRequest, provider_id: Id, year: Year) -> Any:
    require_permission(request.user, "closing.view_businessplanline")
    provider = _provider_for(request, provider_id)
    return list(selectors.business_plan_lines(user=request.user, provider=provider, year=year))


@router.post("/business-plan", response=ImportOut, summary="Replace a year's business plan lines")
def business_plan_put(request: HttpRequest, payload: BusinessPlanIn) -> Any:
    require_permission(request.user, "closing.change_businessplanline")
    provider = _provider_for(request, payload.provider_id)
    try:
        figures = imports.parse_business_plan(_rows(payload.rows))
    except SpreadsheetError as exc:
        raise _refused(exc) from exc
    changed = services.business_plan_replace(actor=request.user, provider=provider, year=payload.year, figures=figures)
    return ImportOut(changed=changed, rows=len(figures))


class ReportIn(Schema):
    provider_id: Id
    year: Year
    meeting_id: Id
    reference: str = Field(..., min_length=1, max_length=40)


class ReportOut(Schema):
    id: int
    provider_id: int
    year: int
    plan_id: int | None
    closing_id: int | None
    paper_id: int
    agenda_item_id: int | None


@router.post(
    "/committee-reports",
    response={201: ReportOut},
    summary="Put a year's business plan and annual accounts on a meeting's agenda (report paper, no vote)",
)
def committee_report_create(request: HttpRequest, payload: ReportIn) -> Any:
    require_permission(request.user, "closing.add_committeereport")
    provider = _provider_for(request, payload.provider_id)
    meeting = get_object_or_404(Meeting.objects.restrict(request.user), pk=payload.meeting_id)
    report = services.committee_report_create(
        actor=request.user, provider=provider, year=payload.year, meeting=meeting, reference=payload.reference
    )
    return 201, report
