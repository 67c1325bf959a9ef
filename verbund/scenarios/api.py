"""REST API of consolidation scenarios (/api/v1/scenarios/...): list, detail, run (calculate), results.

Reads go through the access layer: staff see every scenario with its results; a member contact sees published
and decided scenarios only, and of their results only its own fees (`ScenarioMemberFee.objects.restrict`).
Writes check the role's permission (403), load the scenario the caller may change (404) and leave the rules to
the services, whose refusals become 422 naming the field.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from verbund.core.access import Action, user_sees_all
from verbund.core.api_types import BoundedLimitOffsetPagination, Filter, Id
from verbund.scenarios import selectors, services
from verbund.scenarios.models import Scenario

router = Router(tags=["scenarios"])


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, "You are not allowed to do this.")


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


class RunIn(Schema):
    pass


def _out(scenario: Scenario, staff: bool) -> dict[str, Any]:
    data = {
        f: getattr(scenario, f)
        for f in ("id", "name", "kind", "status", "description", "start_year", "end_year", "calculated_at")
    }
    if staff:
        data |= {"npv": scenario.npv, "savings": scenario.savings}
    return data


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
    _require(request, "scenarios.change_scenario")
    scenario = selectors.scenario_get_for_user(user=request.user, scenario_id=scenario_id, action=Action.CHANGE)
    services.scenario_calculate(actor=request.user, scenario=scenario)
    scenario.refresh_from_db()
    return scenarios_results(request, scenario_id)
