"""Transfers of services between providers by committee decision (issue #14).

A `ServiceTransfer` moves products (single ones, a family or a provider's whole portfolio, the "transfer
package") from one provider to another on an effective date. It takes effect only when every required body
(`TransferBody`, a committee) has adopted an identical resolution; its execution copies each product into the
receiving catalogue (`TransferItem.new_product`), ends every running subscription the day before and continues it
at the receiving provider (`MovedSubscription` links the two), and leaves a `TransferNotice` per member.

Transfers are staff data: a member contact sees none of them (no access path), only its own notices.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from verbund.catalog.choices import VatTreatment
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel
from verbund.transfers.choices import TransferScope, TransferStatus


class ServiceTransfer(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    from_provider = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("transferring provider"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_provider = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("receiving provider"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    scope = models.CharField(_("scope"), max_length=12, choices=TransferScope.choices, default=TransferScope.PRODUCTS)
    family = models.ForeignKey(
        "catalog.ProductFamily",
        verbose_name=_("family"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.DRAFT, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reference = models.CharField(_("decisions"), max_length=500, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    target_version = models.ForeignKey(
        "catalog.CatalogueVersion",
        verbose_name=_("receiving catalogue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    moved_subscriptions = models.PositiveIntegerField(_("subscriptions moved"), default=0)

    objects = RestrictedQuerySet.as_manager()
    # no access path: member contacts see no transfer, only their notices (TransferNotice)

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("service transfer")
        verbose_name_plural = _("service transfers")
        constraints = [
            models.CheckConstraint(condition=~Q(from_provider=models.F("to_provider")), name="transfers_two_providers")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("transfers:transfer_detail", args=[self.pk])


class TransferItem(models.Model):
    """One product that moves, with the price the receiving provider charges from the effective date."""

    transfer = models.ForeignKey(ServiceTransfer, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="transfer_items"
    )
    new_number = models.CharField(_("new product number"), max_length=20)
    source_price = models.DecimalField(
        _("previous unit price (net EUR)"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    unit_price = models.DecimalField(
        _("unit price at the receiving provider (net EUR)"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    vat_treatment = models.CharField(
        _("VAT treatment"), max_length=20, choices=VatTreatment.choices, default=VatTreatment.TAXABLE
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("19.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    new_product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product at the receiving provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_from",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        # by the columns, not the transfer's own ordering: no join to the transfer in every query of these rows
        ordering = ["transfer_id", "product__number"]
        verbose_name = _("transferred product")
        verbose_name_plural = _("transferred products")
        constraints = [
            models.UniqueConstraint(fields=["transfer", "product"], name="transfers_item_unique_product"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="transfers_item_price_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.number} → {self.new_number}"


class TransferBody(models.Model):
    """A body whose resolution the transfer needs; identical resolutions of all of them make it effective."""

    transfer = models.ForeignKey(ServiceTransfer, on_delete=models.CASCADE, related_name="bodies")
    committee = models.ForeignKey(
        "governance.Committee", verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["transfer_id", "id"]
        verbose_name = _("required body")
        verbose_name_plural = _("required bodies")
        constraints = [models.UniqueConstraint(fields=["transfer", "committee"], name="transfers_body_unique")]

    def __str__(self) -> str:
        return f"{self.transfer}: {self.committee}"


class MovedSubscription(models.Model):
    """The link from a subscription ended by a transfer to the one that continues it at the receiving provider,
    so that the quantity history of a member's use of the service stays one story across providers."""

    transfer = models.ForeignKey(ServiceTransfer, on_delete=models.CASCADE, related_name="moves")
    item = models.ForeignKey(TransferItem, on_delete=models.CASCADE, related_name="moves")
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    old_subscription = models.OneToOneField(
        "orders.Subscription",
        verbose_name=_("previous subscription"),
        on_delete=models.PROTECT,
        related_name="transferred_to",
    )
    new_subscription = models.OneToOneField(
        "orders.Subscription",
        verbose_name=_("continuing subscription"),
        on_delete=models.PROTECT,
        related_name="transferred_from",
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        # columns only: ordering by the transfer and the member (their own orderings) joined both tables into
        # every query, and with stale statistics PostgreSQL once chose a plan that ran for minutes
        ordering = ["transfer_id", "member_id", "id"]
        verbose_name = _("moved subscription")
        verbose_name_plural = _("moved subscriptions")

    def __str__(self) -> str:
        return f"{self.old_subscription_id} → {self.new_subscription_id}"


class TransferNotice(TimeStampedModel):
    """What a member is told of an executed transfer: shown in its contract folder, with a PDF letter."""

    transfer = models.ForeignKey(ServiceTransfer, on_delete=models.PROTECT, related_name="notices")
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="transfer_notices"
    )

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("transfer notice")
        verbose_name_plural = _("transfer notices")
        constraints = [models.UniqueConstraint(fields=["transfer", "member"], name="transfers_notice_unique")]

    def __str__(self) -> str:
        return f"{self.transfer} – {self.member}"

    def get_absolute_url(self) -> str:
        return reverse("transfers:notice_detail", args=[self.pk])
