"""Closing a year in the browser: post-calculations of approved plans, the actual figures (upload as a job, or
the entry grid), the calculation (a job), results with the variance chart and every figure's trace, approval,
carry-forward into a later plan, each member's own over-/under-recovery, and the business plan report.

Every object is fetched through the access layer; writes go through `closing.services` (or a job that calls them).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.closing import imports, selectors, services
from verbund.closing.choices import BusinessPlanPart, ClosingStatus
from verbund.closing.forms import (
    ApproveForm,
    BusinessPlanImportForm,
    CarryForwardForm,
    ClosingCreateForm,
    CommitteeReportForm,
    ImportForm,
    parse_amount,
)
from verbund.closing.models import Closing, CommitteeReport
from verbund.closing.tasks import CLOSING_CALCULATE, CLOSING_IMPORT, read_rows
from verbund.core.access import Action
from verbund.core.explain import render_steps
from verbund.core.money import round_money
from verbund.core.spreadsheet import SpreadsheetError
from verbund.costing import charts, engine
from verbund.costing.choices import PlanStatus
from verbund.costing.models import CostCentre, CostType, MemberFee, PlannedCost, PlanVersion
from verbund.costing.selectors import explanation_names
from verbund.governance.choices import MeetingState
from verbund.governance.models import Meeting
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

PROVIDER_KINDS = (OrganizationKind.PROVIDER, OrganizationKind.ASSOCIATION, OrganizationKind.OPERATING_COMPANY)


def _closing(request: HttpRequest, closing_id: int, action: str = Action.VIEW) -> Closing:
    return selectors.closing_get_for_user(user=request.user, closing_id=closing_id, action=action)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def closing_list(request: HttpRequest) -> HttpResponse:
    closings = list(selectors.closing_list(user=request.user))
    may_add = request.user.has_perm("closing.add_closing")
    form = None
    if may_add:
        plans = PlanVersion.objects.restrict(request.user).filter(status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN])
        form = ClosingCreateForm(plans=plans, data=request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                closing = services.closing_create(
                    actor=request.user, plan=form.cleaned_data["plan"], name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                return redirect(closing)
    elif request.method == "POST":
        raise PermissionDenied
    carried = list(selectors.carry_forwards(user=request.user))
    return render(
        request,
        "closing/closing_list.html",
        {"closings": closings, "form": form, "carried": carried},
        status=400 if request.method == "POST" else 200,
    )


def _grid(closing: Closing) -> dict[str, Any]:
    """The entry grid: one row per cost centre, one column per cost type, actual and planned figures."""
    centres = list(CostCentre.objects.filter(plan_id=closing.plan_id).order_by("-kind", "code"))
    types = list(CostType.objects.filter(plan_id=closing.plan_id).order_by("code"))
    actual = selectors.actual_costs(closing=closing)
    planned = {
        (c.centre.code, c.cost_type.code): c.amount
        for c in PlannedCost.objects.filter(plan_id=closing.plan_id).select_related("centre", "cost_type")
    }
    rows = [
        {
            "centre": centre,
            "cells": [
                {
                    "key": f"{centre.code}/{t.code}",
                    "actual": actual.get((centre.code, t.code)),
                    "planned": planned.get((centre.code, t.code)),
                }
                for t in types
            ],
        }
        for centre in centres
    ]
    indices = selectors.price_indices(closing=closing)
    return {
        "types": types,
        "rows": rows,
        "actual_total": sum(actual.values(), Decimal(0)),
        "indices": [{"type": t, "index": indices.get(t.code)} for t in types],
    }


def _variance_chart(outcomes: list[Any]) -> str | None:
    if not outcomes:
        return None
    categories = [o.product_plan.product.number for o in outcomes]
    return charts.bar_chart(
        chart_id="variance-chart",
        categories=categories,
        series=[
            (_("Price variance"), [o.price_variance for o in outcomes]),
            (_("Efficiency variance"), [o.efficiency_variance for o in outcomes]),
            (_("Volume variance"), [o.volume_variance for o in outcomes]),
            (_("Over-/under-recovery"), [o.over_under for o in outcomes]),
        ],
        title=_("Variances and over-/under-recovery per product"),
        description=_(
            "Per product: price, efficiency and volume variance (positive = unfavourable) and the over- (+) or "
            "under-recovery (−) in EUR; the table below shows the same figures."
        ),
        value_label=_("EUR"),
    )


@login_required
def closing_detail(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closing(request, closing_id)
    may_change = closing.editable and request.user.has_perm("closing.change_closing")
    outcomes = list(selectors.product_outcomes(closing=closing))
    names = explanation_names(plan=closing.plan, products=[o.product_plan.product for o in outcomes])
    for outcome in outcomes:
        outcome.explanation = render_steps(outcome.trace, engine.MESSAGES, names)  # type: ignore[attr-defined]
    totals = {
        key: sum((getattr(o, key) for o in outcomes), Decimal(0))
        for key in (
            "plan_cost",
            "actual_cost",
            "price_variance",
            "efficiency_variance",
            "volume_variance",
            "total_variance",
            "revenue",
            "over_under",
        )
    }
    context: dict[str, Any] = {
        "closing": closing,
        "may_change": may_change,
        "outcomes": outcomes,
        "totals": totals,
        "chart": _variance_chart(outcomes),
        "member_totals": selectors.member_totals(user=request.user, closing=closing),
        "imports": list(selectors.imports_of(closing=closing)[:20])
        if request.user.has_perm("closing.view_actualimport")
        else [],
        "carried": list(selectors.carry_forwards(user=request.user).filter(closing=closing)),
        "usage_count": closing.usage.count(),
        "flow_count": closing.flows.count(),
    }
    if may_change:
        context["grid"] = _grid(closing)
        context["import_form"] = ImportForm()
        context["approve_form"] = ApproveForm(initial={"approved_on": timezone.localdate()})
    if closing.status == ClosingStatus.APPROVED and request.user.has_perm("closing.add_carryforward"):
        targets = PlanVersion.objects.restrict(request.user, Action.CHANGE).filter(
            provider_id=closing.provider_id, status=PlanStatus.DRAFT, year__gt=closing.year
        )
        context["carry_form"] = CarryForwardForm(plans=targets)
    return render(request, "closing/closing_detail.html", context)


@login_required
@require_POST
def closing_import(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closing(request, closing_id, Action.CHANGE)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(closing)
    upload = form.cleaned_data["file"]
    job = job_start(
        actor=request.user,
        kind=CLOSING_IMPORT,
        subject=closing,
        params={"kind": form.cleaned_data["kind"]},
        input_name=upload.name,
        input_data=upload.read(),
    )
    return job_redirect(request, job)


@login_required
@require_POST
def closing_costs_save(request: HttpRequest, closing_id: int) -> HttpResponse:
    """The entry grid: every cell of the form replaces the actual costs (an empty cell: no cost there)."""
    closing = _closing(request, closing_id, Action.CHANGE)
    figures: dict[tuple[str, str], Decimal] = {}
    bad: list[str] = []
    centres = set(CostCentre.objects.filter(plan_id=closing.plan_id).values_list("code", flat=True))
    types = set(CostType.objects.filter(plan_id=closing.plan_id).values_list("code", flat=True))
    for name, value in request.POST.items():
        if not name.startswith("cost:"):
            continue
        centre, _slash, cost_type = name[5:].partition("/")
        if centre not in centres or cost_type not in types:
            bad.append(name[5:])
            continue
        try:
            amount = parse_amount(str(value))
        except ValueError:
            bad.append(f"{centre}/{cost_type}")
            continue
        if amount is not None:
            figures[(centre, cost_type)] = amount
    if bad:
        messages.error(request, _("Not an amount: %(cells)s") % {"cells": ", ".join(bad)})
        return redirect(closing)
    try:
        record = services.actual_costs_replace(actor=request.user, closing=closing, figures=figures)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if record is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, _("Actual costs saved; calculate the post-calculation again."))
    return redirect(closing)


@login_required
@require_POST
def closing_price_indices(request: HttpRequest, closing_id: int) -> HttpResponse:
    """The price index per cost type (empty: at plan prices)."""
    closing = _closing(request, closing_id, Action.CHANGE)
    figures: dict[str, Decimal] = {}
    bad: list[str] = []
    for name, value in request.POST.items():
        if not name.startswith("index:"):
            continue
        try:
            index = parse_amount(str(value))
        except ValueError:
            bad.append(name[6:])
            continue
        if index is not None:
            figures[name[6:]] = index
    if bad:
        messages.error(request, _("Not a number: %(cells)s") % {"cells": ", ".join(bad)})
        return redirect(closing)
    try:
        record = services.price_indices_replace(actor=request.user, closing=closing, figures=figures)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if record is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, _("Price indices saved; calculate the post-calculation again."))
    return redirect(closing)


@login_required
@require_POST
def closing_calculate(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closing(request, closing_id, Action.CHANGE)
    if not closing.editable:
        messages.error(request, _("An approved post-calculation cannot be changed."))
        return redirect(closing)
    return job_redirect(request, job_start(actor=request.user, kind=CLOSING_CALCULATE, subject=closing))


@login_required
@require_POST
def closing_approve(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closing(request, closing_id, Action.CHANGE)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(closing)
    try:
        services.closing_approve(
            actor=request.user,
            closing=closing,
            decision_reference=form.cleaned_data["decision_reference"],
            approved_on=form.cleaned_data["approved_on"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The post-calculation is approved."))
    return redirect(closing)


@login_required
@require_POST
def closing_carry(request: HttpRequest, closing_id: int) -> HttpResponse:
    closing = _closing(request, closing_id)
    if not request.user.has_perm("closing.add_carryforward"):
        raise PermissionDenied
    targets = PlanVersion.objects.restrict(request.user, Action.CHANGE).filter(provider_id=closing.provider_id)
    form = CarryForwardForm(request.POST, plans=targets)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(closing)
    try:
        carried = services.carry_forward_apply(
            actor=request.user,
            closing=closing,
            target_plan=form.cleaned_data["target_plan"],
            years=form.cleaned_data["years"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("%(n)s results carried into %(plan)s; calculate that plan again.")
            % {"n": len(carried), "plan": form.cleaned_data["target_plan"]},
        )
    return redirect(closing)


@login_required
def member_recovery(request: HttpRequest, closing_id: int, member_id: int) -> HttpResponse:
    """A member's own over-/under-recovery per product with its trace, and where it was carried (showback)."""
    closing = _closing(request, closing_id)
    member = get_object_or_404(Organization.objects.restrict(request.user), pk=member_id)
    rows = list(selectors.member_outcomes(user=request.user, closing=closing, member=member))
    if not rows:
        raise Http404
    names = explanation_names(plan=closing.plan, products=[r.product_plan.product for r in rows], members=[member])
    for row in rows:
        row.explanation = render_steps(row.trace, engine.MESSAGES, names)  # type: ignore[attr-defined]
    carried = {c.product_id: c for c in selectors.carry_forwards(user=request.user).filter(closing=closing)}
    for row in rows:
        item = carried.get(row.product_plan.product_id)
        row.carried = item  # type: ignore[attr-defined]
        row.fee_effect = _fee_effect(request, item, member) if item is not None else None  # type: ignore[attr-defined]
    return render(
        request,
        "closing/member_recovery.html",
        {
            "closing": closing,
            "member": member,
            "rows": rows,
            "total": sum((r.over_under for r in rows), Decimal(0)),
        },
    )


