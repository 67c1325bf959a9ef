"""How an invoice line shows its amount: quantity, unit code (UN/ECE Rec. 20) and unit price. Pure Python.

EN 16931 wants the line net amount (BT-131) to equal quantity (BT-129) × net price (BT-146), the price being
non-negative (BR-27) and having at most 4 decimals here. A pro-rated amount is computed exactly and rounded once;
it is shown as quantity × price only where that product gives the rounded amount to the cent. An approved rate is
always shown unchanged (the quantity, itself rounded to 6 decimals, takes up a cent's difference). Otherwise the
line is a lump sum: 1 LS × amount, and the line text explains the quantity and the pro-rating.
"""

from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import PRICE_PLACES, has_places, round_even, round_money

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
QUANTITY_STEP = Decimal("0.000001")  # the quantity's last decimal (InvoiceLine.quantity has 6)


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

    `price` is the approved rate: it is shown as it was approved, never nudged. Where the (rounded) quantity
    × rate misses the exactly computed amount by a cent, the quantity moves in its last (6th) decimal to the
    nearest value that gives it (the exact basis is in the line text). Without a rate the price is net /
    quantity, rounded to 4 decimals. The quantity's sign follows the amount's."""
    if quantity is None or quantity == 0:
        return lump_sum(net)
    signed = abs(quantity) if net >= 0 else -abs(quantity)
    if price is not None and price > 0 and has_places(price, PRICE_PLACES):
        fitted = _quantity_for(net, signed, price)
        if fitted is not None:
            return LineFigures(quantity=fitted, unit_code=code, unit_price=round_even(price, PRICE_PLACES), net=net)
    derived = round_money(abs(net) / abs(quantity), PRICE_PLACES)
    if round_money(signed * derived) == net:
        return LineFigures(quantity=signed, unit_code=code, unit_price=derived, net=net)
    return lump_sum(net)


def _quantity_for(net: Decimal, quantity: Decimal, price: Decimal) -> Decimal | None:
    """`quantity`, or the nearest quantity within two steps of its 6th decimal, with round(q × price) = net."""
    if round_money(quantity * price) == net:
        return quantity
    for distance in (1, 2):
        for q in (quantity - distance * QUANTITY_STEP, quantity + distance * QUANTITY_STEP):
            if q != 0 and (q > 0) == (quantity > 0) and round_money(q * price) == net:
                return round_even(q, QUANTITY_STEP)
    return None
