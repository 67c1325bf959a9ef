"""Pages of the scenarios app: portfolios and overlap, scenario list and definition, results with rule checks
and risk, the comparison with the multi-criteria analysis, and the committee report (PDF)."""

import io
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core.access import Action, require_permission, user_sees_all
from verbund.core.csvexport import CsvWriter
from verbund.core.explain import render_steps
from verbund.core.steps import Kind
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.scenarios import charts, selectors, services
from verbund.scenarios.choices import ASSUMPTIONS, Disposition
from verbund.scenarios.engine import mcda, rules
from verbund.scenarios.engine.explain import MESSAGES as ENGINE_MESSAGES
from verbund.scenarios.engine.overlap import overlap
from verbund.scenarios.forms import AssumptionsForm, RiskForm, ScenarioCreateForm, StaffUploadForm, StagesForm
from verbund.scenarios.models import (
    Criterion,
    CriterionScore,
    PortfolioItem,
    Scenario,
    ScenarioEntity,
    ScenarioMove,
    WeightSet,
)
from verbund.scenarios.tasks import SCENARIO_RISK

CATALOGUE = {**ENGINE_MESSAGES, **rules.MESSAGES}


def _field_label(field: str) -> str:
    """The label a user knows for a field a service names (`assumptions.synergy`, `year`, ...), or ""."""
    if field.startswith("assumptions."):
        assumption = ASSUMPTIONS.get(field.removeprefix("assumptions."))
        return str(assumption[0]) if assumption else ""
    for form in (ScenarioCreateForm, AssumptionsForm, StagesForm, RiskForm):
        if field in form.base_fields:
            return str(form.base_fields[field].label)
    for model in (PortfolioItem, ScenarioMove):
        try:
            return str(model._meta.get_field(field).verbose_name)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            continue
    return ""


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    """The services' refusals as messages, each with the label of the field it names (rule: name the field)."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            messages.error(request, message)
        return
    for field, field_messages in exc.message_dict.items():
        label = _field_label(field)
        for message in field_messages:
            messages.error(request, f"{label}: {message}" if label else message)


def _names(result: dict[str, Any]) -> dict[str, dict[str, str]]:
    names = result.get("names", {})
    return {Kind.PRODUCT: names, Kind.MEMBER: names}


# --- portfolios ------------------------------------------------------------------------------------------------


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "scenarios.view_portfolioitem")
    items = list(selectors.portfolio_items(user=request.user))
    model, names = selectors.engine_model(scenarios=[], base_year=2026, start_year=2026, end_year=2026)
    by_id = {f"i{i.pk}": i for i in items}
    engine_items = {i.id: i for i in model.items if i.id in by_id}
    users: dict[str, int] = {}
    for use in model.usage:
        users[use.item] = users.get(use.item, 0) + 1
    result = overlap([engine_items[k] for k in engine_items])
    providers = [(p, names.get(p, p)) for p in result.providers]
    rows = []
    for task in result.tasks:
        first = by_id[next(iter(task.by_provider.values()))[0]]
        cells = []
        for provider, _name in providers:
            cells.append(
                [
                    {
                        "item": by_id[i],
                        "cost": engine_items[i].cost,
                        "members": users.get(i, 0),
                        "from_plan": by_id[i].product_id is not None,
                    }
                    for i in task.by_provider.get(provider, ())
                ]
            )
        rows.append(
            {
                "task": task.task,
                "task_name": first.task_name,
                "scheme": first.get_task_scheme_display(),
                "providers": task.providers,
                "cells": cells,
            }
        )
    jaccard = [{"a": names.get(a, a), "b": names.get(b, b), "value": value} for (a, b), value in result.jaccard.items()]
    staff = []
    for provider, name in providers:
        mine = [i for i in items if str(i.provider_id) == provider]
        staff.append(
            {
                "id": int(provider),
                "name": name,
                "fte": sum((i.fte for i in mine), Decimal(0)),
                "civil": sum((i.civil_servant_fte for i in mine), Decimal(0)),
                "cost": sum((engine_items[f"i{i.pk}"].cost for i in mine), Decimal(0)),
            }
        )
    return render(
        request,
        "scenarios/portfolio.html",
        {
            "providers": providers,
            "rows": rows,
            "jaccard": jaccard,
            "staff": staff,
            "dispositions": Disposition.choices,
            "may_change": request.user.has_perm("scenarios.change_portfolioitem"),
        },
    )


@login_required
@require_POST
def disposition_set(request: HttpRequest, item_id: int) -> HttpResponse:
    require_permission(request.user, "scenarios.change_portfolioitem")
    item = get_object_or_404(PortfolioItem.objects.restrict(request.user, Action.CHANGE), pk=item_id)
    try:
        services.portfolio_disposition_set(
            actor=request.user, item=item, disposition=request.POST.get("disposition", "")
        )
        messages.success(request, _("The disposition of %(item)s was saved.") % {"item": item.name})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scenarios:portfolio")


@login_required
def staff(request: HttpRequest, provider_id: int) -> HttpResponse:
    """A provider's staff per person, grouped by service, with the FTE retiring per year and the natural
    attrition; staff with the permission replace the positions by uploading a file (inline: the file is small)."""
    require_permission(request.user, "scenarios.view_staffposition")
    provider = selectors.staff_provider_get(user=request.user, provider_id=provider_id)
    upload = StaffUploadForm()
    import_errors: list[Any] = []
    if request.method == "POST":
        require_permission(request.user, "scenarios.add_staffposition")
        upload = StaffUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["file"]
            try:
                data = file.read()
                if PurePath(file.name).suffix.lower() == ".xlsx":
                    rows = services.STAFF.read_xlsx(io.BytesIO(data))
                else:
                    rows = services.STAFF.read_csv(io.BytesIO(data))
                result = services.staff_import(actor=request.user, provider=provider, rows=rows)
            except services.StaffImportError as exc:
                import_errors = exc.errors[:200]
            except ValidationError as exc:
                _errors(request, exc)
            else:
                if result.changed:
                    messages.success(
                        request,
                        _("Staff imported: %(n)s positions (%(added)s new, %(removed)s removed).")
                        % {"n": result.positions, "added": result.added, "removed": result.removed},
                    )
                else:
                    messages.info(request, _("The file equals the positions already there; nothing changed."))
                return redirect("scenarios:staff", provider.pk)
    overview = selectors.staff_overview(user=request.user, provider=provider)
    chart = charts.retirement_chart(
        [row[0] for row in overview.years], [row[1] for row in overview.years], [row[2] for row in overview.years]
    )
    return render(
        request,
        "scenarios/staff.html",
        {
            "provider": provider,
            "overview": overview,
            "chart": chart,
            "upload": upload,
            "import_errors": import_errors,
            "errors": {e.column: e.message for e in import_errors if e.column},
            "horizon": selectors.ATTRITION_YEARS,
            "may_import": request.user.has_perm("scenarios.add_staffposition"),
        },
    )


# --- scenarios -------------------------------------------------------------------------------------------------


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "scenarios.view_scenario")
    scenarios = list(selectors.scenario_list(user=request.user))
    return render(
        request,
        "scenarios/scenario_list.html",
        {
            "scenarios": scenarios,
            "staff_view": user_sees_all(request.user),
            "may_add": request.user.has_perm("scenarios.add_scenario"),
            "form": ScenarioCreateForm(),
        },
    )


@login_required
@require_POST
def scenario_create(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "scenarios.add_scenario")
    form = ScenarioCreateForm(request.POST)
    if form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The scenario was created. Check its assumptions and calculate it."))
            return redirect(scenario.get_absolute_url())
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label if field in form.fields else field}: {error}")
    return redirect("scenarios:scenario_list")


def _scenario(request: HttpRequest, scenario_id: int, action: str = Action.VIEW) -> Scenario:
    return selectors.scenario_get_for_user(user=request.user, scenario_id=scenario_id, action=action)


def _assumption_rows(scenario: Scenario) -> list[dict[str, Any]]:
    values = scenario.assumptions or {}
    return [
        {"name": name, "label": label, **values.get(name, {"low": low, "likely": likely, "high": high})}
        for name, (label, low, likely, high) in ASSUMPTIONS.items()
    ]


def _results(scenario: Scenario) -> dict[str, Any]:
    result = scenario.result or {}
    if not result:
        return {}
    names = _names(result)
    entities = result.get("entities", {})
    entity_ids = sorted({e for y in result["years"] for e in y["cost_by_entity"]})
    years = [{**y, "entities": [y["cost_by_entity"].get(e) for e in entity_ids]} for y in result["years"]]
    checks = []
    for check in result.get("checks", []):
        checks.append(
            {
                **check,
                "text": render_steps([check["step"]], CATALOGUE, names)[0].text,
                "rule": _(rules.RULES.get(check["code"], "")),
            }
        )
    failed = [c for c in checks if c["passed"] is False]
    member_names = result.get("names", {})
    summaries = [
        {**f, "over_names": [member_names.get(m, m) for m in f["over_limit"]]} for f in result.get("fee_summaries", [])
    ]
    return {
        "entity_names": [entities.get(e, {}).get("name", e) for e in entity_ids],
        "years": years,
        "trace": render_steps(result.get("trace", []), CATALOGUE, names),
        "checks_failed": failed,
        "checks_passed": [c for c in checks if c["passed"] is True],
        "rules": [(code, _(text)) for code, text in rules.RULES.items()],
        "summaries": summaries,
        "npv": result.get("npv"),
        "savings": result.get("savings"),
        "status_quo_npv": result.get("status_quo_npv"),
        "limit_kept": result.get("limit_kept"),
    }


def _risk(scenario: Scenario) -> dict[str, Any]:
    risk = scenario.risk or {}
    if not risk:
        return {}
    names = (scenario.result or {}).get("names", {})
    members = sorted(
        ({"name": names.get(m, m), "p10": v[0], "p50": v[1], "p90": v[2]} for m, v in risk["member_change"].items()),
        key=lambda r: -r["p90"],
    )
    labels = {name: str(label) for name, (label, *_rest) in ASSUMPTIONS.items()}
    tornado = [(labels.get(n.split(":")[0], n), low, high) for n, low, high in risk["tornado"]]
    shapley = [(names.get(p, p), Decimal(v)) for p, v in risk.get("shapley", {}).items()]
    blocking = [", ".join(names.get(p, p) for p in c) for c in risk.get("blocking", [])]
    return {
        **risk,
        "shapley_rows": shapley,
        "blocking_names": blocking,
        "members": members,
        "tornado_rows": tornado,
        "fan": charts.fan_chart(risk["years"], risk["cost_percentiles"]),
        "tornado_chart": charts.tornado_chart(tornado) if tornado else "",
        "percent_better": Decimal(str(risk["probability_better"])) * 100,
        "cost_rows": [
            (
                year,
                risk["cost_percentiles"]["p10"][k],
                risk["cost_percentiles"]["p50"][k],
                risk["cost_percentiles"]["p90"][k],
            )
            for k, year in enumerate(risk["years"])
        ],
    }


@login_required
def scenario_detail(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scenario = _scenario(request, scenario_id)
    staff_view = user_sees_all(request.user)
    own_fees = list(selectors.member_fees_for_user(user=request.user, scenario=scenario))
    context: dict[str, Any] = {"scenario": scenario, "staff_view": staff_view, "own_fees": []}
    years = list(range(scenario.start_year, scenario.end_year + 1))
    if not staff_view:
        context["own_fees"] = [
            {
                "member": fee.member,
                "rows": [(y, fee.status_quo.get(str(y)), fee.fees.get(str(y))) for y in years],
                "change": fee.final_change,
            }
            for fee in own_fees
        ]
        return render(request, "scenarios/scenario_detail.html", context)
    may_change = request.user.has_perm("scenarios.change_scenario") and scenario.editable
    initial = {"worse_off_limit": scenario.worse_off_limit}
    for row in _assumption_rows(scenario):
        for part in ("low", "likely", "high"):
            initial[f"{row['name']}__{part}"] = row[part]
    items = list(PortfolioItem.objects.filter(provider__scenario_profile__isnull=False).select_related("provider"))
    moves = {m.item_id: m for m in scenario.moves.select_related("entity")}
    context.update(
        {
            "assumptions": _assumption_rows(scenario),
            "assumptions_form": AssumptionsForm(initial=initial),
            "entities": list(scenario.entities.all()),
            "moves": [(item, moves.get(item.pk)) for item in items],
            "results": _results(scenario),
            "risk": _risk(scenario),
            "risk_form": RiskForm(),
            "stages_form": StagesForm(),
            "gantt": _gantt(scenario, items, moves, years),
            "may_change": may_change,
            "may_run": request.user.has_perm("scenarios.change_scenario"),
            "fees": list(
                scenario.member_fees.select_related("member").order_by(F("final_change").desc(nulls_last=True))[:15]
            ),
            "years_range": years,
        }
    )
    return render(request, "scenarios/scenario_detail.html", context)


def _gantt(scenario: Scenario, items: list[PortfolioItem], moves: dict[int, Any], years: list[int]) -> list[Any]:
    """Per moved product: for every year whether it is still at its provider or already moved (Gantt-like)."""
    rows = []
    for item in items:
        move = moves.get(item.pk)
        if move is None:
            continue
        rows.append((item.name, move.entity.name, [("moved" if y >= move.year else "") for y in years]))
    return rows


@login_required
@require_POST
def stages_optimise(request: HttpRequest, scenario_id: int) -> HttpResponse:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = _scenario(request, scenario_id, Action.CHANGE)
    form = StagesForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(scenario.get_absolute_url() + "#moves")
    try:
        plan = services.scenario_stages_optimise(actor=request.user, scenario=scenario, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("The stages were optimised (least discounted cost %(objective)s €); calculate the scenario again.")
            % {"objective": plan["objective"]},
        )
    return redirect(scenario.get_absolute_url() + "#moves")


@login_required
def member_fees_csv(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """Every member's projected fee per year against status quo (a member contact: its own rows only)."""
    scenario = _scenario(request, scenario_id)
    years = list(range(scenario.start_year, scenario.end_year + 1))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="szenario-{scenario.pk}-entgelte.csv"'
    writer = CsvWriter(response)  # BOM, `;`, text protected against formula injection
    header: list[Any] = [_("Member")]
    for year in years:
        header += [f"{_('Status quo (EUR)')} {year}", f"{_('Scenario (EUR)')} {year}"]
    writer.writerow(header)
    for fee in selectors.member_fees_for_user(user=request.user, scenario=scenario).order_by("member__name"):
        row: list[Any] = [fee.member.name]
        for year in years:
            before, after = fee.status_quo.get(str(year)), fee.fees.get(str(year))
            row += [Decimal(before) if before else "", Decimal(after) if after else ""]
        writer.writerow(row)
    return response


