"""A slice of a run, drafted: the invoice and line rows to insert, as plain values (no model instances).

`build_slice` turns the inputs of a slice of members into what `services.prepare` writes: per draft invoice its
field values and its lines as tuples in `LINE_FIELDS` order, plus the problems and skipped members. Plain values
travel cheaply between processes: a national run builds its slices in a worker process (`prepare_worker`) while
the service's process reads the next slice and writes the one before (ADR 0028).
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from verbund.billing import engine
from verbund.billing.choices import SERIES_CREDIT_NOTE, SERIES_INTERNAL, SERIES_INVOICE, InvoiceType
from verbund.billing.drafts.builder import build_drafts
from verbund.billing.drafts.types import DraftInvoice, Problem
from verbund.billing.selectors import BillingInputs

# The columns of an invoice line as `build_slice` gives them; the writer puts `invoice_id` in front.
LINE_FIELDS = (
    "position",
    "kind",
    "product_id",
    "product_number",
    "name",
    "description",
    "quantity",
    "basis_quantity",
    "unit_code",
    "unit_price",
    "net",
    "vat_category",
    "vat_rate",
    "vat_exemption_reason",
    "vat_exemption_code",
    "period_start",
    "period_end",
    "trace",
)


@dataclass(frozen=True)
class SliceOptions:
    """What every slice of a run is drafted with."""

    kind: str
    period: engine.Period
    frequency: str
    host_settlement_internal: bool
    billing_date: dt.date
    terms_days: int
    series_prefix: str = ""  # the provider's prefix (seller profile): keeps its numbers apart from others'


@dataclass
class SliceRows:
    invoices: list[tuple[dict[str, Any], list[tuple[Any, ...]]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    not_subject: bool = False  # a draft (not internal) of services not subject to VAT


def _series(draft_internal: bool, type_code: str, prefix: str = "") -> str:
    """The number series of a draft; a provider's `prefix` (its seller profile) keeps its numbers apart."""
    if draft_internal:
        return prefix + SERIES_INTERNAL
    return prefix + (SERIES_CREDIT_NOTE if type_code == InvoiceType.CREDIT_NOTE else SERIES_INVOICE)


def _vat_json(groups: tuple[engine.VatGroup, ...]) -> list[dict[str, str]]:
    return [
        {
            "category": g.category,
            "rate": str(g.rate),
            "taxable": str(g.taxable),
            "tax": str(g.tax),
            "exemption_reason": g.exemption_reason,
            "exemption_code": g.exemption_code,
        }
        for g in groups
    ]


def draft_rows(draft: DraftInvoice, options: SliceOptions) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The invoice's field values (without run and provider) and its lines' values in `LINE_FIELDS` order."""
    groups = engine.vat_breakdown(
        engine.TaxedAmount(
            line.vat.category, line.vat.rate, line.figures.net, line.vat.exemption_reason, line.vat.exemption_code
        )
        for line in draft.lines
    )
    totals = engine.document_totals(groups)
    invoice = {
        "member_id": draft.member.pk,
        "vat_group": draft.vat_group,
        "series": _series(draft.internal, draft.type_code, options.series_prefix),
        "type_code": draft.type_code,
        "internal": draft.internal,
        "title": draft.title[:200],
        "leitweg_id": draft.member.leitweg_id,
        "period_start": draft.period_start,
        "period_end": draft.period_end,
        "issue_date": options.billing_date,
        "due_date": options.billing_date + dt.timedelta(days=options.terms_days),
        "net_total": totals.line_net,
        "tax_total": totals.tax,
        "gross_total": totals.gross,
        "vat_breakdown": _vat_json(groups),
        "notes": draft.notes,
    }
    lines = [
        (
            position,
            line.kind,
            line.product.pk if line.product else None,
            line.product.number if line.product else "",
            line.name[:200],
            line.description,
            line.figures.quantity,
            line.basis_quantity,
            line.figures.unit_code,
            line.figures.unit_price,
            line.figures.net,
            line.vat.category,
            line.vat.rate,
            line.vat.exemption_reason[:300],
            line.vat.exemption_code,
            line.period_start,
            line.period_end,
            list(line.trace),
        )
        for position, line in enumerate(draft.lines, start=1)
    ]
    return invoice, lines


def build_slice(inputs: BillingInputs, options: SliceOptions) -> SliceRows:
    """Draft the members of `inputs` and give the rows to write."""
    result = build_drafts(
        inputs,
        kind=options.kind,
        period=options.period,
        frequency=options.frequency,
        host_settlement_internal=options.host_settlement_internal,
    )
    return SliceRows(
        invoices=[draft_rows(draft, options) for draft in result.invoices],
        problems=result.problems,
        skipped=result.skipped,
        not_subject=any(d.vat_group == engine.vat.GROUP_NOT_SUBJECT and not d.internal for d in result.invoices),
    )
