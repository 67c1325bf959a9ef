"""The base of every admin registration: changes made in the Django admin write the same audit events as services.

The admin writes rows with `ModelAdmin.save_model` / `delete_model` / `delete_queryset`, bypassing the services.
`AuditedModelAdmin` wraps each of them in a transaction that also writes an audit event (who, before, after), so
that no admin change is silent. A test asserts that every model registered in the admin site uses it.
"""

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction

_M = TypeVar("_M", bound=models.Model)


def admin_audit_scope(obj: models.Model) -> int | None:
    """The member organisation an object belongs to, for scoping its audit events."""
    for attribute in ("scope_organization_id", "organization_id", "member_id", "provider_id"):
        value = getattr(obj, attribute, None)
        if isinstance(value, int):
            return value
    user = getattr(obj, "user", None)
    return getattr(user, "organization_id", None) if user is not None else None


class AuditedAdminMixin(Generic[_M]):
    """Mix into a ModelAdmin (before it) so that every save and delete writes an audit event."""

    audit_message = "changed in the admin"

    def audit_snapshot(self, obj: _M) -> dict[str, Any]:
        return model_snapshot(obj)

    def save_model(self, request: HttpRequest, obj: _M, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                stored = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = self.audit_snapshot(stored) if stored is not None else None
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                obj=obj,
                before=before,
                after=self.audit_snapshot(obj),
                scope_organization_id=admin_audit_scope(obj),
                message=self.audit_message,
            )

    def delete_model(self, request: HttpRequest, obj: _M) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: "models.QuerySet[_M]") -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)  # type: ignore[misc]

    def _audit_delete(self, request: HttpRequest, obj: _M) -> None:
        audit_record(
            actor=request.user,
            action=AuditAction.DELETE,
            obj=obj,
            before=self.audit_snapshot(obj),
            scope_organization_id=admin_audit_scope(obj),
            message=self.audit_message,
        )


class AuditedModelAdmin(AuditedAdminMixin[_M], admin.ModelAdmin[_M]):
    """Use instead of `admin.ModelAdmin` for every registration."""
