"""Post-calculations: list, detail with traces, actual figures (upload, grid), calculation, approval, carry."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.closing import selectors, services
from verbund.closing.choices import ClosingStatus
from verbund.closing.forms import (
    ApproveForm,
    CarryForwardForm,
    ClosingCreateForm,
    ImportForm,
)
from verbund.closing.models import Closing
from verbund.closing.tasks import CLOSING_CALCULATE, CLOSING_IMPORT
from verbund.closing.views.common import _closing, _errors, _form_errors, grid_cells, save_figures
from verbund.core.access import Action, require_permission
from verbund.core.explain import render_steps
from verbund.costing import charts, engine
from verbund.costing.choices import PlanStatus
from verbund.costing.models import CostCentre, CostType, PlannedCost, PlanVersion
from verbund.costing.selectors import explanation_names
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect


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
    """The entry grid: every cell ("cost:CENTRE/TYPE") replaces the actual costs (an empty cell: no cost there)."""
    closing = _closing(request, closing_id, Action.CHANGE)
    cells, bad = grid_cells(request, "cost:")
    figures: dict[tuple[str, str], Decimal] = {}
    for key, amount in cells.items():
        centre, _slash, cost_type = key.partition("/")
        figures[(centre, cost_type)] = amount  # unknown codes: the service names them
    if bad:
        messages.error(request, _("Not an amount: %(cells)s") % {"cells": ", ".join(bad)})
        return redirect(closing)
    save_figures(
        request,
        lambda: services.actual_costs_replace(actor=request.user, closing=closing, figures=figures),
        _("Actual costs saved; calculate the post-calculation again."),
    )
    return redirect(closing)


@login_required
@require_POST
def closing_price_indices(request: HttpRequest, closing_id: int) -> HttpResponse:
    """The price index per cost type ("index:TYPE"; empty: at plan prices)."""
    closing = _closing(request, closing_id, Action.CHANGE)
    figures, bad = grid_cells(request, "index:")
    if bad:
        messages.error(request, _("Not a number: %(cells)s") % {"cells": ", ".join(bad)})
        return redirect(closing)
    save_figures(
        request,
        lambda: services.price_indices_replace(actor=request.user, closing=closing, figures=figures),
        _("Price indices saved; calculate the post-calculation again."),
    )
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
    require_permission(request.user, "closing.add_carryforward")
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
