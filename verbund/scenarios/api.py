"""REST API of consolidation scenarios (/api/v1/scenarios/...): list, detail, run (calculate), results.

Reads go through the access layer: staff see every scenario with its results; a member contact sees published
and decided scenarios only, and of their results only its own fees (`ScenarioMemberFee.objects.restrict`).
Writes check the role's permission (403), load the scenario the caller may change (404) and leave the rules to
the services, whose refusals become 422 naming the field.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.core.access import Action, require_permission, user_sees_all
from verbund.core.api_types import BoundedLimitOffsetPagination, Filter, Id
from verbund.core.spreadsheet import SpreadsheetError
from verbund.scenarios import selectors, services
from verbund.scenarios.models import Scenario

router = Router(tags=["scenarios"])


class ScenarioOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    description: str
    start_year: int
    end_year: int
    calculated_at: dt.datetime | None
    npv: Decimal | None = Field(None, description="net present value of the cost (staff only)")
    savings: Decimal | None = Field(None, description="NPV savings against status quo (staff only)")


class YearOut(Schema):
    year: int
    cost_by_entity: dict[str, Decimal]
    one_off: Decimal
    double_running: Decimal
    vat: Decimal
    total: Decimal
    status_quo_total: Decimal


class MemberFeeOut(Schema):
    member_id: int
    member_name: str
    fees: dict[str, Decimal]
    status_quo: dict[str, Decimal]
    final_change: Decimal | None


class CheckOut(Schema):
    code: str
    entity: str
    year: int
    passed: bool | None


class ResultsOut(Schema):
    scenario_id: int
    npv: Decimal | None
    savings: Decimal | None
    limit_kept: bool | None
    years: list[YearOut]
    checks: list[CheckOut]
    member_fees: list[MemberFeeOut]
    risk: dict[str, Any]


class ScenarioRunIn(Schema):
    pass


def _out(scenario: Scenario, staff: bool) -> dict[str, Any]:
    data = {
        f: getattr(scenario, f)
        for f in ("id", "name", "kind", "status", "description", "start_year", "end_year", "calculated_at")
    }
    if staff:
        data |= {"npv": scenario.npv, "savings": scenario.savings}
    return data


MAX_STAFF_ROWS = 50_000


class StaffPositionOut(Schema):
    item: str = Field(..., description="code of the portfolio item (the service)")
    reference: str = Field(..., description="anonymous personnel number")
    status: str
    pay_group: str
    fte: Decimal
    retirement_year: int


class StaffOut(Schema):
    provider_id: int
    positions: list[StaffPositionOut]
    fte: Decimal
    civil_servant_fte: Decimal
    employee_fte: Decimal
    retiring: dict[int, Decimal] = Field(..., description="FTE retiring per year 2026–2040")
    attrition: Decimal | None = Field(None, description="share of the FTE retiring by 2030 (overdue included)")
    attrition_per_year: Decimal | None = Field(None, description="that share per year 2026–2030")


class StaffRow(Schema):
    """One line of the staff file; a missing column is refused naming the line and column."""

    item: str | None = Field(None, max_length=40)
    reference: str | None = Field(None, max_length=40)
    status: str | None = Field(None, max_length=40, description="civil_servant, employee, Beamter/Beamtin, …")
    pay_group: str | None = Field(None, max_length=20, description="e.g. A 11, E 9b")
    fte: str | float | None = Field(None, description="0 < fte ≤ 1, two decimals (number or text, 0,5 or 0.5)")
    retirement_year: str | int | None = Field(None, description="2000–2100")


class StaffImportIn(Schema):
    provider_id: Id
    rows: list[StaffRow] = Field(..., max_length=MAX_STAFF_ROWS)


class StaffImportOut(Schema):
    changed: bool
    positions: int
    added: int
    removed: int


def _staff_out(request: HttpRequest, provider_id: int) -> dict[str, Any]:
    provider = selectors.staff_provider_get(user=request.user, provider_id=provider_id)
    overview = selectors.staff_overview(user=request.user, provider=provider)
    return {
        "provider_id": provider.pk,
        "positions": [
            {
                "item": p.item.code,
                "reference": p.reference,
                "status": p.status,
                "pay_group": p.pay_group,
                "fte": p.fte,
                "retirement_year": p.retirement_year,
            }
            for group in overview.groups
            for p in group.positions
        ],
        "fte": overview.fte,
        "civil_servant_fte": overview.civil,
        "employee_fte": overview.employees,
        "retiring": {year: total for year, _c, _e, total, _p in overview.years},
        "attrition": overview.attrition,
        "attrition_per_year": overview.attrition_per_year,
    }


@router.get("/staff", response=StaffOut, summary="A provider's staff positions and natural attrition")
def scenarios_staff(request: HttpRequest, provider_id: Id) -> Any:
    require_permission(request.user, "scenarios.view_staffposition")
    return _staff_out(request, provider_id)


@router.post("/staff/import", response=StaffImportOut, summary="Replace a provider's staff positions (idempotent)")
def scenarios_staff_import(request: HttpRequest, payload: StaffImportIn) -> Any:
    require_permission(request.user, "scenarios.add_staffposition")
    provider = selectors.staff_provider_get(user=request.user, provider_id=payload.provider_id)
    rows = [
        (index + 2, {k: str(v) for k, v in row.dict().items() if v is not None})
        for index, row in enumerate(payload.rows)
    ]
    try:
        result = services.staff_import(actor=request.user, provider=provider, rows=rows)
    except SpreadsheetError as exc:
        raise ValidationError({"rows": [str(error) for error in exc.errors[:200]]}) from exc
    return {"changed": result.changed, "positions": result.positions, "added": result.added, "removed": result.removed}


@router.get("/", response=list[ScenarioOut], summary="Scenarios the caller may see")
@paginate(BoundedLimitOffsetPagination)
def scenarios_list(request: HttpRequest, status: Filter | None = None) -> Any:
    scenarios = selectors.scenario_list(user=request.user)
    if status:
        scenarios = scenarios.filter(status=status)
    staff = user_sees_all(request.user)
    return [_out(s, staff) for s in scenarios]


@router.get("/{scenario_id}", response=ScenarioOut, summary="One scenario")
def scenarios_get(request: HttpRequest, scenario_id: Id) -> Any:
    scenario = selectors.scenario_get_for_user(user=request.user, scenario_id=scenario_id)
    return _out(scenario, user_sees_all(request.user))


@router.get("/{scenario_id}/results", response=ResultsOut, summary="Projection, rule checks, fees and risk")
def scenarios_results(request: HttpRequest, scenario_id: Id) -> Any:
    scenario = selectors.scenario_get_for_user(user=request.user, scenario_id=scenario_id)
    staff = user_sees_all(request.user)
    result = scenario.result or {}
    fees = [
        {
            "member_id": f.member_id,
            "member_name": f.member.name,
            "fees": f.fees,
            "status_quo": f.status_quo,
            "final_change": f.final_change,
        }
        for f in selectors.member_fees_for_user(user=request.user, scenario=scenario)
    ]
    return {
        "scenario_id": scenario.pk,
        "npv": scenario.npv if staff else None,
        "savings": scenario.savings if staff else None,
        "limit_kept": result.get("limit_kept") if staff else None,
        "years": result.get("years", []) if staff else [],
        "checks": result.get("checks", []) if staff else [],
        "member_fees": fees,
        "risk": (scenario.risk or {}) if staff else {},
    }


@router.post("/{scenario_id}/run", response=ResultsOut, summary="Calculate the scenario (idempotent)")
def scenarios_run(request: HttpRequest, scenario_id: Id) -> Any:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = selectors.scenario_get_for_user(user=request.user, scenario_id=scenario_id, action=Action.CHANGE)
    services.scenario_calculate(actor=request.user, scenario=scenario)
    scenario.refresh_from_db()
    return scenarios_results(request, scenario_id)
