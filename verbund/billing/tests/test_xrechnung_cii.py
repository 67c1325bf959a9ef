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
    line,
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
from verbund.billing.xrechnung import validation
from verbund.billing.xrechnung.cii import build_cii
from verbund.billing.xrechnung.codes import NSMAP, NSMAP_CII, DocumentError, totals, vat_breakdown
from verbund.billing.xrechnung.document import CUSTOMIZATION_ID, PROFILE_ID, Contact, Payment
from verbund.billing.xrechnung.rules_de import Severity, check_rules_de
from verbund.billing.xrechnung.ubl import build_ubl
from verbund.billing.xrechnung.validation import (
    CII_IGNORED,
    cen_worker,
    shutdown_worker,
    validate_cii,
    validate_many,
    validate_ubl,
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


def test_missing_buyer_reference():
    report = check(invoice(buyer_reference=""))
    assert fatal_rules(report) == {"BR-DE-15", "VB-LEITWEG"}
    finding = next(f for f in report.findings if f.rule == "BR-DE-15")
    assert finding.location == "/CrossIndustryInvoice"
    assert "Leitweg-ID" in finding.message_de and "buyer reference" in finding.message_en


def test_missing_seller_contact():
    report = check(invoice(seller=dataclasses.replace(SELLER, contact=None)))
    assert fatal_rules(report) == {"BR-DE-2"}
    assert report.fatal[0].location == "/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/" + (
        "ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
    )


def test_incomplete_seller_contact_and_addresses():
    seller = dataclasses.replace(
        SELLER,
        contact=dataclasses.replace(SELLER.contact, name="", phone=""),
        address=dataclasses.replace(SELLER.address, city="", postcode=""),
    )
    buyer = dataclasses.replace(BUYER, address=dataclasses.replace(BUYER.address, city="", postcode=""))
    rules = fatal_rules(check(invoice(seller=seller, buyer=buyer)))
    assert {"BR-DE-3", "BR-DE-4", "BR-DE-5", "BR-DE-6", "BR-DE-8", "BR-DE-9"} <= rules


def test_missing_payment_means():
    report = check(invoice(payment=Payment(means_code="", iban="")))
    assert fatal_rules(report) == {"BR-DE-1"}


def test_credit_transfer_without_account():
    # The CEN CII rules check the same (CII-SR-470: a credit transfer needs BT-84), the UBL rules do not.
    assert fatal_rules(check(invoice(payment=Payment(means_code="58", iban="")))) == {"BR-DE-23-a", "CII-SR-470"}


def test_tax_amount_off_by_one_cent():
    doc = invoice()
    wrong = dataclasses.replace(doc.vat_breakdown[0], tax_amount=doc.vat_breakdown[0].tax_amount + Decimal("0.01"))
    breakdown = (wrong, *doc.vat_breakdown[1:])
    consistent = check(invoice(vat_breakdown=breakdown, totals=totals(doc.lines, breakdown)))
    assert fatal_rules(consistent) == {"VB-BR-CO-17"}  # the CEN rules tolerate one currency unit
    finding = consistent.fatal[0]
    assert finding.location.endswith("ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax[1]")
    assert "352.85 ≠ 352.84" in finding.message_de
    assert fatal_rules(check(invoice(vat_breakdown=breakdown))) == {"BR-CO-14", "VB-BR-CO-17"}


def test_tax_amount_off_by_two_euros_fails_the_cen_rules():
    doc = invoice()
    wrong = dataclasses.replace(doc.vat_breakdown[0], tax_amount=doc.vat_breakdown[0].tax_amount + Decimal("2.00"))
    breakdown = (wrong, *doc.vat_breakdown[1:])
    report = check(invoice(vat_breakdown=breakdown, totals=totals(doc.lines, breakdown)))
    assert {"BR-CO-17", "BR-S-09", "VB-BR-CO-17"} <= fatal_rules(report)
    cen = next(f for f in report.findings if f.rule == "BR-CO-17")
    assert cen.source == "cen" and cen.message_en.startswith("VAT category tax amount (BT-117)")
    assert cen.location == (
        "/rsm:CrossIndustryInvoice[1]/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]"
        "/ram:ApplicableTradeTax[1]"
    )


def test_totals_that_do_not_add_up_fail_the_cen_rules():
    doc = invoice()
    wrong = dataclasses.replace(doc.totals, line_net=doc.totals.line_net + Decimal("10.00"))
    assert "BR-CO-10" in fatal_rules(check(invoice(totals=wrong)))


def test_invalid_leitweg_check_digits():
    wrong = WRONG_LEITWEG_ID
    report = check(invoice(buyer_reference=wrong))
    assert fatal_rules(report) == {"VB-LEITWEG"}
    (finding,) = report.fatal
    assert finding.location == (
        "/CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/ram:BuyerReference"
    )
    assert wrong in finding.message_de and "check digits" in finding.message_en


def test_invalid_leitweg_id_as_buyer_electronic_address():
    report = check(invoice(buyer=dataclasses.replace(BUYER, electronic_address="05570044-12")))
    assert fatal_rules(report) == {"VB-LEITWEG"}
    assert report.fatal[0].location.endswith("ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID")


def test_missing_electronic_addresses_business_process_and_foreign_guideline():
    doc = invoice(
        seller=dataclasses.replace(SELLER, electronic_address=""),
        buyer=dataclasses.replace(BUYER, electronic_address=""),
    )
    assert {"PEPPOL-EN16931-R010", "PEPPOL-EN16931-R020"} <= fatal_rules(check(doc))
    xml = build_cii(invoice())
    profile = f"<ram:ID>{PROFILE_ID}</ram:ID>".encode()
    assert profile in xml
    without_profile = xml.replace(profile, b"")  # leaves an empty parameter element behind
    assert "PEPPOL-EN16931-R001" in fatal_rules(check(without_profile))
    foreign = xml.replace(b"urn:xeinkauf.de:kosit:xrechnung_3.0", b"urn:peppol:pint:billing-1")
    report = check(foreign)
    assert report.valid and "BR-DE-21" in report.rules(Severity.WARNING)


def test_seller_without_any_tax_identifier():
    report = check(invoice(seller=dataclasses.replace(SELLER, vat_id="", tax_number="")))
    assert {"BR-DE-16", "BR-S-02", "BR-E-02"} <= fatal_rules(report)


def test_invalid_iban_and_type_code_are_warnings():
    report = check(invoice(payment=dataclasses.replace(PAYMENT, iban="DE89370400440532013001")))
    assert report.valid and report.rules(Severity.WARNING) == {"BR-DE-19"}
    corrected = check(invoice(type_code="384"))
    assert corrected.valid and corrected.rules(Severity.WARNING) == {"BR-DE-26"}


def test_missing_vat_rate_in_breakdown():
    root = etree.fromstring(build_cii(invoice()))
    (rate,) = root.xpath(
        SETTLEMENT + "ram:ApplicableTradeTax[ram:CategoryCode='E']/ram:RateApplicablePercent", namespaces=NSMAP_CII
    )
    rate.getparent().remove(rate)
    report = check(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert "BR-DE-14" in fatal_rules(report)
    assert next(f for f in report.fatal if f.rule == "BR-DE-14").location.endswith("ram:ApplicableTradeTax[2]")


def test_schema_violation_and_wrong_syntax():
    xml = build_cii(invoice())
    number = b"<ram:ID>RE-2026-000123</ram:ID>"
    assert number in xml
    report = check(xml.replace(number, number + b"<ram:Unexpected>x</ram:Unexpected>"))
    xsd = [f for f in report.findings if f.rule == "XSD"]
    assert xsd and xsd[0].fatal and xsd[0].message_de.startswith("Verstoß gegen das CII-Schema")
    assert "Unexpected" in xsd[0].message_en
    # An amount the CEN stylesheet cannot read stops it: a fatal VB-CEN, never a pass without the CEN rules.
    grand_total = b"<ram:GrandTotalAmount>2969.88</ram:GrandTotalAmount>"
    comma = validate_cii(xml.replace(grand_total, b"<ram:GrandTotalAmount>2.969,88</ram:GrandTotalAmount>"))
    assert fatal_rules(comma) == {"XSD", "VB-CEN"} and "cen" not in comma.checks
    ubl_as_cii = validate_cii(build_ubl(invoice()))
    assert fatal_rules(ubl_as_cii) == {"XSD"} and "CII" in ubl_as_cii.fatal[0].message_de
    cii_as_ubl = validate_ubl(build_cii(invoice()))
    assert fatal_rules(cii_as_ubl) == {"XSD"} and "UBL" in cii_as_ubl.fatal[0].message_de
    with pytest.raises(ValueError, match="unknown syntax"):
        validate_many([build_cii(invoice())], syntax="edifact")


def test_validate_many_mixes_syntaxes_and_agrees_with_single_calls():
    docs = [
        build_cii(invoice()),
        build_ubl(invoice()),
        build_cii(invoice(buyer_reference="")),
        build_ubl(invoice(buyer_reference="")),
        build_cii(credit_note()),
        b"<not-xml",
    ]
    batch = validate_many(docs)
    assert [r.syntax for r in batch] == ["cii", "ubl", "cii", "ubl", "cii", ""]
    assert [r.valid for r in batch] == [True, True, False, False, True, False]
    assert all("cen" in r.checks for r in batch[:5])
    single = [validate_cii(xml) if r.syntax == "cii" else validate_ubl(xml) for xml, r in zip(docs, batch, strict=True)]
    assert batch == single
    assert batch[2].rules() == batch[3].rules() == {"BR-DE-15", "VB-LEITWEG"}


def test_report_as_dict_names_the_syntax():
    data = check(invoice(buyer_reference="")).as_dict()
    assert data["syntax"] == "cii" and data["valid"] is False and data["checks"] == list(ALL_LAYERS)


def test_validation_without_cen_is_explicit():
    report = validate_cii(build_cii(credit_note()), cen=False)
    assert report.checks == ("xml", "xsd", "xrechnung") and report.valid


# --- one rule implementation, two syntaxes -----------------------------------------------------------------------

BROKEN = {
    "no buyer reference": dict(buyer_reference=""),
    "wrong Leitweg check digits": dict(buyer_reference=WRONG_LEITWEG_ID),
    "no seller contact": dict(seller=dataclasses.replace(SELLER, contact=None)),
    "implausible contact": dict(
        seller=dataclasses.replace(SELLER, contact=Contact(name="", phone="12", email="x(at)y.de"))
    ),
    "no addresses' city and post code": dict(
        seller=dataclasses.replace(SELLER, address=dataclasses.replace(SELLER.address, city="", postcode="")),
        buyer=dataclasses.replace(BUYER, address=dataclasses.replace(BUYER.address, city="", postcode="")),
    ),
    "no payment means": dict(payment=Payment(means_code="", iban="")),
    "credit transfer without account": dict(payment=Payment(means_code="58", iban="")),
    "invalid IBAN": dict(payment=dataclasses.replace(PAYMENT, iban="DE89370400440532013001")),
    "no seller tax id": dict(seller=dataclasses.replace(SELLER, vat_id="", tax_number="")),
    "no electronic addresses": dict(
        seller=dataclasses.replace(SELLER, electronic_address=""),
        buyer=dataclasses.replace(BUYER, electronic_address=""),
    ),
    "other type code": dict(type_code="383"),
    "corrected without reference": dict(type_code="384"),
    "wrong cent": dict(
        vat_breakdown=(
            dataclasses.replace(invoice().vat_breakdown[0], tax_amount=Decimal("352.83")),
            *invoice().vat_breakdown[1:],
        )
    ),
}


@pytest.mark.parametrize("name", BROKEN)
def test_the_german_layer_finds_the_same_rules_in_both_syntaxes(name):
    doc = invoice(**BROKEN[name])
    ubl = check_rules_de(etree.fromstring(build_ubl(doc)))
    cii = check_rules_de(etree.fromstring(build_cii(doc)))
    assert ubl  # every case breaks at least one rule
    assert [(f.rule, f.severity, f.message_de) for f in cii] == [(f.rule, f.severity, f.message_de) for f in ubl]
    assert all(f.location.startswith("/CrossIndustryInvoice") for f in cii)


def test_german_layer_on_all_valid_samples_is_silent():
    for name, make in SAMPLES.items():
        doc = make()
        cii = check_rules_de(etree.fromstring(build_cii(doc)))
        ubl = check_rules_de(etree.fromstring(build_ubl(doc)))
        assert cii == [] and ubl == [], name


# --- the second worker --------------------------------------------------------------------------------------------


def test_cii_has_its_own_worker_and_shutdown_ends_both():
    validate_cii(build_cii(invoice()))
    validate_ubl(build_ubl(invoice()))
    cii_worker, ubl_worker = cen_worker("cii"), cen_worker("ubl")
    assert cii_worker is not ubl_worker
    assert cii_worker.stylesheet.name == "FACTUR-X_EN16931.xslt"
    assert ubl_worker.stylesheet.name == "EN16931-UBL-validation.xslt"
    assert cii_worker.pid is not None and ubl_worker.pid is not None and cii_worker.pid != ubl_worker.pid
    shutdown_worker()
    assert validation._workers == {} and cii_worker.pid is None and ubl_worker.pid is None
    assert validate_cii(build_cii(invoice())).findings == ()  # started again on demand
    assert cen_worker("cii") is not cii_worker


def test_a_25_line_invoice_with_two_rates_matches_the_ubl_and_validates():
    lines = tuple(
        line(n, f"Position {n}", f"{n}.5", "C62", f"{n}.1234", rate="7" if n % 3 else "19") for n in range(1, 26)
    )
    breakdown = vat_breakdown(lines)
    doc = invoice(lines=lines, vat_breakdown=breakdown, totals=totals(lines, breakdown))
    assert cii_terms(build_cii(doc)) == ubl_terms(build_ubl(doc))
    assert check(doc).findings == ()
