"""Final settlement (Schlussrechnung) per product: actual amount of the year minus the instalments invoiced.

A positive balance is billed; a negative balance is returned (the document becomes a credit note when the
member's total is negative). Pure Python.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from verbund.billing.engine.prorate import Actual, Charge, actual

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SettlementItem:
    product: str
    charge: Charge | None  # None: no use in the year (only instalments to return)
    instalments: Decimal = ZERO  # net already invoiced as instalments for the product in the year


@dataclass(frozen=True)
class SettlementLine:
    product: str
    actual: Decimal
    instalments: Decimal
    balance: Decimal  # actual − instalments
    detail: Actual | None
    trace: tuple[str, ...] = field(default_factory=tuple)


def settle(items: Iterable[SettlementItem], year: int) -> tuple[SettlementLine, ...]:
    lines = []
    for item in items:
        detail = actual(item.charge, year) if item.charge is not None else None
        amount = detail.amount if detail is not None else ZERO
        balance = amount - item.instalments
        trace = (
            *(detail.trace if detail is not None else ("no use in the year",)),
            f"instalments invoiced for {year}: {item.instalments}",
            f"balance = {amount} − {item.instalments} = {balance}" + (" (to be returned)" if balance < 0 else ""),
        )
        lines.append(
            SettlementLine(
                product=item.product,
                actual=amount,
                instalments=item.instalments,
                balance=balance,
                detail=detail,
                trace=trace,
            )
        )
    return tuple(lines)


def settlement_balance(lines: Iterable[SettlementLine]) -> Decimal:
    return sum((line.balance for line in lines), ZERO)
