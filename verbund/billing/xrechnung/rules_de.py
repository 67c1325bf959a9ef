"""The German XRechnung layer over a UBL tree, in pure Python (no Django, no XSLT).

The KoSIT BR-DE rules that can apply to Verbund's invoices (the rule table in the shared standards notes), the
three Peppol rules XRechnung takes over (PEPPOL-EN16931-R001, R010, R020) and two project rules:
- VB-LEITWEG: the buyer reference BT-10 (and a buyer address of scheme 0204) must be a Leitweg-ID with correct
  check digits (KoSIT checks only that BT-10 is present);
- VB-BR-CO-17: the tax of each VAT category is exactly round(taxable × rate / 100) to the cent. The CEN
  artefact's BR-CO-17 and BR-S-09 accept a deviation of up to one currency unit (|BT-117 − expected| < 1), so
  a wrong cent would pass it; the billing app computes the tax at document level (`codes.vat_breakdown`).
Each finding has the rule id, the severity the KoSIT schematron gives it, an XPath location and a message in
German and English (our own wording, not KoSIT's).
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
    NSMAP,
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
_SUPPLIER = "cac:AccountingSupplierParty/cac:Party"
_CUSTOMER = "cac:AccountingCustomerParty/cac:Party"


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


def _text(element: _Element, path: str) -> str:
    return " ".join("".join(element.xpath(f"string({path})", namespaces=NSMAP)).split())


def _all(element: _Element, path: str) -> list[_Element]:
    return list(element.xpath(path, namespaces=NSMAP))


def _seller(root: _Element) -> Iterator[Finding]:
    for party in _all(root, _SUPPLIER):
        if not _text(party, "cbc:EndpointID"):
            yield finding("PEPPOL-EN16931-R020", party)
        for address in _all(party, "cac:PostalAddress"):
            if not _text(address, "cbc:CityName"):
                yield finding("BR-DE-3", address)
            if not _text(address, "cbc:PostalZone"):
                yield finding("BR-DE-4", address)
        contacts = _all(party, "cac:Contact")
        if not contacts:
            yield finding("BR-DE-2", party)
        for contact in contacts:
            phone, email = _text(contact, "cbc:Telephone"), _text(contact, "cbc:ElectronicMail")
            if not _text(contact, "cbc:Name"):
                yield finding("BR-DE-5", contact)
            if not phone:
                yield finding("BR-DE-6", contact)
            elif sum(char.isdigit() for char in phone) < 3:
                yield finding("BR-DE-27", contact, phone)
            if not email:
                yield finding("BR-DE-7", contact)
            elif not _EMAIL.match(email):
                yield finding("BR-DE-28", contact, email)


def _buyer(root: _Element) -> Iterator[Finding]:
    for party in _all(root, _CUSTOMER):
        if not _text(party, "cbc:EndpointID"):
            yield finding("PEPPOL-EN16931-R010", party)
        for address in _all(party, "cac:PostalAddress"):
            if not _text(address, "cbc:CityName"):
                yield finding("BR-DE-8", address)
            if not _text(address, "cbc:PostalZone"):
                yield finding("BR-DE-9", address)
        for endpoint in _all(party, "cbc:EndpointID[@schemeID='0204']"):
            yield from _leitweg(endpoint, "BT-49")


def _leitweg(element: _Element, term: str) -> Iterator[Finding]:
    value = " ".join((element.text or "").split())
    try:
        validate_leitweg_id(value)
    except KeyError_ as exc:
        yield finding("VB-LEITWEG", element, f"{term} {value!r} – {exc}")


def _header(root: _Element) -> Iterator[Finding]:
    if _text(root, "cbc:CustomizationID") not in CUSTOMIZATION_IDS:
        yield finding("BR-DE-21", next(iter(_all(root, "cbc:CustomizationID")), root))
    if not _text(root, "cbc:ProfileID"):
        yield finding("PEPPOL-EN16931-R001", root)
    type_code = _text(root, "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode")
    if type_code not in TYPE_CODES_DE:
        yield finding("BR-DE-17", root, type_code)
    if type_code == "384" and not _all(root, "cac:BillingReference"):
        yield finding("BR-DE-26", root)
    references = _all(root, "cbc:BuyerReference")
    if not _text(root, "cbc:BuyerReference"):
        yield finding("BR-DE-15", root)
        yield finding("VB-LEITWEG", root, "BT-10 fehlt / is missing")
    for reference in references:
        yield from _leitweg(reference, "BT-10")


def _tax(root: _Element) -> Iterator[Finding]:
    for subtotal in _all(root, "cac:TaxTotal/cac:TaxSubtotal"):
        if not _all(subtotal, "cac:TaxCategory/cbc:Percent"):
            yield finding("BR-DE-14", subtotal)
        else:
            yield from _exact_tax(subtotal)
    categories = {
        " ".join((code.text or "").split())
        for code in _all(root, ".//cac:ClassifiedTaxCategory/cbc:ID | .//cac:TaxCategory/cbc:ID")
    }
    if categories & set(VAT_CATEGORIES_NEEDING_SELLER_TAX_ID):
        schemes = _all(root, f"{_SUPPLIER}/cac:PartyTaxScheme[normalize-space(cbc:CompanyID) != '']")
        if not schemes and not _all(root, "cac:TaxRepresentativeParty"):
            yield finding("BR-DE-16", next(iter(_all(root, _SUPPLIER)), root), ", ".join(sorted(categories)))


def _decimal(element: _Element, path: str) -> Decimal | None:
    try:
        return Decimal(_text(element, path))
    except InvalidOperation:
        return None  # missing or not a number: the XSD and the CEN rules report that


def _exact_tax(subtotal: _Element) -> Iterator[Finding]:
    """VB-BR-CO-17: BT-117 = round(BT-116 × BT-119 / 100) to the cent, with no tolerance."""
    taxable, tax = _decimal(subtotal, "cbc:TaxableAmount"), _decimal(subtotal, "cbc:TaxAmount")
    rate = _decimal(subtotal, "cac:TaxCategory/cbc:Percent")
    if taxable is None or tax is None or rate is None:
        return
    expected = round_money(abs(taxable) * rate / 100)
    if abs(tax) != expected:
        yield finding("VB-BR-CO-17", subtotal, f"{tax} ≠ {expected}")


def _payment(root: _Element) -> Iterator[Finding]:
    means_list = _all(root, "cac:PaymentMeans")
    if not means_list:
        yield finding("BR-DE-1", root)
    for means in means_list:
        code = _text(means, "cbc:PaymentMeansCode")
        if code not in CREDIT_TRANSFER_CODES:
            continue
        accounts = _all(means, "cac:PayeeFinancialAccount")
        if not accounts:
            yield finding("BR-DE-23-a", means)
        if _all(means, "cac:CardAccount | cac:PaymentMandate"):
            yield finding("BR-DE-23-b", means)
        if code == "58":
            for account in accounts:
                iban = _text(account, "cbc:ID")
                if not is_valid_iban(iban):
                    yield finding("BR-DE-19", account, iban)


def check_rules_de(root: _Element) -> list[Finding]:
    """All BR-DE, Peppol and VB findings for a parsed UBL Invoice or CreditNote (root element)."""
    findings: list[Finding] = []
    for check in (_header, _seller, _buyer, _tax, _payment):
        findings.extend(check(root))
    return findings


__all__ = ["RULES", "Finding", "Severity", "check_rules_de", "location"]
