"""Credit notes: the complete reversal of an issued invoice; the original becomes cancelled."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from verbund.billing import texts
from verbund.billing.choices import (
    SERIES_CREDIT_NOTE,
    SERIES_INTERNAL,
    SERIES_INVOICE,
    InvoiceStatus,
    InvoiceType,
    LineKind,
)
from verbund.billing.documents import buyer_snapshot, invoice_document, seller_snapshot
from verbund.billing.models import Invoice, InvoiceLine
from verbund.billing.selectors import seller_profile_for
from verbund.billing.services.common import (
    Failure,
    check_clerk,
    failure_messages,
    finding_json,
    issue_one,
    leitweg_problem,
)
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.core.numbering import next_number
from verbund.core.params import refuse_control_characters_in


@transaction.atomic
def invoice_credit(*, actor: Any, invoice: Invoice, reason: str, issue_date: dt.date | None = None) -> Invoice:
    """Reverse an issued invoice completely: a credit note (381) with the same lines that references it (BT-25)
    is issued and validated, and the original becomes cancelled. A credit note is reversed by an invoice (380)
    the same way. Crediting twice, a draft or a cancelled invoice is refused."""
    check_clerk(actor)
    original = Invoice.objects.select_for_update().select_related("member", "provider").get(pk=invoice.pk)
    if original.status == InvoiceStatus.DRAFT:
        raise ValidationError(_("A draft is not issued; prepare the run again instead of crediting it."))
    if original.status == InvoiceStatus.CANCELLED:
        raise ValidationError(
            _("Invoice %(number)s is already cancelled by a credit note.") % {"number": original.number}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the credit note.")})
    refuse_control_characters_in(reason=reason)  # the reason goes into the XRechnung, which cannot carry them
    day = issue_date or timezone.localdate()
    if original.issue_date and day < original.issue_date:
        raise ValidationError(_("A credit note cannot be dated before the invoice it reverses."))
    reversing_credit = original.type_code == InvoiceType.CREDIT_NOTE
    type_code = InvoiceType.INVOICE if reversing_credit else InvoiceType.CREDIT_NOTE
    base = SERIES_INTERNAL if original.internal else (SERIES_INVOICE if reversing_credit else SERIES_CREDIT_NOTE)
    series = original.series[: max(len(original.series) - 2, 0)] + base  # the provider's prefix, if it has one
    profile = seller_profile_for(original.provider)
    seller = seller_snapshot(profile) if profile is not None else dict(original.seller_snapshot)
    buyer = buyer_snapshot(original.member)
    if not original.internal and leitweg_problem(original.member):
        buyer["leitweg_id"] = original.buyer_snapshot.get("leitweg_id", "")  # the routing the original went to
    terms = int(seller.get("payment_terms_days", 30))
    with translation.override(texts.document_language(str(buyer.get("country", "DE")))):
        title = texts.reversal_title(reversing_credit=reversing_credit, number=original.number)
        assert original.issue_date is not None
        note = _("%(title)s of %(date)s: %(original)s") % {
            "title": title,
            "date": texts.date_text(original.issue_date),
            "original": original.title,
        }
    credit = Invoice.objects.create(
        provider=original.provider,
        run=None,
        member=original.member,
        vat_group=original.vat_group,
        series=series,
        type_code=type_code,
        internal=original.internal,
        title=title[:200],
        leitweg_id=buyer["leitweg_id"],
        period_start=original.period_start,
        period_end=original.period_end,
        issue_date=day,
        due_date=day + dt.timedelta(days=terms),
        net_total=original.net_total,
        tax_total=original.tax_total,
        gross_total=original.gross_total,
        vat_breakdown=original.vat_breakdown,
        notes=[note],
        credit_for=original,
        credit_reason=reason.strip()[:500],
    )
    lines = [
        InvoiceLine(
            invoice=credit,
            position=line.position,
            kind=LineKind.REVERSAL,
            product=line.product,
            product_number=line.product_number,
            name=line.name,
            description=line.description,
            quantity=line.quantity,
            basis_quantity=line.basis_quantity,
            unit_code=line.unit_code,
            unit_price=line.unit_price,
            net=line.net,
            vat_category=line.vat_category,
            vat_rate=line.vat_rate,
            vat_exemption_reason=line.vat_exemption_reason,
            vat_exemption_code=line.vat_exemption_code,
            period_start=line.period_start,
            period_end=line.period_end,
            trace=[f"reverses line {line.position} of {original.number}"],
        )
        for line in original.lines.order_by("position")
    ]
    InvoiceLine.objects.bulk_create(lines)
    number = next_number(series=series, year=day.year)
    credit.credit_for = original
    xml = None
    findings: list[dict[str, str]] = []
    if not credit.internal:
        from verbund.billing.xrechnung import build_ubl, validate_ubl

        doc = invoice_document(
            credit, lines, number=number, issue_date=day, due_date=credit.due_date, seller=seller, buyer=buyer
        )
        xml = build_ubl(doc)
        report = validate_ubl(xml)
        findings = [finding_json(f) for f in report.findings]
        if not report.valid:
            raise ValidationError(
                [
                    _("The credit note was not issued: the e-invoice validation failed."),
                    *failure_messages([Failure(credit, findings)]),
                ]
            )
    assert credit.due_date is not None
    issue_one(
        actor=actor,
        invoice=credit,
        number=number,
        issue_date=day,
        due_date=credit.due_date,
        seller=seller,
        buyer=buyer,
        xml=xml,
        findings=findings,
    )
    original.status = InvoiceStatus.CANCELLED
    original.cancelled_at = timezone.now()
    original.modified = timezone.now()
    original.save(update_fields=["status", "cancelled_at", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=original,
        before={"status": InvoiceStatus.ISSUED},
        after={"status": InvoiceStatus.CANCELLED, "credit_note": number, "reason": credit.credit_reason},
        scope_organization_id=original.member_id,
        message=_("Cancelled by credit note %(number)s") % {"number": number},
    )
    return credit
