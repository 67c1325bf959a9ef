"""Code lists, namespaces (UBL and CII) and the document arithmetic of EN 16931 (pure Python, no Django, no XML).

`vat_breakdown` and `totals` compute BG-23 and BG-22 from the invoice lines the way the CEN rules check them:
the tax of a VAT category is rounded once, at document level (BR-CO-17: BT-117 = BT-116 × BT-119 / 100, rounded
to the cent), never summed from rounded line taxes. The billing app uses both to fill an `InvoiceDocument`.
"""

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from verbund.billing.xrechnung.document import (
    CUSTOMIZATION_ID,
    VAT_EXEMPT,
    VAT_NOT_SUBJECT,
    Line,
    Totals,
    VatBreakdown,
)
from verbund.core.money import round_money

# UBL 2.1 namespaces.
NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS_SVRL = "http://purl.oclc.org/dsdl/svrl"
NSMAP = {"cac": NS_CAC, "cbc": NS_CBC}

# UN/CEFACT Cross Industry Invoice D16B namespaces (the CII syntax of XRechnung).
NS_RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS_QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP_CII = {"rsm": NS_RSM, "ram": NS_RAM, "udt": NS_UDT, "qdt": NS_QDT}

# Prefixes for readable XPath locations (also for SVRL locations, which spell namespaces out).
LOCATION_PREFIXES = {
    NS_CAC: "cac",
    NS_CBC: "cbc",
    NS_INVOICE: "ubl",
    NS_CREDIT_NOTE: "cn",
    NS_RSM: "rsm",
    NS_RAM: "ram",
    NS_UDT: "udt",
    NS_QDT: "qdt",
}

CUSTOMIZATION_IDS = (  # BR-DE-21: the CIUS and the extension
    CUSTOMIZATION_ID,
    f"{CUSTOMIZATION_ID}#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
)
TYPE_CODES_DE = ("326", "380", "384", "389", "381", "875", "876", "877")  # BR-DE-17
CREDIT_NOTE_TYPE_CODES = ("381",)  # serialised as a UBL CreditNote (CII has one root for all type codes)

# BR-DE-16: categories for which the seller needs a VAT id (BT-31), a tax number (BT-32) or a tax representative.
VAT_CATEGORIES_NEEDING_SELLER_TAX_ID = ("S", "Z", "E", "AE", "K", "G", "L", "M")
VAT_CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O", "L", "M")  # UNCL 5305 subset of EN 16931
CREDIT_TRANSFER_CODES = ("30", "58")  # BR-DE-23
CARD_CODES = ("48", "54", "55")  # BR-DE-24
DIRECT_DEBIT_CODES = ("59",)  # BR-DE-25

TAX_SCHEME_VAT = "VAT"  # BT-31 / BT-48
TAX_SCHEME_TAX_NUMBER = "FC"  # BT-32 (Steuernummer), as XRechnung samples encode it
TAX_SCHEME_VAT_ID_CII = "VA"  # CII: schemeID of BT-31 / BT-48 in SpecifiedTaxRegistration (BT-32 stays "FC")
TAX_TYPE_VAT = "VAT"  # CII: ApplicableTradeTax/TypeCode
DATE_FORMAT_CII = "102"  # CII: udt:DateTimeString/@format, CCYYMMDD

ZERO = Decimal("0.00")
_IBAN = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


class DocumentError(ValueError):
    """The data cannot form an invoice (e.g. a line with an unknown VAT category)."""


def is_valid_iban(value: str) -> bool:
    """ISO 13616 IBAN: format and the ISO 7064 MOD 97-10 check (what BR-DE-19 asks for)."""
    iban = value.replace(" ", "").upper()
    if not _IBAN.match(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _exemption(value: str | tuple[str, str] | None) -> tuple[str, str]:
    if value is None:
        return "", ""
    if isinstance(value, str):
        return value, ""
    return value


def vat_breakdown(
    lines: Iterable[Line],
    exemption_reasons: Mapping[str, str | tuple[str, str]] | None = None,
) -> tuple[VatBreakdown, ...]:
    """BG-23: one group per (VAT category, rate), in order of first appearance among the lines.

    `exemption_reasons` maps a category ("E", "O", …) to its reason text (BT-120) or to (text, VATEX code)
    (BT-120, BT-121). Taxable amount = Σ line net amounts of the group; tax = round(taxable × rate / 100).
    """
    reasons = exemption_reasons or {}
    sums: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        if line.vat_category not in VAT_CATEGORIES:
            raise DocumentError(f"line {line.id}: unknown VAT category {line.vat_category!r}")
        key = (line.vat_category, line.vat_rate.normalize())
        sums[key] = sums.get(key, ZERO) + line.net_amount
    groups = []
    for (category, rate), taxable in sums.items():
        tax = ZERO if category in (VAT_EXEMPT, VAT_NOT_SUBJECT) else round_money(taxable * rate / 100)
        reason, code = _exemption(reasons.get(category))
        groups.append(
            VatBreakdown(
                category=category,
                rate=rate,
                taxable_amount=round_money(taxable),
                tax_amount=tax,
                exemption_reason=reason,
                exemption_code=code,
            )
        )
    return tuple(groups)


def totals(lines: Iterable[Line], breakdown: Iterable[VatBreakdown], prepaid: Decimal = ZERO) -> Totals:
    """BG-22 from the lines and BG-23 (no document-level allowances or charges, no rounding amount).

    BT-106 = Σ BT-131 (BR-CO-10); BT-109 = BT-106 (BR-CO-13); BT-110 = Σ BT-117 (BR-CO-14);
    BT-112 = BT-109 + BT-110 (BR-CO-15); BT-115 = BT-112 − BT-113 (BR-CO-16).
    """
    line_net = round_money(sum((line.net_amount for line in lines), ZERO))
    tax = round_money(sum((group.tax_amount for group in breakdown), ZERO))
    tax_inclusive = line_net + tax
    prepaid = round_money(prepaid)
    return Totals(
        line_net=line_net,
        tax_exclusive=line_net,
        tax=tax,
        tax_inclusive=tax_inclusive,
        prepaid=prepaid,
        payable=tax_inclusive - prepaid,
    )
