import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.orders.choices import OrderKind, OrderStatus
from verbund.registry.choices import ApprovalStatus


class Subscription(TimeStampedModel):
    """A member's running use of one product: from its start to its (inclusive) end, quantities over time."""

    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end (inclusive)"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change; guards against lost updates.")
    )

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["member", "product__number", "start_date"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        indexes = [models.Index(fields=["member", "start_date"], name="orders_sub_member_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="orders_subscription_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("orders:contract_folder", args=[self.member_id]) + f"#sub-{self.pk}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class SubscriptionQuantity(models.Model):
    """The quantity of a subscription from a date on (effective-dated, so billing can pro-rate exactly)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="quantities")
    valid_from = models.DateField(_("valid from"))
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.ForeignKey("Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("subscription__member_id",)

    class Meta:
        ordering = ["subscription", "valid_from", "id"]
        verbose_name = _("quantity")
        verbose_name_plural = _("quantities")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} ab {self.valid_from:%d.%m.%Y}"


class Order(TimeStampedModel):
    """A member's request (new product, quantity change, cancellation) that provider staff confirm or reject."""

    number = models.CharField(_("order number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices, default=OrderKind.NEW)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.SUBMITTED, db_index=True
    )
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="orders"
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    subscription_version = models.PositiveIntegerField(null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2, null=True, blank=True)
    effective_date = models.DateField(
        _("effective date"),
        help_text=_("Start of a new subscription, date of a change, or last day of a cancelled one."),
    )
    member_reference = models.CharField(_("your reference / cost centre"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    price_revision = models.ForeignKey(
        "catalog.PriceRevision",
        verbose_name=_("price shown"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    annual_net_preview = models.DecimalField(
        _("fee shown (net)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    accession = models.ForeignKey(
        "registry.AgreementParty",
        verbose_name=_("accession"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        help_text=_(
            "The member's accession to the provider's agreement that this order waits for; both take effect "
            "together when the committee approves the accession."
        ),
    )

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["status", "created"], name="orders_order_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.product.number}"

    def get_absolute_url(self) -> str:
        return reverse("orders:order_detail", args=[self.pk])

    @property
    def waits_for_accession(self) -> bool:
        return self.accession is not None and self.accession.status != ApprovalStatus.APPROVED
