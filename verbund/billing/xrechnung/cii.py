"""XRechnung 3.0 in UN/CEFACT CII D16B syntax: `build_cii(doc) -> bytes`, built with drafthorse (no Django).

The optional second syntax next to UBL (`ubl.build_ubl`, the document of record). Every business term the UBL
builder writes appears here too, mapped as the EN 16931 CII binding prescribes:

- BT-24 / BT-23 in `ExchangedDocumentContext` (the same guideline id as UBL: XRechnung CII uses the same BT-24);
- BT-1, BT-3, BT-2, BT-22 in `ExchangedDocument`; one root element for every type code: a credit note (381)
  carries the same amounts and quantities as in the document (positive for a reversal), only TypeCode differs;
- lines (BG-25) first, then `ApplicableHeaderTradeAgreement` (BT-10, seller BG-4 with contact BG-6, buyer BG-7,
  BT-13), the mandatory `ApplicableHeaderTradeDelivery` (empty: no delivery information, the invoice period
  BG-14 covers BR-DE-TMP-32), `ApplicableHeaderTradeSettlement` (BT-83, BT-5, BG-16, BG-23, BG-14, BT-20/BT-9,
  BG-22, BG-3);
- VAT ids (BT-31 / BT-48) as `SpecifiedTaxRegistration/ID[@schemeID='VA']`, the tax number (BT-32) with 'FC';
- amounts without currencyID except the tax total BT-110 (as the binding asks), two decimals; prices two to four;
  dates as `udt:DateTimeString[@format='102']`; § 2b lines (category O) without a rate (BR-O-05).

`Document.serialize(schema="FACTUR-X_EN16931")` checks the XML against the Factur-X 1.0.07 EN 16931 XSD that
drafthorse bundles (the EN 16931 subset of CII D16B) while it serialises; a document that does not fit raises
`DocumentError`. The full validation (XSD, CEN, BR-DE) is `validation.validate_cii`.
"""

import datetime as dt
from typing import Any

from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem
from lxml import etree

from verbund.billing.xrechnung.codes import (
    TAX_SCHEME_TAX_NUMBER,
    TAX_SCHEME_VAT_ID_CII,
    TAX_TYPE_VAT,
    DocumentError,
)
from verbund.billing.xrechnung.document import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    VAT_NOT_SUBJECT,
    Contact,
    InvoiceDocument,
    Line,
    Party,
)
from verbund.billing.xrechnung.ubl import amount, number, price

SCHEMA = "FACTUR-X_EN16931"  # drafthorse's bundled Factur-X 1.0.07 EN 16931 XSD, checked by serialize()
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_ET_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>\n"  # what drafthorse's serialize() writes

# drafthorse's element model is untyped; its nodes are handled as Any.
_Node = Any


def _note(container: _Node, text: str) -> None:
    if text:
        note = IncludedNote()
        note.content = text
        container.add(note)


def _contact(node: _Node, contact: Contact) -> None:
    node.person_name = contact.name  # empty texts are left out by drafthorse (PEPPOL-EN16931-R008)
    node.telephone.number = contact.phone
    node.email.address = contact.email


def _tax_registration(node: _Node, scheme: str, value: str) -> None:
    registration = TaxRegistration()
    registration.id = (scheme, value)
    node.tax_registrations.add(registration)


def _party(node: _Node, party: Party, *, seller: bool) -> None:
    node.name = party.name  # BT-27 / BT-44
    if party.legal_id:
        node.legal_organization.id = party.legal_id  # BT-30 / BT-47
    if party.contact is not None:
        _contact(node.contact, party.contact)  # BG-6 / BG-9
    address = node.address
    address.postcode = party.address.postcode
    address.line_one = party.address.street
    address.city_name = party.address.city
    address.country_id = party.address.country
    if party.electronic_address:
        node.electronic_address.uri_ID = (party.electronic_scheme, party.electronic_address)  # BT-34 / BT-49
    if party.vat_id:
        _tax_registration(node, TAX_SCHEME_VAT_ID_CII, party.vat_id)  # BT-31 / BT-48
    if seller and party.tax_number:
        _tax_registration(node, TAX_SCHEME_TAX_NUMBER, party.tax_number)  # BT-32


def _period(node: _Node, start: dt.date | None, end: dt.date | None) -> None:
    """BG-14 / BG-26: a date left as None writes no element (drafthorse leaves empty dates out)."""
    node.start = start
    node.end = end


