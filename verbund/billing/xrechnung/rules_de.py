"""The German XRechnung layer over a UBL or CII tree, in pure Python (no Django, no XSLT).

The KoSIT BR-DE rules that can apply to Verbund's invoices (the rule table in the shared standards notes), the
three Peppol rules XRechnung takes over (PEPPOL-EN16931-R001, R010, R020) and two project rules:
- VB-LEITWEG: the buyer reference BT-10 (and a buyer address of scheme 0204) must be a Leitweg-ID with correct
  check digits (KoSIT checks only that BT-10 is present);
- VB-BR-CO-17: the tax of each VAT category is exactly round(taxable × rate / 100) to the cent. The CEN
  artefact's BR-CO-17 and BR-S-09 accept a deviation of up to one currency unit (|BT-117 − expected| < 1), so
  a wrong cent would pass it; the billing app computes the tax at document level (`codes.vat_breakdown`).
Each finding has the rule id, the severity the KoSIT schematron gives it, an XPath location and a message in
German and English (our own wording, not KoSIT's).

The rules are written once. They read the business terms through a small table of XPaths per syntax (`UBL`,
`CII`: `Paths`), chosen from the root element (`paths_for`), so both syntaxes get the same checks.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeAlias

from lxml import etree

from verbund.billing.xrechnung.codes import (
    CREDIT_TRANSFER_CODES,
    CUSTOMIZATION_IDS,
    LOCATION_PREFIXES,
    NS_CREDIT_NOTE,
    NS_INVOICE,
    NS_RSM,
    NSMAP,
    NSMAP_CII,
    TYPE_CODES_DE,
    VAT_CATEGORIES_NEEDING_SELLER_TAX_ID,
    is_valid_iban,
)
from verbund.core.money import round_money
from verbund.registry.keys import KeyError_, validate_leitweg_id

_Element: TypeAlias = etree._Element


class Severity(StrEnum):
    FATAL = "fatal"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True)
class Finding:
    rule: str  # e.g. "BR-DE-15", "BR-CO-17", "XSD"
    severity: Severity
    location: str  # XPath of the element the finding is about
    message_de: str  # German, where we have a text (empty for CEN rules)
    message_en: str  # English (the CEN text as published, or ours)
    source: str = "xrechnung"  # xml, xsd, cen, xrechnung, peppol, verbund, validator

    @property
    def message(self) -> str:
        """German where there is a German text, else the English one (CEN texts are English only)."""
        return self.message_de or self.message_en

    @property
    def fatal(self) -> bool:
        return self.severity == Severity.FATAL


F, W = Severity.FATAL, Severity.WARNING

# rule id → (severity, German, English)
RULES: dict[str, tuple[Severity, str, str]] = {
    "BR-DE-1": (F, "Die Zahlungsanweisungen (BG-16) fehlen.", "Payment instructions (BG-16) are missing."),
    "BR-DE-2": (F, "Der Kontakt des Verkäufers (BG-6) fehlt.", "The seller contact (BG-6) is missing."),
    "BR-DE-3": (F, "Der Ort des Verkäufers (BT-37) fehlt.", "The seller city (BT-37) is missing."),
    "BR-DE-4": (F, "Die Postleitzahl des Verkäufers (BT-38) fehlt.", "The seller post code (BT-38) is missing."),
    "BR-DE-5": (
        F,
        "Die Kontaktstelle des Verkäufers (BT-41, Name) fehlt.",
        "The seller contact point (BT-41) is missing.",
    ),
    "BR-DE-6": (
        F,
        "Die Telefonnummer des Verkäuferkontakts (BT-42) fehlt.",
        "The seller contact telephone number (BT-42) is missing.",
    ),
    "BR-DE-7": (
        F,
        "Die E-Mail-Adresse des Verkäuferkontakts (BT-43) fehlt.",
        "The seller contact e-mail address (BT-43) is missing.",
    ),
    "BR-DE-8": (F, "Der Ort des Käufers (BT-52) fehlt.", "The buyer city (BT-52) is missing."),
    "BR-DE-9": (F, "Die Postleitzahl des Käufers (BT-53) fehlt.", "The buyer post code (BT-53) is missing."),
    "BR-DE-14": (
        F,
        "In der Umsatzsteueraufschlüsselung fehlt der Steuersatz (BT-119).",
        "A VAT breakdown has no VAT category rate (BT-119).",
    ),
    "BR-DE-15": (
        F,
        "Die Käuferreferenz (BT-10, bei Behörden die Leitweg-ID) fehlt.",
        "The buyer reference (BT-10, for public bodies the Leitweg-ID) is missing.",
    ),
    "BR-DE-16": (
        F,
        "Bei steuerbaren oder steuerbefreiten Umsätzen braucht der Verkäufer eine USt-IdNr. (BT-31), eine "
        "Steuernummer (BT-32) oder einen Steuervertreter (BG-11).",
        "With VAT categories S, Z, E, AE, K, G, L or M the seller needs a VAT identifier (BT-31), a tax "
        "registration identifier (BT-32) or a tax representative (BG-11).",
    ),
    "BR-DE-17": (
        W,
        "Der Rechnungstyp (BT-3) sollte 326, 380, 384, 389, 381, 875, 876 oder 877 sein.",
        "The invoice type code (BT-3) should be one of 326, 380, 384, 389, 381, 875, 876, 877.",
    ),
    "BR-DE-19": (
        W,
        "Die Kontonummer des Zahlungsempfängers (BT-84) ist keine gültige IBAN.",
        "The payment account identifier (BT-84) is not a valid IBAN.",
    ),
    "BR-DE-21": (
        W,
        "Die Spezifikationskennung (BT-24) ist nicht die von XRechnung 3.0.",
        "The specification identifier (BT-24) is not the XRechnung 3.0 one.",
    ),
    "BR-DE-23-a": (
        F,
        "Bei Überweisung (Code 30 oder 58) muss ein Empfängerkonto (BG-17) angegeben sein.",
        "With credit transfer (code 30 or 58) the credit transfer account (BG-17) must be present.",
    ),
    "BR-DE-23-b": (
        F,
        "Bei Überweisung (Code 30 oder 58) darf keine Karten- (BG-18) oder Lastschriftangabe (BG-19) stehen.",
        "With credit transfer (code 30 or 58) card information (BG-18) and direct debit (BG-19) are not allowed.",
    ),
    "BR-DE-26": (
        W,
        "Eine korrigierte Rechnung (Typ 384) sollte die vorausgegangene Rechnung (BG-3) nennen.",
        "A corrected invoice (type 384) should reference the preceding invoice (BG-3).",
    ),
    "BR-DE-27": (
        W,
        "Die Telefonnummer des Verkäuferkontakts (BT-42) sollte mindestens drei Ziffern enthalten.",
        "The seller contact telephone number (BT-42) should contain at least three digits.",
    ),
    "BR-DE-28": (
        W,
        "Die E-Mail-Adresse des Verkäuferkontakts (BT-43) sieht nicht gültig aus.",
        "The seller contact e-mail address (BT-43) does not look valid.",
    ),
    "PEPPOL-EN16931-R001": (
        F,
        "Die Prozesskennung (BT-23) fehlt.",
        "Business process (BT-23) must be provided.",
    ),
    "PEPPOL-EN16931-R010": (
        F,
        "Die elektronische Adresse des Käufers (BT-49) fehlt.",
        "Buyer electronic address (BT-49) must be provided.",
    ),
    "PEPPOL-EN16931-R020": (
        F,
        "Die elektronische Adresse des Verkäufers (BT-34) fehlt.",
        "Seller electronic address (BT-34) must be provided.",
    ),
    "VB-LEITWEG": (
        F,
        "Die Käuferreferenz (BT-10) ist keine gültige Leitweg-ID.",
        "The buyer reference (BT-10) is not a valid Leitweg-ID.",
    ),
    "VB-BR-CO-17": (
        F,
        "Der Steuerbetrag einer Umsatzsteuerkategorie (BT-117) ist nicht Bemessungsgrundlage (BT-116) × "
        "Steuersatz (BT-119) / 100, auf den Cent gerundet.",
        "A VAT category tax amount (BT-117) is not taxable amount (BT-116) × rate (BT-119) / 100 rounded to the "
        "cent (the CEN rule BR-CO-17 tolerates up to one currency unit; Verbund's invoices are exact).",
    ),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


# --- where the business terms are, per syntax -----------------------------------------------------------------


@dataclass(frozen=True)
class Paths:
    """XPaths of the business terms the rules read, relative to the root or to the element named in the comment.

    One table per syntax (UBL, CII); the rule functions below are written once, against these names."""

    syntax: str  # "ubl" or "cii"
    namespaces: dict[str, str]
    customization_id: str  # BT-24
    profile_id: str  # BT-23
    type_code: str  # BT-3
    preceding_invoice: str  # BG-3
    buyer_reference: str  # BT-10
    seller: str  # BG-4
    buyer: str  # BG-7
    tax_representative: str  # BG-11
    electronic_address: str  # BT-34 / BT-49, in a party
    postal_address: str  # BG-5 / BG-8, in a party
    city: str  # BT-37 / BT-52, in an address
    postcode: str  # BT-38 / BT-53, in an address
    contact: str  # BG-6, in a party
    contact_name: str  # BT-41, in a contact
    contact_phone: str  # BT-42, in a contact
    contact_email: str  # BT-43, in a contact
    seller_tax_ids: str  # BT-31 / BT-32 with a value, in the seller party
    vat_breakdown: str  # BG-23
    breakdown_rate: str  # BT-119, in a BG-23
    breakdown_taxable: str  # BT-116, in a BG-23
    breakdown_tax: str  # BT-117, in a BG-23
    vat_categories: str  # BT-118, BT-151 (and allowance/charge categories) anywhere
    payment_means: str  # BG-16
    payment_means_code: str  # BT-81, in a BG-16
    credit_transfer: str  # BG-17, in a BG-16
    card_or_direct_debit: str  # BG-18 / BG-19, in a BG-16
    account_id: str  # BT-84, in a BG-17


_SUPPLIER = "cac:AccountingSupplierParty/cac:Party"

UBL = Paths(
    syntax="ubl",
    namespaces=NSMAP,
    customization_id="cbc:CustomizationID",
    profile_id="cbc:ProfileID",
    type_code="cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode",
    preceding_invoice="cac:BillingReference",
    buyer_reference="cbc:BuyerReference",
    seller=_SUPPLIER,
    buyer="cac:AccountingCustomerParty/cac:Party",
    tax_representative="cac:TaxRepresentativeParty",
    electronic_address="cbc:EndpointID",
    postal_address="cac:PostalAddress",
    city="cbc:CityName",
    postcode="cbc:PostalZone",
    contact="cac:Contact",
    contact_name="cbc:Name",
    contact_phone="cbc:Telephone",
    contact_email="cbc:ElectronicMail",
    seller_tax_ids="cac:PartyTaxScheme[normalize-space(cbc:CompanyID) != '']",
    vat_breakdown="cac:TaxTotal/cac:TaxSubtotal",
    breakdown_rate="cac:TaxCategory/cbc:Percent",
    breakdown_taxable="cbc:TaxableAmount",
    breakdown_tax="cbc:TaxAmount",
    vat_categories=".//cac:ClassifiedTaxCategory/cbc:ID | .//cac:TaxCategory/cbc:ID",
    payment_means="cac:PaymentMeans",
    payment_means_code="cbc:PaymentMeansCode",
    credit_transfer="cac:PayeeFinancialAccount",
    card_or_direct_debit="cac:CardAccount | cac:PaymentMandate",
    account_id="cbc:ID",
)

_TRANSACTION = "rsm:SupplyChainTradeTransaction"
_AGREEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = f"{_TRANSACTION}/ram:ApplicableHeaderTradeSettlement"
_CONTEXT = "rsm:ExchangedDocumentContext"

CII = Paths(
    syntax="cii",
    namespaces=NSMAP_CII,
    customization_id=f"{_CONTEXT}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID",
    profile_id=f"{_CONTEXT}/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
    type_code="rsm:ExchangedDocument/ram:TypeCode",
    preceding_invoice=f"{_SETTLEMENT}/ram:InvoiceReferencedDocument",
    buyer_reference=f"{_AGREEMENT}/ram:BuyerReference",
    seller=f"{_AGREEMENT}/ram:SellerTradeParty",
    buyer=f"{_AGREEMENT}/ram:BuyerTradeParty",
    tax_representative=f"{_AGREEMENT}/ram:SellerTaxRepresentativeTradeParty",
    electronic_address="ram:URIUniversalCommunication/ram:URIID",
    postal_address="ram:PostalTradeAddress",
    city="ram:CityName",
    postcode="ram:PostcodeCode",
    contact="ram:DefinedTradeContact",
    contact_name="ram:PersonName | ram:DepartmentName",  # KoSIT's CII BR-DE-5 accepts either
    contact_phone="ram:TelephoneUniversalCommunication/ram:CompleteNumber",
    contact_email="ram:EmailURIUniversalCommunication/ram:URIID",
    seller_tax_ids="ram:SpecifiedTaxRegistration[normalize-space(ram:ID) != '']",
    vat_breakdown=f"{_SETTLEMENT}/ram:ApplicableTradeTax",
    breakdown_rate="ram:RateApplicablePercent",
    breakdown_taxable="ram:BasisAmount",
    breakdown_tax="ram:CalculatedAmount",
    vat_categories=".//ram:ApplicableTradeTax/ram:CategoryCode | .//ram:CategoryTradeTax/ram:CategoryCode",
    payment_means=f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans",
    payment_means_code="ram:TypeCode",
    credit_transfer="ram:PayeePartyCreditorFinancialAccount",
    card_or_direct_debit="ram:ApplicableTradeSettlementFinancialCard | ram:PayerPartyDebtorFinancialAccount",
    account_id="ram:IBANID",
)

PATHS_BY_ROOT = {
    f"{{{NS_INVOICE}}}Invoice": UBL,
    f"{{{NS_CREDIT_NOTE}}}CreditNote": UBL,
    f"{{{NS_RSM}}}CrossIndustryInvoice": CII,
}


def paths_for(root: _Element) -> Paths:
    """The path table of the document's syntax, chosen from its root element (UBL for anything unknown)."""
    return PATHS_BY_ROOT.get(root.tag, UBL)


