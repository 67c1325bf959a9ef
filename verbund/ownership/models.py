"""Ownership of the consolidation's entities (holding, operating company): who holds which share and which board
seats, from when to when (effective-dated). The in-house check (`engine/inhouse.py`) reads these rows."""

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel


class Ownership(TimeStampedModel):
    """`owner` holds `share` (a fraction, 0.25 = 25 %) of `entity` and `board_seats` seats in its governing
    bodies from `valid_from` to `valid_to` (inclusive; empty: open-ended)."""

    entity = models.ForeignKey(
        "registry.Organization", verbose_name=_("entity"), on_delete=models.PROTECT, related_name="owners"
    )
    owner = models.ForeignKey(
        "registry.Organization", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="holdings"
    )
    share = models.DecimalField(
        _("share (fraction)"),
        max_digits=7,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001")), MaxValueValidator(Decimal("1"))],
        help_text=_("0.25 is a quarter of the capital."),
    )
    board_seats = models.PositiveSmallIntegerField(_("board seats"), default=0, validators=[MaxValueValidator(99)])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    demo = models.BooleanField(_("demo data"), default=False)

    objects = RestrictedQuerySet.as_manager()
    # A member contact sees the stakes its own organisation holds.
    access_owner_paths = ("owner_id",)

    class Meta:
        ordering = ["entity__name", "-share", "owner__name", "valid_from"]
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="ownership_valid_range",
            ),
            models.CheckConstraint(condition=Q(share__gt=0) & Q(share__lte=1), name="ownership_share_range"),
            models.CheckConstraint(condition=~Q(entity=models.F("owner")), name="ownership_not_itself"),
        ]
        indexes = [models.Index(fields=["entity", "valid_from"], name="ownership_entity_from_idx")]

    def __str__(self) -> str:
        return f"{self.owner} → {self.entity} ({self.share})"

    def get_absolute_url(self) -> str:
        return reverse("ownership:entity_detail", args=[self.entity_id])

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