def _line(line: Line) -> _Node:
    item = LineItem()
    item.document.line_id = line.id  # BT-126
    _note(item.document.notes, line.note)  # BT-127
    product = item.product
    if line.seller_item_id:
        product.seller_assigned_id = line.seller_item_id  # BT-155
    product.name = line.name  # BT-153
    product.description = line.description  # BT-154
    item.agreement.net.amount = price(line.net_price)  # BT-146
    item.delivery.billed_quantity = (number(line.quantity), line.unit_code)  # BT-129, BT-130
    tax = item.settlement.trade_tax
    tax.type_code = TAX_TYPE_VAT
    tax.category_code = line.vat_category  # BT-151
    if line.vat_category != VAT_NOT_SUBJECT:  # BR-O-05: no rate on a line not subject to VAT
        tax.rate_applicable_percent = number(line.vat_rate)  # BT-152
    _period(item.settlement.period, line.period_start, line.period_end)  # BT-134, BT-135
    item.settlement.monetary_summation.total_amount = amount(line.net_amount)  # BT-131
    return item


def _settlement(settlement: _Node, doc: InvoiceDocument) -> None:
    payment = doc.payment
    if payment.means_code:
        settlement.payment_reference = payment.remittance or doc.number  # BT-83
    settlement.currency_code = doc.currency  # BT-5
    if payment.means_code:  # BG-16 (BR-DE-1)
        means = PaymentMeans()
        means.type_code = payment.means_code  # BT-81
        if payment.iban:
            means.payee_account.iban = payment.iban.replace(" ", "")  # BT-84
            means.payee_account.account_name = payment.account_name  # BT-85
            if payment.bic:
                means.payee_institution.bic = payment.bic  # BT-86
        settlement.payment_means.add(means)
    for group in doc.vat_breakdown:  # BG-23
        tax = ApplicableTradeTax()
        tax.calculated_amount = amount(group.tax_amount)  # BT-117
        tax.type_code = TAX_TYPE_VAT
        tax.exemption_reason = group.exemption_reason  # BT-120
        tax.basis_amount = amount(group.taxable_amount)  # BT-116
        tax.category_code = group.category  # BT-118
        tax.exemption_reason_code = group.exemption_code  # BT-121
        tax.rate_applicable_percent = number(group.rate)  # BT-119, always (BR-DE-14)
        settlement.trade_tax.add(tax)
    _period(settlement.period, doc.period_start, doc.period_end)  # BT-73, BT-74
    if doc.payment_terms or doc.due_date is not None:
        terms = PaymentTerms()
        terms.description = doc.payment_terms  # BT-20
        terms.due = doc.due_date  # BT-9 (also for a credit note: CII has one place for it)
        settlement.terms.add(terms)
    totals, summation = doc.totals, settlement.monetary_summation  # BG-22
    summation.line_total = amount(totals.line_net)  # BT-106
    summation.tax_basis_total = (amount(totals.tax_exclusive), None)  # BT-109
    summation.tax_total = (amount(totals.tax), doc.currency)  # BT-110, the one amount with a currencyID
    summation.grand_total = (amount(totals.tax_inclusive), None)  # BT-112
    if totals.prepaid:
        summation.prepaid_total = amount(totals.prepaid)  # BT-113
    summation.due_amount = amount(totals.payable)  # BT-115
    if doc.preceding_invoice:  # BG-3
        reference = settlement.invoice_referenced_document
        reference.issuer_assigned_id = doc.preceding_invoice  # BT-25
        reference.issue_date_time = doc.preceding_invoice_date  # BT-26


def build_document(doc: InvoiceDocument) -> _Node:
    """The drafthorse `Document` (element model of rsm:CrossIndustryInvoice) of `doc`."""
    document = Document()
    document.context.business_parameter.id = PROFILE_ID  # BT-23
    document.context.guideline_parameter.id = CUSTOMIZATION_ID  # BT-24
    header = document.header
    header.id = doc.number  # BT-1
    header.type_code = doc.type_code  # BT-3
    header.issue_date_time = doc.issue_date  # BT-2
    for note in doc.notes:
        _note(header.notes, note)  # BT-22
    trade = document.trade
    for line in doc.lines:
        trade.items.add(_line(line))
    agreement = trade.agreement
    agreement.buyer_reference = doc.buyer_reference  # BT-10 (BR-DE-15)
    _party(agreement.seller, doc.seller, seller=True)
    _party(agreement.buyer, doc.buyer, seller=False)
    if doc.order_reference:
        agreement.buyer_order.issuer_assigned_id = doc.order_reference  # BT-13
    _settlement(trade.settlement, doc)
    return document


def build_cii(doc: InvoiceDocument) -> bytes:
    """The XRechnung 3.0 CII XML of `doc`: UTF-8 with declaration, indented, deterministic.

    Raises `DocumentError` when drafthorse's Factur-X EN 16931 XSD check refuses the result (e.g. an empty
    mandatory element that UBL would still write)."""
    try:
        body: bytes = build_document(doc).serialize(schema=SCHEMA)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"the CII of {doc.number!r} does not fit the Factur-X EN 16931 schema: {exc}") from exc
    if body.startswith(_ET_DECLARATION):
        body = body[len(_ET_DECLARATION) :]
    return _DECLARATION + body.lstrip()
