"""Pages of availability against the SLA: the staff overview of all members, a member's SLA report (page and
PDF), outages (list, detail, entry, import) and the service commitments."""

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.availability import charts, imports, presentation, selectors, services
from verbund.availability.choices import OutageSource
from verbund.availability.forms import CommitmentForm, ImportForm, OutageForm
from verbund.availability.tasks import AVAILABILITY_REPORT
from verbund.catalog.models import Product
from verbund.core.access import user_sees_all
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.choices import PROVIDER_KINDS, OrganizationKind
from verbund.registry.models import Organization


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _staff(request: HttpRequest) -> bool:
    return bool(request.user.has_perm("availability.view_outage") and user_sees_all(request.user))


def _provider(request: HttpRequest) -> Organization | None:
    organization = getattr(request.user, "organization", None)
    if organization is not None and organization.kind in PROVIDER_KINDS:
        return organization
    return Organization.objects.filter(kind=OrganizationKind.PROVIDER).order_by("pk").first()


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for field, problems in exc.message_dict.items():
        for problem in problems:
            messages.error(request, f"{field}: {problem}")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff: every member's year at a glance. A member contact: its own report."""
    if not request.user.has_perm("availability.view_outage"):
        raise PermissionDenied
    year = _year(request)
    if not _staff(request):
        member_id = getattr(request.user, "organization_id", None)
        if member_id is None:
            raise Http404
        return redirect(f"{reverse('availability:member_report', args=[member_id])}?year={year}")
    report = selectors.availability_report(user=request.user, year=year, as_of=timezone.now())
    rows = []
    for member_id, member in sorted(report.members.items(), key=lambda item: item[1].name):
        products = report.member_rows(member_id)
        if not products:
            continue
        missed = sum(1 for _p, result, _c in products for month in result.months if not month.met)
        worst = min(
            (result.total.availability for _p, result, _c in products if result.total.availability is not None),
            default=None,
        )
        rows.append(
            {
                "member": member,
                "products": len(products),
                "missed_months": missed,
                "missed_years": sum(1 for _p, result, _c in products if not result.total.met),
                "worst": charts.percent(worst),
                "outages": len(report.touched.get(member_id, ())),
            }
        )
    return render(request, "availability/overview.html", {"year": year, "rows": rows})


def _report_context(request: HttpRequest, member_id: int) -> dict[str, Any]:
    member = selectors.member_get_for_user(user=request.user, member_id=member_id)
    year = _year(request)
    try:
        month = int(request.GET.get("month") or 0)
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= month <= 12:
        raise Http404
    report = selectors.availability_report(user=request.user, year=year, as_of=timezone.now(), member_ids=[member.pk])
    return {**presentation.report_context(report, member, month), "staff": _staff(request)}


@login_required
def member_report(request: HttpRequest, member_id: int) -> HttpResponse:
    return render(request, "availability/member_report.html", _report_context(request, member_id))


@login_required
def member_report_pdf(request: HttpRequest, member_id: int) -> HttpResponse:
    context = _report_context(request, member_id)
    html = render_to_string("availability/report_pdf.html", context, request=request)
    response = HttpResponse(presentation.render_pdf(html), content_type="application/pdf")
    name = f"sla-{context['member'].ags or member_id}-{context['year']}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def outage_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("availability.view_outage"):
        raise PermissionDenied
    year = _year(request)
    outages = selectors.outage_list(user=request.user, year=year)
    return render(
        request,
        "availability/outage_list.html",
        {"year": year, "outages": outages, "may_add": request.user.has_perm("availability.add_outage")},
    )


@login_required
def outage_detail(request: HttpRequest, outage_id: int) -> HttpResponse:
    outage = selectors.outage_get_for_user(user=request.user, outage_id=outage_id)
    return render(request, "availability/outage_detail.html", {"outage": outage, "staff": _staff(request)})


def _outage_form(request: HttpRequest, data: Any = None) -> OutageForm:
    products = Product.objects.restrict(request.user).filter(sla_commitments__isnull=False).distinct()
    members = Organization.objects.restrict(request.user).filter(subscriptions__isnull=False).distinct()
    return OutageForm(data, products=products.order_by("number"), members=members.order_by("name"))


