"""REST API of availability against the SLA (/api/v1/availability/...): commitments, outages, the imports (CSV,
Uptime Kuma), the Alertmanager webhook and the SLA report of a member.

Reads go through the access layer (a member contact sees the general commitments and its own, the outages that
affect it and its own report; anything else is 404). Writes check the role's permission first (403); refused
input is 422 naming the field, or the line and column of an import. The webhook takes the Alertmanager body as it
is sent (webhook_configs with `http_config.authorization` carrying an API token: docs/operations.md).
"""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Body, Field, Router, Schema
from ninja.pagination import paginate

from verbund.availability import export, imports, selectors, services
from verbund.availability.choices import OutageKind, OutageSource
from verbund.availability.models import Commitment, Outage
from verbund.catalog.models import Product
from verbund.core.access import require_permission
from verbund.core.api_types import BoundedLimitOffsetPagination, Day, Id, Moment, Year
from verbund.registry.models import Organization

router = Router(tags=["availability"])
MAX_BODY_CHARS = 20_000_000


def refused(exc: imports.OutageImportError) -> ValidationError:
    """Every problem of an import, grouped by the field it names (the line is in each message)."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors[:200]:
        fields.setdefault(error.column or "rows", []).append(str(error))
    return ValidationError(fields)


class CommitmentOut(Schema):
    id: int
    provider_id: int
    product_id: int
    product_number: str = Field(alias="product.number")
    member_id: int | None
    valid_from: dt.date
    service_hours: str
    exclude_holidays: bool
    target_month: Decimal
    target_year: Decimal
    notice_days: int
    demo: bool


class CommitmentIn(Schema):
    provider_id: Id
    product_id: Id
    member_id: Id | None = None
    valid_from: Day
    service_hours: str = Field(max_length=200)
    exclude_holidays: bool = True
    target_month: Decimal = Field(ge=0, le=100, max_digits=6, decimal_places=3)
    target_year: Decimal = Field(ge=0, le=100, max_digits=6, decimal_places=3)
    notice_days: int = Field(5, ge=0, le=365)


class OutageOut(Schema):
    id: int
    kind: str
    start: dt.datetime
    end: dt.datetime | None
    announced_at: dt.datetime | None
    impact: Decimal
    reference: str
    source: str
    product_ids: list[int]
    member_ids: list[int]  # empty: every member subscribed to the products
    demo: bool

    @staticmethod
    def resolve_product_ids(obj: Outage) -> list[int]:
        return sorted(p.pk for p in obj.products.all())

    @staticmethod
    def resolve_member_ids(obj: Outage) -> list[int]:
        return sorted(m.pk for m in obj.members.all())


class OutageIn(Schema):
    provider_id: Id
    kind: OutageKind = OutageKind.OUTAGE
    start: Moment
    end: Moment | None = None
    announced_at: Moment | None = None
    impact: Decimal = Field(Decimal(1), gt=0, le=1, max_digits=4, decimal_places=3)
    product_ids: list[Id] = Field(min_length=1, max_length=200)
    member_ids: list[Id] = Field(default_factory=list, max_length=20_000)
    reference: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)


class CsvIn(Schema):
    provider_id: Id
    csv: str = Field(max_length=MAX_BODY_CHARS, description="the CSV file's text (docs/user-guide.md)")


class KumaIn(Schema):
    provider_id: Id
    monitor_products: str = Field(
        max_length=10_000, description='monitor id = product number, e.g. "1=AP-100, 2=OZ-200"'
    )
    history: dict[str, Any]


class AvailabilityImportOut(Schema):
    added: int
    changed: int
    unchanged: int


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    service_seconds: int
    excluded_seconds: int
    agreed_seconds: int
    downtime_seconds: Decimal
    availability: Decimal | None
    target: Decimal
    met: bool
    budget_used: Decimal | None
    incidents: int
    major_incidents: int
    mttr_seconds: Decimal | None


class ProductReportOut(Schema):
    product_id: int
    product_number: str
    commitment_id: int
    year: PeriodOut
    months: list[PeriodOut]


class AvailabilityReportOut(Schema):
    member_id: int
    year: int
    as_of: dt.datetime
    products: list[ProductReportOut]
    outage_ids: list[int]


def _provider(request: HttpRequest, provider_id: int) -> Organization:
    provider = Organization.objects.restrict(request.user).filter(pk=provider_id).first()
    if provider is None:
        raise ValidationError({"provider_id": "No such provider."})
    return provider


@router.get("/commitments", response=list[CommitmentOut], summary="Service commitments the caller may see")
@paginate(BoundedLimitOffsetPagination)
def commitments_list(request: HttpRequest) -> Any:
    return selectors.commitment_list(user=request.user)


@router.post("/commitments", response={201: CommitmentOut}, summary="Set the commitment of a product (or member)")
def commitments_set(request: HttpRequest, payload: CommitmentIn) -> Any:
    require_permission(request.user, "availability.add_commitment")
    product = Product.objects.restrict(request.user).filter(pk=payload.product_id).first()
    if product is None:
        raise ValidationError({"product_id": "No such product."})
    member = None
    if payload.member_id is not None:
        member = Organization.objects.restrict(request.user).filter(pk=payload.member_id).first()
        if member is None:
            raise ValidationError({"member_id": "No such member."})
    commitment = services.commitment_set(
        actor=request.user,
        provider=_provider(request, payload.provider_id),
        product=product,
        member=member,
        valid_from=payload.valid_from,
        service_hours=payload.service_hours,
        exclude_holidays=payload.exclude_holidays,
        target_month=payload.target_month,
        target_year=payload.target_year,
        notice_days=payload.notice_days,
    )
    return 201, Commitment.objects.select_related("product").get(pk=commitment.pk)


@router.get("/outages", response=list[OutageOut], summary="Outages the caller may see")
@paginate(BoundedLimitOffsetPagination)
def outages_list(request: HttpRequest, year: Year | None = None) -> Any:
    return selectors.outage_list(user=request.user, year=year)


@router.get("/outages/{outage_id}", response=OutageOut, summary="One outage")
def outages_get(request: HttpRequest, outage_id: Id) -> Any:
    return selectors.outage_get_for_user(user=request.user, outage_id=outage_id)


@router.post("/outages", response={201: OutageOut}, summary="Record an outage or a maintenance")
def outages_create(request: HttpRequest, payload: OutageIn) -> Any:
    require_permission(request.user, "availability.add_outage")
    products = list(Product.objects.restrict(request.user).filter(pk__in=payload.product_ids))
    if len(products) != len(set(payload.product_ids)):
        raise ValidationError({"product_ids": "No such product."})
    members = list(Organization.objects.restrict(request.user).filter(pk__in=payload.member_ids))
    if len(members) != len(set(payload.member_ids)):
        raise ValidationError({"member_ids": "No such member."})
    outage = services.outage_record(
        actor=request.user,
        provider=_provider(request, payload.provider_id),
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
        announced_at=payload.announced_at,
        impact=payload.impact,
        products=products,
        members=members,
        reference=payload.reference,
        description=payload.description,
    )
    return 201, selectors.outage_get_for_user(user=request.user, outage_id=outage.pk)


def _import_out(result: services.ImportResult) -> AvailabilityImportOut:
    return AvailabilityImportOut(added=result.added, changed=result.changed, unchanged=result.unchanged)


@router.post("/outages/import/csv", response=AvailabilityImportOut, summary="Import outages from CSV (all or nothing)")
def outages_import_csv(request: HttpRequest, payload: CsvIn) -> Any:
    require_permission(request.user, "availability.add_outage")
    provider = _provider(request, payload.provider_id)
    try:
        rows = imports.parse_csv(imports.OUTAGES.read_csv(io.BytesIO(payload.csv.encode())))
    except imports.OutageImportError as exc:
        raise refused(exc) from exc
    return _import_out(
        services.outages_import(actor=request.user, provider=provider, source=OutageSource.CSV, rows=rows)
    )


@router.post(
    "/outages/import/uptime-kuma",
    response=AvailabilityImportOut,
    summary="Import outages from an Uptime Kuma heartbeat history",
)
def outages_import_kuma(request: HttpRequest, payload: KumaIn) -> Any:
    require_permission(request.user, "availability.add_outage")
    provider = _provider(request, payload.provider_id)
    try:
        mapping = imports.parse_monitor_products(payload.monitor_products)
        rows = imports.parse_uptime_kuma(payload.history, mapping)
    except imports.OutageImportError as exc:
        raise refused(exc) from exc
    return _import_out(
        services.outages_import(actor=request.user, provider=provider, source=OutageSource.UPTIME_KUMA, rows=rows)
    )


@router.post(
    "/webhook/alertmanager/{provider_id}",
    response=AvailabilityImportOut,
    summary="Alertmanager webhook (idempotent by fingerprint and start; a resolved alert sets the end)",
)
def alertmanager_webhook(request: HttpRequest, provider_id: Id, payload: dict[str, Any] = Body(...)) -> Any:
    require_permission(request.user, "availability.add_outage")
    provider = _provider(request, provider_id)
    try:
        rows = imports.parse_alertmanager(payload)
    except imports.OutageImportError as exc:
        raise refused(exc) from exc
    return _import_out(
        services.outages_import(actor=request.user, provider=provider, source=OutageSource.ALERTMANAGER, rows=rows)
    )


@router.get("/reports/{member_id}", response=AvailabilityReportOut, summary="The SLA report of a member for a year")
def reports_get(request: HttpRequest, member_id: Id, year: Year) -> Any:
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    report = selectors.availability_report(user=request.user, year=year, as_of=timezone.now(), member_ids=[member.pk])
    return export.member_data(report, member.pk)
