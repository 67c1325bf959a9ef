"""XRechnung UBL builder and the document arithmetic (no database, no worker process)."""

import dataclasses
import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from lxml import etree

from verbund.billing.tests.fixtures.xrechnung_samples import (
    BUYER,
    EXEMPTION,
    INVOICE_LINES,
    TELGTE_LEITWEG_ID,
    credit_note,
    invoice,
    line,
)
from verbund.billing.xrechnung.codes import NSMAP, DocumentError, is_valid_iban, totals, vat_breakdown
from verbund.billing.xrechnung.document import CUSTOMIZATION_ID, PROFILE_ID
from verbund.billing.xrechnung.ubl import amount, build_tree, build_ubl, number, price


def xpath(xml, path):
    return etree.fromstring(xml).xpath(path, namespaces=NSMAP)


def text(xml, path):
    return [node.text for node in xpath(xml, path)]


def test_build_is_deterministic():
    first = build_ubl(invoice())
    assert build_ubl(invoice()) == first  # an equal but separately built document
    assert build_ubl(invoice()) == build_ubl(invoice())
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns=')


def test_invoice_header_and_parties():
    xml = build_ubl(invoice())
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "Invoice"
    assert text(xml, "cbc:CustomizationID") == [CUSTOMIZATION_ID]
    assert text(xml, "cbc:ProfileID") == [PROFILE_ID]
    assert text(xml, "cbc:ID") == ["RE-2026-000123"]
    assert text(xml, "cbc:IssueDate") == ["2026-02-03"]
    assert text(xml, "cbc:DueDate") == ["2026-03-05"]
    assert text(xml, "cbc:InvoiceTypeCode") == ["380"]
    assert text(xml, "cbc:BuyerReference") == [TELGTE_LEITWEG_ID]
    assert text(xml, "cac:InvoicePeriod/cbc:StartDate") == ["2026-01-01"]
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert xpath(xml, seller + "cbc:EndpointID/@schemeID") == ["EM"]
    assert text(xml, seller + "cac:PostalAddress/cbc:StreetName") == ["Scheibenstraße 109"]
    assert text(xml, seller + "cac:PostalAddress/cbc:PostalZone") == ["48153"]
    assert text(xml, seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == ["DE123456789"]
    assert text(xml, seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='FC']/cbc:CompanyID") == ["337/5911/0123"]
    assert text(xml, seller + "cac:Contact/cbc:ElectronicMail") == ["abrechnung@citeq.de"]
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert xpath(xml, buyer + "cbc:EndpointID/@schemeID") == ["0204"]
    assert text(xml, buyer + "cac:PartyLegalEntity/cbc:RegistrationName") == ["Stadt Telgte"]
    assert text(xml, "cac:PaymentMeans/cbc:PaymentID") == ["RE-2026-000123"]  # remittance defaults to BT-1
    assert text(xml, "cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID") == [
        "COBADEFFXXX"
    ]


def test_amounts_prices_and_tax():
    xml = build_ubl(invoice())
    assert xpath(xml, "//*[@currencyID!='EUR']") == []
    assert text(xml, "cac:InvoiceLine/cac:Price/cbc:PriceAmount") == ["45.50", "12.3456", "95.00"]
    assert text(xml, "cac:InvoiceLine/cbc:LineExtensionAmount") == ["1820.00", "37.04", "760.00"]
    assert text(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == ["1857.04", "760.00"]
    assert text(xml, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount") == ["352.84", "0.00"]
    exempt = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID='E']/"
    assert text(xml, exempt + "cbc:TaxExemptionReason") == [EXEMPTION[0]]
    assert text(xml, exempt + "cbc:TaxExemptionReasonCode") == [EXEMPTION[1]]
    total = "cac:LegalMonetaryTotal/"
    assert text(xml, total + "cbc:TaxInclusiveAmount") == ["2969.88"]
    assert text(xml, total + "cbc:PayableAmount") == ["2969.88"]
    assert xpath(xml, total + "cbc:PrepaidAmount") == []  # only when non-zero
    assert xpath(xml, "cac:InvoiceLine/cbc:InvoicedQuantity/@unitCode") == ["C62", "E48", "HUR"]


def test_final_settlement_with_prepaid_amount():
    xml = build_ubl(invoice(prepaid=Decimal("2000")))
    assert text(xml, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == ["2000.00"]
    assert text(xml, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["969.88"]


def test_credit_note_root_lines_and_reference():
    xml = build_ubl(credit_note())
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert text(xml, "cbc:CreditNoteTypeCode") == ["381"]
    assert xpath(xml, "cbc:DueDate") == []  # UBL CreditNote carries BT-9 in PaymentMeans
    assert text(xml, "cac:PaymentMeans/cbc:PaymentDueDate") == ["2026-03-05"]
    assert text(xml, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == ["RE-2026-000123"]
    assert text(xml, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == ["2026-02-03"]
    assert xpath(xml, "cac:InvoiceLine") == []
    assert text(xml, "cac:CreditNoteLine/cbc:CreditedQuantity") == ["5"]


def test_optional_terms_are_left_out_when_empty():
    doc = invoice(
        seller=dataclasses.replace(invoice().seller, contact=None, tax_number=""),
        order_reference="",
        notes=(),
        payment_terms="",
        period_start=None,
        period_end=None,
        lines=tuple(dataclasses.replace(item, period_start=None, period_end=None) for item in INVOICE_LINES),
    )
    xml = build_ubl(doc)
    for path in ("cbc:Note", "cac:OrderReference", "cac:PaymentTerms", "cac:InvoicePeriod", "//cac:InvoicePeriod"):
        assert xpath(xml, path) == [], path
    assert xpath(xml, "cac:AccountingSupplierParty/cac:Party/cac:Contact") == []
    assert xpath(xml, "//*[not(*) and normalize-space(.)='']") == []  # PEPPOL-EN16931-R008: no empty elements


def test_not_subject_to_vat_line_has_no_rate():
    lines = (line(1, "Leistung nach § 2b UStG", "1", "C62", "100", category="O", rate="0"),)
    breakdown = vat_breakdown(lines, {"O": ("Nicht steuerbar", "VATEX-EU-O")})
    root = build_tree(invoice(lines=lines, vat_breakdown=breakdown, totals=totals(lines, breakdown)))
    assert root.xpath("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", namespaces=NSMAP) == []
    assert [e.text for e in root.xpath("//cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", namespaces=NSMAP)] == ["0"]


def test_vat_breakdown_rounds_per_category_at_document_level():
    # Ten lines of 0.03 at 19 %: line by line each tax rounds to 0.01 (0.10 in all), the document level gives
    # round(0.30 × 0.19) = round(0.057) = 0.06, which is what BR-CO-17 asks for.
    lines = tuple(line(n, f"Kleinbetrag {n}", "1", "C62", "0.03") for n in range(1, 11))
    (group,) = vat_breakdown(lines)
    assert (group.category, group.rate, group.taxable_amount, group.tax_amount) == (
        "S",
        Decimal("19"),
        Decimal("0.30"),
        Decimal("0.06"),
    )
    result = totals(lines, (group,), prepaid=Decimal("0.10"))
    assert (result.line_net, result.tax_exclusive, result.tax, result.tax_inclusive, result.payable) == (
        Decimal("0.30"),
        Decimal("0.30"),
        Decimal("0.06"),
        Decimal("0.36"),
        Decimal("0.26"),
    )


def test_vat_breakdown_groups_by_category_and_rate():
    lines = (
        line(1, "A", "1", "C62", "100"),
        line(2, "B", "1", "C62", "100", rate="7"),
        line(3, "C", "1", "C62", "50", category="E", rate="0"),
        line(4, "D", "1", "C62", "0.005"),  # 0.01 after rounding the line
        line(5, "E", "1", "C62", "33.335", rate="19.00"),  # 19.00 and 19 are one group
    )
    groups = vat_breakdown(lines, {"E": "Steuerfrei"})
    assert [(g.category, g.rate, g.taxable_amount, g.tax_amount) for g in groups] == [
        ("S", Decimal("19"), Decimal("133.35"), Decimal("25.34")),
        ("S", Decimal("7"), Decimal("100.00"), Decimal("7.00")),
        ("E", Decimal("0"), Decimal("50.00"), Decimal("0.00")),
    ]
    assert groups[2].exemption_reason == "Steuerfrei" and groups[2].exemption_code == ""
    with pytest.raises(DocumentError):
        vat_breakdown((dataclasses.replace(lines[0], vat_category="X"),))


def test_number_formats():
    assert amount(Decimal("1234.5")) == "1234.50"
    assert amount(Decimal("0.005")) == "0.01"  # commercial rounding
    assert amount(Decimal("-0.001")) == "0.00"  # no negative zero
    assert price(Decimal("12.5")) == "12.50"
    assert price(Decimal("0.12345")) == "0.1235"
    assert price(Decimal("1.1230")) == "1.123"
    assert number(Decimal("19.00")) == "19"
    assert number(Decimal("100")) == "100"
    assert number(Decimal("1.50")) == "1.5"


def test_iban_check():
    assert is_valid_iban("DE89370400440532013000")
    assert is_valid_iban("de89 3704 0044 0532 0130 00")
    assert not is_valid_iban("DE89370400440532013001")
    assert not is_valid_iban("DE8937040044")
    assert not is_valid_iban("")


def test_buyer_contact_is_optional():
    xml = build_ubl(invoice(buyer=dataclasses.replace(BUYER, contact=None), issue_date=dt.date(2026, 2, 4)))
    assert xpath(xml, "cac:AccountingCustomerParty/cac:Party/cac:Contact") == []


def test_xrechnung_modules_do_not_import_django():
    modules = ["ubl", "cii", "codes", "rules_de", "validation", "worker"]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module('verbund.billing.xrechnung.' + name)\n"
        "print(','.join(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
