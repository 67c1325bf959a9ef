"""Base models shared by every app: timestamps and the append-only audit trail."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet


class TimeStampedModel(models.Model):
    """Adds `created` and `modified` (OParl and the audit need both)."""

    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modified"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an append-only row."""


class AuditEventQuerySet(RestrictedQuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class AuditEvent(models.Model):
    """Who changed what, when, with the values before and after. Never updated, never deleted.

    A database trigger (migration 0002) refuses UPDATE on both SQLite and PostgreSQL as a second line of defence.
    """

    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("user name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    # The member organisation the object belongs to, for scoping audit lists; no FK so core stays at the bottom.
    scope_organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    message = models.CharField(_("note"), max_length=500, blank=True)

    objects = AuditEventQuerySet.as_manager()
    access_owner_paths = ("scope_organization_id",)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created"], name="core_audit_object_idx")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each changed field, for display."""
        before = self.before or {}
        after = self.after or {}
        fields = self.changed_fields or sorted(set(before) | set(after))
        return [(name, before.get(name), after.get(name)) for name in fields]


class NumberSequence(models.Model):
    """The last number issued in a series and year (see core.numbering)."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="core_numbersequence_unique")]
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last}"
