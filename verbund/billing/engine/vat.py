"""VAT per line category and rate, breakdown per (category, rate) and document totals (EN 16931 BG-22/BG-23).

Rules (methods.md §1.5, EN 16931):

* taxable → S with the rate (19 %); a taxable line at 0 % is Z (zero rated);
* § 4 Nr. 29 UStG (cost-sharing group) → E, exempt, with the exemption reason;
* § 2b UStG (public-law cooperation) → O, not subject to VAT; an invoice with an O line must not contain any
  other category (BR-O-11…14), so O lines go to a separate invoice (`invoice_group`);
* internal settlement with the host city → no VAT at all (not an e-invoice, category left empty).

The tax of a group is its taxable amount × rate, rounded once per group (BR-CO-17), never per line. The breakdown
and totals are computed here once, at prepare, and stored; the invoice document and its XML take them as stored.
Pure Python (nothing from Django or the XML layer).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_even, round_money

STANDARD = "S"
ZERO_RATED = "Z"
EXEMPT = "E"
NOT_SUBJECT = "O"
INTERNAL = ""  # internal settlement: no VAT category

TAXABLE = "taxable"
NOT_TAXABLE_2B = "not_taxable_2b"
EXEMPT_4_29 = "exempt_4_29"

DEFAULT_REASONS = {
    EXEMPT: "Steuerfrei nach § 4 Nr. 29 UStG (Leistung eines Zusammenschlusses an seine Mitglieder)",
    NOT_SUBJECT: "Nicht steuerbar (Leistung einer juristischen Person des öffentlichen Rechts, § 2b UStG)",
}
EXEMPTION_CODES = {NOT_SUBJECT: "VATEX-EU-O"}  # E has no VATEX code for § 4 Nr. 29 UStG; the text is given
CATEGORY_ORDER = {STANDARD: 0, ZERO_RATED: 1, EXEMPT: 2, NOT_SUBJECT: 3, INTERNAL: 4}
HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.01")
ZERO = Decimal("0.00")

# Invoice groups: lines of one group may share an invoice.
GROUP_TAXABLE = "taxable"  # S, Z, E
GROUP_NOT_SUBJECT = "not_subject"  # O only
GROUP_INTERNAL = "internal"


class VatError(ValueError):
    pass


@dataclass(frozen=True)
class VatTreatment:
    category: str
    rate: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class TaxedAmount:
    category: str
    rate: Decimal
    net: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: Decimal
    taxable: Decimal
    tax: Decimal
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class DocumentTotals:
    line_net: Decimal  # BT-106 (= BT-109, no document-level allowances or charges)
    tax: Decimal  # BT-110
    gross: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    payable: Decimal  # BT-115


def treatment(kind: str, rate: Decimal, reason: str = "") -> VatTreatment:
    """The VAT category of a line from the product's VAT treatment (catalog `VatTreatment`)."""
    if kind == TAXABLE:
        if rate < 0 or rate > HUNDRED:
            raise VatError(f"VAT rate {rate} is out of range")
        return VatTreatment(STANDARD, rate) if rate > 0 else VatTreatment(ZERO_RATED, Decimal("0.00"))
    if kind == EXEMPT_4_29:
        return VatTreatment(EXEMPT, Decimal("0.00"), reason or DEFAULT_REASONS[EXEMPT])
    if kind == NOT_TAXABLE_2B:
        return VatTreatment(
            NOT_SUBJECT, Decimal("0.00"), reason or DEFAULT_REASONS[NOT_SUBJECT], EXEMPTION_CODES[NOT_SUBJECT]
        )
    raise VatError(f"unknown VAT treatment {kind!r}")


def internal() -> VatTreatment:
    return VatTreatment(INTERNAL, Decimal("0.00"))


def invoice_group(category: str) -> str:
    if category == NOT_SUBJECT:
        return GROUP_NOT_SUBJECT
    if category == INTERNAL:
        return GROUP_INTERNAL
    return GROUP_TAXABLE


def vat_breakdown(amounts: Iterable[TaxedAmount]) -> tuple[VatGroup, ...]:
    """One group per (category, rate): taxable = Σ line nets, tax = round(taxable × rate / 100) for S and Z, none
    for E and O (BR-CO-17: rounded once per group, never per line); the first exemption reason of a category
    is the group's. The result is stored with the invoice; its document and XML take it from there."""
    items = tuple(amounts)
    categories = {item.category for item in items}
    unknown = categories - set(CATEGORY_ORDER)
    if unknown:
        raise VatError(f"unknown VAT category {sorted(unknown)[0]!r}")
    if NOT_SUBJECT in categories and len(categories) > 1:
        raise VatError("a document with category O (not subject to VAT) cannot contain other categories")
    if INTERNAL in categories and len(categories) > 1:
        raise VatError("an internal settlement has no VAT categories")
    sums: dict[tuple[str, Decimal], Decimal] = {}
    reasons: dict[str, tuple[str, str]] = {}
    for item in items:
        key = (item.category, round_even(item.rate, RATE_PLACES))
        sums[key] = sums.get(key, ZERO) + item.net
        if item.exemption_reason and item.category not in reasons:
            reasons[item.category] = (item.exemption_reason, item.exemption_code)
    groups = []
    for (category, rate), net in sorted(sums.items(), key=lambda kv: (CATEGORY_ORDER[kv[0][0]], kv[0][1])):
        taxable = round_money(net)
        tax = round_money(taxable * rate / HUNDRED) if category in (STANDARD, ZERO_RATED) else ZERO
        reason, code = reasons.get(category, ("", ""))
        groups.append(VatGroup(category, ZERO if category == INTERNAL else rate, taxable, tax, reason, code))
    return tuple(groups)


def document_totals(groups: Iterable[VatGroup], prepaid: Decimal = ZERO) -> DocumentTotals:
    groups = tuple(groups)
    line_net = sum((g.taxable for g in groups), ZERO)
    tax = sum((g.tax for g in groups), ZERO)
    gross = line_net + tax
    return DocumentTotals(line_net=line_net, tax=tax, gross=gross, prepaid=prepaid, payable=gross - prepaid)