def _fee_effect(request: HttpRequest, item: Any, member: Organization) -> Decimal | None:
    """How the carried result changes the member's planned fee in the plan it entered: the member's part of the
    carry-forward settled in that year (by its quantity or key share, as its fee is computed), with a minus sign
    for a return. None while that plan is not approved (its figures are not final) or has no fee of the member."""
    if item.target_plan.status not in (PlanStatus.APPROVED, PlanStatus.FROZEN):
        return None
    fee = (
        MemberFee.objects.restrict(request.user)
        .filter(plan=item.target_plan, member=member, product_plan__product_id=item.product_id)
        .select_related("product_plan__rate")
        .first()
    )
    rate = getattr(fee.product_plan, "rate", None) if fee is not None else None
    if fee is None or rate is None:
        return None
    if fee.share is not None:
        return round_money(-rate.carry_forward * fee.share)
    if fee.quantity is not None and rate.planned_quantity:
        return round_money(-rate.carry_forward * fee.quantity / rate.planned_quantity)
    return None


@login_required
def my_recovery(request: HttpRequest) -> HttpResponse:
    """A member contact's entry: the approved post-calculations with its own result."""
    organization_id = getattr(request.user, "organization_id", None)
    closings = list(selectors.closing_list(user=request.user).filter(status=ClosingStatus.APPROVED))
    return render(request, "closing/my_recovery.html", {"closings": closings, "organization_id": organization_id})


# --- business plan and annual accounts ------------------------------------------------------------------------


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
    if not request.user.has_perm("closing.view_businessplanline"):
        raise PermissionDenied
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
    if not request.user.has_perm("closing.change_businessplanline"):
        raise PermissionDenied
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

    if not request.user.has_perm("closing.view_businessplanline"):
        raise PermissionDenied
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
    if not request.user.has_perm("closing.add_committeereport"):
        raise PermissionDenied
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
