"""The evidence pages: the overview per provider and year (figures, imports, the import form), the lists of
posts, assets, control statuses and incidents with filters (the drill-down targets of the KPI values), an
import's diff, and the BSI kernel catalogue with its attribution.

Only roles with the evidence permissions see them (provider staff, auditors read only); a member contact gets
403. Controllers and provider administrators import."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from verbund.core import kpi
from verbund.core.access import require_permission
from verbund.evidence import selectors
from verbund.evidence.choices import ControlState, EcoLabel, ImportKind, IncidentCause, IncidentExtent
from verbund.evidence.engine import figures
from verbund.evidence.forms import ImportForm
from verbund.evidence.models import ATTRIBUTION, LICENCE_URL, list_url
from verbund.evidence.services import PROVIDER_KINDS
from verbund.evidence.tasks import CATALOGUE_IMPORT, EVIDENCE_IMPORT
from verbund.jobs.services import job_start
from verbund.jobs.shortcuts import job_redirect
from verbund.registry.models import Organization

PAGE_SIZE = 100
FIGURES = (
    ("evidence.occupancy_rate", ImportKind.STAFF),
    ("evidence.time_to_fill_days", ImportKind.STAFF),
    ("evidence.turnover_rate", ImportKind.STAFF),
    ("evidence.home_office_share", ImportKind.STAFF),
    ("evidence.sustainable_hardware_share", ImportKind.ASSETS),
    ("evidence.mean_service_life_years", ImportKind.ASSETS),
    ("evidence.security_implementation_rate", ImportKind.CONTROLS),
    ("evidence.security_incidents", ImportKind.INCIDENTS),
)


def _providers(request: HttpRequest) -> Any:
    return Organization.objects.restrict(request.user).filter(kind__in=PROVIDER_KINDS).order_by("name")


def _provider(request: HttpRequest, *, required: bool = True) -> Organization | None:
    raw = request.GET.get("provider") or request.POST.get("provider") or ""
    providers = _providers(request)
    if not raw:
        own = providers.filter(pk=getattr(request.user, "organization_id", None)).first()
        if own is not None or not required:
            return own
        first = providers.first()
        if first is None:
            raise Http404
        return first
    if not raw.isdigit():
        raise Http404
    found = providers.filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year") or request.POST.get("year") or str(timezone.localdate().year - 1)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        raise Http404
    return int(raw)


def _context(request: HttpRequest) -> dict[str, Any]:
    provider = _provider(request)
    year = _year(request)
    return {
        "provider": provider,
        "providers": _providers(request),
        "year": year,
        "years": list(range(timezone.localdate().year, 2019, -1)),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
    }


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _shown(unit: str, value: Decimal) -> str:
    from django.utils.formats import number_format

    if unit == "share":
        return number_format(value * 100, decimal_pos=1, use_l10n=True) + " %"
    if unit == "count":
        return number_format(value, decimal_pos=0, use_l10n=True)
    return number_format(value, decimal_pos=1, use_l10n=True)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_evidenceimport")
    context = _context(request)
    provider, year = context["provider"], context["year"]
    query = kpi.KpiQuery(provider_id=provider.pk, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31))
    rows = []
    for key, kind in FIGURES:
        spec = kpi.source(key)
        answer = kpi.figure(key, query)
        rows.append(
            {
                "key": key,
                "label": _(spec.label),
                "value": None if answer is None else _shown(spec.unit, answer.value),
                "note": "" if answer is None else answer.note,
                "count": 0 if answer is None else answer.record_count,
                "url": answer.records[0].url
                if answer and answer.records
                else list_url(kind, provider=provider.pk, year=year),
            }
        )
    context["figures"] = rows
    context["imports"] = selectors.import_list(user=request.user, provider=provider)[:20]
    if request.user.has_perm("evidence.add_evidenceimport"):
        context["import_form"] = ImportForm()
    return render(request, "evidence/home.html", context)


@login_required
@require_POST
def evidence_import(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.add_evidenceimport")
    provider = _provider(request)
    assert provider is not None
    year = _year(request)
    form = ImportForm(request.POST, request.FILES)
    target = f"{redirect('evidence:home').url}?provider={provider.pk}&year={year}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else field
            for error in errors:
                messages.error(request, f"{label} ({field}): {error}")
        return redirect(target)
    upload = form.cleaned_data["file"]
    job = job_start(
        actor=request.user,
        kind=EVIDENCE_IMPORT,
        subject=provider,
        params={"provider": provider.pk, "year": year, "kind": form.cleaned_data["kind"]},
        input_name=upload.name,
        input_data=upload.read(),
    )
    return job_redirect(request, job)


@login_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    require_permission(request.user, "evidence.view_evidenceimport")
    record = selectors.import_get(user=request.user, import_id=import_id)
    return render(request, "evidence/import_detail.html", {"record": record})


def _list(request: HttpRequest, permission: str, template: str, rows: Any, extra: dict[str, Any]) -> HttpResponse:
    require_permission(request.user, permission)
    return render(request, template, extra | {"page": _page(request, rows), "filters": request.GET})


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_post")
    context = _context(request)
    rows = selectors.post_list(
        user=request.user, provider=context["provider"], year=context["year"], filters=request.GET
    )
    return _list(request, "evidence.view_post", "evidence/post_list.html", rows, context)


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_asset")
    context = _context(request) | {"labels": EcoLabel.choices}
    rows = selectors.asset_list(
        user=request.user, provider=context["provider"], year=context["year"], filters=request.GET
    )
    return _list(request, "evidence.view_asset", "evidence/asset_list.html", rows, context)


@login_required
def control_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_controlstatus")
    context = _context(request) | {
        "states": ControlState.choices,
        "levels": selectors.control_levels(),
        "classes": selectors.control_classes(),
        "catalogue": selectors.current_catalogue(),
    }
    rows = selectors.control_status_list(
        user=request.user, provider=context["provider"], year=context["year"], filters=request.GET
    )
    facts = selectors.control_facts(provider_id=context["provider"].pk, year=context["year"])
    rate = figures.implementation_rate(facts)
    context["rate"] = rate.value
    context["breakdown"] = [
        {"group": group, "rate": value, "applicable": applicable} for group, value, applicable in rate.breakdown
    ]
    return _list(request, "evidence.view_controlstatus", "evidence/control_list.html", rows, context)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_incident")
    context = _context(request) | {"extents": IncidentExtent.choices, "causes": IncidentCause.choices}
    rows = selectors.incident_list(
        user=request.user, provider=context["provider"], year=context["year"], filters=request.GET
    )
    return _list(request, "evidence.view_incident", "evidence/incident_list.html", rows, context)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.view_control")
    from verbund.evidence.models import Control, ControlCatalogue

    controls = Control.objects.restrict(request.user).filter(withdrawn=False)
    if request.GET.get("level"):
        controls = controls.filter(sec_level=request.GET["level"])
    context = {
        "versions": ControlCatalogue.objects.restrict(request.user)[:10],
        "page": _page(request, controls),
        "levels": selectors.control_levels(),
        "attribution": ATTRIBUTION,
        "licence_url": LICENCE_URL,
        "can_import": request.user.has_perm("evidence.add_controlcatalogue"),
        "filters": request.GET,
    }
    return render(request, "evidence/catalogue.html", context)


@login_required
@require_POST
def catalogue_import(request: HttpRequest) -> HttpResponse:
    require_permission(request.user, "evidence.add_controlcatalogue")
    job = job_start(actor=request.user, kind=CATALOGUE_IMPORT)
    return job_redirect(request, job)
