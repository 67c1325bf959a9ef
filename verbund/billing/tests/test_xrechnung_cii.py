"""XRechnung CII: the drafthorse builder, the same business terms as the UBL, and validation (XSD, CEN, BR-DE).

As in test_xrechnung_validation, the CEN layer must really run (saxonche is a declared dependency): reports are
checked for "cen" in `report.checks`, so a missing or broken saxonche fails these tests instead of skipping them.
"""

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree

from verbund.billing.tests.fixtures.xrechnung_samples import (
    BUYER,
    EXEMPTION,
    PAYMENT,
    SELLER,
    TELGTE_LEITWEG_ID,
    credit_note,
    final_settlement,
    invoice,
    not_subject_invoice,
)
from verbund.billing.tests.fixtures.xrechnung_terms import (
    AGREEMENT,
    LINES,
    SETTLEMENT,
    SUMMATION,
    cii_terms,
    ubl_terms,
)
from verbund.billing.xrechnung.cii import build_cii
from verbund.billing.xrechnung.codes import NSMAP, NSMAP_CII, DocumentError
from verbund.billing.xrechnung.document import CUSTOMIZATION_ID, PROFILE_ID
from verbund.billing.xrechnung.rules_de import Severity
from verbund.billing.xrechnung.ubl import build_ubl
from verbund.billing.xrechnung.validation import (
    CII_IGNORED,
    cen_worker,
    validate_cii,
)

ALL_LAYERS = ("xml", "xsd", "cen", "xrechnung")
WRONG_LEITWEG_ID = TELGTE_LEITWEG_ID[:-2] + ("00" if not TELGTE_LEITWEG_ID.endswith("00") else "01")
SAMPLES = {
    "invoice S 19 % and E with reason": invoice,
    "credit note 381 with preceding invoice": credit_note,
    "§ 2b invoice, category O": not_subject_invoice,
    "final settlement, negative lines, prepaid": final_settlement,
    "invoice with prepaid amount": lambda: invoice(prepaid=Decimal("1000.00")),
    "corrected invoice 384": lambda: invoice(type_code="384", preceding_invoice="RE-2026-000100"),
}


def xpath(xml, path):
    return etree.fromstring(xml).xpath(path, namespaces=NSMAP_CII)


def text(xml, path):
    return [node.text for node in xpath(xml, path)]


def check(doc_or_xml):
    xml = doc_or_xml if isinstance(doc_or_xml, bytes) else build_cii(doc_or_xml)
    report = validate_cii(xml)
    assert report.checks == ALL_LAYERS, report.cen_skipped
    assert report.syntax == "cii"
    return report


def fatal_rules(report):
    return report.rules(Severity.FATAL)


# --- the builder --------------------------------------------------------------------------------------------------


def test_build_is_deterministic_utf8_with_declaration():
    first = build_cii(invoice())
    assert build_cii(invoice()) == first
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice xmlns')
    assert "Scheibenstraße".encode() in first  # UTF-8, not character references
    root = etree.fromstring(first)
    assert root.tag == "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"


