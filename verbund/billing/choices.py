from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvoiceFrequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


class RunKind(models.TextChoices):
    INSTALMENT = "instalment", _("instalment")
    FINAL = "final", _("final settlement")
    EXTRAS = "extras", _("extras")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    CANCELLED = "cancelled", pgettext_lazy("invoice status", "cancelled")


class InvoiceType(models.TextChoices):
    INVOICE = "380", _("invoice")
    CREDIT_NOTE = "381", _("credit note")


class VatCategory(models.TextChoices):
    STANDARD = "S", _("standard rate")
    ZERO_RATED = "Z", _("zero rated")
    EXEMPT = "E", _("exempt (§ 4 Nr. 29 UStG)")
    NOT_SUBJECT = "O", _("not subject to VAT (§ 2b UStG)")
    INTERNAL = "", _("internal settlement (no VAT)")


class LineKind(models.TextChoices):
    INSTALMENT = "instalment", _("instalment")
    ACTUAL = "actual", _("actual amount of the year")
    DEDUCTION = "deduction", _("instalments deducted")
    EXTRA = "extra", _("extra")
    REVERSAL = "reversal", _("reversal")


class ProblemSeverity(models.TextChoices):
    ERROR = "error", _("blocks issuing")
    WARNING = "warning", _("warning")
    INFO = "info", _("note")


# Number series: invoices, credit notes, internal settlements (gap-free per series and year, core.numbering).
SERIES_INVOICE = "RE"
SERIES_CREDIT_NOTE = "GS"
SERIES_INTERNAL = "IV"