# --- helpers ------------------------------------------------------------------------------------------------------


def location(element: _Element) -> str:
    """A readable XPath: /Invoice/cac:TaxTotal[1]/cac:TaxSubtotal[2] (positions only where siblings repeat)."""
    steps = []
    node: _Element | None = element
    while node is not None:
        qname = etree.QName(node)
        prefix = LOCATION_PREFIXES.get(qname.namespace or "")
        parent = node.getparent()
        name = qname.localname if parent is None or prefix is None else f"{prefix}:{qname.localname}"
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def finding(rule: str, element: _Element, extra: str = "") -> Finding:
    severity, german, english = RULES[rule]
    source = "peppol" if rule.startswith("PEPPOL") else "verbund" if rule.startswith("VB-") else "xrechnung"
    if extra:
        german, english = f"{german.rstrip('.')}: {extra}", f"{english.rstrip('.')}: {extra}"
    return Finding(rule, severity, location(element), german, english, source)


def _text(element: _Element, path: str, p: Paths) -> str:
    return " ".join("".join(element.xpath(f"string({path})", namespaces=p.namespaces)).split())


def _all(element: _Element, path: str, p: Paths) -> list[_Element]:
    return list(element.xpath(path, namespaces=p.namespaces))


# --- the rules (one implementation for both syntaxes) ------------------------------------------------------------


