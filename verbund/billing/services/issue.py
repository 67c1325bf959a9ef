"""Issuing a run: all drafts or none, numbered, with the parties copied and every e-invoice validated."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing.choices import InvoiceStatus, RunStatus
from verbund.billing.documents import buyer_snapshot, seller_snapshot
from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.selectors import run_invoices, seller_profile_for
from verbund.billing.services.common import (
    Failure,
    ValidationFailed,
    build_and_validate,
    check_clerk,
    failure_messages,
    is_fatal,
    issue_one,
    leitweg_problem,
)
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.core.numbering import next_number


@transaction.atomic
def _issue(*, actor: Any, run: InvoiceRun) -> InvoiceRun:
    locked = InvoiceRun.objects.select_for_update().select_related("provider").get(pk=run.pk)
    if locked.status == RunStatus.ISSUED:
        return locked  # issuing twice changes nothing
    blocking = locked.blocking_problems
    if blocking:
        raise ValidationError(
            [_("The run has problems that block issuing:"), *(str(problem["message"]) for problem in blocking)]
        )
    profile = seller_profile_for(locked.provider)
    if profile is None:
        raise ValidationError(_("The provider has no seller profile."))
    invoices = [i for i in run_invoices(run=locked) if i.status == InvoiceStatus.DRAFT]
    if not invoices:
        raise ValidationError(_("The run has no draft invoices to issue; prepare it first."))
    stale = [message for i in invoices if not i.internal and (message := leitweg_problem(i.member))]
    if stale:
        raise ValidationError([_("Leitweg-IDs changed since the run was prepared:"), *stale])
    seller = seller_snapshot(profile)
    issue_date = locked.billing_date
    due_date = issue_date + dt.timedelta(days=profile.payment_terms_days)
    prepared = []
    for invoice in invoices:
        number = next_number(series=invoice.series, year=issue_date.year)
        prepared.append((invoice, number, issue_date, due_date, seller, buyer_snapshot(invoice.member)))
    xmls, findings, failures = build_and_validate(prepared)
    if failures:
        raise ValidationFailed(failures)  # rolls back: no number used, nothing issued
    for invoice, number, issue_date, due_date, seller, buyer in prepared:
        issue_one(
            actor=actor,
            invoice=invoice,
            number=number,
            issue_date=issue_date,
            due_date=due_date,
            seller=seller,
            buyer=buyer,
            xml=xmls.get(invoice.pk),
            findings=findings.get(invoice.pk, []),
        )
    locked.status = RunStatus.ISSUED
    locked.issued_at = timezone.now()
    locked.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.summary = {**(locked.summary or {}), "numbers": [number for _i, number, *_rest in prepared]}
    locked.summary.pop("last_refusal", None)
    locked.modified = timezone.now()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": RunStatus.DRAFT},
        after={"status": RunStatus.ISSUED, "invoices": len(prepared)},
        scope_organization_id=locked.provider_id,
        message=_("Run issued"),
    )
    return locked


@transaction.atomic
def _record_refusal(*, actor: Any, run: InvoiceRun, failures: list[Failure]) -> None:
    """Keep the findings on the drafts and the run after the issuing transaction was rolled back."""
    for failure in failures:
        Invoice.objects.filter(pk=failure.invoice.pk, status=InvoiceStatus.DRAFT).update(
            validation_findings=failure.findings
        )
    refusal = {
        "at": timezone.now().isoformat(),
        "invoices": [
            {
                "invoice_id": f.invoice.pk,
                "member": f.invoice.member.name,
                "title": f.invoice.title,
                "rules": sorted({x["rule"] for x in f.findings if is_fatal(x)}),
            }
            for f in failures
        ],
    }
    locked = InvoiceRun.objects.select_for_update().get(pk=run.pk)
    locked.summary = {**(locked.summary or {}), "last_refusal": refusal}
    locked.save(update_fields=["summary", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={"issue_refused": refusal["invoices"]},
        scope_organization_id=locked.provider_id,
        message=_("Issuing refused: e-invoice validation failed"),
    )


def billing_run_issue(*, actor: Any, run: InvoiceRun) -> InvoiceRun:
    """Issue all drafts of the run, or none. Raises ValidationError naming invoice, rule ids and messages when a
    draft fails validation; no number is used then. Issuing an issued run changes nothing."""
    check_clerk(actor)
    try:
        return _issue(actor=actor, run=run)
    except ValidationFailed as failed:
        _record_refusal(actor=actor, run=run, failures=failed.failures)
        raise ValidationError(
            [_("No invoice was issued: the e-invoice validation failed."), *failure_messages(failed.failures)]
        ) from None
