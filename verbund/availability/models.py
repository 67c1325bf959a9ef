"""Service commitments (what the provider promised per product, overridable per member, effective-dated) and
outages (what happened). The figures are computed by `engine` and never stored: a report is always recomputed
from these rows (ADR 0037)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from verbund.availability.choices import OutageKind, OutageSource
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Commitment(TimeStampedModel):
    """The SLA of a product for all members (`member` empty) or one member, from `valid_from` on."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="sla_commitments"
    )
    member = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_commitments",
        help_text=_("Empty: the commitment for every member."),
    )
    valid_from = models.DateField(_("valid from"))
    service_hours = models.CharField(
        _("service time"), max_length=200, help_text=_('Weekly windows, e.g. "Mon-Fri 07:00-18:00" or "24x7".')
    )
    exclude_holidays = models.BooleanField(_("public holidays (NRW) excluded"), default=True)
    target_month = models.DecimalField(
        _("target availability per month (%)"), max_digits=6, decimal_places=3, validators=PERCENT
    )
    target_year = models.DecimalField(
        _("target availability per year (%)"), max_digits=6, decimal_places=3, validators=PERCENT
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice for maintenance (days)"),
        default=5,
        validators=[MaxValueValidator(365)],
        help_text=_("Maintenance is excluded only when announced at least this many days ahead."),
    )
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["product__number", "member__name", "valid_from"]
        verbose_name = _("service commitment")
        verbose_name_plural = _("service commitments")
        constraints = [
            models.UniqueConstraint(fields=["product", "member", "valid_from"], name="availability_commitment_once"),
            models.UniqueConstraint(
                fields=["product", "valid_from"],
                condition=Q(member__isnull=True),
                name="availability_commitment_default_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.number} {self.valid_from:%Y-%m-%d}"

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see the general commitments and their own."""
        return Q(member__isnull=True) | Q(member_id=organization_id)


class Outage(TimeStampedModel):
    """An outage or a maintenance of one or more products. No members listed: every member subscribed to the
    products is affected."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OutageKind.choices, default=OutageKind.OUTAGE)
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("Empty while it lasts."))
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)
    impact = models.DecimalField(
        _("impact"),
        max_digits=4,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal(1))],
        help_text=_("Share of the service lost: 1 = fully down, 0.5 = half of it."),
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    products = models.ManyToManyField("catalog.Product", verbose_name=_("products"), related_name="outages")
    members = models.ManyToManyField(
        "registry.Organization", verbose_name=_("members affected"), blank=True, related_name="outages"
    )
    source = models.CharField(_("source"), max_length=15, choices=OutageSource.choices, default=OutageSource.MANUAL)
    external_key = models.CharField(
        _("key of the source"), max_length=300, blank=True, help_text=_("Makes a repeated import change nothing.")
    )
    demo = models.BooleanField(_("demo figures"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "source", "external_key"],
                condition=~Q(external_key=""),
                name="availability_outage_key_once",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="availability_outage_end_after"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("availability:outage_detail", args=[self.pk])

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """A member sees the outages that affect it: listed by name, or of a product it subscribes to with no
        member listed."""
        from verbund.orders.models import Subscription

        listed = Outage.members.through.objects.filter(organization_id=organization_id).values("outage_id")
        subscribed = Subscription.objects.filter(member_id=organization_id).values("product_id")
        unlisted = Outage.objects.filter(members__isnull=True, products__in=subscribed).values("pk")
        return Q(pk__in=listed) | Q(pk__in=unlisted)