def _seller(root: _Element, p: Paths) -> Iterator[Finding]:
    for party in _all(root, p.seller, p):
        if not _text(party, p.electronic_address, p):
            yield finding("PEPPOL-EN16931-R020", party)
        for address in _all(party, p.postal_address, p):
            if not _text(address, p.city, p):
                yield finding("BR-DE-3", address)
            if not _text(address, p.postcode, p):
                yield finding("BR-DE-4", address)
        contacts = _all(party, p.contact, p)
        if not contacts:
            yield finding("BR-DE-2", party)
        for contact in contacts:
            phone, email = _text(contact, p.contact_phone, p), _text(contact, p.contact_email, p)
            if not _text(contact, p.contact_name, p):
                yield finding("BR-DE-5", contact)
            if not phone:
                yield finding("BR-DE-6", contact)
            elif sum(char.isdigit() for char in phone) < 3:
                yield finding("BR-DE-27", contact, phone)
            if not email:
                yield finding("BR-DE-7", contact)
            elif not _EMAIL.match(email):
                yield finding("BR-DE-28", contact, email)


def _buyer(root: _Element, p: Paths) -> Iterator[Finding]:
    for party in _all(root, p.buyer, p):
        if not _text(party, p.electronic_address, p):
            yield finding("PEPPOL-EN16931-R010", party)
        for address in _all(party, p.postal_address, p):
            if not _text(address, p.city, p):
                yield finding("BR-DE-8", address)
            if not _text(address, p.postcode, p):
                yield finding("BR-DE-9", address)
        for endpoint in _all(party, f"{p.electronic_address}[@schemeID='0204']", p):
            yield from _leitweg(endpoint, "BT-49")


