"""The import of the official municipality directory (GV100AD): organisations created or updated, all or nothing."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record_many, build_event, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import CENT, round_even
from verbund.registry import gv100ad
from verbund.registry.choices import DataSource, OrganizationKind
from verbund.registry.models import Organization

# ---------------------------------------------------------------- official data import

_IMPORT_KINDS = {
    gv100ad.STATE: OrganizationKind.STATE,
    gv100ad.REGION: OrganizationKind.REGION,
    gv100ad.DISTRICT: OrganizationKind.DISTRICT,
    gv100ad.MUNICIPALITY: OrganizationKind.MUNICIPALITY,
}
_IMPORT_FIELDS = (
    "name",
    "ars",
    "land",
    "official_type",
    "population",
    "area_km2",
    "city",
    "postcode",
    "territorial_status",
    "parent_id",
)

_BLANK = ("", None)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_records: int = 0
    missing: list[str] = field(default_factory=list)
    deactivated: int = 0
    changes: list[str] = field(default_factory=list)
    counts_by_kind: dict[str, int] = field(default_factory=dict)
    population_municipalities: int = 0


def _parent_key(record: gv100ad.Gv100Record) -> tuple[str, str] | None:
    if record.record_type == gv100ad.MUNICIPALITY:
        return (OrganizationKind.DISTRICT, record.land + record.rb + record.kreis)
    if record.record_type == gv100ad.DISTRICT:
        if record.rb != "0":
            return (OrganizationKind.REGION, record.land + record.rb)
        return (OrganizationKind.STATE, record.land)
    if record.record_type == gv100ad.REGION:
        return (OrganizationKind.STATE, record.land)
    return None


def _target_values(record: gv100ad.Gv100Record, aggregates: dict[tuple[str, str], tuple[int, int]]) -> dict[str, Any]:
    kind = _IMPORT_KINDS[record.record_type]
    population = record.population
    area = record.area_km2
    if kind != OrganizationKind.MUNICIPALITY:
        # The file gives figures for municipalities only; higher levels are the sums of their municipalities.
        pop_sum, area_ha_sum = aggregates.get((kind, record.ags), (0, 0))
        population, area = pop_sum, Decimal(area_ha_sum) / 100
    return {
        "name": record.name,
        "ars": record.ars if kind == OrganizationKind.MUNICIPALITY else "",
        "land": record.land,
        "official_type": record.type_code,
        "population": population,
        "area_km2": None if area is None else round_even(area, CENT),
        "city": record.seat or (record.name.split(",")[0] if kind == OrganizationKind.MUNICIPALITY else ""),
        "postcode": record.postcode,
        "territorial_status": record.status_date,
    }


def _aggregate(records: list[gv100ad.Gv100Record]) -> dict[tuple[str, str], tuple[int, int]]:
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record.record_type != gv100ad.MUNICIPALITY:
            continue
        for key in (
            (OrganizationKind.DISTRICT, record.land + record.rb + record.kreis),
            (OrganizationKind.REGION, record.land + record.rb),
            (OrganizationKind.STATE, record.land),
        ):
            sums[key][0] += record.population or 0
            sums[key][1] += record.area_ha or 0
    return {key: (value[0], value[1]) for key, value in sums.items()}


def _comparable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return round_even(value, CENT)
    return value


@transaction.atomic
def gemeindeverzeichnis_import(
    *,
    actor: Any,
    records: list[gv100ad.Gv100Record],
    source_name: str = "",
    deactivate_missing: bool = False,
    progress: Any = None,
) -> ImportReport:
    """Create or update Länder, Regierungsbezirke, Kreise and Gemeinden from parsed GV100AD records.

    Idempotent: rows whose figures did not change are not touched and get no audit event. Records of other
    types (Regionen, Gemeindeverbände) are counted as skipped. Rows from an earlier import that the file no
    longer has (e.g. after a merger) are reported, and deactivated only when asked.
    """
    report = ImportReport()
    aggregates = _aggregate(records)
    content_type = ContentType.objects.get_for_model(Organization)
    existing: dict[tuple[str, str], Organization] = {
        (org.kind, org.ags): org
        for org in Organization.objects.filter(kind__in=list(_IMPORT_KINDS.values())).exclude(ags="")
    }
    ids: dict[tuple[str, str], int] = {key: org.pk for key, org in existing.items()}
    seen: set[tuple[str, str]] = set()
    events = []
    now = timezone.now()
    message = _("Import of the municipality directory %(source)s") % {"source": source_name or "GV100AD"}
    for level in (gv100ad.STATE, gv100ad.REGION, gv100ad.DISTRICT, gv100ad.MUNICIPALITY):
        kind = _IMPORT_KINDS[level]
        to_create: list[Organization] = []
        to_update: list[tuple[Organization, dict[str, Any]]] = []
        level_records = [r for r in records if r.record_type == level]
        for record in level_records:
            key = (kind, record.ags)
            seen.add(key)
            values = _target_values(record, aggregates)
            parent_key = _parent_key(record)
            values["parent_id"] = ids.get(parent_key) if parent_key else None
            if kind == OrganizationKind.MUNICIPALITY:
                report.population_municipalities += record.population or 0
            current = existing.get(key)
            if current is None:
                to_create.append(
                    Organization(
                        kind=kind,
                        ags=record.ags,
                        data_source=DataSource.GV100AD,
                        created=now,
                        modified=now,
                        **values,
                    )
                )
                continue
            # What the file does not hold (a Kreis has no postcode in GV100AD, an unpopulated area none either)
            # comes as a blank: it never overwrites what a clerk or the demo entered.
            diff = {
                name: value
                for name, value in values.items()
                if value not in _BLANK and _comparable(getattr(current, name)) != _comparable(value)
            }
            if not current.is_active:
                diff["is_active"] = True
            if diff:
                to_update.append((current, diff))
            else:
                report.unchanged += 1
        if to_create:
            Organization.objects.bulk_create(to_create, batch_size=1000)
            created_ids = dict(
                Organization.objects.filter(kind=kind, ags__in=[o.ags for o in to_create]).values_list("ags", "id")
            )
            for org in to_create:
                org.pk = created_ids[org.ags]
                ids[(kind, org.ags)] = org.pk
                events.append(
                    build_event(
                        actor=actor,
                        action=AuditAction.CREATE,
                        obj=org,
                        after=model_snapshot(org, ["ags", *_IMPORT_FIELDS]),
                        scope_organization_id=org.pk,
                        message=message,
                        content_type=content_type,
                    )
                )
            report.created += len(to_create)
        if to_update:
            changed_fields: set[str] = set()
            for org, diff in to_update:
                before = model_snapshot(org, sorted(diff))
                for name, value in diff.items():
                    setattr(org, name, value)
                    changed_fields.add(name)
                org.modified = now
                after = model_snapshot(org, sorted(diff))
                events.append(
                    build_event(
                        actor=actor,
                        action=AuditAction.UPDATE,
                        obj=org,
                        before=before,
                        after=after,
                        scope_organization_id=org.pk,
                        message=message,
                        content_type=content_type,
                    )
                )
                report.changes.append(
                    f"{org.ags} {org.name}: " + ", ".join(f"{k} {before[k]} → {after[k]}" for k in sorted(diff))
                )
            Organization.objects.bulk_update(
                [org for org, _diff in to_update], [*sorted(changed_fields), "modified"], batch_size=1000
            )
            report.updated += len(to_update)
        report.counts_by_kind[kind] = len(level_records)
        if progress is not None:
            progress(kind, len(level_records))
    report.skipped_records = sum(1 for r in records if r.record_type not in _IMPORT_KINDS)
    missing = [
        org
        for key, org in existing.items()
        if key not in seen and org.data_source == DataSource.GV100AD and org.is_active
    ]
    report.missing = [f"{org.ags} {org.name}" for org in missing]
    if deactivate_missing and missing:
        for org in missing:
            events.append(
                build_event(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=org,
                    before={"is_active": True},
                    after={"is_active": False},
                    scope_organization_id=org.pk,
                    message=message,
                    content_type=content_type,
                )
            )
        Organization.objects.filter(pk__in=[org.pk for org in missing]).update(is_active=False, modified=now)
        report.deactivated = len(missing)
    audit_record_many(events)
    return report
