"""The only writers of the evidence app: replacing a provider's records of one kind and year by an imported
file (`evidence_replace`) and importing a version of the BSI kernel catalogue (`catalogue_import`). Both check
first, write all or nothing, do nothing when nothing changed (a repeated import changes nothing) and record an
audit event; a replacing import also keeps its diff in `EvidenceImport`."""

import datetime as dt
import hashlib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.evidence.choices import ImportKind
from verbund.evidence.engine.oscal import parse_catalogue
from verbund.evidence.models import Asset, Control, ControlCatalogue, ControlStatus, EvidenceImport, Incident, Post
from verbund.registry.choices import PROVIDER_KINDS

MODELS: dict[str, tuple[type[models.Model], str]] = {
    ImportKind.STAFF: (Post, "post"),
    ImportKind.ASSETS: (Asset, "asset"),
    ImportKind.CONTROLS: (ControlStatus, "control__control_id"),
    ImportKind.INCIDENTS: (Incident, "reference"),
}
FIELDS: dict[str, tuple[str, ...]] = {
    ImportKind.STAFF: (
        "title",
        "unit",
        "planned_fte",
        "filled_fte",
        "advertised_on",
        "started_on",
        "left_on",
        "telework",
    ),
    ImportKind.ASSETS: ("kind", "purchased_on", "retired_on", "eco_label", "warranty_years"),
    ImportKind.CONTROLS: ("control_id", "state", "note"),
    ImportKind.INCIDENTS: ("occurred_on", "solved_on", "extent", "cause", "description"),
}
MAX_DIFF = 2000  # changes kept per import (the counts are always complete)


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _normal(record: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _json(value) for name, value in record.items()}


def current_records(*, provider: Any, year: int, kind: str) -> dict[str, dict[str, Any]]:
    model, key = MODELS[kind]
    manager: Any = model._default_manager
    rows = manager.filter(provider=provider, year=year).values(key, *FIELDS[kind])
    return {row.pop(key): _normal(row) for row in rows}


@transaction.atomic
def evidence_replace(
    *,
    actor: Any,
    provider: Any,
    year: int,
    kind: str,
    records: Mapping[str, Mapping[str, Any]],
    file_name: str = "",
    demo: bool = False,
) -> EvidenceImport | None:
    """Replace the provider's records of `kind` and `year` by `records` (key → field values, as parsed by
    `evidence.imports`). Returns the import with its diff, or None when the file equals what is there."""
    if kind not in MODELS:
        raise ValidationError({"kind": _("Unknown kind of evidence: %(kind)s") % {"kind": kind}})
    if getattr(provider, "kind", None) not in PROVIDER_KINDS:
        raise ValidationError({"provider": _("Evidence is recorded for a provider organisation.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    fields = FIELDS[kind]
    for key, record in records.items():
        if not key or set(record) != set(fields):
            raise ValidationError({"records": _("Every record needs a key and all its fields.")})
    model, key_name = MODELS[kind]
    manager: Any = model._default_manager
    before = current_records(provider=provider, year=year, kind=kind)
    after = {key: _normal(record) for key, record in records.items()}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(key for key in set(after) & set(before) if after[key] != before[key])
    if not added and not removed and not changed:
        return None
    stale = removed + changed
    if stale:
        manager.filter(provider=provider, year=year, **{f"{key_name}__in": stale}).delete()
    store_key = "" if kind == ImportKind.CONTROLS else key_name  # controls are keyed by their foreign key
    new = []
    for key in added + changed:
        values: dict[str, Any] = dict(records[key])
        if store_key:
            values[store_key] = key
        new.append(model(provider=provider, year=year, demo=demo, **values))
    manager.bulk_create(new)
    diff = (
        [{"key": key, "change": "added", "after": after[key]} for key in added]
        + [{"key": key, "change": "changed", "before": before[key], "after": after[key]} for key in changed]
        + [{"key": key, "change": "removed", "before": before[key]} for key in removed]
    )
    evidence = EvidenceImport.objects.create(
        provider=provider,
        year=year,
        kind=kind,
        file_name=file_name[:200],
        rows=len(records),
        added=len(added),
        changed=len(changed),
        removed=len(removed),
        diff=diff[:MAX_DIFF],
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        demo=demo,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=evidence,
        before={"records": len(before)},
        after={"records": len(after), "added": len(added), "changed": len(changed), "removed": len(removed)},
        scope_organization_id=provider.pk,
        message=_("Evidence %(kind)s %(year)s imported from %(file)s")
        % {"kind": ImportKind(kind).label, "year": year, "file": file_name or "-"},
    )
    return evidence


@transaction.atomic
def catalogue_import(*, actor: Any, data: bytes, source: str) -> ControlCatalogue | None:
    """Import a version of the BSI Grundschutz++ kernel catalogue (OSCAL JSON) as the control list. The same file
    again changes nothing (None). A newer one adds new controls, updates changed ones and marks the controls it no
    longer has as withdrawn (their statuses stay, for the years they were recorded in)."""
    digest = hashlib.sha256(data).hexdigest()
    if ControlCatalogue.objects.filter(sha256=digest).exists():
        return None
    catalogue = parse_catalogue(data)  # CatalogueError names the problem
    existing = {control.control_id: control for control in Control.objects.all()}
    entries = {entry.control_id: entry for entry in catalogue.controls}
    added = sorted(set(entries) - set(existing))
    withdrawn = sorted(key for key, control in existing.items() if key not in entries and not control.withdrawn)
    changed = sorted(
        key
        for key in set(entries) & set(existing)
        if existing[key].content() != entries[key].content() or existing[key].withdrawn
    )
    record = ControlCatalogue.objects.create(
        title=catalogue.title,
        version=catalogue.version,
        published=catalogue.published,
        sha256=digest,
        source=source[:300],
        controls=len(entries),
        added=len(added),
        changed=len(changed),
        withdrawn=len(withdrawn),
        diff={"added": added, "changed": changed, "withdrawn": withdrawn},
    )
    Control.objects.bulk_create(Control(control_id=key, catalogue=record, **entries[key].content()) for key in added)
    updates = []
    for key in changed:
        control = existing[key]
        for name, value in entries[key].content().items():
            setattr(control, name, value)
        control.withdrawn = False
        control.catalogue = record
        updates.append(control)
    fields = [*entries[added[0] if added else next(iter(entries))].content(), "withdrawn", "catalogue"]
    Control.objects.bulk_update(updates, fields, batch_size=500)
    Control.objects.filter(control_id__in=withdrawn).update(withdrawn=True)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        after={"controls": len(entries), "added": len(added), "changed": len(changed), "withdrawn": len(withdrawn)},
        message=_("BSI kernel catalogue %(version)s imported") % {"version": catalogue.version},
    )
    return record