@login_required
def outage_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("availability.add_outage"):
        raise PermissionDenied
    provider = _provider(request)
    form = _outage_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and provider is not None:
        data = form.cleaned_data
        try:
            outage = services.outage_record(
                actor=request.user,
                provider=provider,
                kind=data["kind"],
                start=data["start"],
                end=data["end"],
                announced_at=data["announced_at"],
                impact=data["impact"],
                products=list(data["products"]),
                members=list(data["members"]),
                reference=data["reference"],
                description=data["description"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The outage is recorded."))
            return redirect(outage)
    return render(request, "availability/outage_form.html", {"form": form})


@login_required
def outage_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("availability.add_outage"):
        raise PermissionDenied
    provider = _provider(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid() and provider is not None:
        data = form.cleaned_data
        try:
            if data["format"] == "csv":
                upload = data["file"]
                if upload.name.lower().endswith(".xlsx"):
                    raw = imports.OUTAGES.read_xlsx(io.BytesIO(upload.read()))
                else:
                    raw = imports.OUTAGES.read_csv(io.BytesIO(upload.read()))
                rows, source = imports.parse_csv(raw), OutageSource.CSV
            elif data["format"] == "uptime_kuma":
                mapping = imports.parse_monitor_products(data["monitor_products"])
                rows, source = imports.parse_uptime_kuma(data["payload"], mapping), OutageSource.UPTIME_KUMA
            else:
                rows, source = imports.parse_alertmanager(data["payload"]), OutageSource.ALERTMANAGER
        except imports.OutageImportError as exc:
            problems = exc.errors[:200]
            for error in problems:
                form.add_error(None, str(error))
        except imports.SpreadsheetError as exc:
            problems = exc.errors[:200]
            for error in problems:
                form.add_error("file", str(error))
        else:
            result = services.outages_import(actor=request.user, provider=provider, source=source, rows=rows)
            messages.success(request, result.summary())
            return redirect("availability:outage_list")
    return render(request, "availability/outage_import.html", {"form": form, "problems": problems}, status=200)


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    """The commitments; provider staff set one here (for all members, or one member's own)."""
    if not request.user.has_perm("availability.view_commitment"):
        raise PermissionDenied
    may_add = request.user.has_perm("availability.add_commitment")
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    form = None
    status = 200
    if may_add:
        form = CommitmentForm(
            request.POST if request.method == "POST" else None,
            products=Product.objects.restrict(request.user).order_by("number"),
            members=Organization.objects.restrict(request.user).filter(subscriptions__isnull=False).distinct(),
        )
        provider = _provider(request)
        if request.method == "POST" and form.is_valid() and provider is not None:
            data = form.cleaned_data
            try:
                services.commitment_set(
                    actor=request.user,
                    provider=provider,
                    product=data["product"],
                    member=data["member"],
                    valid_from=data["valid_from"],
                    service_hours=data["service_hours"],
                    exclude_holidays=data["exclude_holidays"],
                    target_month=data["target_month"],
                    target_year=data["target_year"],
                    notice_days=data["notice_days"],
                )
            except ValidationError as exc:
                for field, problems in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                messages.success(request, _("The commitment is saved."))
                return redirect("availability:commitment_list")
        if request.method == "POST":
            status = 400
    commitments = selectors.commitment_list(user=request.user)
    return render(
        request,
        "availability/commitment_list.html",
        {"commitments": commitments, "may_add": may_add, "form": form},
        status=status,
    )


@login_required
@require_POST
def commitment_initialise(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("availability.add_commitment"):
        raise PermissionDenied
    provider = _provider(request)
    try:
        valid_from = dt.date.fromisoformat(request.POST.get("valid_from", ""))
    except ValueError:
        messages.error(request, _("valid_from: Enter a valid date."))
        return redirect("availability:commitment_list")
    if provider is None:
        raise Http404
    created = services.commitments_initialise(actor=request.user, provider=provider, valid_from=valid_from)
    messages.success(request, _("%(n)s commitments taken from the catalogue.") % {"n": len(created)})
    return redirect("availability:commitment_list")


@login_required
@require_POST
def report_job(request: HttpRequest) -> HttpResponse:
    """All members' reports of a year as one JSON file, computed as a background job with progress."""
    if not _staff(request):
        raise PermissionDenied
    year = _year(request)
    job = job_start(actor=request.user, kind=AVAILABILITY_REPORT, params={"year": year})
    return job_redirect(request, job)
