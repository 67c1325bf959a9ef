"""Plan versions: the list, a new plan, a copy, the plan page with its entry grid, and the workflow."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from verbund.core.access import Action, can, user_sees_all
from verbund.core.audit import audit_events_for
from verbund.costing import charts, selectors, services
from verbund.costing.choices import PlanStatus
from verbund.costing.forms import PlanCopyForm, PlanCreateForm, PlannedCostGridForm
from verbund.costing.models import (
    CostType,
    PlannedCost,
    PlanVersion,
)
from verbund.costing.tasks import PLAN_CALCULATE
from verbund.costing.views.common import _centres, _errors_to_messages, _plan, _provider_of
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect

# --- plan list, new plan, copy -------------------------------------------------------------------------------


def _render_plan_list(
    request: HttpRequest,
    *,
    create_form: PlanCreateForm | None = None,
    copy_form: PlanCopyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    plans = list(selectors.plan_list(user=request.user))
    may_add = request.user.has_perm("costing.add_planversion")
    context: dict[str, Any] = {"plans": plans, "may_add": may_add}
    if may_add:
        next_year = timezone.localdate().year + 1
        context["create_form"] = create_form or PlanCreateForm(
            initial={"year": next_year, "name": _("Plan costing %(year)s") % {"year": next_year}}
        )
        if plans:
            source = next((p for p in plans if p.status in (PlanStatus.APPROVED, PlanStatus.FROZEN)), plans[0])
            context["copy_form"] = copy_form or PlanCopyForm(
                plans=plans, initial={"source": source.pk, "year": source.year + 1}
            )
    return render(request, "costing/plan_list.html", context, status=status)


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return _render_plan_list(request)


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("costing.add_planversion"):
        raise PermissionDenied
    form = PlanCreateForm(request.POST)
    if form.is_valid():
        try:
            provider = _provider_of(request.user)
            if provider is None:
                raise ValidationError({"__all__": _("Only staff of a provider can start a plan.")})
            plan = services.plan_version_create(
                actor=request.user,
                provider=provider,
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                method=form.cleaned_data["method"],
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, _("Plan %(plan)s was created.") % {"plan": plan})
            return redirect(plan.get_absolute_url())
    return _render_plan_list(request, create_form=form)


@login_required
@require_POST
def plan_copy(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("costing.add_planversion"):
        raise PermissionDenied
    plans = list(selectors.plan_list(user=request.user))
    form = PlanCopyForm(request.POST, plans=plans)
    if form.is_valid():
        source = next(p for p in plans if p.pk == form.cleaned_data["source"])
        year = form.cleaned_data["year"]
        try:
            plan = services.plan_version_copy(
                actor=request.user,
                source=source,
                year=year,
                name=form.cleaned_data["name"].strip() or _("Plan costing %(year)s") % {"year": year},
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(
                request, _("Plan %(plan)s was created from %(source)s.") % {"plan": plan, "source": source}
            )
            return redirect(plan.get_absolute_url())
    return _render_plan_list(request, copy_form=form)


def _add_form_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


# --- plan page: status, workflow, entry grid, chart ---------------------------------------------------------


def _grid_form(plan: PlanVersion, data: Any = None) -> PlannedCostGridForm:
    centres = _centres(plan)
    types = list(CostType.objects.filter(plan=plan).order_by("code"))
    amounts = {
        (centre_id, type_id): amount
        for centre_id, type_id, amount in PlannedCost.objects.filter(plan=plan).values_list(
            "centre_id", "cost_type_id", "amount"
        )
    }
    return PlannedCostGridForm(data, centres=centres, types=types, amounts=amounts)


def _centre_chart(form: PlannedCostGridForm) -> str | None:
    rows = [row for row in form.rows() if row.total]
    if not rows:
        return None
    series = [(str(cost_type), [row.cells[index].amount for row in rows]) for index, cost_type in enumerate(form.types)]
    return charts.bar_chart(
        chart_id="centre-cost-chart",
        categories=[f"{row.centre.code} {row.centre.name}" for row in rows],
        series=series,
        stacked=True,
        title=_("Planned primary cost by cost centre"),
        description=_(
            "Stacked bars: the planned primary cost of each cost centre, split by cost type. "
            "The entry grid shows the same figures."
        ),
        value_label=_("EUR"),
    )


def _decision_link(request: HttpRequest, plan: PlanVersion) -> str | None:
    """Where to read the decision that approved the plan: the decision register, searched for its number.

    Costing sits below governance in the dependency direction, so it links by URL instead of importing
    governance models; the register applies its own access rules."""
    if not plan.decision_reference:
        return None
    from urllib.parse import urlencode

    from django.urls import reverse

    return reverse("governance:decision_register") + "?" + urlencode({"q": plan.decision_reference})


def _render_plan_detail(
    request: HttpRequest, plan: PlanVersion, form: PlannedCostGridForm, *, status: int = 200
) -> HttpResponse:
    may_change = request.user.has_perm("costing.change_planversion") and can(request.user, Action.CHANGE, plan)
    context = {
        "plan": plan,
        "form": form,
        "rows": list(form.rows()),
        "editable": may_change and plan.editable,
        "may_change": may_change,
        "chart": _centre_chart(form),
        "decision_url": _decision_link(request, plan)
        if plan.status in (PlanStatus.APPROVED, PlanStatus.FROZEN)
        else None,
        "staff": user_sees_all(request.user),
        "events": audit_events_for(plan)[:20] if user_sees_all(request.user) else [],
    }
    return render(request, "costing/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return _render_plan_detail(request, plan, _grid_form(plan))


@login_required
@require_POST
def plan_costs_save(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Save every changed cell of the entry grid in one transaction: all of them, or none when one is refused."""
    plan = _plan(request, plan_id, Action.CHANGE)
    if not request.user.has_perm("costing.change_planversion"):
        raise PermissionDenied
    form = _grid_form(plan, request.POST)
    if not plan.editable:
        messages.error(request, _("Only a draft plan can be changed; create a new version instead."))
        return redirect(plan.get_absolute_url())
    if not form.is_valid():  # the grid names each refused cell in an alert above it
        return _render_plan_detail(request, plan, form)
    changes = form.changes()
    refused = False
    with transaction.atomic():
        for centre, cost_type, amount in changes:
            try:
                services.planned_cost_set(
                    actor=request.user, plan=plan, centre=centre, cost_type=cost_type, amount=amount
                )
            except ValidationError as exc:
                refused = True
                for error in exc.messages:
                    form.add_error(f"cost_{centre.pk}_{cost_type.pk}", error)
        if refused:
            transaction.set_rollback(True)
    if refused:
        return _render_plan_detail(request, plan, form)
    if changes:
        messages.success(
            request,
            ngettext("%(count)d planned cost was saved.", "%(count)d planned costs were saved.", len(changes))
            % {"count": len(changes)},
        )
    else:
        messages.info(request, _("No amount was changed."))
    return redirect(plan.get_absolute_url() + "#grid")


@login_required
@require_POST
def plan_workflow(request: HttpRequest, plan_id: int, step: str) -> HttpResponse:
    """Calculate, submit or withdraw. Approval is not here: it happens through a committee decision."""
    plan = _plan(request, plan_id, Action.CHANGE)
    if not request.user.has_perm("costing.change_planversion"):
        raise PermissionDenied
    try:
        if step == "calculate":  # long work: a background job (ADR 0026); its page shows the progress
            return job_redirect(request, job_start(actor=request.user, kind=PLAN_CALCULATE, subject=plan))
        if step == "submit":
            services.plan_version_submit(actor=request.user, plan=plan)
            messages.success(request, _("The plan was submitted to the committee."))
        elif step == "withdraw":
            services.plan_version_withdraw(actor=request.user, plan=plan)
            messages.success(request, _("The plan was taken back as a draft."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    return redirect(plan.get_absolute_url())
