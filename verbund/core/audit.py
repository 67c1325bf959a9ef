"""Writing the audit trail. Every service that creates, changes or deletes calls `audit_record`."""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from verbund.core.models import AuditAction, AuditEvent

SYSTEM_ACTOR_NAME = "system"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def model_snapshot(obj: models.Model, fields: Sequence[str] | None = None) -> dict[str, Any]:
    """The object's concrete field values as JSON-safe data (FKs as ids)."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.name not in ("created", "modified", "password")
    ]
    return {name: _json_value(getattr(obj, name)) for name in names}


def _actor_fields(actor: Any) -> dict[str, Any]:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor": actor, "actor_name": actor.get_username()}
    return {"actor": None, "actor_name": SYSTEM_ACTOR_NAME}


def build_event(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    scope_organization_id: int | None = None,
    message: str = "",
    content_type: ContentType | None = None,
) -> AuditEvent:
    changed = sorted(k for k in set(before or {}) | set(after or {}) if (before or {}).get(k) != (after or {}).get(k))
    return AuditEvent(
        **_actor_fields(actor),
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        scope_organization_id=scope_organization_id,
        before=before,
        after=after,
        changed_fields=changed,
        message=message[:500],
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    """Write one audit event (call inside the service's transaction)."""
    event = build_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent], batch_size: int = 2000) -> int:
    """Write many prepared events at once (bulk imports)."""
    created = AuditEvent.objects.bulk_create(list(events), batch_size=batch_size)
    return len(created)


def audit_events_for(obj: models.Model) -> "models.QuerySet[AuditEvent]":
    """The object's history, newest first. The caller has already checked that the user may see `obj`."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")