def test_context_header_and_parties():
    xml = build_cii(invoice())
    context = "rsm:ExchangedDocumentContext/"
    assert text(xml, context + "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [CUSTOMIZATION_ID]
    assert text(xml, context + "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID") == [PROFILE_ID]
    assert text(xml, "rsm:ExchangedDocument/ram:ID") == ["RE-2026-000123"]
    assert text(xml, "rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert text(xml, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString[@format='102']") == ["20260203"]
    assert text(xml, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content") == [
        "Abrechnung der Leistungen nach Leistungsschein, Januar 2026"
    ]
    assert text(xml, AGREEMENT + "ram:BuyerReference") == [TELGTE_LEITWEG_ID]
    assert text(xml, AGREEMENT + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == ["V-2025-0815"]
    seller = AGREEMENT + "ram:SellerTradeParty/"
    assert text(xml, seller + "ram:Name") == [SELLER.name]
    assert xpath(xml, seller + "ram:URIUniversalCommunication/ram:URIID/@schemeID") == ["EM"]
    assert text(xml, seller + "ram:URIUniversalCommunication/ram:URIID") == ["rechnung@citeq.de"]
    assert text(xml, seller + "ram:PostalTradeAddress/ram:LineOne") == ["Scheibenstraße 109"]
    assert text(xml, seller + "ram:PostalTradeAddress/ram:PostcodeCode") == ["48153"]
    assert text(xml, seller + "ram:PostalTradeAddress/ram:CountryID") == ["DE"]
    assert text(xml, seller + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == ["DE123456789"]
    assert text(xml, seller + "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == ["337/5911/0123"]
    contact = seller + "ram:DefinedTradeContact/"
    assert text(xml, contact + "ram:PersonName") == ["Servicedesk Abrechnung"]
    assert text(xml, contact + "ram:TelephoneUniversalCommunication/ram:CompleteNumber") == ["+49 251 492-0"]
    assert text(xml, contact + "ram:EmailURIUniversalCommunication/ram:URIID") == ["abrechnung@citeq.de"]
    buyer = AGREEMENT + "ram:BuyerTradeParty/"
    assert text(xml, buyer + "ram:Name") == ["Stadt Telgte"]
    assert xpath(xml, buyer + "ram:URIUniversalCommunication/ram:URIID/@schemeID") == ["0204"]
    assert text(xml, buyer + "ram:DefinedTradeContact/ram:PersonName") == ["Kämmerei"]  # BG-9, as in the UBL


def test_settlement_payment_tax_and_totals():
    xml = build_cii(invoice())
    assert text(xml, SETTLEMENT + "ram:PaymentReference") == ["RE-2026-000123"]  # BT-83 defaults to BT-1
    assert text(xml, SETTLEMENT + "ram:InvoiceCurrencyCode") == ["EUR"]
    means = SETTLEMENT + "ram:SpecifiedTradeSettlementPaymentMeans/"
    assert text(xml, means + "ram:TypeCode") == ["58"]
    assert text(xml, means + "ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == [PAYMENT.iban]
    assert text(xml, means + "ram:PayeePartyCreditorFinancialAccount/ram:AccountName") == ["citeq"]
    assert text(xml, means + "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == ["COBADEFFXXX"]
    taxes = SETTLEMENT + "ram:ApplicableTradeTax/"
    assert text(xml, taxes + "ram:BasisAmount") == ["1857.04", "760.00"]
    assert text(xml, taxes + "ram:CalculatedAmount") == ["352.84", "0.00"]
    assert text(xml, taxes + "ram:CategoryCode") == ["S", "E"]
    assert text(xml, taxes + "ram:RateApplicablePercent") == ["19", "0"]
    assert text(xml, taxes + "ram:ExemptionReason") == [EXEMPTION[0]]
    assert text(xml, taxes + "ram:ExemptionReasonCode") == [EXEMPTION[1]]
    terms = SETTLEMENT + "ram:SpecifiedTradePaymentTerms/"
    assert text(xml, terms + "ram:Description") == ["Zahlbar bis zum 05.03.2026 ohne Abzug."]
    assert text(xml, terms + "ram:DueDateDateTime/udt:DateTimeString") == ["20260305"]
    assert text(xml, SETTLEMENT + "ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString") == ["20260101"]
    assert text(xml, SUMMATION + "ram:TaxTotalAmount") == ["352.84"]
    assert xpath(xml, SUMMATION + "ram:TaxTotalAmount/@currencyID") == ["EUR"]
    assert xpath(xml, SUMMATION + "*[local-name() != 'TaxTotalAmount']/@currencyID") == []
    assert xpath(xml, SUMMATION + "ram:TotalPrepaidAmount") == []  # only when non-zero
    assert text(xml, SUMMATION + "ram:DuePayableAmount") == ["2969.88"]


def test_lines():
    xml = build_cii(invoice())
    assert text(xml, LINES + "/ram:AssociatedDocumentLineDocument/ram:LineID") == ["1", "2", "3"]
    product = LINES + "/ram:SpecifiedTradeProduct/"
    assert text(xml, product + "ram:SellerAssignedID") == ["AP-100", "FV-210", "BE-300"]
    assert text(xml, product + "ram:Description") == ["Januar 2026"]
    assert text(xml, LINES + "/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount") == [
        "45.50",
        "12.3456",
        "95.00",
    ]
    assert xpath(xml, LINES + "/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode") == ["C62", "E48", "HUR"]
    tax = LINES + "/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
    assert text(xml, tax + "ram:CategoryCode") == ["S", "S", "E"]
    assert text(xml, tax + "ram:RateApplicablePercent") == ["19", "19", "0"]
    period = LINES + "/ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString"
    assert text(xml, period) == ["20260131"] * 3
    noted = invoice(lines=(dataclasses.replace(invoice().lines[0], note="Vertrag 17"), *invoice().lines[1:]))
    assert text(build_cii(noted), LINES + "/ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content") == [
        "Vertrag 17"
    ]


def test_not_subject_to_vat_line_has_no_rate_but_the_breakdown_has():
    xml = build_cii(not_subject_invoice())
    assert (
        xpath(xml, LINES + "/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent") == []
    )
    assert text(xml, SETTLEMENT + "ram:ApplicableTradeTax/ram:RateApplicablePercent") == ["0"]  # BR-DE-14
    assert xpath(xml, AGREEMENT + "ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == []
    legal = AGREEMENT + "ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID"
    assert text(xml, legal) == ["DE-MS-EB-0001"]


def test_credit_note_keeps_positive_amounts_and_references_the_invoice():
    ubl, cii = build_ubl(credit_note()), build_cii(credit_note())
    assert text(cii, "rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert etree.QName(etree.fromstring(cii)).localname == "CrossIndustryInvoice"  # one root for every type code
    assert text(cii, LINES + "/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity") == ["5"]
    assert credit_note().totals.payable == Decimal("270.73")  # 5 × 45.50 € plus 19 %, positive
    assert text(cii, SUMMATION + "ram:DuePayableAmount") == ["270.73"]
    assert etree.fromstring(ubl).xpath("cac:LegalMonetaryTotal/cbc:PayableAmount/text()", namespaces=NSMAP) == [
        "270.73"
    ]
    reference = SETTLEMENT + "ram:InvoiceReferencedDocument/"
    assert text(cii, reference + "ram:IssuerAssignedID") == ["RE-2026-000123"]
    assert text(cii, reference + "ram:FormattedIssueDateTime/qdt:DateTimeString[@format='102']") == ["20260203"]
    assert text(cii, SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == [
        "20260305"
    ]


def test_final_settlement_negative_lines_and_prepaid():
    xml = build_cii(final_settlement())
    assert text(xml, LINES + "/ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")[-2:] == ["-1", "-1"]
    net = LINES + "/ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
    assert text(xml, net)[-2:] == ["1200.00", "300.00"]  # prices stay positive (BR-27)
    total = LINES + "/ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
    assert text(xml, total + "ram:LineTotalAmount")[-2:] == ["-1200.00", "-300.00"]
    assert text(xml, SUMMATION + "ram:TotalPrepaidAmount") == ["500.00"]
    assert text(xml, SUMMATION + "ram:DuePayableAmount") == ["741.88"]


def test_optional_terms_are_left_out_when_empty():
    doc = invoice(
        seller=dataclasses.replace(invoice().seller, contact=None, tax_number=""),
        buyer=dataclasses.replace(BUYER, contact=None),
        order_reference="",
        notes=(),
        payment_terms="",
        due_date=None,
        period_start=None,
        period_end=None,
        lines=tuple(dataclasses.replace(item, period_start=None, period_end=None) for item in invoice().lines),
    )
    xml = build_cii(doc)
    for path in (
        "rsm:ExchangedDocument/ram:IncludedNote",
        AGREEMENT + "ram:BuyerOrderReferencedDocument",
        SETTLEMENT + "ram:SpecifiedTradePaymentTerms",
        "//ram:BillingSpecifiedPeriod",
        "//ram:DefinedTradeContact",
        "//ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']",
        SETTLEMENT + "ram:InvoiceReferencedDocument",
    ):
        assert xpath(xml, path) == [], path
    # No empty element except the header delivery, which CII requires even when there is nothing to say.
    empty = xpath(xml, "//*[not(*) and normalize-space(.)='']")
    assert [etree.QName(e).localname for e in empty] == ["ApplicableHeaderTradeDelivery"]


def test_a_document_the_schema_refuses_raises_document_error():
    no_country = dataclasses.replace(SELLER, address=dataclasses.replace(SELLER.address, country=""))
    with pytest.raises(DocumentError, match="Factur-X EN 16931 schema"):
        build_cii(invoice(seller=no_country))


# --- CII and UBL carry the same values ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_cii_and_ubl_carry_the_same_values(name):
    doc = SAMPLES[name]()
    ubl, cii = ubl_terms(build_ubl(doc)), cii_terms(build_cii(doc))
    assert cii == ubl
    # The terms the comparison relies on are really there (no vacuous None == None).
    for term in ("BT-1", "BT-2", "BT-10", "BT-106", "BT-109", "BT-110", "BT-112", "BT-115", "BT-84"):
        assert cii[term] is not None, term
    assert len(cii["lines BT-126/129/131/146"]) == len(doc.lines)
    assert cii["BT-113"] == doc.totals.prepaid and cii["BT-115"] == doc.totals.payable


# --- validation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_passes_xsd_cen_and_br_de(name):
    report = check(SAMPLES[name]())
    assert report.valid and report.findings == ()


def test_the_ignored_factur_x_findings_exist_and_are_left_out_only_there():
    xml = build_cii(invoice())
    (raw,) = cen_worker("cii").run([xml])
    found = {(f.rule, f.location) for f in raw.findings}
    assert found == set(CII_IGNORED.items())  # the Factur-X profile checks the report leaves out, nothing else
    assert check(xml).findings == ()
    # An empty element elsewhere is still reported (PEPPOL-EN16931-R008 is only left out for the header delivery).
    empty = xml.replace(b"<ram:Description>Januar 2026</ram:Description>", b"<ram:Description></ram:Description>")
    report = check(empty)
    assert report.valid and report.rules(Severity.WARNING) == {"PEPPOL-EN16931-R008"}
    assert "SpecifiedTradeProduct" in report.warnings[0].location
