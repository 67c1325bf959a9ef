"""How the lines and VAT groups of an invoice read on its page and in its PDF (in the active language).

The e-invoice's own figures (quantity, UN/ECE unit code, unit price) stay as issued; people read the quantity in
the product's unit (also on a lump-sum line), the price as it was approved, and the VAT as a rate or a word
instead of a category code.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.billing import texts
from verbund.billing.choices import VatCategory
from verbund.billing.engine import LUMP_SUM
from verbund.billing.models import InvoiceLine


@dataclass(frozen=True)
class LineRow:
    position: int
    product_number: str
    name: str
    description: str
    period_start: Any
    period_end: Any
    quantity: str
    unit_price: str  # "" for a lump sum
    lump_sum: bool
    vat: str
    net: Decimal


def line_name(line: InvoiceLine) -> str:
    """The product's name once (lines issued before issue #10 carry "NUMBER name")."""
    prefix = f"{line.product_number} "
    return line.name[len(prefix) :] if line.product_number and line.name.startswith(prefix) else line.name


def quantity_text(line: InvoiceLine) -> str:
    unit = line.product.unit if line.product is not None else ""
    if line.basis_quantity is not None:
        return texts.quantity_text(line.basis_quantity, unit)
    if line.unit_code == LUMP_SUM:
        return ""
    label = texts.UNIT_CODE_LABELS.get(line.unit_code)
    word = texts.unit_word(unit, line.quantity) if unit else ""
    return f"{texts.number(line.quantity)} {word or label or ''}".rstrip()


def vat_text(category: str, rate: Decimal) -> str:
    """19 % for the standard rate, 0 % zero rated; a word where no VAT is charged."""
    if category in (VatCategory.STANDARD, VatCategory.ZERO_RATED):
        return f"{texts.number(rate)}\u00a0%"
    if category == VatCategory.EXEMPT:
        return _("exempt")
    if category == VatCategory.NOT_SUBJECT:
        return _("not subject to VAT")
    return "–"


def line_rows(lines: list[InvoiceLine]) -> list[LineRow]:
    return [
        LineRow(
            position=line.position,
            product_number=line.product_number,
            name=line_name(line),
            description=line.description,
            period_start=line.period_start,
            period_end=line.period_end,
            quantity=quantity_text(line),
            unit_price="" if line.unit_code == LUMP_SUM else texts.price(line.unit_price),
            lump_sum=line.unit_code == LUMP_SUM,
            vat=vat_text(line.vat_category, line.vat_rate),
            net=line.net,
        )
        for line in lines
    ]


def vat_groups(breakdown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups = []
    for group in breakdown or []:
        category = str(group.get("category", ""))
        rate = Decimal(str(group.get("rate", "0")))
        groups.append(
            {
                "category": category,
                "label": VatCategory(category).label if category in VatCategory.values else category,
                "rate": rate,
                "rate_text": vat_text(category, rate) if category in ("S", "Z") else "–",
                "taxable": Decimal(str(group.get("taxable", "0"))),
                "tax": Decimal(str(group.get("tax", "0"))),
                "reason": group.get("exemption_reason", ""),
            }
        )
    return groups
