from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from verbund.catalog.choices import (
    CatalogueStatus,
    Category,
    ChargeUnit,
    ProductStatus,
    RevisionStatus,
    VatTreatment,
)
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import TimeStampedModel


class Bilingual:
    """German name first; the English one where the UI speaks English and one is given."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class ProductFamily(Bilingual, TimeStampedModel):
    """A group of products (e.g. Arbeitsplatz, Fachverfahren Finanzen)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("product family")
        verbose_name_plural = _("product families")

    def __str__(self) -> str:
        return self.display_name

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q()


class Product(Bilingual, TimeStampedModel):
    """A service of the provider's catalogue, charged per unit with a yearly (or one-off) price."""

    number = models.CharField(_("product number"), max_length=20, unique=True)
    name = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (German)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    family = models.ForeignKey(
        ProductFamily, verbose_name=_("family"), on_delete=models.PROTECT, related_name="products"
    )
    variant_of = models.ForeignKey(
        "self", verbose_name=_("variant of"), null=True, blank=True, on_delete=models.PROTECT, related_name="variants"
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, db_index=True)
    unit = models.CharField(_("unit of charge"), max_length=20, choices=ChargeUnit.choices)
    in_standard_package = models.BooleanField(_("in the standard package"), default=False)
    origin_provider = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("provider of origin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="originated_products",
    )
    product_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("product manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_products",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT, db_index=True
    )
    notice_period_months = models.PositiveSmallIntegerField(
        _("notice period (months)"), default=3, validators=[MaxValueValidator(36)]
    )
    sla_service_hours = models.CharField(_("service hours"), max_length=120, blank=True)
    sla_target_availability = models.DecimalField(
        _("target availability (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    sla_support_hours = models.CharField(_("support hours"), max_length=120, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.CheckConstraint(
                condition=Q(sla_target_availability__isnull=True)
                | Q(sla_target_availability__gte=0, sla_target_availability__lte=100),
                name="catalog_product_availability_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.display_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:product_detail", args=[self.pk])

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        """Members see what they can order (active) and what they already have (their subscriptions)."""
        return Q(status=ProductStatus.ACTIVE) | Q(subscriptions__member_id=organization_id)

    @property
    def display_description(self) -> str:
        if (get_language() or "de").startswith("en") and self.description_en:
            return self.description_en
        return self.description

    @property
    def is_orderable(self) -> bool:
        return self.status == ProductStatus.ACTIVE


class PriceRevision(TimeStampedModel):
    """The net price per unit from a date on. Never edited once approved; a correction is a new revision."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="price_revisions"
    )
    valid_from = models.DateField(_("valid from"))
    unit_price = models.DecimalField(
        _("unit price (net EUR)"), max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
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
    vat_exemption_reason = models.CharField(_("reason for no VAT"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT, db_index=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    catalogue_version = models.ForeignKey(
        "CatalogueVersion",
        verbose_name=_("approved with"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_revisions",
    )
    supersedes = models.ForeignKey(
        "self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["product", "-valid_from", "-id"]
        verbose_name = _("price revision")
        verbose_name_plural = _("price revisions")
        indexes = [models.Index(fields=["product", "status", "valid_from"], name="catalog_price_lookup_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="catalog_price_non_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="catalog_vat_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.product.number} ab {self.valid_from:%d.%m.%Y}: {self.unit_price} EUR"

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q(status=RevisionStatus.APPROVED)


class CatalogueVersion(TimeStampedModel):
    """The catalogue of one provider for one year: a snapshot of products and prices that a committee approves."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="catalogue_versions"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=CatalogueStatus.choices, default=CatalogueStatus.DRAFT, db_index=True
    )
    valid_from = models.DateField(_("valid from"))
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    decision_reference = models.CharField(
        _("decision"), max_length=120, blank=True, help_text=_("Reference of the committee decision that approved it.")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "year"],
                condition=Q(status="approved"),
                name="catalog_one_approved_version_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("catalog:version_detail", args=[self.pk])

    @classmethod
    def access_member_filter(cls, organization_id: int) -> Q:
        return Q(status__in=[CatalogueStatus.APPROVED, CatalogueStatus.SUPERSEDED])


class CatalogueVersionItem(models.Model):
    version = models.ForeignKey(CatalogueVersion, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="catalogue_items")
    price_revision = models.ForeignKey(PriceRevision, on_delete=models.PROTECT, related_name="catalogue_items")

    class Meta:
        ordering = ["product__number"]
        constraints = [models.UniqueConstraint(fields=["version", "product"], name="catalog_item_unique_product")]

    def __str__(self) -> str:
        return f"{self.version}: {self.product}"

    def snapshot(self) -> dict[str, Any]:
        return {"product": self.product.number, "price_revision": self.price_revision_id}
