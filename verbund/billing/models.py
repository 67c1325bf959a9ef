"""Seller profiles, invoice runs, invoices and their lines.

An invoice is prepared as a draft (a preview that may be rebuilt any number of times) and then issued: it gets
its gap-free number, the seller and buyer data as they are on that day, the XRechnung XML and its SHA-256.
From then on it is never changed; the only transition left is issued → cancelled, done by the credit-note
service together with the credit note that reverses it. `save()`/`delete()` refuse anything else, and a database
trigger (migration 0002) refuses it again for raw SQL.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from verbund.billing.choices import (
    InvoiceFrequency,
    InvoiceStatus,
    InvoiceType,
    LineKind,
    RunKind,
    RunStatus,
    VatCategory,
)
from verbund.billing.validators import validate_bic, validate_iban, validate_vat_id
from verbund.core.access import RestrictedQuerySet
from verbund.core.models import AppendOnlyError, TimeStampedModel
from verbund.registry.validators import validate_digits


class SellerProfile(TimeStampedModel):
    """What a provider's invoices say about the seller (EN 16931 BG-4, BG-6, BG-16) and how it bills."""

    provider = models.OneToOneField(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="seller_profile"
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10, validators=[validate_digits])
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="DE")
    vat_id = models.CharField(_("VAT identification number"), max_length=20, blank=True, validators=[validate_vat_id])
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True)
    legal_registration_id = models.CharField(
        _("legal registration identifier"),
        max_length=60,
        blank=True,
        help_text=_(
            "BT-30, e.g. the register number, or the official key of the public body the provider belongs to. "
            "Invoices of services not subject to VAT carry no VAT id (BR-O-02) and need it (BR-CO-26)."
        ),
    )
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    electronic_address = models.EmailField(
        _("electronic address"), help_text=_("Where buyers send replies to e-invoices (BT-34, scheme EM).")
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True, validators=[validate_bic])
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    invoice_frequency = models.CharField(
        _("instalment periods"), max_length=10, choices=InvoiceFrequency.choices, default=InvoiceFrequency.MONTHLY
    )
    number_prefix = models.CharField(
        _("prefix of the invoice numbers"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("One or two capital letters."))],
        help_text=_(
            "Where several providers bill side by side, each gets its own number series: KA gives KARE-2026-000001, "
            "KAGS-… for credit notes. Empty: RE-…, GS-…, IV-…"
        ),
    )
    host_settlement_internal = models.BooleanField(
        _("settle the host city internally"),
        default=False,
        help_text=_("The host city gets an internal settlement document: no VAT, not an e-invoice."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised by every change; guards against lost updates.")
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("seller profile")
        verbose_name_plural = _("seller profiles")
        constraints = [
            models.CheckConstraint(condition=~Q(vat_id="") | ~Q(tax_number=""), name="billing_seller_tax_identifier"),
            models.UniqueConstraint(
                fields=["number_prefix"], condition=~Q(number_prefix=""), name="billing_seller_prefix_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name


class InvoiceRun(TimeStampedModel):
    """One billing run of a provider: instalments of a period, the final settlement of a year, or extras.

    Unique per (provider, kind, year, period): running it again finds the same run and rebuilds its drafts."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("provider"), on_delete=models.PROTECT, related_name="invoice_runs"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RunKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    period = models.PositiveSmallIntegerField(_("period"), null=True, blank=True)
    frequency = models.CharField(_("periods"), max_length=10, choices=InvoiceFrequency.choices, blank=True)
    billing_date = models.DateField(_("billing date"))
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT, db_index=True
    )
    problems = models.JSONField(_("problems"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-period", "-id"]
        verbose_name = _("invoice run")
        verbose_name_plural = _("invoice runs")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "year", "period"],
                condition=Q(period__isnull=False),
                name="billing_run_once_per_period",
            ),
            models.UniqueConstraint(
                fields=["provider", "kind", "year"], condition=Q(period__isnull=True), name="billing_run_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.period}/{self.year}" if self.period else str(self.year)
        return f"{self.get_kind_display()} {when}"

    @property
    def blocking_problems(self) -> list[dict[str, Any]]:
        return [p for p in self.problems or [] if p.get("severity") == "error"]


class InvoiceQuerySet(RestrictedQuerySet["Invoice"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        if self.exclude(status=InvoiceStatus.DRAFT).exists():
            raise AppendOnlyError("issued invoices are never deleted")
        return super().delete()

    def update(self, **kwargs: Any) -> int:
        if self.exclude(status=InvoiceStatus.DRAFT).exists():
            raise AppendOnlyError("issued invoices are never updated in bulk")
        return super().update(**kwargs)


class Invoice(TimeStampedModel):
    """An invoice, credit note or internal settlement of one member. Append-only once issued."""

    provider = models.ForeignKey(
        "registry.Organization", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="issued_invoices"
    )
    run = models.ForeignKey(
        InvoiceRun, verbose_name=_("run"), null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    member = models.ForeignKey(
        "registry.Organization", verbose_name=_("member"), on_delete=models.PROTECT, related_name="invoices"
    )
    vat_group = models.CharField(_("VAT group"), max_length=12, default="taxable")
    series = models.CharField(_("number series"), max_length=4)
    number = models.CharField(_("number"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    type_code = models.CharField(_("type"), max_length=3, choices=InvoiceType.choices, default=InvoiceType.INVOICE)
    internal = models.BooleanField(_("internal settlement"), default=False)
    title = models.CharField(_("title"), max_length=200)
    seller_snapshot = models.JSONField(_("seller data at issue"), default=dict, blank=True)
    buyer_snapshot = models.JSONField(_("buyer data at issue"), default=dict, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=46, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    issue_date = models.DateField(_("invoice date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    net_total = models.DecimalField(_("net"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    tax_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    gross_total = models.DecimalField(_("gross"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    vat_breakdown = models.JSONField(_("VAT breakdown"), default=list, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    xml = models.BinaryField(_("XRechnung (UBL)"), null=True, blank=True)
    xml_sha256 = models.CharField(_("SHA-256 of the XML"), max_length=64, blank=True)
    credit_for = models.ForeignKey(
        "self",
        verbose_name=_("credit note for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    credit_reason = models.CharField(_("reason for the credit note"), max_length=500, blank=True)
    validation_findings = models.JSONField(_("validation findings"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()
    access_owner_paths = ("member_id",)

    # The one change an issued invoice allows: issued → cancelled (by `services.invoice_credit`).
    CANCEL_FIELDS: ClassVar[frozenset[str]] = frozenset({"status", "cancelled_at", "modified"})

    class Meta:
        ordering = ["-issue_date", "-number", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes = [models.Index(fields=["member", "status"], name="billing_invoice_member_idx")]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="billing_invoice_number_unique"),
            models.UniqueConstraint(
                fields=["credit_for"], condition=Q(credit_for__isnull=False), name="billing_one_credit_note"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(number="") & Q(issue_date__isnull=False)),
                name="billing_issued_has_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('draft')} {self.title}"

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == InvoiceType.CREDIT_NOTE

    @property
    def is_issued(self) -> bool:
        return self.status != InvoiceStatus.DRAFT

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in (InvoiceStatus.ISSUED, InvoiceStatus.CANCELLED):
                fields = kwargs.get("update_fields")
                cancelling = (
                    stored == InvoiceStatus.ISSUED
                    and self.status == InvoiceStatus.CANCELLED
                    and fields is not None
                    and set(fields) <= self.CANCEL_FIELDS
                )
                if not cancelling:
                    raise AppendOnlyError("an issued invoice is never changed; issue a credit note instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
        if stored not in (None, InvoiceStatus.DRAFT):
            raise AppendOnlyError("issued invoices are never deleted")
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("line number"))
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product_number = models.CharField(_("product number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    basis_quantity = models.DecimalField(
        _("quantity billed"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The quantity in the product's unit, also where the e-invoice line is a lump sum."),
    )
    unit_code = models.CharField(_("unit code"), max_length=3)
    unit_price = models.DecimalField(_("unit price (net EUR)"), max_digits=16, decimal_places=4)
    net = models.DecimalField(_("net"), max_digits=14, decimal_places=2)
    vat_category = models.CharField(_("VAT category"), max_length=2, choices=VatCategory.choices, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"))
    vat_exemption_reason = models.CharField(_("reason for no VAT"), max_length=300, blank=True)
    vat_exemption_code = models.CharField(_("exemption code"), max_length=20, blank=True)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    trace = models.JSONField(_("calculation"), default=list, blank=True)

    objects = RestrictedQuerySet.as_manager()
    access_owner_paths = ("invoice__member_id",)

    class Meta:
        ordering = ["invoice", "position"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="billing_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._invoice_is_draft():
            raise AppendOnlyError("the lines of an issued invoice are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not self._invoice_is_draft():
            raise AppendOnlyError("the lines of an issued invoice are never deleted")
        return super().delete(*args, **kwargs)

    def _invoice_is_draft(self) -> bool:
        stored = Invoice.objects.filter(pk=self.invoice_id).values_list("status", flat=True).first()
        return stored in (None, InvoiceStatus.DRAFT)
