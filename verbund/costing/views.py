"""Plan costing UI: plan versions, the entry grid for planned costs, the workflow and the reports
(rate sheet, cost-centre sheet, showback per member, comparison of two versions).

Every plan and every fee is fetched through the access layer: members see approved plans only and the fees of
their own organisation only. Writes go through `costing.services`; their errors become messages or cell errors.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from verbund.core.access import Action, can, user_sees_all
from verbund.core.audit import audit_events_for
from verbund.core.csvexport import CsvWriter
from verbund.core.explain import Line, render_steps
from verbund.core.money import round_money
from verbund.costing import charts, engine, selectors, services
from verbund.costing.choices import CentreKind, Charging, PlanStatus
from verbund.costing.forms import CompareForm, PlanCopyForm, PlanCreateForm, PlannedCostGridForm
from verbund.costing.models import (
    CentreResult,
    CostCentre,
    CostType,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductRate,
)
from verbund.costing.tasks import PLAN_CALCULATE
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.choices import OrganizationKind
from verbund.registry.models import Organization

HUNDRED = Decimal(100)


def _money_text(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the values present, or None when none is."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _provider_of(user: Any) -> Organization | None:
    organization_id: int | None = getattr(user, "organization_id", None)
    if organization_id is None:
        return None
    return Organization.objects.filter(pk=organization_id, kind=OrganizationKind.PROVIDER).first()


def _plan(request: HttpRequest, plan_id: int, action: str = Action.VIEW) -> PlanVersion:
    return selectors.plan_get_for_user(user=request.user, plan_id=plan_id, action=action)


def _results_state(plan: PlanVersion, has_results: bool) -> str:
    """ "current", "stale" (figures changed since the last calculation) or "missing"."""
    if not has_results:
        return "missing"
    return "current" if plan.calculated_at is not None else "stale"


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


def _centres(plan: PlanVersion) -> list[CostCentre]:
    """Support cost centres first (they are settled into the end cost centres), each group by code."""
    centres = list(CostCentre.objects.filter(plan=plan))
    return sorted(centres, key=lambda c: (c.kind != CentreKind.SUPPORT, c.code))


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


# --- rate sheet (Preisblatt) ---------------------------------------------------------------------------------


def _rates(plan: PlanVersion) -> list[ProductRate]:
    """The rates with their explanation rendered in the active language (`rate.explanation`)."""
    rates = list(
        ProductRate.objects.filter(plan=plan)
        .select_related("product_plan__product")
        .order_by("product_plan__product__number")
    )
    names = selectors.explanation_names(plan=plan, products=[r.product_plan.product for r in rates])
    for rate in rates:
        rate.explanation = render_steps(rate.trace, engine.MESSAGES, names)  # type: ignore[attr-defined]
    return rates


@login_required
def rate_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    rates = _rates(plan)
    return render(
        request,
        "costing/rate_sheet.html",
        {"plan": plan, "rates": rates, "state": _results_state(plan, bool(rates))},
    )


@login_required
def rate_sheet_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    from weasyprint import HTML

    plan = _plan(request, plan_id)
    rates = _rates(plan)
    html = render_to_string(
        "costing/rate_sheet_pdf.html",
        {"plan": plan, "rates": rates, "state": _results_state(plan, bool(rates)), "now": timezone.now()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="preisblatt-{plan.year}-{plan.pk}.pdf"'
    return response


# --- cost-centre sheet (Betriebsabrechnungsbogen) ------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    label: str
    values: list[Decimal | None]
    total: Decimal | None
    kind: str = "type"  # "type", "sum", "received", "passed_on", "total"


@login_required
def centre_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    centres = _centres(plan)
    types = list(CostType.objects.filter(plan=plan).order_by("code"))
    amounts: dict[tuple[int, int], Decimal] = {
        (c, t): a
        for c, t, a in PlannedCost.objects.filter(plan=plan).values_list("centre_id", "cost_type_id", "amount")
    }
    results = {r.centre_id: r for r in CentreResult.objects.filter(plan=plan)}

    def row(label: str, values: list[Decimal | None], kind: str) -> SheetRow:
        return SheetRow(label, values, _sum(values), kind)

    rows = [row(str(t), [amounts.get((c.pk, t.pk)) for c in centres], "type") for t in types]
    primary = [sum((amounts.get((c.pk, t.pk), Decimal(0)) for t in types), Decimal(0)) for c in centres]
    rows.append(row(_("Primary cost"), list(primary), "sum"))
    if results:
        rows.append(
            row(_("Received (service allocation)"), [_result(results, c, "received") for c in centres], "received")
        )
        passed = [_result(results, c, "passed_on") for c in centres]
        rows.append(row(_("Passed on"), [-v if v is not None else None for v in passed], "passed_on"))
        rows.append(row(_("Total after allocation"), [_result(results, c, "total") for c in centres], "total"))
    support = sum(1 for c in centres if c.kind == CentreKind.SUPPORT)
    return render(
        request,
        "costing/centre_sheet.html",
        {
            "plan": plan,
            "centres": centres,
            "support_count": support,
            "end_count": len(centres) - support,
            "rows": rows,
            "state": _results_state(plan, bool(results)),
        },
    )


def _result(results: dict[int, CentreResult], centre: CostCentre, attribute: str) -> Decimal | None:
    result = results.get(centre.pk)
    return getattr(result, attribute) if result is not None else None


# --- showback per member ("bill of IT") ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShowbackLine:
    fee: MemberFee
    rate: Decimal | None
    share_percent: Decimal | None
    explanation: list[Line]

    @property
    def product(self) -> Any:
        return self.fee.product_plan.product

    @property
    def metered(self) -> bool:
        return self.fee.product_plan.charging == Charging.METERED


def _showback(
    request: HttpRequest, plan_id: int, member_id: int
) -> tuple[PlanVersion, Organization, list[ShowbackLine]]:
    """The plan and the member's fee lines; a member contact reaches only its own organisation (404 otherwise)."""
    plan = _plan(request, plan_id)
    if not request.user.has_perm("costing.view_memberfee"):
        raise PermissionDenied
    if not user_sees_all(request.user) and member_id != getattr(request.user, "organization_id", None):
        raise Http404
    member = get_object_or_404(Organization.objects.restrict(request.user), pk=member_id)
    fees = list(selectors.member_fees(user=request.user, plan=plan, member=member))
    names = selectors.explanation_names(plan=plan, products=[f.product_plan.product for f in fees], members=[member])
    lines = []
    for fee in fees:
        rate = getattr(fee.product_plan, "rate", None)  # select_related: None when the rate row is missing
        share = round_money(fee.share * HUNDRED, Decimal("0.0001")) if fee.share is not None else None
        lines.append(
            ShowbackLine(
                fee=fee,
                rate=rate.rate if rate is not None else None,
                share_percent=share,
                explanation=render_steps(fee.trace, engine.MESSAGES, names),
            )
        )
    return plan, member, lines


