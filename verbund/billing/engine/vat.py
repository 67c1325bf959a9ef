"""VAT per line category and rate, breakdown per (category, rate) and document totals (EN 16931 BG-22/BG-23).

Rules (methods.md §1.5, EN 16931):

* taxable → S with the rate (19 %); a taxable line at 0 % is Z (zero rated);
* § 4 Nr. 29 UStG (cost-sharing group) → E, exempt, with the exemption reason;
* § 2b UStG (public-law cooperation) → O, not subject to VAT; an invoice with an O line must not contain any
  other category (BR-O-11…14), so O lines go to a separate invoice (`invoice_group`);
* internal settlement with the host city → no VAT at all (not an e-invoice, category left empty).

The tax of a group is its taxable amount × rate, rounded once per group (BR-CO-17), never per line; the
arithmetic is `xrechnung.codes` (pure as well), so document and XML agree. Pure Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_money

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
    """One group per (category, rate): taxable = Σ line nets, tax = round(taxable × rate / 100) for S.

    The arithmetic is the e-invoice's own (`xrechnung.codes.vat_breakdown`, BR-CO-17), so the stored totals and
    the XML agree to the cent; the internal settlement (no category) is summed here without any tax."""
    from verbund.billing.xrechnung import codes
    from verbund.billing.xrechnung.document import Line

    items = tuple(amounts)
    categories = {item.category for item in items}
    if NOT_SUBJECT in categories and len(categories) > 1:
        raise VatError("a document with category O (not subject to VAT) cannot contain other categories")
    if INTERNAL in categories and len(categories) > 1:
        raise VatError("an internal settlement has no VAT categories")
    if categories == {INTERNAL}:
        taxable = round_money(sum((item.net for item in items), ZERO))
        return (VatGroup(INTERNAL, ZERO, taxable, ZERO),)
    reasons: dict[str, tuple[str, str]] = {}
    for item in items:
        if item.exemption_reason and item.category not in reasons:
            reasons[item.category] = (item.exemption_reason, item.exemption_code)
    lines = [
        Line(
            id=str(index),
            name="",
            quantity=Decimal(1),
            unit_code="C62",
            net_price=abs(item.net),
            net_amount=item.net,
            vat_category=item.category,
            vat_rate=item.rate,
        )
        for index, item in enumerate(items, start=1)
    ]
    try:
        groups = codes.vat_breakdown(lines, reasons)
    except codes.DocumentError as exc:
        raise VatError(str(exc)) from exc
    ordered = sorted(groups, key=lambda g: (CATEGORY_ORDER.get(g.category, 9), g.rate))
    return tuple(
        VatGroup(
            category=g.category,
            rate=g.rate.quantize(Decimal("0.01")),
            taxable=g.taxable_amount,
            tax=g.tax_amount,
            exemption_reason=g.exemption_reason,
            exemption_code=g.exemption_code,
        )
        for g in ordered
    )


def document_totals(groups: Iterable[VatGroup], prepaid: Decimal = ZERO) -> DocumentTotals:
    groups = tuple(groups)
    line_net = sum((g.taxable for g in groups), ZERO)
    tax = sum((g.tax for g in groups), ZERO)
    gross = line_net + tax
    return DocumentTotals(line_net=line_net, tax=tax, gross=gross, prepaid=prepaid, payable=gross - prepaid)
