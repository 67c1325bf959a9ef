"""The e-invoice of an invoice: seller and buyer snapshots (copied at issue) and the `InvoiceDocument`.

The document is built only from what the invoice stores (its lines and snapshots), so the XML of an issued
invoice can always be explained from the row, and a later change of the registry or the seller profile never
changes an issued invoice.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from verbund.billing import texts
from verbund.billing.choices import InvoiceType, VatCategory
from verbund.billing.models import Invoice, InvoiceLine, SellerProfile
from verbund.billing.xrechnung.document import (
    Address,
    Contact,
    InvoiceDocument,
    Line,
    Party,
    Payment,
    Totals,
    VatBreakdown,
)
from verbund.registry.models import Organization

SEPA_CREDIT_TRANSFER = "58"
LEITWEG_SCHEME = "0204"  # EAS code of the Leitweg-ID as electronic address (BT-49)


def seller_snapshot(profile: SellerProfile) -> dict[str, Any]:
    return {
        "provider_id": profile.provider_id,
        "legal_name": profile.legal_name,
        "street": profile.street,
        "postcode": profile.postcode,
        "city": profile.city,
        "country": profile.country,
        "vat_id": profile.vat_id,
        "tax_number": profile.tax_number,
        "legal_registration_id": profile.legal_registration_id,
        "contact_name": profile.contact_name,
        "contact_phone": profile.contact_phone,
        "contact_email": profile.contact_email,
        "electronic_address": profile.electronic_address,
        "iban": profile.iban.replace(" ", "").upper(),
        "bic": profile.bic.replace(" ", "").upper(),
        "bank_name": profile.bank_name,
        "payment_terms_days": profile.payment_terms_days,
    }


def buyer_snapshot(member: Organization) -> dict[str, Any]:
    return {
        "organization_id": member.pk,
        "name": member.name,
        "street": member.street,
        "postcode": member.postcode,
        "city": member.city or member.name.split(",")[0],
        "country": "DE",
        "leitweg_id": member.leitweg_id.strip().upper(),
        "email": member.email,
        "ags": member.ags,
    }


def invoice_language(invoice: Invoice) -> str:
    """The language of an invoice's texts: its buyer's (German for a German public body)."""
    return texts.document_language(str((invoice.buyer_snapshot or {}).get("country", "DE")))


def payment_terms_text(invoice: Invoice, due_date: dt.date | None) -> str:
    if due_date is None:
        return ""
    with translation.override(invoice_language(invoice)):
        return texts.payment_terms(credit=invoice.type_code == InvoiceType.CREDIT_NOTE, due_date=due_date)


def _party_seller(seller: dict[str, Any], *, with_vat_id: bool) -> Party:
    has_contact = any(seller.get(k) for k in ("contact_name", "contact_phone", "contact_email"))
    return Party(
        name=seller["legal_name"],
        address=Address(
            street=seller["street"], city=seller["city"], postcode=seller["postcode"], country=seller["country"]
        ),
        electronic_address=seller["electronic_address"],
        electronic_scheme="EM",
        contact=Contact(seller["contact_name"], seller["contact_phone"], seller["contact_email"])
        if has_contact
        else None,
        vat_id=seller["vat_id"] if with_vat_id else "",
        tax_number=seller["tax_number"],
        legal_id=seller.get("legal_registration_id", ""),
    )


def _party_buyer(buyer: dict[str, Any]) -> Party:
    return Party(
        name=buyer["name"],
        address=Address(street=buyer["street"], city=buyer["city"], postcode=buyer["postcode"], country="DE"),
        electronic_address=buyer["leitweg_id"],
        electronic_scheme=LEITWEG_SCHEME,
    )


def document_lines(lines: Iterable[InvoiceLine]) -> tuple[Line, ...]:
    return tuple(
        Line(
            id=str(line.position),
            name=line.name,
            quantity=line.quantity.normalize(),
            unit_code=line.unit_code,
            net_price=line.unit_price,
            net_amount=line.net,
            vat_category=line.vat_category,
            vat_rate=line.vat_rate,
            description=line.description,
            period_start=line.period_start,
            period_end=line.period_end,
            seller_item_id=line.product_number,
        )
        for line in lines
    )


def stored_breakdown(invoice: Invoice) -> tuple[VatBreakdown, ...]:
    """BG-23 as stored at prepare (rates as percentages without trailing zeros, as on the lines)."""
    return tuple(
        VatBreakdown(
            category=str(group["category"]),
            rate=Decimal(str(group["rate"])).normalize(),
            taxable_amount=Decimal(str(group["taxable"])),
            tax_amount=Decimal(str(group["tax"])),
            exemption_reason=str(group.get("exemption_reason", "")),
            exemption_code=str(group.get("exemption_code", "")),
        )
        for group in invoice.vat_breakdown or []
    )


def stored_totals(invoice: Invoice) -> Totals:
    """BG-22 as stored (no document-level allowances or charges, nothing prepaid)."""
    return Totals(
        line_net=invoice.net_total,
        tax_exclusive=invoice.net_total,
        tax=invoice.tax_total,
        tax_inclusive=invoice.gross_total,
        payable=invoice.gross_total,
    )


def invoice_document(
    invoice: Invoice,
    lines: Iterable[InvoiceLine],
    *,
    number: str,
    issue_date: dt.date,
    due_date: dt.date | None,
    seller: dict[str, Any],
    buyer: dict[str, Any],
) -> InvoiceDocument:
    """The EN 16931 document of an invoice about to be issued (or issued) with these snapshots. Its VAT breakdown
    (BG-23) and totals (BG-22) are the ones computed at prepare and stored on the invoice (`engine.vat`)."""
    doc_lines = document_lines(lines)
    breakdown = stored_breakdown(invoice)
    not_subject = any(line.vat_category == VatCategory.NOT_SUBJECT for line in doc_lines)
    preceding = invoice.credit_for
    notes = list(invoice.notes or [])
    if invoice.credit_reason:
        with translation.override(invoice_language(invoice)):
            notes.append(_("Reason: %(reason)s") % {"reason": invoice.credit_reason})
    return InvoiceDocument(
        number=number,
        type_code=invoice.type_code,
        issue_date=issue_date,
        currency=invoice.currency,
        buyer_reference=buyer["leitweg_id"],
        seller=_party_seller(seller, with_vat_id=not not_subject),  # BR-O-02: no seller VAT id with category O
        buyer=_party_buyer(buyer),
        payment=Payment(
            means_code=SEPA_CREDIT_TRANSFER,
            iban=seller["iban"],
            bic=seller["bic"],
            account_name=seller["legal_name"],
            remittance=number,
        ),
        lines=doc_lines,
        vat_breakdown=breakdown,
        totals=stored_totals(invoice),
        due_date=due_date,
        payment_terms=payment_terms_text(invoice, due_date),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        preceding_invoice=preceding.number if preceding is not None else "",
        preceding_invoice_date=preceding.issue_date if preceding is not None else None,
        notes=tuple([invoice.title, *notes]),
    )


def issued_invoice_document(invoice: Invoice, lines: Iterable[InvoiceLine] | None = None) -> InvoiceDocument:
    """The document of an issued e-invoice, rebuilt from what was frozen at issue: its lines, the seller and buyer
    snapshots, number and dates (the data its stored UBL was built from). Used for the CII of an issued invoice.

    Raises ValueError for drafts and internal settlements (they have no e-invoice)."""
    if not invoice.is_issued or invoice.internal or invoice.xml is None or invoice.issue_date is None:
        raise ValueError(f"invoice {invoice.pk} is not an issued e-invoice")
    return invoice_document(
        invoice,
        list(lines) if lines is not None else list(invoice.lines.all()),
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        seller=dict(invoice.seller_snapshot),
        buyer=dict(invoice.buyer_snapshot),
    )
