"""The invoice as PDF (WeasyPrint from an HTML template), in German with German number formats.

An issued invoice is printed from its own row: lines, totals and the seller and buyer data copied at issue. A
draft is printed from the current seller profile and registry data and marked as a preview.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from verbund.billing.choices import InvoiceType
from verbund.billing.documents import buyer_snapshot, payment_terms_text, seller_snapshot
from verbund.billing.models import Invoice, InvoiceLine
from verbund.billing.selectors import invoice_lines, seller_profile_for

PDF_LANGUAGE = "de"


def _unit_labels() -> dict[str, str]:
    return {
        "C62": _("pcs."),
        "HUR": _("hrs."),
        "E34": _("GB"),
        "LS": _("lump sum"),
    }


def _quantity(value: Decimal) -> str:
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_format(normal, decimal_pos=min(places, 6), use_l10n=True, force_grouping=True)


def _price(value: Decimal) -> str:
    places = 2 if value == value.quantize(Decimal("0.01")) else 4
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def _vat_label(line: InvoiceLine) -> str:
    """S 19 %; E or O without a rate (exempt / not subject to VAT); – for an internal settlement."""
    if not line.vat_category:
        return "–"
    if line.vat_rate:
        return f"{line.vat_category} {number_format(line.vat_rate.normalize(), use_l10n=True)} %"
    return line.vat_category


def _title(invoice: Invoice) -> str:
    if invoice.internal:
        return _("Internal settlement")
    if invoice.type_code == InvoiceType.CREDIT_NOTE:
        return _("Credit note")
    return _("Invoice")


def invoice_context(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> dict[str, Any]:
    lines = list(lines) if lines is not None else list(invoice_lines(invoice=invoice))
    if invoice.is_issued:
        seller, buyer = invoice.seller_snapshot, invoice.buyer_snapshot
    else:
        profile = seller_profile_for(invoice.provider)
        seller = seller_snapshot(profile) if profile else {}
        buyer = buyer_snapshot(invoice.member)
    units = _unit_labels()
    rows = [
        {
            "position": line.position,
            "name": line.name,
            "description": line.description,
            "quantity": _quantity(line.quantity),
            "unit": units.get(line.unit_code, line.unit_code),
            "unit_price": _price(line.unit_price),
            "net": line.net,
            "vat": _vat_label(line),
            "period_start": line.period_start,
            "period_end": line.period_end,
        }
        for line in lines
    ]
    vat_groups = [
        {
            "category": group.get("category", ""),
            "rate": Decimal(group.get("rate", "0")),
            "taxable": Decimal(group.get("taxable", "0")),
            "tax": Decimal(group.get("tax", "0")),
            "reason": group.get("exemption_reason", ""),
        }
        for group in invoice.vat_breakdown or []
    ]
    return {
        "invoice": invoice,
        "document_title": _title(invoice),
        "rows": rows,
        "vat_groups": vat_groups,
        "seller": seller,
        "buyer": buyer,
        "iban": " ".join(str(seller.get("iban", ""))[i : i + 4] for i in range(0, len(seller.get("iban", "")), 4)),
        "preview": not invoice.is_issued,
        "original": invoice.credit_for,
        "payment_terms": payment_terms_text(invoice, invoice.due_date) if not invoice.internal else "",
    }


def invoice_html(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> str:
    with translation.override(PDF_LANGUAGE):
        return render_to_string("billing/invoice_pdf.html", invoice_context(invoice, lines))


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=invoice_html(invoice, lines), base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
