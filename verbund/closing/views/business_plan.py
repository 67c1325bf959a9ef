"""The business plan and annual accounts: page, import, PDF and the report to the committee."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.closing import imports, selectors, services
from verbund.closing.choices import BusinessPlanPart, ClosingStatus
from verbund.closing.forms import (
    BusinessPlanImportForm,
    CommitteeReportForm,
)
from verbund.closing.models import Closing, CommitteeReport
from verbund.closing.tasks import read_rows
from verbund.closing.views.common import _errors, _form_errors
from verbund.core.access import require_permission
from verbund.core.spreadsheet import SpreadsheetError
from verbund.costing import charts
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.governance.choices import MeetingState
from verbund.governance.models import Meeting
from verbund.registry.choices import PROVIDER_KINDS
from verbund.registry.models import Organization


def _provider(request: HttpRequest) -> Organization:
    provider_id = request.GET.get("provider") or request.POST.get("provider")
    providers = Organization.objects.restrict(request.user).filter(kind__in=PROVIDER_KINDS)
    if provider_id:
        try:
            return get_object_or_404(providers, pk=int(provider_id))
        except ValueError as exc:
            raise Http404 from exc
    own_id: int | None = getattr(request.user, "organization_id", None)
    own = providers.filter(pk=own_id).first() if own_id is not None else None
    provider = own or providers.order_by("name").first()
    if provider is None:
        raise Http404
    return provider


@dataclass(frozen=True)
class Part:
    part: str
    label: str
    lines: list[Any]
    planned: Decimal
    actual: Decimal | None


def _business_plan(request: HttpRequest, provider: Organization, year: int) -> dict[str, Any]:
    lines = list(selectors.business_plan_lines(user=request.user, provider=provider, year=year))
    parts = []
    for value, label in BusinessPlanPart.choices:
        part_lines = [line for line in lines if line.part == value]
        if not part_lines:
            continue
        planned = sum((line.planned for line in part_lines), Decimal(0))
        actuals = [line.actual for line in part_lines if line.actual is not None]
        actual = sum(actuals, Decimal(0)) if actuals else None
        parts.append(Part(value, str(label), part_lines, planned, actual))
    result_plan: Decimal | None = None
    result_actual: Decimal | None = None
    income = next((p for p in parts if p.part == BusinessPlanPart.INCOME), None)
    expense = next((p for p in parts if p.part == BusinessPlanPart.EXPENSE), None)
    if income and expense:
        result_plan = income.planned - expense.planned
        if income.actual is not None and expense.actual is not None:
            result_actual = income.actual - expense.actual
    chart = None
    money_parts = [p for p in parts if p.part != BusinessPlanPart.POSTS]
    if money_parts:
        chart = charts.bar_chart(
            chart_id="business-plan-chart",
            categories=[str(p.label) for p in money_parts],
            series=[
                (_("Plan"), [p.planned for p in money_parts]),
                (_("Actual"), [p.actual for p in money_parts]),
            ],
            title=_("Business plan %(year)s: plan and actual") % {"year": year},
            description=_("Sums of each part of the business plan, plan against annual accounts, in EUR."),
            value_label=_("EUR"),
        )
    closing = Closing.objects.filter(provider=provider, year=year, status=ClosingStatus.APPROVED).first()
    plan = PlanVersion.objects.filter(
        provider=provider, year=year, status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN]
    ).first()
    return {
        "provider": provider,
        "year": year,
        "parts": parts,
        "result_plan": result_plan,
        "result_actual": result_actual,
        "chart": chart,
        "closing": closing,
        "plan": plan,
        "report": CommitteeReport.objects.filter(provider=provider, year=year).select_related("paper").first(),
    }


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year - 1)
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def business_plan(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "closing.view_businessplanline")
    provider, year = _provider(request), _year(request)
    context = _business_plan(request, provider, year)
    context["years"] = sorted(
        set(selectors.BusinessPlanLine.objects.filter(provider=provider).values_list("year", flat=True).distinct())
        | {year}
    )
    if request.user.has_perm("closing.change_businessplanline"):
        context["import_form"] = BusinessPlanImportForm()
    if request.user.has_perm("closing.add_committeereport") and context["report"] is None:
        meetings = Meeting.objects.filter(state__in=[MeetingState.SCHEDULED, MeetingState.INVITED]).order_by("start")
        context["report_form"] = CommitteeReportForm(meetings=meetings, initial={"reference": f"WP-{year}"})
    return render(request, "closing/business_plan.html", context)


@login_required
@require_POST
def business_plan_import(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "closing.change_businessplanline")
    provider, year = _provider(request), _year(request)
    form = BusinessPlanImportForm(request.POST, request.FILES)
    target = f"{redirect('closing:business_plan').url}?provider={provider.pk}&year={year}"
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(target)
    upload = form.cleaned_data["file"]
    try:
        rows = read_rows(upload.name, upload.read(), imports.BUSINESS_PLAN)
        changed = services.business_plan_replace(
            actor=request.user, provider=provider, year=year, figures=imports.parse_business_plan(rows)
        )
    except SpreadsheetError as exc:
        for row_error in exc.errors[:50]:
            messages.error(request, str(row_error))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Business plan imported.") if changed else _("Nothing changed."))
    return redirect(target)


@login_required
def business_plan_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    require_permission(request.user, "closing.view_businessplanline")
    provider, year = _provider(request), _year(request)
    context = _business_plan(request, provider, year)
    if not context["parts"]:
        raise Http404
    if context["closing"] is not None:
        context["outcomes"] = list(selectors.product_outcomes(closing=context["closing"]))
        context["carried"] = list(selectors.carry_forwards(user=request.user).filter(closing=context["closing"]))
    context["now"] = timezone.now()
    html = render_to_string("closing/business_plan_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="wirtschaftsplan-{year}-{provider.pk}.pdf"'
    return response


@login_required
@require_POST
def business_plan_report(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "closing.add_committeereport")
    provider, year = _provider(request), _year(request)
    target = f"{redirect('closing:business_plan').url}?provider={provider.pk}&year={year}"
    meetings = Meeting.objects.filter(state__in=[MeetingState.SCHEDULED, MeetingState.INVITED])
    form = CommitteeReportForm(request.POST, meetings=meetings)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(target)
    try:
        report = services.committee_report_create(
            actor=request.user,
            provider=provider,
            year=year,
            meeting=form.cleaned_data["meeting"],
            reference=form.cleaned_data["reference"],
            url=request.build_absolute_uri(target),
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The report is on the agenda of %(meeting)s.")
            % {"meeting": report.agenda_item.meeting if report.agenda_item else ""},
        )
    return redirect(target)
