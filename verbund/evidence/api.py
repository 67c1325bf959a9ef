"""REST API of the evidence app (/api/v1/evidence/...): the lists of posts, assets, control statuses and
incidents of a provider and year (the same filters as the pages), the imports, and importing rows.

Reads and writes check the role's permission first (403: a member contact has none); an unknown or invisible
provider is 404; refused rows are 422 naming every line and column (nothing written)."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.core.access import require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Filter, Id, Year
from verbund.core.spreadsheet import SpreadsheetError
from verbund.evidence import imports, selectors, services
from verbund.registry.models import Organization

router = Router(tags=["evidence"])
MAX_API_ROWS = 20_000
Kind = Literal["staff", "assets", "controls", "incidents"]


def _provider(request: HttpRequest, provider_id: int) -> Organization:
    """The provider the caller may see (404 otherwise); the lists without one show every provider's records."""
    providers = Organization.objects.restrict(request.user).filter(kind__in=services.PROVIDER_KINDS)
    return get_object_or_404(providers, pk=provider_id)


class PostOut(Schema):
    post: str
    title: str
    unit: str
    year: int
    planned_fte: Decimal
    filled_fte: Decimal
    advertised_on: dt.date | None
    started_on: dt.date | None
    left_on: dt.date | None
    telework: bool
    demo: bool


class AssetOut(Schema):
    asset: str
    device: str = Field(..., alias="kind")
    year: int
    purchased_on: dt.date
    retired_on: dt.date | None
    eco_label: str
    warranty_years: int
    demo: bool


class ControlStatusOut(Schema):
    control: str = Field(..., alias="control.control_id")
    title: str = Field(..., alias="control.title")
    sec_level: str = Field(..., alias="control.sec_level")
    requirement_class: str = Field(..., alias="control.modal_verb")
    year: int
    state: str
    note: str
    demo: bool


class IncidentOut(Schema):
    reference: str
    year: int
    occurred_on: dt.date
    solved_on: dt.date | None
    extent: str
    cause: str
    description: str
    demo: bool


class EvidenceImportOut(Schema):
    id: int | None = None
    changed: bool
    rows: int = 0
    added: int = 0
    changed_rows: int = 0
    removed: int = 0


class ImportIn(Schema):
    provider_id: Id
    year: Year
    rows: list[dict[str, str | None]] = Field(..., max_length=MAX_API_ROWS)


def _filters(**values: Any) -> dict[str, str]:
    return {k: str(v) for k, v in values.items() if v not in (None, "", False)}


@router.get("/posts", response=list[PostOut], summary="A provider's posts of a year")
@paginate(BoundedLimitOffsetPagination)
def posts_list(
    request: HttpRequest,
    provider_id: Id | None = None,
    year: Year | None = None,
    vacant: bool = False,
    filled: bool = False,
    left: bool = False,
    telework: bool = False,
) -> Any:
    require_permission(request.user, "evidence.view_post")
    provider = _provider(request, provider_id) if provider_id is not None else None
    filters = _filters(vacant=vacant, filled=filled, left=left, telework=telework)
    return selectors.post_list(user=request.user, provider=provider, year=year, filters=filters)


@router.get("/assets", response=list[AssetOut], summary="A provider's hardware assets of a year")
@paginate(BoundedLimitOffsetPagination)
def assets_list(
    request: HttpRequest,
    provider_id: Id | None = None,
    year: Year | None = None,
    bought: bool = False,
    retired: bool = False,
    label: Filter = "",
) -> Any:
    require_permission(request.user, "evidence.view_asset")
    provider = _provider(request, provider_id) if provider_id is not None else None
    filters = _filters(bought=bought, retired=retired, label=label)
    return selectors.asset_list(user=request.user, provider=provider, year=year, filters=filters)


@router.get(
    "/controls",
    response=list[ControlStatusOut],
    summary="A provider's status of the BSI Grundschutz++ kernel controls (CC BY-SA 4.0, BSI)",
)
@paginate(BoundedLimitOffsetPagination)
def controls_list(
    request: HttpRequest,
    provider_id: Id | None = None,
    year: Year | None = None,
    state: Filter = "",
    level: Filter = "",
    requirement_class: Filter = "",
    applicable: bool = False,
) -> Any:
    require_permission(request.user, "evidence.view_controlstatus")
    provider = _provider(request, provider_id) if provider_id is not None else None
    filters = _filters(state=state, level=level, applicable=applicable, **{"class": requirement_class})
    return selectors.control_status_list(user=request.user, provider=provider, year=year, filters=filters)


@router.get("/incidents", response=list[IncidentOut], summary="A provider's security incidents of a year")
@paginate(BoundedLimitOffsetPagination)
def incidents_list(
    request: HttpRequest,
    provider_id: Id | None = None,
    year: Year | None = None,
    extent: Filter = "",
    cause: Filter = "",
) -> Any:
    require_permission(request.user, "evidence.view_incident")
    provider = _provider(request, provider_id) if provider_id is not None else None
    filters = _filters(extent=extent, cause=cause)
    return selectors.incident_list(user=request.user, provider=provider, year=year, filters=filters)


@router.post(
    "/imports/{kind}",
    response=EvidenceImportOut,
    summary="Replace a provider's records of one kind and year by these rows (the columns of the file format)",
)
def evidence_import(request: HttpRequest, kind: Kind, payload: ImportIn) -> Any:
    require_permission(request.user, "evidence.add_evidenceimport")
    provider = _provider(request, payload.provider_id)
    rows = [(index + 2, {k: v or "" for k, v in row.items()}) for index, row in enumerate(payload.rows)]
    sheet = imports.SHEETS[kind]
    try:
        unknown = sorted({name for _line, row in rows for name in row} - set(sheet.columns))
        if unknown:
            raise ValidationError({unknown[0]: f"Unknown column; the columns are: {', '.join(sheet.columns)}"})
        records = imports.parse(kind, rows, year=payload.year)
    except SpreadsheetError as exc:
        raise ValidationError({"rows": [str(error) for error in exc.errors[:200]]}) from exc
    record = services.evidence_replace(
        actor=request.user, provider=provider, year=payload.year, kind=kind, records=records, file_name="API"
    )
    if record is None:
        return EvidenceImportOut(changed=False, rows=len(records))
    return EvidenceImportOut(
        id=record.pk,
        changed=True,
        rows=record.rows,
        added=record.added,
        changed_rows=record.changed,
        removed=record.removed,
    )
