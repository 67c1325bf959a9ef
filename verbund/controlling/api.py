"""REST API of the management contract (/api/v1/controlling/...): contracts with their goals and KPIs, the stored
values of a year, a manual value with its evidence, and the council reports.

Reads go through the access layer: contracts, KPIs and values are the provider staff's (a member contact gets
404 for them and an empty list); a report submitted to the committee is published and every member contact may
read it, never the draft values. Writes check the role's permission first (403), then load the KPI for the change
action (404); a refused value is 422 naming the field, and nothing is stored.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.controlling import selectors, services
from verbund.controlling.models import Contract, Kpi, Measurement, Report
from verbund.core.access import Action, require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Id, Year

router = Router(tags=["controlling"])


class ControllingContractOut(Schema):
    id: int
    name: str
    provider_id: int
    city_id: int
    start_year: int
    end_year: int
    status: str
    decision_reference: str
    effective_on: dt.date | None
    demo: bool


class ControllingTargetOut(Schema):
    valid_from: int
    value: Decimal
    tolerance: Decimal


class ControllingKpiOut(Schema):
    id: int
    code: str
    name: str
    definition: str
    unit: str
    direction: str = Field(..., description="higher or lower is better")
    source_kind: str = Field(..., description="computed, imported, manual or formula")
    source_key: str
    formula: str
    breakdowns: str
    series: int
    targets: list[ControllingTargetOut]


class ControllingGoalOut(Schema):
    id: int
    position: int
    title: str
    text: str
    kpis: list[ControllingKpiOut]


class ControllingContractDetailOut(ControllingContractOut):
    goals: list[ControllingGoalOut]


class ControllingValueOut(Schema):
    id: int
    kpi_id: int
    kpi_code: str
    year: int
    series: int
    value: Decimal
    status: str = Field(..., description="green, amber, red or none (no target)")
    target: Decimal | None
    tolerance: Decimal | None
    source_kind: str
    source_key: str
    cut_off: dt.date | None
    record_count: int
    comment: str
    evidence_text: str
    evidence_url: str
    entered_at: dt.datetime
    demo: bool


class ControllingBreakdownOut(Schema):
    id: int
    kpi_code: str
    year: int
    dimension: str = Field(..., description="member, product or office")
    ref_id: int = Field(..., description="the id of the member or office (registry) or of the product (catalogue)")
    name: str
    value: Decimal
    status: str = Field(..., description="green, amber, red or none (no target)")
    target: Decimal | None
    cut_off: dt.date | None
    record_count: int


class ControllingValueIn(Schema):
    year: Year
    value: str = Field(..., max_length=40, description="a number, 1234.5 or 1234,5; shares as fractions (0.95)")
    evidence_text: str = Field("", max_length=2000)
    evidence_url: str = Field("", max_length=200)
    comment: str = Field("", max_length=2000)


class ControllingReportOut(Schema):
    id: int
    contract_id: int
    year: int
    status: str
    decision_reference: str
    noted_on: dt.date | None
    submitted_at: dt.datetime
    paper_id: int | None
    demo: bool


def _contract_out(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "name": contract.name,
        "provider_id": contract.provider_id,
        "city_id": contract.city_id,
        "start_year": contract.start_year,
        "end_year": contract.end_year,
        "status": contract.status,
        "decision_reference": contract.decision_reference,
        "effective_on": contract.effective_on,
        "demo": contract.demo,
    }


def _kpi_out(kpi: Kpi) -> dict[str, Any]:
    return {
        "id": kpi.pk,
        "code": kpi.code,
        "name": kpi.name,
        "definition": kpi.definition,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "source_kind": kpi.source_kind,
        "source_key": kpi.source_key,
        "formula": kpi.formula,
        "breakdowns": kpi.breakdowns,
        "series": kpi.series,
        "targets": [
            {"valid_from": t.valid_from, "value": t.value, "tolerance": t.tolerance}
            for t in sorted(kpi.targets.all(), key=lambda t: (t.valid_from, t.pk))
        ],
    }


def _value_out(row: Measurement, kpi: Kpi) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kpi_id": kpi.pk,
        "kpi_code": kpi.code,
        "year": row.year,
        "series": row.series,
        "value": row.value,
        "status": row.status,
        "target": row.target.value if row.target is not None else None,
        "tolerance": row.target.tolerance if row.target is not None else None,
        "source_kind": row.source_kind,
        "source_key": row.source_key,
        "cut_off": row.cut_off,
        "record_count": row.record_count,
        "comment": row.comment,
        "evidence_text": row.evidence_text,
        "evidence_url": row.evidence_url,
        "entered_at": row.entered_at,
        "demo": row.demo,
    }


@router.get("/contracts", response=list[ControllingContractOut], summary="Management contracts (provider staff)")
@paginate(BoundedLimitOffsetPagination)
def controlling_contracts_list(request: HttpRequest) -> Any:
    return [_contract_out(c) for c in selectors.contract_list(user=request.user).order_by("-start_year", "id")]


@router.get(
    "/contracts/{contract_id}", response=ControllingContractDetailOut, summary="A contract with its goals and KPIs"
)
def controlling_contracts_get(request: HttpRequest, contract_id: Id) -> Any:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    kpis = selectors.contract_kpis(contract)
    goals = []
    for goal in contract.goals.order_by("position", "id"):
        goals.append(
            {
                "id": goal.pk,
                "position": goal.position,
                "title": goal.title,
                "text": goal.text,
                "kpis": [_kpi_out(k) for k in kpis if k.goal_id == goal.pk],
            }
        )
    return {**_contract_out(contract), "goals": goals}


@router.get(
    "/contracts/{contract_id}/values",
    response=list[ControllingValueOut],
    summary="The current value of every KPI of a contract in a year (totals; the newest stored value each)",
)
def controlling_contracts_values(request: HttpRequest, contract_id: Id, year: Year) -> Any:
    contract = selectors.contract_get_for_user(user=request.user, contract_id=contract_id)
    kpis = {k.pk: k for k in selectors.contract_kpis(contract)}
    current = selectors.current_measurements(contract=contract, years=[year])
    rows = Measurement.objects.filter(pk__in=[m.pk for m in current.values()]).select_related("target")
    by_id = {row.pk: row for row in rows}
    out = [_value_out(by_id[m.pk], kpis[m.kpi_id]) for m in current.values() if m.kpi_id in kpis]
    return sorted(out, key=lambda v: (v["kpi_code"], v["id"]))


@router.get(
    "/kpis/{kpi_id}/breakdowns",
    response=list[ControllingBreakdownOut],
    summary="The current values of a KPI in a year per member, product and office (where the KPI breaks down)",
)
def controlling_kpi_breakdowns(request: HttpRequest, kpi_id: Id, year: Year) -> Any:
    from verbund.controlling.breakdowns import kpi_dimensions, name_of

    kpi = selectors.kpi_get_for_user(user=request.user, kpi_id=kpi_id)
    return [
        {
            "id": row.pk,
            "kpi_code": kpi.code,
            "year": row.year,
            "dimension": dimension,
            "ref_id": getattr(row, f"{dimension}_id"),
            "name": name_of(row, dimension),
            "value": row.value,
            "status": row.status,
            "target": row.target.value if row.target is not None else None,
            "cut_off": row.cut_off,
            "record_count": row.record_count,
        }
        for dimension in kpi_dimensions(kpi)
        for row in selectors.kpi_breakdown(kpi=kpi, year=year, dimension=dimension)
    ]


@router.post(
    "/kpis/{kpi_id}/values",
    response={201: ControllingValueOut},
    summary="Enter a value of a manual or imported-evidence KPI, with its evidence (controllers)",
)
def controlling_value_enter(request: HttpRequest, kpi_id: Id, payload: ControllingValueIn) -> Any:
    require_permission(request.user, "controlling.add_measurement")
    kpi = selectors.kpi_get_for_user(user=request.user, kpi_id=kpi_id, action=Action.CHANGE)
    row = services.measurement_enter(
        actor=request.user,
        kpi=kpi,
        year=payload.year,
        value=payload.value,
        evidence=services.Evidence(text=payload.evidence_text, url=payload.evidence_url),
        comment=payload.comment,
    )
    row = Measurement.objects.select_related("target").get(pk=row.pk)
    return 201, _value_out(row, kpi)


@router.get(
    "/reports", response=list[ControllingReportOut], summary="Council reports (published ones for member contacts)"
)
@paginate(BoundedLimitOffsetPagination)
def controlling_reports_list(request: HttpRequest) -> Any:
    reports: list[Report] = list(selectors.report_list(user=request.user).order_by("-year", "id"))
    return [
        {
            "id": r.pk,
            "contract_id": r.contract_id,
            "year": r.year,
            "status": r.status,
            "decision_reference": r.decision_reference,
            "noted_on": r.noted_on,
            "submitted_at": r.submitted_at,
            "paper_id": r.paper_id,
            "demo": r.demo,
        }
        for r in reports
    ]
