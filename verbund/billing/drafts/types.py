"""The drafts as data (problems, lines, invoices) and the small helpers the builder uses on them."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from verbund.billing import engine, texts
from verbund.catalog.models import PriceRevision, Product
from verbund.orders.models import Subscription
from verbund.registry.models import Organization

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str
    message: str
    member_id: int | None = None
    member: str = ""
    product: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "member_id": self.member_id,
            "member": self.member,
            "product": self.product,
        }


@dataclass(frozen=True)
class DraftLine:
    kind: str
    product: Product | None
    name: str
    description: str
    figures: engine.LineFigures
    vat: engine.VatTreatment
    period_start: dt.date | None
    period_end: dt.date | None
    trace: tuple[str, ...] = ()
    basis_quantity: Decimal | None = None  # the quantity billed, also where the figures are a lump sum
    basis_unit: str = ""  # its catalogue charge unit

    def negated(self) -> "DraftLine":
        f = self.figures
        flipped = engine.LineFigures(quantity=-f.quantity, unit_code=f.unit_code, unit_price=f.unit_price, net=-f.net)
        basis = -self.basis_quantity if self.basis_quantity is not None else None
        return replace(self, figures=flipped, basis_quantity=basis)


@dataclass
class DraftInvoice:
    member: Organization
    vat_group: str
    internal: bool
    type_code: str
    title: str
    period_start: dt.date
    period_end: dt.date
    lines: list[DraftLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return sum((line.figures.net for line in self.lines), ZERO)


@dataclass
class DraftResult:
    invoices: list[DraftInvoice]
    problems: list[Problem]
    skipped: list[str]


def _revision_on(revisions: list[PriceRevision], day: dt.date) -> PriceRevision | None:
    current = None
    for revision in revisions:  # oldest first; later approvals of the same day win
        if revision.valid_from <= day:
            current = revision
    return current


def _treatment(revision: PriceRevision) -> engine.VatTreatment:
    treatment = engine.treatment(revision.vat_treatment, revision.vat_rate, revision.vat_exemption_reason)
    if treatment.exemption_reason and not revision.vat_exemption_reason:  # the engine's default: in the language
        return replace(treatment, exemption_reason=texts.exemption_reason(treatment.category))
    return treatment


def _nothing_to_pay(lines: list[DraftLine]) -> bool:
    """No invoice with nothing to pay or credit: every VAT category and rate nets out to zero (then the tax and
    the total are zero as well)."""
    sums: dict[tuple[str, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        sums[(line.vat.category, line.vat.rate)] += line.figures.net
    return all(amount == 0 for amount in sums.values())


def _segments(subscriptions: Iterable[Subscription]) -> tuple[engine.Segment, ...]:
    segments: list[engine.Segment] = []
    for sub in subscriptions:
        rows = [(row.valid_from, row.quantity) for row in sub.quantity_rows]  # type: ignore[attr-defined]
        segments.extend(engine.subscription_segments(sub.start_date, sub.end_date, rows))
    return tuple(segments)


def _used_in(segments: Iterable[engine.Segment], start: dt.date, end: dt.date) -> bool:
    return any(s.quantity > 0 and engine.overlap(s.start, s.end, start, end) for s in segments)
