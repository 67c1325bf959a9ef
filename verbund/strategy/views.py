import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.catalog.models import Product
from verbund.core.access import Action, user_sees_all
from verbund.core.explain import render_steps
from verbund.core.params import query_id
from verbund.costing.charts import bar_chart
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.models import Organization
from verbund.strategy import scope, selectors, services
from verbund.strategy.engine.maturity import MESSAGES as MATURITY_MESSAGES
from verbund.strategy.engine.maturity import MODELS, overall_level
from verbund.strategy.engine.priority import MESSAGES as PRIORITY_MESSAGES
from verbund.strategy.engine.priority import Weights
from verbund.strategy.forms import EntryForm, RoadmapForm, TagForm, UploadForm, VolumeForm, WeightsForm
from verbund.strategy.models import (
    CatalogueChange,
    InventoryEntry,
    LeikaService,
    NrwCommune,
    ProductServiceTag,
    Themenfeld,
)
from verbund.strategy.tasks import CATALOGUE_IMPORT


def _add_errors(form: Any, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(name if name in form.fields else None, error)


def _context(request: HttpRequest, organization: Organization, **extra: Any) -> dict[str, Any]:
    may_edit = request.user.has_perm("strategy.change_inventoryentry") and (
        user_sees_all(request.user) or organization.pk == request.user.organization_id  # type: ignore[union-attr]
    )
    return {"organization": organization, "may_edit": may_edit, "attribution": scope.ATTRIBUTION, **extra}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    members = selectors.strategy_members(user=request.user)
    if not members and not request.user.has_perm("strategy.view_inventoryentry"):
        raise PermissionDenied
    if not user_sees_all(request.user) and len(members) == 1:
        return redirect("strategy:overview", members[0].pk)
    return render(
        request,
        "strategy/home.html",
        {"members": members, "latest": selectors.latest_import(), "attribution": scope.ATTRIBUTION},
    )


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("strategy.view_themenfeld"):
        raise PermissionDenied
    latest = selectors.latest_import()
    live = Q(lebenslagen__ozg_services__leika_services__withdrawn_in__isnull=True)
    themen = (
        Themenfeld.objects.restrict(request.user)
        .annotate(n=Count("lebenslagen__ozg_services__leika_services", filter=live))
        .order_by("name")
    )
    counts = {t: t.n for t in themen}
    context = {
        "latest": latest,
        "themen": counts,
        "in_scope": selectors.scope_services().count(),
        "types": sorted(scope.municipal_types()),
        "attribution": scope.ATTRIBUTION,
        "licence": scope.LICENCE_NOTICE,
        "changes": CatalogueChange.objects.filter(catalogue_import=latest).exclude(kind="added")[:200]
        if latest
        else [],
        "unmatched": NrwCommune.objects.filter(match__in=["ambiguous", "none"]),
        "may_import": request.user.has_perm("strategy.add_catalogueimport"),
    }
    return render(request, "strategy/catalogue.html", context)


@login_required
@require_POST
def catalogue_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("strategy.add_catalogueimport"):
        raise PermissionDenied
    directory = scope.default_data_dir()
    job = job_start(actor=request.user, kind=CATALOGUE_IMPORT, params={"directory": str(directory)})
    return job_redirect(request, job)


@login_required
def overview(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    funnel = selectors.funnel(organization)
    return render(request, "strategy/overview.html", _context(request, organization, funnel=funnel))


@login_required
def inventory(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    context = _context(request, organization, entries=selectors.inventory(organization))
    form = EntryForm(with_key=True, prefix="new")
    upload = UploadForm()
    if request.method == "POST":
        organization = selectors.strategy_organization(
            user=request.user, organization_id=organization_id, action=Action.CHANGE
        )
        if "upload" in request.POST:
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    rows = services.DASHBOARD.read_csv(upload.cleaned_data["file"])
                    result = services.inventory_import_dashboard(
                        actor=request.user, organization=organization, rows=rows
                    )
                except services.DashboardImportError as exc:
                    context["import_errors"] = exc.errors
                else:
                    messages.success(
                        request,
                        _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                    )
                    return redirect("strategy:inventory", organization.pk)
        else:
            form = EntryForm(request.POST, with_key=True, prefix="new")
            if form.is_valid():
                scores = form.scores()
                if form.is_valid():
                    try:
                        services.inventory_entry_save(
                            actor=request.user,
                            organization=organization,
                            leika=form.cleaned_data["leika"],
                            data=_entry_data(form, scores),
                        )
                    except ValidationError as exc:
                        _add_errors(form, exc)
                    else:
                        messages.success(request, _("The inventory entry was saved."))
                        return redirect("strategy:inventory", organization.pk)
    context.update(form=form, upload=upload)
    return render(request, "strategy/inventory.html", context)


def _entry_data(form: EntryForm, scores: dict[str, dict[str, int]]) -> services.EntryData:
    data = form.cleaned_data
    return services.EntryData(
        online=data["online"],
        described=data["described"],
        solution_kind=data["solution_kind"],
        product=data["product"],
        solution_name=data["solution_name"],
        url=data["url"],
        online_since=data["online_since"],
        scores=scores or None,
    )


@login_required
def entry_edit(request: HttpRequest, organization_id: int, leika_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    leika = get_object_or_404(LeikaService.objects.restrict(request.user), pk=leika_id)
    entry = (
        InventoryEntry.objects.restrict(request.user)
        .filter(organization=organization, leika=leika)
        .prefetch_related("scores")
        .first()
    )
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {
            n: getattr(entry, n)
            for n in ("online", "described", "solution_kind", "product", "solution_name", "url", "online_since")
        }
        for score in entry.scores.all():
            initial[f"rg{score.model_version}_{score.criterion}"] = score.level
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST":
        organization = selectors.strategy_organization(
            user=request.user, organization_id=organization_id, action=Action.CHANGE
        )
        if form.is_valid():
            scores = form.scores()
            if form.is_valid():
                try:
                    services.inventory_entry_save(
                        actor=request.user, organization=organization, leika=leika, data=_entry_data(form, scores)
                    )
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("The inventory entry was saved."))
                    return redirect("strategy:inventory", organization.pk)
    explanations = []
    if entry is not None:
        for version, model in MODELS.items():
            levels = {s.criterion: s.level for s in entry.scores.all() if s.model_version == version}
            if levels:
                explanations += render_steps(overall_level(model, levels).trace, MATURITY_MESSAGES)
    context = _context(request, organization, leika=leika, entry=entry, form=form, explanations=explanations)
    return render(request, "strategy/entry_form.html", context)


@login_required
def potential(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    lines = selectors.potential_lines(organization, as_of=timezone.localdate(), limit=300)
    may_order = request.user.has_perm("orders.add_order")
    return render(request, "strategy/potential.html", _context(request, organization, lines=lines, may_order=may_order))


@login_required
def demand(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    form = VolumeForm(None if "upload" in request.POST else request.POST or None,
                      initial={"year": timezone.localdate().year - 1})  # fmt: skip
    upload = UploadForm()
    context = _context(request, organization)
    if request.method == "POST":
        organization = selectors.strategy_organization(
            user=request.user, organization_id=organization_id, action=Action.CHANGE
        )
        if "upload" in request.POST:
            upload = UploadForm(request.POST, request.FILES)
            if upload.is_valid():
                try:
                    rows = services.VOLUMES.read_csv(upload.cleaned_data["file"])
                    count = services.case_volume_import(actor=request.user, organization=organization, rows=rows)
                except services.VolumeImportError as exc:
                    context["import_errors"] = exc.errors
                else:
                    messages.success(request, _("Case volumes imported: %(n)s.") % {"n": count})
                    return redirect("strategy:demand", organization.pk)
        elif form.is_valid():
            try:
                services.case_volume_save(actor=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The case volume was saved."))
                return redirect("strategy:demand", organization.pk)
    context.update(lines=selectors.demand_lines(organization), form=form, upload=upload)
    return render(request, "strategy/demand.html", context)


@login_required
def priority(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    weights = selectors.weights_for(organization)
    form = WeightsForm(request.POST or None, initial=weights.__dict__)
    if request.method == "POST":
        organization = selectors.strategy_organization(
            user=request.user, organization_id=organization_id, action=Action.CHANGE
        )
        if form.is_valid():
            try:
                services.weights_save(actor=request.user, organization=organization, weights=Weights(**form.weights()))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The weights were saved."))
                return redirect("strategy:priority", organization.pk)
    lines = selectors.priority_lines(organization, weights=weights)
    explained = [(line, render_steps(line.score.trace, PRIORITY_MESSAGES)) for line in lines]
    return render(
        request, "strategy/priority.html", _context(request, organization, lines=explained, form=form, weights=weights)
    )


@login_required
def roadmap(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    form = RoadmapForm(request.POST or None)
    if request.method == "POST":
        organization = selectors.strategy_organization(
            user=request.user, organization_id=organization_id, action=Action.CHANGE
        )
        if form.is_valid():
            try:
                services.roadmap_item_save(actor=request.user, organization=organization, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The milestone was saved."))
                return redirect("strategy:roadmap", organization.pk)
    items = list(selectors.roadmap(organization))
    done = sum(1 for item in items if item.status == "done")
    return render(request, "strategy/roadmap.html", _context(request, organization, items=items, form=form, done=done))


@login_required
def strategy_pdf(request: HttpRequest, organization_id: int) -> HttpResponse:
    from weasyprint import HTML

    organization = selectors.strategy_organization(user=request.user, organization_id=organization_id)
    context = _context(
        request,
        organization,
        funnel=selectors.funnel(organization),
        potential=selectors.potential_lines(organization, as_of=timezone.localdate(), limit=40),
        demand=selectors.demand_lines(organization)[:30],
        priorities=selectors.priority_lines(organization, limit=20),
        items=list(selectors.roadmap(organization)),
        now=timezone.now(),
    )
    html = render_to_string("strategy/strategy_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="digitalstrategie-{organization.pk}.pdf"'
    return response


@login_required
def comparison(request: HttpRequest) -> HttpResponse:
    if not (request.user.has_perm("strategy.view_inventoryentry") and user_sees_all(request.user)):
        raise PermissionDenied
    result = selectors.comparison(user=request.user)
    chart = None
    if result.themen and result.members:
        categories = [row.themenfeld.name for row in result.themen]
        shares = [row.share for row in result.themen]
        # The same figures give the same SVG: keep it (rendering takes longer than the page's queries).
        key = (
            "strategy-coverage-chart:" + hashlib.sha256(repr((get_language(), categories, shares)).encode()).hexdigest()
        )
        chart = cache.get(key)
        if chart is None:
            chart = bar_chart(
                chart_id="coverage-chart",
                categories=categories,
                series=[(_("Online (%)"), shares)],
                title=_("Coverage per Themenfeld"),
                description=_("Share of the municipal services in scope that are online, over all members."),
                value_label="%",
            )
            cache.set(key, chart, 3600)
    leika = None
    online_at: list[Organization] = []
    raw = request.GET.get("leika", "").strip()[:20]
    key = "".join(c if c.isprintable() else "\ufffd" for c in raw)  # shown again in the message and the form
    if key:
        # Only digits are looked up: PostgreSQL refuses a NUL in the query (answered 500), and a key is 14 digits.
        leika = LeikaService.objects.filter(key=key).first() if key == raw and key.isdigit() else None
        if leika is None:
            messages.error(request, _("No service of the catalogue has the LeiKa key %(key)s.") % {"key": key})
        else:
            online_at = selectors.online_at(user=request.user, leika=leika)
    context = {
        "result": result,
        "chart": chart,
        "leika": leika,
        "online_at": online_at,
        "key": key[:20],
        "attribution": scope.ATTRIBUTION,
    }
    return render(request, "strategy/comparison.html", context)


@login_required
def tags(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("strategy.view_productservicetag"):
        raise PermissionDenied
    may_tag = request.user.has_perm("strategy.add_productservicetag")
    form = TagForm(request.POST or None)
    if request.method == "POST":
        if not may_tag:
            raise PermissionDenied
        # A malformed id ("abc", a number beyond 64 bits) is no product either: 404, not a 500 from the lookup.
        product_id = query_id(request.POST.get("product")) or 0
        product = get_object_or_404(Product.objects.restrict(request.user), pk=product_id)
        if form.is_valid():
            try:
                services.product_tags_add(actor=request.user, product=product, leikas=form.cleaned_data["service"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The product was tagged."))
                return redirect("strategy:tags")
    tag_list = ProductServiceTag.objects.restrict(request.user).select_related("product", "leika")
    products = Product.objects.restrict(request.user).filter(status__in=["active", "proposed", "draft"])
    context = {
        "tags": tag_list,
        "products": products,
        "form": form,
        "may_tag": may_tag,
        "attribution": scope.ATTRIBUTION,
    }
    return render(request, "strategy/tags.html", context)


@login_required
@require_POST
def tag_remove(request: HttpRequest, tag_id: int) -> HttpResponse:
    tag = get_object_or_404(ProductServiceTag.objects.restrict(request.user, Action.DELETE), pk=tag_id)
    services.product_tag_remove(actor=request.user, tag=tag)
    messages.success(request, _("The tag was removed."))
    return redirect("strategy:tags")
