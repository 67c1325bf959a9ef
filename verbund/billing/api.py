"""Billing over the REST API: invoice runs (prepare, preview, issue) and invoices (XML, CII, PDF, credit notes).

Permission first (403), then the object through the access layer (404), then the business rules of the services
(422). A member sees only its own issued invoices; runs are the provider's internal work."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from verbund.billing import selectors, services
from verbund.billing.api_seller import router as seller_router
from verbund.billing.exports import CiiInvalid, cii_filename, invoice_cii, invoice_filename, invoice_xml
from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.pdf import invoice_pdf
from verbund.core.access import Action, require_permission
from verbund.core.api_types import (
    PDF_DOCUMENT,
    XML_DOCUMENT,
    BoundedLimitOffsetPagination,
    Day,
    Error,
    Filter,
    Id,
    Year,
)
from verbund.registry.models import Organization
from verbund.registry.selectors import organization_get_for_user

router = Router(tags=["billing"])
router.add_router("", seller_router)  # the providers' seller data: /billing/sellers (billing/api_seller.py)


# ---------------------------------------------------------------- schemas


class RunIn(Schema):
    kind: str = Field(..., description="instalment, final or extras")
    year: Year
    period: int | None = Field(None, ge=1, le=12, description="month or quarter; none for a final settlement")
    billing_date: Day
    provider_id: Id | None = Field(None, description="defaults to the caller's organisation")
    early_final_reason: str = Field(
        "", max_length=300, description="final settlement before the year has ended (a member leaves): why"
    )


class CreditIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class ProblemOut(Schema):
    code: str = ""
    severity: str = ""
    message: str = ""


class RunOut(Schema):
    id: int
    provider_id: int
    kind: str
    year: int
    period: int | None
    frequency: str
    billing_date: dt.date
    status: str
    prepared_at: dt.datetime | None
    issued_at: dt.datetime | None


class InvoiceOut(Schema):
    id: int
    run_id: int | None
    provider_id: int
    member_id: int
    member_name: str
    number: str
    status: str
    type_code: str
    internal: bool
    title: str
    leitweg_id: str
    period_start: dt.date | None
    period_end: dt.date | None
    issue_date: dt.date | None
    due_date: dt.date | None
    currency: str
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    credit_for_id: int | None

    @staticmethod
    def resolve_member_name(obj: Invoice) -> str:
        return obj.member.name


class LineOut(Schema):
    position: int
    kind: str
    product_number: str
    name: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net: Decimal
    vat_category: str
    vat_rate: Decimal


class InvoiceDetailOut(InvoiceOut):
    vat_breakdown: list[dict[str, Any]]
    credit_reason: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[Any]:
        return list(selectors.invoice_lines(invoice=obj))


class RunDetailOut(RunOut):
    problems: list[ProblemOut]
    blocking: bool
    summary: dict[str, Any]
    invoices: list[InvoiceOut]

    @staticmethod
    def resolve_problems(obj: InvoiceRun) -> list[dict[str, str]]:
        keys = ("code", "severity", "message")
        return [{key: str(problem.get(key, "")) for key in keys} for problem in obj.problems or []]

    @staticmethod
    def resolve_blocking(obj: InvoiceRun) -> bool:
        return bool(obj.blocking_problems)

    @staticmethod
    def resolve_summary(obj: InvoiceRun) -> dict[str, Any]:
        return obj.summary or {}

    @staticmethod
    def resolve_invoices(obj: InvoiceRun) -> list[Invoice]:
        return list(Invoice.objects.filter(run=obj).select_related("member").order_by("member__name", "vat_group"))


# ---------------------------------------------------------------- runs


@router.get("/runs", response=list[RunOut], summary="Invoice runs the caller may see, newest first")
@paginate(BoundedLimitOffsetPagination)
def runs_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.run_list(user=request.user)


@router.post("/runs", response={201: RunDetailOut}, summary="Prepare a run (or prepare it again)")
def runs_prepare(request: HttpRequest, payload: RunIn):  # type: ignore[no-untyped-def]
    require_permission(request.user, "billing.add_invoicerun")
    provider: Organization | None
    if payload.provider_id is not None:
        provider = organization_get_for_user(user=request.user, organization_id=payload.provider_id)
    else:
        provider = getattr(request.user, "organization", None)
    if provider is None:
        raise ValidationError({"provider_id": "Give the provider of the run."})
    run = services.billing_run_prepare(
        actor=request.user,
        provider=provider,
        kind=payload.kind,
        year=payload.year,
        period=payload.period,
        billing_date=payload.billing_date,
        as_of=timezone.localdate(),
        early_final_reason=payload.early_final_reason,
    )
    return 201, run


@router.get("/runs/{run_id}", response=RunDetailOut, summary="A run with its problems and invoices (preview)")
def runs_get(request: HttpRequest, run_id: Id):  # type: ignore[no-untyped-def]
    return selectors.run_get_for_user(user=request.user, run_id=run_id)


@router.post(
    "/runs/{run_id}/issue",
    response={200: RunDetailOut, 422: Error},
    summary="Issue every draft of the run, or none",
)
def runs_issue(request: HttpRequest, run_id: Id):  # type: ignore[no-untyped-def]
    require_permission(request.user, "billing.change_invoicerun")
    run = selectors.run_get_for_user(user=request.user, run_id=run_id, action=Action.CHANGE)
    try:
        run = services.billing_run_issue(actor=request.user, run=run)
    except ValidationError as exc:
        run.refresh_from_db()
        refusal = (run.summary or {}).get("last_refusal") or {}
        rules = sorted({rule for entry in refusal.get("invoices", []) for rule in entry.get("rules", [])})
        return 422, {"detail": [{"loc": ["body"], "msg": message} for message in exc.messages], "rules": rules}
    return run


# ---------------------------------------------------------------- invoices


@router.get("/invoices", response=list[InvoiceOut], summary="Invoices the caller may see, newest first")
@paginate(BoundedLimitOffsetPagination)
def invoices_list(  # type: ignore[no-untyped-def]
    request: HttpRequest, status: Filter | None = None, run_id: Id | None = None, year: Year | None = None
):
    run = selectors.run_get_for_user(user=request.user, run_id=run_id) if run_id is not None else None
    queryset = selectors.invoice_list(user=request.user, run=run, status=status)
    if year is not None:
        queryset = queryset.filter(issue_date__year=year)
    return queryset


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut, summary="One invoice with its lines")
def invoices_get(request: HttpRequest, invoice_id: Id):  # type: ignore[no-untyped-def]
    return selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)


@router.get(
    "/invoices/{invoice_id}/xml", summary="The XRechnung (UBL) of an issued e-invoice", openapi_extra=XML_DOCUMENT
)
def invoices_xml(request: HttpRequest, invoice_id: Id) -> HttpResponse:
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    data = invoice_xml(invoice)
    if data is None:
        raise Http404("no XRechnung for this document")
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice, "xml")}"'
    return response


@router.get(
    "/invoices/{invoice_id}/cii",
    response={422: Error},
    openapi_extra=XML_DOCUMENT,
    summary="The XRechnung (CII) of an issued e-invoice, built from its data at issue and validated",
)
def invoices_cii(request: HttpRequest, invoice_id: Id):  # type: ignore[no-untyped-def]
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    try:
        data = invoice_cii(invoice)
    except CiiInvalid as exc:
        messages = [message for failure in exc.failures for message in failure.messages]
        return 422, {
            "detail": [{"loc": ["path", "invoice_id"], "msg": message} for message in messages],
            "rules": exc.rules,
        }
    if data is None:
        raise Http404("no XRechnung for this document")
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{cii_filename(invoice)}"'
    return response


@router.get("/invoices/{invoice_id}/pdf", summary="The invoice as PDF", openapi_extra=PDF_DOCUMENT)
def invoices_pdf(request: HttpRequest, invoice_id: Id) -> HttpResponse:
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    data = invoice_pdf(invoice, list(selectors.invoice_lines(invoice=invoice)))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice, "pdf")}"'
    return response


@router.post("/invoices/{invoice_id}/credit", response={201: InvoiceOut}, summary="Reverse with a credit note")
def invoices_credit(request: HttpRequest, invoice_id: Id, payload: CreditIn):  # type: ignore[no-untyped-def]
    require_permission(request.user, "billing.add_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    credit = services.invoice_credit(actor=request.user, invoice=invoice, reason=payload.reason)
    return 201, Invoice.objects.select_related("member").get(pk=credit.pk)