def _leitweg(element: _Element, term: str) -> Iterator[Finding]:
    value = " ".join((element.text or "").split())
    try:
        validate_leitweg_id(value)
    except KeyError_ as exc:
        yield finding("VB-LEITWEG", element, f"{term} {value!r} – {exc}")


def _header(root: _Element, p: Paths) -> Iterator[Finding]:
    if _text(root, p.customization_id, p) not in CUSTOMIZATION_IDS:
        yield finding("BR-DE-21", next(iter(_all(root, p.customization_id, p)), root))
    if not _text(root, p.profile_id, p):
        yield finding("PEPPOL-EN16931-R001", root)
    type_code = _text(root, p.type_code, p)
    if type_code not in TYPE_CODES_DE:
        yield finding("BR-DE-17", root, type_code)
    if type_code == "384" and not _all(root, p.preceding_invoice, p):
        yield finding("BR-DE-26", root)
    references = _all(root, p.buyer_reference, p)
    if not _text(root, p.buyer_reference, p):
        yield finding("BR-DE-15", root)
        yield finding("VB-LEITWEG", root, "BT-10 fehlt / is missing")
    for reference in references:
        yield from _leitweg(reference, "BT-10")


def _tax(root: _Element, p: Paths) -> Iterator[Finding]:
    for breakdown in _all(root, p.vat_breakdown, p):
        if not _all(breakdown, p.breakdown_rate, p):
            yield finding("BR-DE-14", breakdown)
        else:
            yield from _exact_tax(breakdown, p)
    categories = {" ".join((code.text or "").split()) for code in _all(root, p.vat_categories, p)}
    if categories & set(VAT_CATEGORIES_NEEDING_SELLER_TAX_ID):
        schemes = _all(root, f"{p.seller}/{p.seller_tax_ids}", p)
        if not schemes and not _all(root, p.tax_representative, p):
            yield finding("BR-DE-16", next(iter(_all(root, p.seller, p)), root), ", ".join(sorted(categories)))


