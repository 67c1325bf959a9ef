"""Helpers shared by the billing services: who may bill, validation findings, issuing one document."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.billing.choices import InvoiceStatus
from verbund.billing.documents import invoice_document
from verbund.billing.models import Invoice
from verbund.core.access import user_sees_all
from verbund.core.audit import audit_record, build_event
from verbund.core.models import AppendOnlyError, AuditAction, AuditEvent
from verbund.registry import keys
from verbund.registry.models import Organization


def check_clerk(actor: Any) -> None:
    """Billing is staff work (role billing clerk or administrator); `None` is the system (CLI, demo loader)."""
    if actor is not None and not (actor.has_perm("billing.add_invoice") and user_sees_all(actor)):
        raise ValidationError(_("Only billing staff of the provider can do this."))


@dataclass
class Failure:
    invoice: Invoice
    findings: list[dict[str, str]]


class ValidationFailed(Exception):
    def __init__(self, failures: list[Failure]):
        self.failures = failures
        super().__init__(f"{len(failures)} invoice(s) failed validation")


def finding_json(finding: Any) -> dict[str, str]:
    return {
        "rule": str(finding.rule),
        "severity": str(finding.severity),
        "message": str(finding.message),
        "location": str(finding.location),
    }


def is_fatal(finding: dict[str, str]) -> bool:
    return finding["severity"] not in ("warning", "information", "info")


def leitweg_problem(member: Organization) -> str:
    if not member.leitweg_id:
        return _("%(member)s has no Leitweg-ID.") % {"member": member.name}
    try:
        keys.validate_leitweg_id(member.leitweg_id)
    except keys.KeyError_ as exc:
        return _("The Leitweg-ID %(id)s of %(member)s is invalid: %(reason)s") % {
            "id": member.leitweg_id,
            "member": member.name,
            "reason": exc,
        }
    return ""


def failure_messages(failures: list[Failure]) -> list[str]:
    messages = []
    for failure in failures:
        for finding in failure.findings:
            if is_fatal(finding):
                messages.append(
                    _("%(invoice)s (%(member)s): %(rule)s – %(message)s")
                    % {
                        "invoice": failure.invoice.title,
                        "member": failure.invoice.member.name,
                        "rule": finding["rule"],
                        "message": finding["message"],
                    }
                )
    return messages


def sha256(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def _mark_issued(
    *,
    actor: Any,
    invoice: Invoice,
    number: str,
    issue_date: dt.date,
    due_date: dt.date,
    seller: dict[str, Any],
    buyer: dict[str, Any],
    xml: bytes | None,
    findings: list[dict[str, str]],
) -> None:
    invoice.number = number
    invoice.status = InvoiceStatus.ISSUED
    invoice.issue_date = issue_date
    invoice.due_date = due_date
    invoice.seller_snapshot = seller
    invoice.buyer_snapshot = buyer
    invoice.leitweg_id = "" if invoice.internal else buyer["leitweg_id"]
    invoice.xml = xml
    invoice.xml_sha256 = sha256(xml) if xml is not None else ""
    invoice.validation_findings = findings
    invoice.issued_at = timezone.now()
    invoice.issued_by = actor if getattr(actor, "is_authenticated", False) else None
    invoice.modified = timezone.now()


def _issued_event(*, actor: Any, invoice: Invoice, number: str) -> dict[str, Any]:
    return {
        "actor": actor,
        "action": AuditAction.UPDATE,
        "obj": invoice,
        "before": {"status": InvoiceStatus.DRAFT},
        "after": {
            "status": InvoiceStatus.ISSUED,
            "number": number,
            "gross_total": str(invoice.gross_total),
            "xml_sha256": invoice.xml_sha256,
        },
        "scope_organization_id": invoice.member_id,
        "message": _("Issued"),
    }


def issue_one(
    *,
    actor: Any,
    invoice: Invoice,
    number: str,
    issue_date: dt.date,
    due_date: dt.date,
    seller: dict[str, Any],
    buyer: dict[str, Any],
    xml: bytes | None,
    findings: list[dict[str, str]],
) -> None:
    _mark_issued(
        actor=actor,
        invoice=invoice,
        number=number,
        issue_date=issue_date,
        due_date=due_date,
        seller=seller,
        buyer=buyer,
        xml=xml,
        findings=findings,
    )
    invoice.save()
    audit_record(**_issued_event(actor=actor, invoice=invoice, number=number))


# The columns an issue writes (`_mark_issued`); one UPDATE per batch instead of one per invoice.
ISSUED_FIELDS = (
    "number",
    "status",
    "issue_date",
    "due_date",
    "seller_snapshot",
    "buyer_snapshot",
    "leitweg_id",
    "xml",
    "xml_sha256",
    "validation_findings",
    "issued_at",
    "issued_by",
    "modified",
)
WRITE_BATCH = 100  # audit rows per INSERT


def _update_drafts(invoices: list[Invoice]) -> None:
    """One parametrised UPDATE of the issued columns, executed for every invoice in a batch (`executemany`: the
    driver pipelines it). `bulk_update` builds a CASE per column and row, which costs more than the database
    work. Only drafts are updated: an invoice issued meanwhile is refused (and the database triggers refuse any
    change of an issued row anyway)."""
    concrete = {field.name: field for field in Invoice._meta.concrete_fields}
    fields = [concrete[name] for name in ISSUED_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, key, status = quote(Invoice._meta.db_table), quote("id"), quote("status")
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s AND {status} = %s"
    rows = [
        [field.get_db_prep_save(getattr(invoice, field.attname), connection) for field in fields]
        + [invoice.pk, InvoiceStatus.DRAFT]
        for invoice in invoices
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        if cursor.rowcount != len(rows):
            raise AppendOnlyError("only draft invoices can be issued; another process issued some of them")


def issue_many(
    *,
    actor: Any,
    prepared: list[tuple[Invoice, str, dt.date, dt.date, dict[str, Any], dict[str, Any]]],
    xmls: dict[int, bytes],
    findings: dict[int, list[dict[str, str]]],
) -> None:
    """`issue_one` for many drafts at once: the same columns and audit events, written in bulk (an UPDATE and
    an INSERT per `WRITE_BATCH` invoices)."""
    invoices = []
    for invoice, number, issue_date, due_date, seller, buyer in prepared:
        _mark_issued(
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
        invoices.append(invoice)
    if not invoices:
        return
    _update_drafts(invoices)
    content_type = ContentType.objects.get_for_model(Invoice)
    events = [
        build_event(**_issued_event(actor=actor, invoice=invoice, number=number), content_type=content_type)
        for invoice, number, *_rest in prepared
    ]
    AuditEvent.objects.bulk_create(events, batch_size=WRITE_BATCH)


def build_and_validate(
    prepared: list[tuple[Invoice, str, dt.date, dt.date, dict[str, Any], dict[str, Any]]],
) -> tuple[dict[int, bytes], dict[int, list[dict[str, str]]], list[Failure]]:
    """XML of every e-invoice and its validation (one batch through the validator)."""
    from verbund.billing.xrechnung import build_ubl, validate_many

    xmls: dict[int, bytes] = {}
    failures: list[Failure] = []
    for invoice, number, issue_date, due_date, seller, buyer in prepared:
        if invoice.internal:
            continue
        lines = list(invoice.lines.all())
        doc = invoice_document(
            invoice, lines, number=number, issue_date=issue_date, due_date=due_date, seller=seller, buyer=buyer
        )
        xmls[invoice.pk] = build_ubl(doc)
    findings: dict[int, list[dict[str, str]]] = {}
    ids = list(xmls)
    reports = validate_many([xmls[pk] for pk in ids]) if ids else []
    by_id = {invoice.pk: invoice for invoice, *_rest in prepared}
    for pk, report in zip(ids, reports, strict=True):
        findings[pk] = [finding_json(f) for f in report.findings]
        if not report.valid:
            failures.append(Failure(by_id[pk], findings[pk]))
    return xmls, findings, failures
