"""The invoice as PDF (WeasyPrint from an HTML template), in the invoice's language (German for a German buyer).

An issued invoice is printed from its own row: lines, totals and the seller and buyer data copied at issue. A
draft is printed from the current seller profile and registry data and marked as a preview.
"""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from verbund.billing import display, texts
from verbund.billing.choices import InvoiceType
from verbund.billing.documents import buyer_snapshot, invoice_language, payment_terms_text, seller_snapshot
from verbund.billing.models import Invoice, InvoiceLine
from verbund.billing.selectors import invoice_lines, seller_profile_for


def css_string(text: str) -> SafeString:
    """`text` as a CSS string literal for a `content:` rule inside <style> (escapejs gives JavaScript escapes
    such as \\u002D, which CSS reads as the letter u followed by 002D)."""
    escaped = []
    for char in str(text):
        if char in '\\"<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\{ord(char):X} ")
        else:
            escaped.append(char)
    return mark_safe('"' + "".join(escaped) + '"')


def _vat_line(group: dict[str, Any]) -> str:
    base = f"{texts.money(group['taxable'])}\u00a0€"
    if group["category"] in ("S", "Z"):
        return _("VAT %(rate)s on %(base)s") % {
            "rate": display.vat_text(group["category"], group["rate"]),
            "base": base,
        }
    if group["category"]:
        return _("No VAT (%(label)s) on %(base)s") % {"label": group["label"], "base": base}
    return _("Internal settlement: no VAT")


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
    vat_groups = display.vat_groups(invoice.vat_breakdown)
    for group in vat_groups:
        group["text"] = _vat_line(group)
    return {
        "invoice": invoice,
        "document_title": _title(invoice),
        "rows": display.line_rows(lines),
        "footer_name": css_string(seller.get("legal_name", "")),
        "page_label": css_string(_("Page")),
        "vat_groups": vat_groups,
        "seller": seller,
        "buyer": buyer,
        "iban": " ".join(str(seller.get("iban", ""))[i : i + 4] for i in range(0, len(seller.get("iban", "")), 4)),
        "preview": not invoice.is_issued,
        "original": invoice.credit_for,
        "payment_terms": payment_terms_text(invoice, invoice.due_date) if not invoice.internal else "",
    }


def invoice_html(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> str:
    """The PDF's HTML in the invoice's language (German for a German buyer), whatever the reader's."""
    language = invoice_language(invoice)
    with translation.override(language):
        return render_to_string("billing/invoice_pdf.html", {**invoice_context(invoice, lines), "language": language})


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=invoice_html(invoice, lines), base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
