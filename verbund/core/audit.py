"""Writing the audit trail (every service that creates, changes or deletes calls `audit_record`) and showing it
(`audit_history`: labels, localised values and names instead of raw field names, values and ids)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from verbund.core.bulkcopy import copy_rows
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
    """Write many prepared events at once (bulk imports, transfers): by COPY on PostgreSQL (`core.bulkcopy`;
    `bulk_create` spent most of a national transfer's time building its statements), `bulk_create` elsewhere.
    The events' ids are not needed back."""
    names = [field.attname for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    return copy_rows(
        AuditEvent,
        names,
        ([getattr(event, name) for name in names] for event in events),
        batch_size=batch_size,
    )


def audit_events_for(obj: models.Model) -> "models.QuerySet[AuditEvent]":
    """The object's history, newest first. The caller has already checked that the user may see `obj`."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


# --- showing the history -------------------------------------------------------------------------------------

# Labels of keys that services record besides model fields, and of model fields declared without a translatable
# verbose name (their automatic name is English).
EXTRA_LABELS: dict[str, Any] = {
    "agenda": _("agenda"),
    "agenda_item": _("agenda item"),
    "agreement": _("agreement"),
    "amount": _("amount"),
    "body": _("body"),
    "cast_by": _("cast by"),
    "centre": _("cost centre"),
    "choice": _("choice"),
    "content": _("content"),
    "cost": _("cost"),
    "cost_type": _("cost type"),
    "created": _("created"),
    "credit_note": _("credit note"),
    "decided_by": _("decided by"),
    "drafts_replaced": _("drafts replaced"),
    "fee": _("fee"),
    "fee_lines": _("fee lines"),
    "invoice": _("invoice"),
    "invoices": _("invoices"),
    "issue_refused": _("issue refused"),
    "issued_by": _("issued by"),
    "items": _("items"),
    "key_prefix": _("key prefix"),
    "meeting": _("meeting"),
    "member": _("member"),
    "membership": _("membership"),
    "mime_type": _("file type"),
    "modified": _("modified"),
    "name": _("name"),
    "order": _("order"),
    "paper": _("paper"),
    "plan": _("plan"),
    "prepared_by": _("prepared by"),
    "present": _("present"),
    "price_revision": _("price revision"),
    "problems": _("problems"),
    "product": _("product"),
    "product_plan": _("product"),
    "products": _("products"),
    "provider": _("provider"),
    "quantity": _("quantity"),
    "rate": _("rate"),
    "reason": _("reason"),
    "received": _("received"),
    "receiver": _("receiver"),
    "recorded_by": _("recorded by"),
    "share": _("share"),
    "size": _("size"),
    "state": _("state"),
    "submitted_by": _("submitted by"),
    "subscription": _("subscription"),
    "total": _("total"),
    "user": _("user"),
    "valid_from": _("valid from"),
    "weight": _("weight"),
    "year": _("year"),
}
# Internal keys, not shown: ids without a field to resolve them, version counters, hashes, generic references.
HIDDEN_KEYS = frozenset(
    {
        "id",
        "version",
        "subscription_version",
        "proxy",
        "copied_from",
        "key_hash",
        "sha512",
        "object_id",
        "subject_id",
        "content_type",
        "scope_organization_id",
    }
)
YEAR_NAMES = frozenset({"year", "from_year", "fiscal_year"})
EMPTY = "–"


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    event: AuditEvent
    changes: list[Change]


def _model_field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    """The concrete field recorded under `name` (its name or attname, e.g. member or member_id)."""
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if name in (field.name, field.attname):
            return field
    return None


def _is_year(name: str) -> bool:
    return name in YEAR_NAMES or name.endswith("_year")


def _number(value: Any, places: int | None = None) -> str:
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _plain_value(name: str, value: Any) -> str:
    """A recorded value without a model field to tell its type: numbers localised, years without separators."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, int):
        return str(value) if _is_year(name) else _number(value)
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(name, v) for v in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain_value(k, v)}" for k, v in value.items()) or EMPTY
    text = str(value)
    day = parse_date(text) if len(text) == 10 else None
    if day is not None:
        return date_format(day, "SHORT_DATE_FORMAT")
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if not number.is_finite() or not text.replace(".", "", 1).lstrip("-").isdigit():
        return text
    exponent = number.as_tuple().exponent
    return _number(number, -exponent if isinstance(exponent, int) and exponent < 0 else 0)


def _field_value(field: models.Field[Any, Any], value: Any, objects: dict[Any, dict[Any, str]]) -> str:
    if field.is_relation:
        related = field.related_model
        return objects.get(related, {}).get(value, str(_("(deleted)"))) if related is not None else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(value))
        if moment is None:
            return str(value)
        return date_format(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        day = parse_date(str(value)[:10])
        return date_format(day, "SHORT_DATE_FORMAT") if day is not None else str(value)
    if isinstance(field, models.DecimalField):
        try:
            return _number(Decimal(str(value)), field.decimal_places)
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(field, models.IntegerField) and str(value).lstrip("-").isdigit():
        return str(value) if _is_year(field.name) else _number(int(value))
    return _plain_value(field.name, value)


def audit_history(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    """The events with their changes ready to show: the fields' labels (translated verbose names), values
    formatted for the locale (choices as labels, years without separators, dates and amounts localised, other
    objects by their name), internal ids left out. Related objects are read with one query per model."""
    events = list(events)
    rows: list[tuple[AuditEvent, list[tuple[str, models.Field[Any, Any] | None, Any, Any]]]] = []
    wanted: dict[Any, set[Any]] = {}
    for event in events:
        model = ContentType.objects.get_for_id(event.content_type_id).model_class()
        changes = []
        for name, before, after in event.changes():
            field = _model_field(model, name)
            if name in HIDDEN_KEYS or (field is not None and field.primary_key):
                continue
            if field is None and name.endswith("_id"):
                continue  # an id without a field to resolve it
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(v for v in (before, after) if v is not None)
            if before in (None, "") and after in (None, ""):
                continue  # nothing to show (an empty field of a new object)
            changes.append((name, field, before, after))
        rows.append((event, changes))
    objects: dict[Any, dict[Any, str]] = {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(list(ids)).items()}
        for related, ids in wanted.items()
    }

    def show(name: str, field: models.Field[Any, Any] | None, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        return _field_value(field, value, objects) if field is not None else _plain_value(name, value)

    entries = []
    for event, changes in rows:
        shown = []
        for name, field, before, after in changes:
            if field is not None and isinstance(field.verbose_name, Promise):  # declared, translatable
                label = capfirst(str(field.verbose_name))
            else:
                key = field.name if field is not None else name
                label = capfirst(str(EXTRA_LABELS.get(key, key.replace("_", " "))))
            shown.append(Change(label, show(name, field, before), show(name, field, after)))
        entries.append(HistoryEntry(event, shown))
    return entries
