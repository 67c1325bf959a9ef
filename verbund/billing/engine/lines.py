"""How an invoice line shows its amount: quantity, unit code (UN/ECE Rec. 20) and unit price. Pure Python.

EN 16931 wants the line net amount (BT-131) to equal quantity (BT-129) × net price (BT-146), the price being
non-negative (BR-27) and having at most 4 decimals here. A pro-rated amount is computed exactly and rounded once;
it is shown as quantity × price only where that product gives the rounded amount to the cent. Otherwise the
line is a lump sum: 1 LS × amount, and the line text explains the quantity and the pro-rating.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from verbund.core.money import round_money

# Charge units of the catalogue (catalog.choices.ChargeUnit values) → UN/ECE Recommendation 20 unit codes.
UNIT_CODES: dict[str, str] = {
    "workstation": "C62",  # one (piece)
    "user": "C62",
    "case": "C62",
    "inhabitant": "C62",  # persons, counted as "one"
    "flat": "C62",
    "one_off": "C62",
    "hour": "HUR",
    "gigabyte": "E34",
}
LUMP_SUM = "LS"
PRICE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class LineFigures:
    quantity: Decimal
    unit_code: str
    unit_price: Decimal  # ≥ 0, 4 decimals at most
    net: Decimal

    @property
    def is_lump_sum(self) -> bool:
        return self.unit_code == LUMP_SUM


def unit_code(unit: str) -> str:
    return UNIT_CODES.get(unit, "C62")


def lump_sum(net: Decimal) -> LineFigures:
    """1 × amount (−1 × |amount| for a negative amount, since a price cannot be negative)."""
    return LineFigures(
        quantity=Decimal(-1) if net < 0 else Decimal(1), unit_code=LUMP_SUM, unit_price=abs(net), net=net
    )


def line_figures(*, net: Decimal, quantity: Decimal | None, code: str, price: Decimal | None = None) -> LineFigures:
    """Quantity × price giving `net` to the cent, or a lump sum.

    `price` is the unit price to try first (e.g. the approved rate); otherwise net / quantity, rounded to 4
    decimals. The quantity's sign follows the amount's."""
    if quantity is None or quantity == 0:
        return lump_sum(net)
    signed = abs(quantity) if net >= 0 else -abs(quantity)
    candidates = [p for p in (price,) if p is not None and p >= 0]
    candidates.append((abs(net) / abs(quantity)).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP))
    for candidate in candidates:
        if candidate == candidate.quantize(PRICE_PLACES) and round_money(signed * candidate) == net:
            return LineFigures(quantity=signed, unit_code=code, unit_price=candidate.quantize(PRICE_PLACES), net=net)
    return lump_sum(net)
