"""Preparing a run: create it or find it again, rebuild its draft invoices, record its problems."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing import engine
from verbund.billing.choices import (
    SERIES_CREDIT_NOTE,
    SERIES_INTERNAL,
    SERIES_INVOICE,
    InvoiceFrequency,
    InvoiceStatus,
    InvoiceType,
    ProblemSeverity,
    RunKind,
    RunStatus,
)
from verbund.billing.drafts import DraftInvoice, Problem, build_drafts
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun
from verbund.billing.selectors import billing_inputs, seller_profile_for
from verbund.billing.services.common import check_clerk
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.registry.models import Organization


def _period(kind: str, year: int, period: int | None, frequency: str) -> engine.Period:
    if kind == RunKind.FINAL:
        if period is not None:
            raise ValidationError({"period": _("A final settlement is for a whole year; give no period.")})
        return engine.whole_year(year)
    if period is None:
        raise ValidationError({"period": _("Give the period (month or quarter) of the run.")})
    try:
        return engine.period_of(year, frequency, period)
    except engine.PeriodError as exc:
        raise ValidationError(
            {
                "period": _("Period %(period)s does not exist for %(frequency)s billing.")
                % {"period": period, "frequency": InvoiceFrequency(frequency).label}
            }
        ) from exc


def _run_for_update(
    *, provider: Organization, kind: str, year: int, period: int | None, **defaults: Any
) -> tuple[InvoiceRun, bool]:
    lookup = {"provider": provider, "kind": kind, "year": year, "period": period}
    run = InvoiceRun.objects.select_for_update().filter(**lookup).first()
    if run is not None:
        return run, False
    try:
        with transaction.atomic():
            return InvoiceRun.objects.create(**lookup, **defaults), True
    except IntegrityError:  # created by a concurrent prepare; use it
        return InvoiceRun.objects.select_for_update().get(**lookup), False


def _series(draft_internal: bool, type_code: str) -> str:
    if draft_internal:
        return SERIES_INTERNAL
    return SERIES_CREDIT_NOTE if type_code == InvoiceType.CREDIT_NOTE else SERIES_INVOICE


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


def _save_draft(
    *, run: InvoiceRun, draft: DraftInvoice, billing_date: dt.date, terms_days: int
) -> tuple[Invoice, list[InvoiceLine]]:
    groups = engine.vat_breakdown(
        engine.TaxedAmount(
            line.vat.category, line.vat.rate, line.figures.net, line.vat.exemption_reason, line.vat.exemption_code
        )
        for line in draft.lines
    )
    totals = engine.document_totals(groups)
    invoice = Invoice.objects.create(
        provider=run.provider,
        run=run,
        member=draft.member,
        vat_group=draft.vat_group,
        series=_series(draft.internal, draft.type_code),
        type_code=draft.type_code,
        internal=draft.internal,
        title=draft.title[:200],
        leitweg_id=draft.member.leitweg_id,
        period_start=draft.period_start,
        period_end=draft.period_end,
        issue_date=billing_date,
        due_date=billing_date + dt.timedelta(days=terms_days),
        net_total=totals.line_net,
        tax_total=totals.tax,
        gross_total=totals.gross,
        vat_breakdown=_vat_json(groups),
        notes=draft.notes,
    )
    lines = [
        InvoiceLine(
            invoice=invoice,
            position=position,
            kind=line.kind,
            product=line.product,
            product_number=line.product.number if line.product else "",
            name=line.name[:200],
            description=line.description,
            quantity=line.figures.quantity,
            unit_code=line.figures.unit_code,
            unit_price=line.figures.unit_price,
            net=line.figures.net,
            vat_category=line.vat.category,
            vat_rate=line.vat.rate,
            vat_exemption_reason=line.vat.exemption_reason[:300],
            vat_exemption_code=line.vat.exemption_code,
            period_start=line.period_start,
            period_end=line.period_end,
            trace=list(line.trace),
        )
        for position, line in enumerate(draft.lines, start=1)
    ]
    return invoice, lines


@transaction.atomic
def billing_run_prepare(
    *,
    actor: Any,
    provider: Organization,
    kind: str,
    year: int,
    period: int | None,
    billing_date: dt.date,
) -> InvoiceRun:
    """Create (or find again) the run and rebuild its draft invoices: one per member and VAT group, members with
    nothing to bill skipped. Problems (missing Leitweg-ID, missing price, …) are stored on the run; an issued run
    is returned unchanged."""
    check_clerk(actor)
    if kind not in RunKind.values:
        raise ValidationError({"kind": _("Unknown kind of run: %(kind)s.") % {"kind": kind}})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("The year must lie between 2000 and 2100.")})
    profile = seller_profile_for(provider)
    if profile is None:
        raise ValidationError(
            _("%(provider)s has no seller profile; enter its invoice data first.") % {"provider": provider}
        )
    billing_period = _period(kind, year, period, profile.invoice_frequency)
    run, created = _run_for_update(
        provider=provider,
        kind=kind,
        year=year,
        period=period,
        billing_date=billing_date,
        frequency=profile.invoice_frequency if kind != RunKind.FINAL else "",
    )
    if run.status == RunStatus.ISSUED:
        return run
    if kind != RunKind.FINAL and run.frequency and run.frequency != profile.invoice_frequency:
        raise ValidationError(
            _("This run was prepared for %(old)s periods; the seller profile now says %(new)s.")
            % {"old": run.get_frequency_display(), "new": profile.get_invoice_frequency_display()}
        )
    deleted, _counts = Invoice.objects.filter(run=run, status=InvoiceStatus.DRAFT).delete()
    inputs = billing_inputs(provider=provider, year=year, with_instalments=kind == RunKind.FINAL)
    result = build_drafts(
        inputs,
        kind=kind,
        period=billing_period,
        frequency=profile.invoice_frequency,
        host_internal=profile.host_settlement_internal,
    )
    if not profile.legal_registration_id and any(
        d.vat_group == engine.vat.GROUP_NOT_SUBJECT and not d.internal for d in result.invoices
    ):
        result.problems.append(
            Problem(
                "seller_identifier",
                ProblemSeverity.ERROR,
                _(
                    "Invoices of services not subject to VAT carry no VAT id (BR-O-02) and then need the seller's "
                    "legal registration identifier (BT-30, BR-CO-26). Enter it in the seller profile."
                ),
            )
        )
    all_lines: list[InvoiceLine] = []
    invoices: list[Invoice] = []
    for draft in result.invoices:
        invoice, lines = _save_draft(
            run=run, draft=draft, billing_date=billing_date, terms_days=profile.payment_terms_days
        )
        invoices.append(invoice)
        all_lines.extend(lines)
    InvoiceLine.objects.bulk_create(all_lines, batch_size=1000)
    run.billing_date = billing_date
    run.problems = [problem.as_dict() for problem in result.problems]
    run.summary = {
        "invoices": len(invoices),
        "internal": sum(1 for i in invoices if i.internal),
        "credit_notes": sum(1 for i in invoices if i.type_code == InvoiceType.CREDIT_NOTE),
        "members": len({i.member_id for i in invoices}),
        "skipped": result.skipped,
        "net": str(sum((i.net_total for i in invoices), engine.vat.ZERO)),
        "tax": str(sum((i.tax_total for i in invoices), engine.vat.ZERO)),
        "gross": str(sum((i.gross_total for i in invoices), engine.vat.ZERO)),
        "plan": inputs.plan.pk if inputs.plan else None,
        "period_start": billing_period.start.isoformat(),
        "period_end": billing_period.end.isoformat(),
    }
    run.prepared_at = timezone.now()
    run.prepared_by = actor if getattr(actor, "is_authenticated", False) else None
    run.modified = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=run,
        after={**run.summary, "problems": len(run.problems), "drafts_replaced": deleted},
        scope_organization_id=provider.pk,
        message=_("Run prepared"),
    )
    return run