def _decimal(element: _Element, path: str, p: Paths) -> Decimal | None:
    try:
        return Decimal(_text(element, path, p))
    except InvalidOperation:
        return None  # missing or not a number: the XSD and the CEN rules report that


def _exact_tax(breakdown: _Element, p: Paths) -> Iterator[Finding]:
    """VB-BR-CO-17: BT-117 = round(BT-116 × BT-119 / 100) to the cent, with no tolerance."""
    taxable, tax = _decimal(breakdown, p.breakdown_taxable, p), _decimal(breakdown, p.breakdown_tax, p)
    rate = _decimal(breakdown, p.breakdown_rate, p)
    if taxable is None or tax is None or rate is None:
        return
    expected = round_money(abs(taxable) * rate / 100)
    if abs(tax) != expected:
        yield finding("VB-BR-CO-17", breakdown, f"{tax} ≠ {expected}")


def _payment(root: _Element, p: Paths) -> Iterator[Finding]:
    means_list = _all(root, p.payment_means, p)
    if not means_list:
        yield finding("BR-DE-1", root)
    for means in means_list:
        code = _text(means, p.payment_means_code, p)
        if code not in CREDIT_TRANSFER_CODES:
            continue
        accounts = _all(means, p.credit_transfer, p)
        if not accounts:
            yield finding("BR-DE-23-a", means)
        if _all(means, p.card_or_direct_debit, p):
            yield finding("BR-DE-23-b", means)
        if code == "58":
            for account in accounts:
                iban = _text(account, p.account_id, p)
                if not is_valid_iban(iban):
                    yield finding("BR-DE-19", account, iban)


def check_rules_de(root: _Element) -> list[Finding]:
    """All BR-DE, Peppol and VB findings for a parsed UBL Invoice / CreditNote or CII CrossIndustryInvoice."""
    paths = paths_for(root)
    findings: list[Finding] = []
    for check in (_header, _seller, _buyer, _tax, _payment):
        findings.extend(check(root, paths))
    return findings


__all__ = ["CII", "RULES", "UBL", "Finding", "Paths", "Severity", "check_rules_de", "location", "paths_for"]