@login_required
def showback_index(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Provider staff choose a member; a member contact goes straight to its own organisation."""
    plan = _plan(request, plan_id)
    if not request.user.has_perm("costing.view_memberfee"):
        raise PermissionDenied
    if not user_sees_all(request.user):
        organization_id = getattr(request.user, "organization_id", None)
        if organization_id is None:
            raise Http404
        return redirect("costing:showback", plan_id=plan.pk, member_id=organization_id)
    members = list(
        MemberFee.objects.restrict(request.user)
        .filter(plan=plan)
        .values("member_id", "member__name")
        .annotate(total=Sum("fee"), lines=Count("id"))
        .order_by("member__name")
    )
    total = sum((m["total"] for m in members), Decimal(0))
    return render(
        request,
        "costing/showback_index.html",
        {"plan": plan, "members": members, "total": total, "state": _results_state(plan, bool(members))},
    )


@login_required
def showback(request: HttpRequest, plan_id: int, member_id: int) -> HttpResponse:
    plan, member, lines = _showback(request, plan_id, member_id)
    return render(
        request,
        "costing/showback.html",
        {
            "plan": plan,
            "member": member,
            "lines": lines,
            "total": sum((line.fee.fee for line in lines), Decimal(0)),
            "state": _results_state(plan, bool(lines)),
            "staff": user_sees_all(request.user),
        },
    )


@login_required
def showback_csv(request: HttpRequest, plan_id: int, member_id: int) -> HttpResponse:
    plan, member, lines = _showback(request, plan_id, member_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="entgelte-{plan.year}-{member.pk}.csv"'
    writer = CsvWriter(response)  # BOM, `;`, text protected against formula injection
    writer.writerow(
        [
            _("Product number"),
            _("Product"),
            _("Charging"),
            _("Quantity"),
            _("Rate (EUR)"),
            _("Share (%)"),
            _("Planned fee (EUR)"),
            _("Calculation"),
        ]
    )
    for line in lines:
        fee = line.fee
        writer.writerow(
            [
                line.product.number,
                line.product.display_name,
                fee.product_plan.get_charging_display(),
                fee.quantity if fee.quantity is not None else "",
                line.rate if line.rate is not None and line.metered else "",
                line.share_percent if line.share_percent is not None else "",
                fee.fee,
                " | ".join(step.text for step in line.explanation),
            ]
        )
    writer.writerow(["", _("Sum"), "", "", "", "", sum((line.fee.fee for line in lines), Decimal(0)), ""])
    return response


# --- comparison of two versions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    base: Decimal | None
    value: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.base is None or self.value is None:
            return None
        return self.value - self.base

    @property
    def percent(self) -> Decimal | None:
        change = self.change
        if change is None or not self.base:
            return None
        assert self.base is not None
        return round_money(change / self.base * HUNDRED, Decimal("0.1"))


@dataclass(frozen=True)
class ComparisonRow:
    number: str
    name: str
    cost: Difference
    rate: Difference


def _comparison(plan: PlanVersion, other: PlanVersion) -> tuple[list[ComparisonRow], Difference]:
    by_product: dict[int, dict[int, ProductRate]] = {}
    products: dict[int, Any] = {}
    for rate in ProductRate.objects.filter(plan__in=[plan, other]).select_related("product_plan__product"):
        product = rate.product_plan.product
        products[product.pk] = product
        by_product.setdefault(product.pk, {})[rate.plan_id] = rate
    rows = []
    for product_id, product in sorted(products.items(), key=lambda item: item[1].number):
        mine, theirs = by_product[product_id].get(plan.pk), by_product[product_id].get(other.pk)
        rows.append(
            ComparisonRow(
                number=product.number,
                name=product.display_name,
                cost=Difference(theirs.cost if theirs else None, mine.cost if mine else None),
                rate=Difference(theirs.rate if theirs else None, mine.rate if mine else None),
            )
        )
    totals = Difference(_sum(r.cost.base for r in rows), _sum(r.cost.value for r in rows))
    return rows, totals


@login_required
def compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    others = [p for p in selectors.plan_list(user=request.user) if p.pk != plan.pk]
    data = request.GET if "other" in request.GET else None
    default = next((p for p in others if p.pk == plan.predecessor_id), others[0] if others else None)
    form = CompareForm(data, plans=others, initial={"other": default.pk if default else None})
    other = None
    if data is not None and form.is_valid():
        other = next(p for p in others if p.pk == form.cleaned_data["other"])
    elif data is None:
        other = default
    context: dict[str, Any] = {"plan": plan, "form": form, "other": other}
    if other is not None:
        rows, totals = _comparison(plan, other)
        context.update(rows=rows, totals=totals)
        if rows:
            context["chart"] = charts.bar_chart(
                chart_id="comparison-chart",
                categories=[row.number for row in rows],
                series=[
                    (f"{other.name} ({other.year})", [row.cost.base for row in rows]),
                    (f"{plan.name} ({plan.year})", [row.cost.value for row in rows]),
                ],
                title=_("Plan cost per product"),
                description=_(
                    "Grouped bars: the plan cost of each product in %(other)s and in %(plan)s. "
                    "The table shows the same figures with the difference."
                )
                % {"other": other, "plan": plan},
                value_label=_("EUR"),
            )
    return render(request, "costing/compare.html", context)
