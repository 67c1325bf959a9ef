"""Pages of the consolidation's entities: the list, an entity's owners at a date with its agreements and the
providers it holds, recording and ending a stake."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.audit import audit_events_for
from verbund.core.explain import render_steps
from verbund.core.money import MoneyError, to_decimal
from verbund.core.params import query_id
from verbund.core.steps import Kind
from verbund.costing.charts import bar_chart
from verbund.ownership import benefits, inhouse, presentation, selectors, services
from verbund.ownership.choices import OWNER_KINDS
from verbund.ownership.engine import benefits as benefits_engine
from verbund.ownership.forms import StakeEndForm, StakeForm
from verbund.registry.models import Organization


def _day(request: HttpRequest) -> dt.date:
    raw = request.GET.get("day") or ""
    if not raw:
        return timezone.localdate()
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise Http404 from exc
    if not 2000 <= day.year <= 2100:
        raise Http404
    return day


def _owners(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Organization.objects.restrict(request.user).filter(kind__in=OWNER_KINDS).order_by("kind", "name")


def _require_view(request: HttpRequest) -> None:
    if not request.user.has_perm("ownership.view_ownership"):
        raise PermissionDenied


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    day = _day(request)
    entities = list(selectors.entity_list(user=request.user))
    rows = [(entity, selectors.owners_on(entity=entity, day=day)) for entity in entities]
    return render(request, "ownership/entity_list.html", {"rows": rows, "day": day})


def _detail(
    request: HttpRequest, entity: Organization, *, form: StakeForm | None = None, status: int = 200
) -> HttpResponse:
    day = _day(request)
    owners = selectors.owners_on(entity=entity, day=day)
    may_add = request.user.has_perm("ownership.add_ownership")
    if form is None and may_add:
        form = StakeForm(owners=_owners(request))
    history = selectors.ownership_history(entity=entity)
    return render(
        request,
        "ownership/entity_detail.html",
        {
            "entity": entity,
            "day": day,
            "owners": owners,
            "total_share": sum((row.share for row in owners), Decimal(0)),
            "board_seats": sum(row.board_seats for row in owners),
            "agreements": selectors.entity_agreements(user=request.user, entity=entity),
            "holds": selectors.entity_holdings(entity=entity, day=day),
            "history": history,
            "form": form,
            "may_change": request.user.has_perm("ownership.change_ownership"),
            "end_form": StakeEndForm(),
            "events": [event for row in history for event in audit_events_for(row)][:50],
        },
        status=status,
    )


@login_required
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    _require_view(request)
    entity = selectors.entity_get_for_user(user=request.user, entity_id=entity_id)
    return _detail(request, entity)


@login_required
@require_POST
def stake_record(request: HttpRequest, entity_id: int) -> HttpResponse:
    _require_view(request)
    entity = selectors.entity_get_for_user(user=request.user, entity_id=entity_id)
    if not request.user.has_perm("ownership.add_ownership"):
        raise PermissionDenied
    form = StakeForm(request.POST, owners=_owners(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ownership_record(
                actor=request.user,
                entity=entity,
                owner=data["owner"],
                share=data["share"],
                board_seats=data["board_seats"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                note=data["note"],
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The share is recorded."))
            return redirect("ownership:entity_detail", entity_id=entity.pk)
    return _detail(request, entity, form=form)


@login_required
@require_POST
def stake_end(request: HttpRequest, stake_id: int) -> HttpResponse:
    _require_view(request)
    row = selectors.ownership_rows(user=request.user).filter(pk=stake_id).first()
    if row is None:
        raise Http404
    if not request.user.has_perm("ownership.change_ownership"):
        raise PermissionDenied
    form = StakeEndForm(request.POST)
    if form.is_valid():
        try:
            services.ownership_end(actor=request.user, ownership=row, valid_to=form.cleaned_data["valid_to"])
        except ValidationError as exc:
            for problems in exc.message_dict.values():
                for problem in problems:
                    messages.error(request, f"{_('Last day')}: {problem}")
        else:
            messages.success(request, _("The share is ended."))
    else:
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, f"{_('Last day')}: {error}")
    return redirect("ownership:entity_detail", entity_id=row.entity_id)


@login_required
def entity_inhouse(request: HttpRequest, entity_id: int) -> HttpResponse:
    """Whether an in-house award to the entity is possible on a day, and why (§ 108 GWB)."""
    _require_view(request)
    entity = selectors.entity_get_for_user(user=request.user, entity_id=entity_id)
    day = _day(request)
    judgement, names = inhouse.judgement(entity=entity, as_of=day)
    # "Would it break?": a customer buying an annual amount more (an accession, an order), from the query string.
    customers = Organization.objects.restrict(request.user).filter(kind__in=OWNER_KINDS).order_by("name")
    customer_id = query_id(request.GET.get("customer"))
    customer = customers.filter(pk=customer_id).first() if customer_id is not None else None
    amount = None
    try:
        amount = to_decimal(request.GET.get("turnover") or "0")
    except (MoneyError, ValueError, ArithmeticError):
        amount = None
    what_if = None
    if customer is not None and amount is not None and amount.is_finite() and Decimal(0) < amount < Decimal(10**12):
        warning = inhouse.inhouse_warning(entity=entity, as_of=day, customer=customer, annual_turnover=amount)
        what_if = {
            "customer": customer,
            "amount": amount,
            "breaks": warning.breaks,
            "status_label": presentation.status_label(warning.after),
            "rules": presentation.rules(warning.after, warning.names),
        }
    return render(
        request,
        "ownership/inhouse.html",
        {
            "entity": entity,
            "day": day,
            "judgement": judgement,
            "status_label": presentation.status_label(judgement),
            "rules": presentation.rules(judgement, names),
            "customers": customers,
            "what_if": what_if,
        },
    )


def _benefits_context(request: HttpRequest) -> dict[str, object]:
    _require_view(request)
    scenarios = list(benefits.decided_scenarios(user=request.user))
    wanted = request.GET.get("scenario") or ""
    scenario = next((s for s in scenarios if str(s.pk) == wanted), None) if wanted else None
    if wanted and scenario is None:
        raise Http404
    scenario = scenario or (scenarios[0] if scenarios else None)
    context: dict[str, object] = {"scenarios": scenarios, "scenario": scenario, "rows": [], "chart": ""}
    if scenario is None:
        return context
    result, names = benefits.tracking(scenario=scenario)
    table = {str(Kind.MEMBER): names}
    rows = [
        (year, [line.text for line in render_steps(year.trace, benefits_engine.MESSAGES, table)])
        for year in result.years
    ]
    measured = [year for year in result.years if year.measured]
    chart = ""
    if measured:
        chart = bar_chart(
            chart_id="benefits-chart",
            categories=[str(year.year) for year in measured],
            series=[
                (_("Promised savings"), [year.promised_savings for year in measured]),
                (_("Realised savings"), [year.realised_savings for year in measured]),
            ],
            title=_("Promised and realised savings per year"),
            description=_("Bars per measured year: the savings the decided scenario promised and those realised."),
            value_label=_("EUR"),
        )
    context.update({"tracking": result, "rows": rows, "chart": chart})
    return context


@login_required
def benefits_page(request: HttpRequest) -> HttpResponse:
    """The decided scenario's promised savings per year against the realised costs (plans and closings)."""
    return render(request, "ownership/benefits.html", _benefits_context(request))


@login_required
def benefits_pdf(request: HttpRequest) -> HttpResponse:
    context = _benefits_context(request)
    html = render_to_string("ownership/benefits_pdf.html", context, request=request)
    from weasyprint import HTML

    response = HttpResponse(bytes(HTML(string=html).write_pdf()), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="nutzen-plan-ist.pdf"'
    return response
