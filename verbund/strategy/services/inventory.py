"""Writes of a municipality's strategy: inventory (by hand and from the dashboard export), case volumes,
weights, roadmap; product tags of the catalogue; the pre-aggregated coverage figures."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog.models import Product
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.params import check_year
from verbund.core.spreadsheet import Cells, RowError, Sheet, SpreadsheetError
from verbund.registry.models import Organization
from verbund.strategy.choices import EntrySource, RoadmapStatus, SolutionKind
from verbund.strategy.engine.maturity import MODELS, MaturityError, overall_level
from verbund.strategy.engine.priority import WeightError, Weights, check_weights
from verbund.strategy.models import (
    CaseVolume,
    CoverageFigure,
    InventoryEntry,
    LeikaService,
    MaturityScore,
    PriorityWeights,
    ProductServiceTag,
    RoadmapItem,
    Themenfeld,
)


class DashboardImportError(SpreadsheetError):
    columns = ("ars", "leika_key", "ozgid", "url", "online_status", "aktiv", "art_flaechendeckung")


# The per-ARS CSV export of the federal dashboard (api.ozg-umsetzung.de …/open-pvog/{ARS}/export); further
# columns of the export (leika_name, datenstand_pvog_import, …) are read and ignored; `ars`, where given, must be
# the municipality's own (a file of another municipality is refused).
DASHBOARD = Sheet(
    columns=(
        "leika_key",
        "ozgid",
        "url",
        "online_status",
        "aktiv",
        "art_flaechendeckung",
        "leika_name",
        "leika_bezeichnung",
        "ars",
        "ars_name",
        "ozg_bezeichnung",
        "begruendung_nicht_beruecksichtigt",
        "datenstand_pvog_import",
        "export_datum",
    ),
    required=("leika_key", "ozgid", "url", "online_status", "aktiv", "art_flaechendeckung"),
    error=DashboardImportError,
    title="Dashboard",
)


# ------------------------------------------------------------------------------------------------ coverage


def coverage_refresh(organization_ids: Iterable[int] | None = None) -> None:
    """Recompute the coverage figures (services in scope, described, online per Themenfeld) of these
    municipalities, or of every municipality with an inventory. Two grouped queries and a bulk insert."""
    themen_scope = dict(
        LeikaService.objects.filter(municipal=True, withdrawn_in__isnull=True, ozg__isnull=False)
        .values_list("ozg__lebenslage__themenfeld")
        .annotate(n=Count("pk"))
        .values_list("ozg__lebenslage__themenfeld", "n")
    )
    entries = InventoryEntry.objects.filter(
        leika__municipal=True, leika__withdrawn_in__isnull=True, leika__ozg__isnull=False
    )
    figures = CoverageFigure.objects.all()
    if organization_ids is not None:
        ids = list(organization_ids)
        entries = entries.filter(organization_id__in=ids)
        figures = figures.filter(organization_id__in=ids)
    grouped = (
        entries.values("organization_id", "leika__ozg__lebenslage__themenfeld")
        .annotate(online=Count("pk", filter=Q(online=True)), described=Count("pk", filter=Q(described=True)))
        .order_by()
    )
    rows = [
        CoverageFigure(
            organization_id=g["organization_id"],
            themenfeld_id=g["leika__ozg__lebenslage__themenfeld"],
            in_scope=themen_scope.get(g["leika__ozg__lebenslage__themenfeld"], 0),
            online=g["online"],
            described=g["described"],
        )
        for g in grouped.iterator()
    ]
    figures.delete()
    CoverageFigure.objects.bulk_create(rows, batch_size=5000)


# ------------------------------------------------------------------------------------------------ inventory


@dataclass(frozen=True)
class EntryData:
    online: bool
    described: bool = False
    solution_kind: str = SolutionKind.NONE
    product: Product | None = None
    solution_name: str = ""
    url: str = ""
    online_since: dt.date | None = None
    scores: Mapping[str, Mapping[str, int]] | None = None  # model version → criterion → level; None: keep


def _check_entry(data: EntryData, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if data.solution_kind not in SolutionKind.values:
        errors["solution_kind"] = [_("Unknown kind of solution.")]
    if data.solution_kind == SolutionKind.CATALOGUE and data.product is None:
        errors["product"] = [_("Choose the catalogue product of the solution.")]
    if data.product is not None and data.solution_kind != SolutionKind.CATALOGUE:
        errors["product"] = [_("A product is only given for a catalogue solution.")]
    if data.online and data.solution_kind == SolutionKind.NONE:
        errors["solution_kind"] = [_("A service that is online has a solution; say which kind.")]
    if data.online_since and data.online_since > today:
        errors["online_since"] = [_("The date lies in the future.")]
    if data.online_since and not data.online:
        errors["online_since"] = [_("Only a service that is online has a date since when.")]
    if len(data.url) > 500:
        errors["url"] = [_("At most 500 characters.")]
    for version, scores in (data.scores or {}).items():
        model = MODELS.get(version)
        if model is None:
            errors["scores"] = [_("Unknown maturity model %(model)s.") % {"model": version}]
            continue
        try:
            overall_level(model, scores)
        except MaturityError as exc:
            errors.setdefault("scores", []).append(_(exc.message) % exc.params)
        else:
            if scores and set(scores) != set(model.criteria):  # an empty model clears its scores
                errors.setdefault("scores", []).append(
                    _("Give a level for every criterion of the %(model)s model, or for none.") % {"model": version}
                )
    if errors:
        raise ValidationError(errors)


def _store_scores(entry: InventoryEntry, scores: Mapping[str, Mapping[str, int]]) -> None:
    for version, criteria in scores.items():
        MaturityScore.objects.filter(entry=entry, model_version=version).delete()
        MaturityScore.objects.bulk_create(
            MaturityScore(entry=entry, model_version=version, criterion=c, level=level) for c, level in criteria.items()
        )
        level = overall_level(MODELS[version], criteria).level if criteria else None
        setattr(entry, f"level_{version}", level)


@transaction.atomic
def inventory_entry_save(
    *,
    actor: Any,
    organization: Organization,
    leika: LeikaService,
    data: EntryData,
    source: str = EntrySource.MANUAL,
    refresh: bool = True,
) -> InventoryEntry:
    """Create or change the inventory entry of one service; the maturity scores given replace the stored
    scores of their model, and the overall level follows (lowest criterion)."""
    _check_entry(data, timezone.localdate())
    entry = InventoryEntry.objects.filter(organization=organization, leika=leika).first()
    before = model_snapshot(entry) if entry else None
    if entry is None:
        entry = InventoryEntry(organization=organization, leika=leika)
    for name in ("online", "described", "solution_kind", "product", "solution_name", "url", "online_since"):
        setattr(entry, name, getattr(data, name))
    entry.described = data.described or data.online
    entry.source = source
    entry.modified = timezone.now()
    entry.save()
    if data.scores is not None:
        _store_scores(entry, data.scores)
        entry.save(update_fields=["level_2020", "level_2025"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=entry,
        before=before,
        after=model_snapshot(entry),
        scope_organization_id=organization.pk,
    )
    if refresh:
        coverage_refresh([organization.pk])
    return entry


@dataclass
class DashboardResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _dashboard_rows(
    organization: Organization, rows: Sequence[tuple[int, Mapping[str, Any]]]
) -> list[tuple[LeikaService, EntryData]]:
    errors: list[RowError] = []
    keys = {r.get("leika_key", "").strip() for _line, r in rows}
    services = {s.key: s for s in LeikaService.objects.filter(key__in=keys).select_related("ozg")}
    seen: set[str] = set()
    parsed = []
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        ars = cells.get("ars")
        if ars and organization.ars and ars != organization.ars:
            cells.error(
                "ars",
                _("This line belongs to ARS %(given)s, not to %(name)s (ARS %(ars)s).")
                % {"given": ars[:20], "name": organization.name, "ars": organization.ars},
            )
        key = cells.text("leika_key", max_length=14, required=True)
        service = services.get(key)
        if key and service is None:
            cells.error("leika_key", _("Not a LeiKa key of the catalogue: %(key)s") % {"key": key})
        elif key in seen:
            cells.error("leika_key", _("The service appears twice in the file."))
        seen.add(key)
        ozgid = cells.text("ozgid", max_length=10)
        if service is not None and ozgid and service.ozg is not None and service.ozg.ozg_id != ozgid:
            cells.error(
                "ozgid",
                _("The catalogue links this service to OZG id %(expected)s, not %(given)s.")
                % {"expected": service.ozg.ozg_id, "given": ozgid},
            )
        url = cells.text("url", max_length=500)
        if url and not url.lower().startswith(("http://", "https://")):
            cells.error("url", _("Give an address that starts with http:// or https://."))
        status = cells.get("online_status").lower()
        if status not in ("ok", "nicht ok"):
            cells.error("online_status", _('Write "ok" or "nicht ok".'))
        active = cells.boolean("aktiv")
        efa = "efa" in cells.text("art_flaechendeckung", max_length=100).lower()
        if service is not None and active is not None:
            online = status == "ok" and active
            kind = SolutionKind.EFA if efa else SolutionKind.OWN if online else SolutionKind.NONE
            parsed.append((service, EntryData(online=online, described=True, solution_kind=kind, url=url)))
    if errors:
        raise DashboardImportError(errors)
    return parsed


@transaction.atomic
def inventory_import_dashboard(
    *, actor: Any, organization: Organization, rows: Sequence[tuple[int, Mapping[str, Any]]]
) -> DashboardResult:
    """Import a municipality's rows of the dashboard export: all or nothing; a catalogue solution or maturity
    scores entered by hand are kept (the export knows neither)."""
    parsed = _dashboard_rows(organization, rows)
    existing = {e.leika_id: e for e in InventoryEntry.objects.filter(organization=organization)}
    result = DashboardResult()
    for service, data in parsed:
        entry = existing.get(service.pk)
        if entry is not None:
            keep_catalogue = entry.solution_kind == SolutionKind.CATALOGUE and data.online
            data = EntryData(
                online=data.online,
                described=True,
                solution_kind=SolutionKind.CATALOGUE if keep_catalogue else data.solution_kind,
                product=entry.product if keep_catalogue else None,
                solution_name=entry.solution_name,
                url=data.url or entry.url,
                online_since=entry.online_since if data.online else None,
            )
            same = all(
                getattr(entry, n) == getattr(data, n)
                for n in ("online", "described", "solution_kind", "product", "url")
            )
            if same:
                result.unchanged += 1
                continue
            result.updated += 1
        else:
            result.created += 1
        inventory_entry_save(
            actor=actor,
            organization=organization,
            leika=service,
            data=data,
            source=EntrySource.DASHBOARD,
            refresh=False,
        )
    coverage_refresh([organization.pk])
    return result


# ------------------------------------------------------------------------------------------------ tags


@transaction.atomic
def product_tag_add(*, actor: Any, product: Product, leika: LeikaService) -> ProductServiceTag:
    if leika.withdrawn_in_id is not None:
        raise ValidationError({"leika": [_("This service was withdrawn from the catalogue.")]})
    tag, created = ProductServiceTag.objects.get_or_create(product=product, leika=leika)
    if created:
        audit_record(actor=actor, action=AuditAction.CREATE, obj=tag, after=model_snapshot(tag))
    return tag


@transaction.atomic
def product_tags_add(*, actor: Any, product: Product, leikas: Iterable[LeikaService]) -> list[ProductServiceTag]:
    """Tag a product with several services at once (e.g. those of one OZG service): all or nothing."""
    return [product_tag_add(actor=actor, product=product, leika=leika) for leika in leikas]


@transaction.atomic
def product_tag_remove(*, actor: Any, tag: ProductServiceTag) -> None:
    audit_record(actor=actor, action=AuditAction.DELETE, obj=tag, before=model_snapshot(tag))
    tag.delete()


# ------------------------------------------------------------------------------------------------ demand


@transaction.atomic
def case_volume_save(
    *,
    actor: Any,
    organization: Organization,
    leika: LeikaService,
    year: int,
    cases: int,
    source: str,
    is_estimate: bool,
    is_demo: bool = False,
) -> CaseVolume:
    errors: dict[str, list[str]] = {}
    try:
        check_year(year)
    except ValidationError as exc:
        errors["year"] = exc.messages
    if not isinstance(cases, int) or cases < 0 or cases > 100_000_000:
        errors["cases"] = [_("Give a whole number of cases from 0 to 100,000,000.")]
    if not source.strip():
        errors["source"] = [_("Say where the figure comes from.")]
    elif len(source) > 200:
        errors["source"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationError(errors)
    volume = CaseVolume.objects.filter(organization=organization, leika=leika, year=year).first()
    before = model_snapshot(volume) if volume else None
    if volume is None:
        volume = CaseVolume(organization=organization, leika=leika, year=year, cases=cases)
    volume.cases, volume.source, volume.is_estimate, volume.is_demo = cases, source.strip(), is_estimate, is_demo
    volume.modified = timezone.now()
    volume.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=volume,
        before=before,
        after=model_snapshot(volume),
        scope_organization_id=organization.pk,
    )
    return volume


class VolumeImportError(SpreadsheetError):
    columns = ("leika_key", "year", "cases", "source", "estimate")


VOLUMES = Sheet(columns=VolumeImportError.columns, required=("leika_key", "year", "cases", "source"),
                error=VolumeImportError, title="Fallzahlen")  # fmt: skip


@transaction.atomic
def case_volume_import(*, actor: Any, organization: Organization, rows: Sequence[tuple[int, Mapping[str, Any]]]) -> int:
    """Import case volumes (columns leika_key, year, cases, source, estimate ja/nein): every row is checked
    first, a file with errors changes nothing; a (service, year) already recorded is replaced."""
    errors: list[RowError] = []
    keys = {str(r.get("leika_key", "")).strip() for _line, r in rows}
    services = {s.key: s for s in LeikaService.objects.filter(key__in=keys, withdrawn_in__isnull=True)}
    parsed = []
    seen: set[tuple[str, int]] = set()
    for line, raw in rows:
        cells = Cells(line, raw, errors)
        key = cells.text("leika_key", max_length=14, required=True)
        if key and key not in services:
            cells.error("leika_key", _("Not a LeiKa key of the catalogue: %(key)s") % {"key": key})
        year = cells.integer("year", minimum=2000, maximum=2100)
        if year is None and not cells.get("year"):
            cells.error("year", _("Required; the cell is empty."))
        cases = cells.integer("cases", minimum=0, maximum=100_000_000)
        if cases is None and not cells.get("cases"):
            cells.error("cases", _("Required; the cell is empty."))
        source = cells.text("source", max_length=200, required=True)
        estimate = cells.boolean("estimate")
        if key in services and year is not None:
            if (key, year) in seen:
                cells.error("leika_key", _("The service appears twice in the file for this year."))
            seen.add((key, year))
        if key in services and year is not None and cases is not None and source and estimate is not None:
            parsed.append((services[key], year, cases, source, estimate))
    if errors:
        raise VolumeImportError(errors)
    for service, year, cases, source, estimate in parsed:
        case_volume_save(actor=actor, organization=organization, leika=service, year=year, cases=cases,
                         source=source, is_estimate=estimate)  # fmt: skip
    return len(parsed)


# ------------------------------------------------------------------------------------------------ weights


@transaction.atomic
def weights_save(*, actor: Any, organization: Organization, weights: Weights) -> PriorityWeights:
    try:
        check_weights(weights)
    except WeightError as exc:
        raise ValidationError({exc.name: [_("A weight lies between 0 and 100.")]}) from exc
    stored = PriorityWeights.objects.filter(organization=organization).first()
    before = model_snapshot(stored) if stored else None
    stored = stored or PriorityWeights(organization=organization)
    for name in ("demand", "gap", "available", "mandatory", "effort"):
        setattr(stored, name, getattr(weights, name))
    stored.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=stored,
        before=before,
        after=model_snapshot(stored),
        scope_organization_id=organization.pk,
    )
    return stored


# ------------------------------------------------------------------------------------------------ roadmap


@transaction.atomic
def roadmap_item_save(
    *,
    actor: Any,
    organization: Organization,
    leika: LeikaService,
    milestone: dt.date,
    office: str,
    status: str = RoadmapStatus.PLANNED,
    done_on: dt.date | None = None,
    product: Product | None = None,
    note: str = "",
) -> RoadmapItem:
    errors: dict[str, list[str]] = {}
    if not office.strip():
        errors["office"] = [_("Name the office responsible.")]
    if status not in RoadmapStatus.values:
        errors["status"] = [_("Unknown status.")]
    if status == RoadmapStatus.DONE and done_on is None:
        errors["done_on"] = [_("Give the date on which the milestone was reached.")]
    if status != RoadmapStatus.DONE and done_on is not None:
        errors["done_on"] = [_("Only a milestone that is done has a date of completion.")]
    try:
        check_year(milestone.year)
    except ValidationError as exc:
        errors["milestone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    item = RoadmapItem.objects.filter(organization=organization, leika=leika).first()
    before = model_snapshot(item) if item else None
    item = item or RoadmapItem(organization=organization, leika=leika, milestone=milestone)
    item.milestone, item.office, item.status, item.done_on = milestone, office.strip()[:200], status, done_on
    item.product, item.note = product, note[:500]
    item.modified = timezone.now()
    item.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=item,
        before=before,
        after=model_snapshot(item),
        scope_organization_id=organization.pk,
    )
    return item


def themenfelder() -> list[Themenfeld]:
    return list(Themenfeld.objects.filter(withdrawn_in__isnull=True))