@login_required
@require_POST
def assumptions_save(request: HttpRequest, scenario_id: int) -> HttpResponse:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = _scenario(request, scenario_id, Action.CHANGE)
    form = AssumptionsForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            for error in errors:
                messages.error(request, f"{label}: {error}")
        return redirect(scenario.get_absolute_url() + "#assumptions")
    try:
        services.scenario_assumptions_set(
            actor=request.user,
            scenario=scenario,
            assumptions=form.assumptions(),
            worse_off_limit=form.cleaned_data["worse_off_limit"],
        )
        messages.success(request, _("The assumptions were saved; calculate the scenario again."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(scenario.get_absolute_url() + "#assumptions")


@login_required
@require_POST
def move_save(request: HttpRequest, scenario_id: int) -> HttpResponse:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = _scenario(request, scenario_id, Action.CHANGE)
    try:
        item = PortfolioItem.objects.get(pk=int(request.POST.get("item", "")))
        entity_raw = request.POST.get("entity", "")
        entity = ScenarioEntity.objects.get(pk=int(entity_raw), scenario=scenario) if entity_raw else None
        year_raw = request.POST.get("year", "")
        year = int(year_raw) if year_raw else None
    except (ValueError, PortfolioItem.DoesNotExist, ScenarioEntity.DoesNotExist):
        messages.error(request, _("Choose a product, an entity of this scenario and a year."))
        return redirect(scenario.get_absolute_url() + "#moves")
    try:
        services.scenario_move_set(actor=request.user, scenario=scenario, item=item, entity=entity, year=year)
        messages.success(request, _("The stage of %(item)s was saved.") % {"item": item.name})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(scenario.get_absolute_url() + "#moves")


@login_required
@require_POST
def scenario_workflow(request: HttpRequest, scenario_id: int, step: str) -> HttpResponse:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = _scenario(request, scenario_id, Action.CHANGE)
    try:
        if step == "calculate":
            services.scenario_calculate(actor=request.user, scenario=scenario)
            messages.success(request, _("The scenario was calculated."))
        elif step == "publish":
            services.scenario_publish(actor=request.user, scenario=scenario)
            messages.success(request, _("The scenario was published: members see their own projected fees."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(scenario.get_absolute_url())


@login_required
@require_POST
def risk_start(request: HttpRequest, scenario_id: int) -> HttpResponse:
    require_permission(request.user, "scenarios.change_scenario")
    scenario = _scenario(request, scenario_id, Action.CHANGE)
    form = RiskForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(scenario.get_absolute_url() + "#risk")
    job = job_start(actor=request.user, kind=SCENARIO_RISK, subject=scenario, params=form.cleaned_data)
    return job_redirect(request, job)


# --- comparison and multi-criteria analysis ---------------------------------------------------------------------


def _weights(user: Any, criteria: list[Criterion]) -> tuple[dict[str, float], dict[str, float] | None, int]:
    """The user's own weights (or the defaults) and the group's (mean of everybody's), both normalised."""
    default = {str(c.pk): float(c.weight) for c in criteria}
    own_set = WeightSet.objects.filter(user=user).first()
    own = {k: float(v) for k, v in (own_set.weights if own_set else {}).items() if k in default} or default
    sets = [{k: float(v) for k, v in s.weights.items() if k in default} for s in WeightSet.objects.all()]
    sets = [s for s in sets if any(v > 0 for v in s.values())]
    group = mcda.group_weights(sets) if sets else None
    return mcda.normalise_weights(own), group, len(sets)


def _analysis(scenarios: list[Scenario], criteria: list[Criterion], weights: dict[str, float]) -> Any:
    scores = {
        (s.scenario_id, s.criterion_id): float(s.value) for s in CriterionScore.objects.filter(scenario__in=scenarios)
    }
    complete = [s for s in scenarios if all((s.pk, c.pk) in scores for c in criteria)]
    if len(complete) < 2 or not criteria:
        return None
    problem = mcda.Problem(
        tuple(str(s.pk) for s in complete),
        tuple(mcda.Criterion(str(c.pk), weights.get(str(c.pk), 0.0), mcda.Direction(c.direction)) for c in criteria),
        tuple(tuple(scores[(s.pk, c.pk)] for c in criteria) for s in complete),
    )
    try:
        result = mcda.analyse(problem, draws=2000, seed=1)
    except mcda.ScenarioError:
        return None
    names = {str(s.pk): s.name for s in complete}
    return {
        "scenarios": complete,
        "methods": [
            {"method": m.method, "rows": [(names[a], m.values[a], m.ranks[a]) for a in problem.alternatives]}
            for m in result.methods
        ],
        "acceptability": [(names[a], v) for a, v in result.acceptability.items()],
        "sensitivity": [
            (c.name, names[result.sensitivity[str(c.pk)]["minus"]], names[result.sensitivity[str(c.pk)]["plus"]])
            for c in criteria
        ],
        "scores": [(s.name, [scores[(s.pk, c.pk)] for c in criteria]) for s in complete],
    }


def _comparison(request: HttpRequest) -> dict[str, Any]:
    require_permission(request.user, "scenarios.view_scenario")
    if not user_sees_all(request.user):
        raise PermissionDenied
    scenarios = [s for s in selectors.scenario_list(user=request.user) if s.result]
    criteria = list(Criterion.objects.order_by("id"))
    own, group, group_size = _weights(request.user, criteria)
    years: list[int] = []
    series: list[tuple[str, list[Decimal | None]]] = []
    rows = []
    if scenarios:
        years = [y["year"] for y in scenarios[0].result["years"]]
        series.append((_("Status quo"), [Decimal(y["status_quo_total"]) for y in scenarios[0].result["years"]]))
    for s in scenarios:
        totals = {y["year"]: Decimal(y["total"]) for y in s.result["years"]}
        series.append((s.name, [totals.get(y) for y in years]))
        last = s.result["fee_summaries"][-1] if s.result.get("fee_summaries") else None
        rows.append({"scenario": s, "totals": [totals.get(y) for y in years], "last": last})
    return {
        "scenarios": scenarios,
        "rows": rows,
        "years": years,
        "status_quo": series[0][1] if series else [],
        "chart": charts.cost_comparison(years, series) if series else "",
        "criteria": criteria,
        "own_weights": [(c, round(own.get(str(c.pk), 0.0), 4)) for c in criteria],
        "may_weigh": request.user.has_perm("scenarios.add_weightset"),
        "analysis": _analysis(scenarios, criteria, own),
        "group": _analysis(scenarios, criteria, group) if group else None,
        "group_size": group_size,
    }


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    return render(request, "scenarios/compare.html", _comparison(request))


@login_required
@require_POST
def weights_save(request: HttpRequest) -> HttpResponse:
    # Those who take part in the decision weigh (committee members, analysts, controllers, administrators); the
    # auditor reads the comparison but does not move the group result.
    require_permission(request.user, "scenarios.add_weightset")
    if not user_sees_all(request.user):
        raise PermissionDenied
    weights: dict[int, Decimal] = {}
    for criterion in Criterion.objects.all():
        raw = request.POST.get(f"weight_{criterion.pk}", "").strip().replace(",", ".")
        try:
            weights[criterion.pk] = Decimal(raw or "0")
        except InvalidOperation:
            messages.error(request, _("%(criterion)s: enter a number.") % {"criterion": criterion.name})
            return redirect("scenarios:compare")
    try:
        services.weights_set(actor=request.user, weights=weights)
        messages.success(request, _("Your weights were saved."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("scenarios:compare")


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    context = _comparison(request)
    context["details"] = [(s, _results(s)) for s in context["scenarios"]]
    context["now"] = timezone.now()
    html = render_to_string("scenarios/report_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="szenarienbericht.pdf"'
    return response
