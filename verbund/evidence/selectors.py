"""The readers of the evidence app. Lists for a user start from `restrict(user)`; the `*_facts` functions feed
the pure engine for the KPI figures (`evidence.kpis`), which the controlling app asks for without a user (its own
pages decide who sees a KPI)."""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import F, Max, QuerySet

from verbund.evidence.choices import ImportKind
from verbund.evidence.engine.figures import AssetFact, ControlFact, IncidentFact, PostFact
from verbund.evidence.models import (
    Asset,
    Control,
    ControlCatalogue,
    ControlStatus,
    EvidenceImport,
    Incident,
    Post,
)
from verbund.registry.models import Organization

TRUE = frozenset({"1", "true", "ja", "on"})


def _flag(filters: Mapping[str, str], name: str) -> bool:
    return str(filters.get(name, "")).lower() in TRUE


def _base(queryset: QuerySet[Any], provider: Organization | None, year: int | None) -> QuerySet[Any]:
    if provider is not None:
        queryset = queryset.filter(provider=provider)
    if year is not None:
        queryset = queryset.filter(year=year)
    return queryset


def post_list(*, user: Any, provider: Organization | None, year: int | None, filters: Mapping[str, str]) -> Any:
    posts = _base(Post.objects.restrict(user), provider, year).select_related("provider")
    if _flag(filters, "vacant"):
        posts = posts.filter(filled_fte__lt=F("planned_fte"))
    if _flag(filters, "filled") and year is not None:
        posts = posts.filter(started_on__year=year, advertised_on__isnull=False)
    if _flag(filters, "left") and year is not None:
        posts = posts.filter(left_on__year=year)
    if _flag(filters, "telework"):
        posts = posts.filter(telework=True, filled_fte__gt=0)
    return posts


def asset_list(*, user: Any, provider: Organization | None, year: int | None, filters: Mapping[str, str]) -> Any:
    assets = _base(Asset.objects.restrict(user), provider, year).select_related("provider")
    if _flag(filters, "bought") and year is not None:
        assets = assets.filter(purchased_on__year=year)
    if _flag(filters, "retired") and year is not None:
        assets = assets.filter(retired_on__year=year)
    if filters.get("label"):
        assets = assets.filter(eco_label=filters["label"])
    return assets


def control_status_list(
    *, user: Any, provider: Organization | None, year: int | None, filters: Mapping[str, str]
) -> Any:
    statuses = _base(ControlStatus.objects.restrict(user), provider, year).select_related("control", "provider")
    if filters.get("state"):
        statuses = statuses.filter(state=filters["state"])
    if _flag(filters, "applicable"):
        statuses = statuses.exclude(state="not_applicable")
    if filters.get("level"):
        statuses = statuses.filter(control__sec_level=filters["level"])
    if filters.get("class"):
        statuses = statuses.filter(control__modal_verb=filters["class"])
    if filters.get("group"):
        statuses = statuses.filter(control__group_id=filters["group"])
    return statuses


def incident_list(*, user: Any, provider: Organization | None, year: int | None, filters: Mapping[str, str]) -> Any:
    incidents = _base(Incident.objects.restrict(user), provider, year).select_related("provider")
    if filters.get("extent"):
        incidents = incidents.filter(extent=filters["extent"])
    if filters.get("cause"):
        incidents = incidents.filter(cause=filters["cause"])
    return incidents


def import_list(*, user: Any, provider: Organization | None = None) -> Any:
    imports = EvidenceImport.objects.restrict(user).select_related("provider", "imported_by")
    return imports.filter(provider=provider) if provider is not None else imports


def import_get(*, user: Any, import_id: int) -> EvidenceImport:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(import_list(user=user), pk=import_id)


def current_catalogue() -> ControlCatalogue | None:
    return ControlCatalogue.objects.first()


def current_control_ids() -> dict[str, int]:
    return dict(Control.objects.filter(withdrawn=False).values_list("control_id", "pk"))


def control_levels() -> list[str]:
    return list(Control.objects.values_list("sec_level", flat=True).distinct().order_by("sec_level"))


def control_classes() -> list[str]:
    return list(Control.objects.values_list("modal_verb", flat=True).distinct().order_by("modal_verb"))


# ---------------------------------------------------------------- facts for the KPI figures (no user)


def latest_year(*, provider_id: int, kind: str, start: dt.date, end: dt.date) -> int | None:
    """The newest year within start..end for which `kind` was imported for the provider."""
    models: dict[str, type[Any]] = {
        ImportKind.STAFF: Post,
        ImportKind.ASSETS: Asset,
        ImportKind.CONTROLS: ControlStatus,
        ImportKind.INCIDENTS: Incident,
    }
    manager: Any = models[kind]._default_manager
    found = manager.filter(provider_id=provider_id, year__gte=start.year, year__lte=end.year).aggregate(
        year=Max("year")
    )["year"]
    if found is None and kind == ImportKind.INCIDENTS:
        # a file without incidents is still an import: zero incidents, not "no data"
        found = EvidenceImport.objects.filter(
            provider_id=provider_id, kind=kind, year__gte=start.year, year__lte=end.year
        ).aggregate(year=Max("year"))["year"]
    return found


def cut_off(*, provider_id: int, kind: str, year: int) -> dt.date:
    stamp = EvidenceImport.objects.filter(provider_id=provider_id, kind=kind, year=year).aggregate(
        at=Max("imported_at")
    )["at"]
    return min(stamp.date(), dt.date(year, 12, 31)) if stamp else dt.date(year, 12, 31)


def post_facts(*, provider_id: int, year: int) -> list[PostFact]:
    return [
        PostFact(
            key=p.post,
            planned_fte=p.planned_fte,
            filled_fte=p.filled_fte,
            advertised_on=p.advertised_on,
            started_on=p.started_on,
            left_on=p.left_on,
            telework=p.telework,
        )
        for p in Post.objects.filter(provider_id=provider_id, year=year)
    ]


def asset_facts(*, provider_id: int, years: range) -> list[AssetFact]:
    """Assets of the registers of these years; an asset in several years' registers counts once (newest)."""
    facts: dict[str, AssetFact] = {}
    for a in Asset.objects.filter(provider_id=provider_id, year__in=list(years)).order_by("year"):
        facts[a.asset] = AssetFact(
            key=a.asset, purchased_on=a.purchased_on, retired_on=a.retired_on, eco_label=a.eco_label
        )
    return list(facts.values())


def control_facts(*, provider_id: int, year: int) -> list[ControlFact]:
    return [
        ControlFact(
            key=s.control.control_id, state=s.state, sec_level=s.control.sec_level, modal_verb=s.control.modal_verb
        )
        for s in ControlStatus.objects.filter(provider_id=provider_id, year=year).select_related("control")
    ]


def incident_facts(*, provider_id: int, years: range) -> list[IncidentFact]:
    return [
        IncidentFact(key=i.reference, occurred_on=i.occurred_on, extent=i.extent, cause=i.cause)
        for i in Incident.objects.filter(provider_id=provider_id, year__in=list(years))
    ]
