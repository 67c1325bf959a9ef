"""Billing pages: runs (prepare → preview → issue → download) and invoices (list, detail, downloads, credit)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.billing import display, selectors, services, texts
from verbund.billing.choices import InvoiceStatus, RunKind
from verbund.billing.documents import invoice_language
from verbund.billing.exports import CiiInvalid, cii_filename, invoice_cii, invoice_filename, invoice_xml, run_zip_name
from verbund.billing.pdf import invoice_pdf
from verbund.billing.tasks import RUN_ISSUE, RUN_PREPARE, RUN_ZIP, run_prepare_check
from verbund.core.access import Action, require_permission
from verbund.core.params import query_year
from verbund.jobs.selectors import job_current_for
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_file_or_redirect, job_redirect
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _field_labels() -> dict[str, str]:
    return {
        "kind": _("Kind"),
        "year": _("Year"),
        "period": _("Period"),
        "billing_date": _("Billing date"),
        "early_final_reason": _("Reason for an early final settlement"),
    }


def _form_errors(exc: ValidationError) -> list[str]:
    """The messages, each named by the form's label of its field (not the field's code name)."""
    if hasattr(exc, "error_dict"):
        labels = _field_labels()
        return [f"{labels[field]}: {m}" if field in labels else m for field, ms in exc.message_dict.items() for m in ms]
    return list(exc.messages)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------- runs


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "billing.view_invoicerun")
    runs = selectors.run_list(user=request.user)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # Every provider that can bill (a seller profile); the clerk's own organisation first chosen.
    sellers = list(Organization.objects.filter(kind__in=PROVIDER_KINDS, seller_profile__isnull=False).order_by("name"))
    own = getattr(request.user, "organization", None)
    form: dict[str, Any] = {
        "provider": str(own.pk if own is not None and own in sellers else (sellers[0].pk if sellers else "")),
        "kind": RunKind.INSTALMENT,
        "year": today.year,
        "period": today.month,
        "billing_date": today,
    }
    errors: list[str] = []
    if request.method == "POST":
        require_permission(request.user, "billing.add_invoicerun")
        form = {
            key: request.POST.get(key, "").strip()
            for key in ("provider", "kind", "year", "period", "billing_date", "early_final_reason")
        }
        year, period = _int(form["year"]), _int(form["period"])
        billing_date = parse_date(form["billing_date"]) if form["billing_date"] else None
        chosen = _int(form["provider"]) if form["provider"] else (own.pk if own is not None else None)
        provider = next((seller for seller in sellers if seller.pk == chosen), None)
        if form["provider"] and provider is None:
            errors.append(_("Choose a provider with a seller profile."))
            provider = own
        elif provider is None:
            provider = own
        if year is None:
            errors.append(_("Enter the year."))
        if billing_date is None:
            errors.append(_("Enter the billing date."))
        if provider is None:
            errors.append(_("Your account belongs to no provider."))
        if not errors:
            assert year is not None and billing_date is not None and provider is not None
            try:
                run_prepare_check(
                    actor=request.user,
                    provider=provider,
                    kind=form["kind"],
                    year=year,
                    period=period,
                    billing_date=billing_date,
                    as_of=today,
                    early_final_reason=form["early_final_reason"],
                )
                job = job_start(  # a background job with progress (ADR 0026); its page links to the run
                    actor=request.user,
                    kind=RUN_PREPARE,
                    subject=provider,
                    params={
                        "provider_id": provider.pk,
                        "kind": form["kind"],
                        "year": year,
                        "period": period,
                        "billing_date": billing_date.isoformat(),
                        "as_of": today.isoformat(),
                        "early_final_reason": form["early_final_reason"],
                    },
                )
            except ValidationError as exc:
                errors.extend(_form_errors(exc))
            else:
                return job_redirect(request, job)
    return render(
        request,
        "billing/run_list.html",
        {"page": page, "form": form, "errors": errors, "kinds": RunKind.choices, "sellers": sellers},
        status=400 if errors else 200,
    )


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoicerun")
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    invoices = list(selectors.invoice_list(user=request.user, run=run).order_by("member__name", "vat_group", "id"))
    refusal = (run.summary or {}).get("last_refusal")
    return render(
        request,
        "billing/run_detail.html",
        {
            "run": run,
            "invoices": invoices,
            "blocking": run.blocking_problems,
            "refusal": refusal,
            "can_issue": request.user.has_perm("billing.change_invoicerun") and run.status == "draft",
            "prepared_token": _prepared_token(run),
            "period_start": parse_date(str((run.summary or {}).get("period_start", ""))),
            "period_end": parse_date(str((run.summary or {}).get("period_end", ""))),
            "bill_count": int((run.summary or {}).get("invoices", 0)) - int((run.summary or {}).get("credit_notes", 0)),
            "drafts": sum(1 for i in invoices if not i.number),
        },
    )


def _prepared_token(run: Any) -> str:
    """Which preparation of the run the clerk confirmed (a run prepared again since needs a new check)."""
    return run.prepared_at.isoformat() if run.prepared_at else ""


@login_required
@require_POST
def run_issue(request: HttpRequest, run_id: int) -> HttpResponse:
    require_permission(request.user, "billing.change_invoicerun")
    run = selectors.run_get_for_user(user=request.user, run_id=run_id, action=Action.CHANGE)
    if run.status == "draft":
        if request.POST.get("confirm") != "yes":
            messages.error(
                request, _("Nothing was issued: confirm that you checked the preview and want to issue the run.")
            )
            return redirect("billing:run_detail", run_id=run.pk)
        if request.POST.get("prepared") != _prepared_token(run):
            messages.error(
                request,
                _("Nothing was issued: the run was prepared again since you opened it. Check the new preview."),
            )
            return redirect("billing:run_detail", run_id=run.pk)
    # Issuing is a background job (ADR 0026): its page shows progress, the result or the refusal, and a retry.
    return job_redirect(request, job_start(actor=request.user, kind=RUN_ISSUE, subject=run))


@login_required
def run_download(request: HttpRequest, run_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoicerun")
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)
    if run.status != "issued":
        raise Http404("the run is not issued")
    # Built by a background job with progress (ADR 0026); an issued run never changes, so its ZIP is reused.
    job = job_current_for(kind=RUN_ZIP, subject=run) or job_start(actor=request.user, kind=RUN_ZIP, subject=run)
    return job_file_or_redirect(request, job, filename=run_zip_name(run))


# ---------------------------------------------------------------- invoices


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "billing.view_invoice")
    status = request.GET.get("status", "")
    if status not in InvoiceStatus.values:
        status = ""
    year = query_year(request.GET.get("year"))  # bounded: ?year=32976 answered 500
    invoices = selectors.invoice_list(user=request.user, status=status or None)
    if year is not None:
        invoices = invoices.filter(Q(issue_date__year=year) | Q(issue_date__isnull=True, run__year=year))
    page = Paginator(invoices, 50).get_page(request.GET.get("page"))
    years = range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1)
    return render(
        request,
        "billing/invoice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": InvoiceStatus.choices,
            "year": year,
            "years": years,
            "sees_seller_data": selectors.sees_seller_data(request.user),
        },
    )


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    lines = list(selectors.invoice_lines(invoice=invoice))
    credit_notes = list(invoice.credit_notes.all()) if invoice.is_issued else []
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "rows": display.line_rows(lines),
            "vat_groups": display.vat_groups(invoice.vat_breakdown),
            "title": texts.display_title(invoice),
            "document_language": invoice_language(invoice),
            "credit_notes": credit_notes,
            "has_xml": invoice.xml is not None,
            "can_credit": request.user.has_perm("billing.add_invoice") and invoice.status == InvoiceStatus.ISSUED,
        },
    )


@login_required
def invoice_download_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    data = invoice_xml(invoice)
    if data is None:
        raise Http404("no XRechnung for this document")
    return _attachment(data, "application/xml", invoice_filename(invoice, "xml"))


@login_required
def invoice_download_cii(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    try:
        data = invoice_cii(invoice)
    except CiiInvalid as exc:
        messages.error(
            request,
            _("The XRechnung (CII) of %(number)s failed validation: %(rules)s")
            % {"number": invoice.number, "rules": ", ".join(exc.rules)},
        )
        return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    if data is None:
        raise Http404("no XRechnung for this document")
    return _attachment(data, "application/xml", cii_filename(invoice))


@login_required
def invoice_download_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require_permission(request.user, "billing.view_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    data = invoice_pdf(invoice, list(selectors.invoice_lines(invoice=invoice)))
    return _attachment(data, "application/pdf", invoice_filename(invoice, "pdf"))


@login_required
@require_POST
def invoice_credit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require_permission(request.user, "billing.add_invoice")
    invoice = selectors.invoice_get_for_user(user=request.user, invoice_id=invoice_id)
    try:
        credit = services.invoice_credit(actor=request.user, invoice=invoice, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("billing:invoice_detail", invoice_id=invoice.pk)
    messages.success(request, _("Credit note %(number)s was issued.") % {"number": credit.number})
    return redirect("billing:invoice_detail", invoice_id=credit.pk)
