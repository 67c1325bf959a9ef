"""Shared checks of the controlling services: the actor, the audit event, a year, a number."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
VALUE_LIMIT = Decimal(10) ** 12
BREAKDOWNS = ("member", "product", "office")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(actor: Any, action: AuditAction, obj: Any, provider_id: int, message: str = "", **after: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        after=after or model_snapshot(obj),
        scope_organization_id=provider_id,
        message=message,
    )


def _year(value: int, field: str) -> int:
    if not isinstance(value, int) or not 2000 <= value <= 2100:
        raise ValidationError({field: _("A year between 2000 and 2100.")})
    return value


def _number(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Not a number: %(value)s") % {"value": value}}) from None
    if not number.is_finite() or abs(number) >= VALUE_LIMIT:
        raise ValidationError({field: _("Not a number: %(value)s") % {"value": value}})
    return number
