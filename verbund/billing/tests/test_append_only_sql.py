"""The database itself refuses to delete an issued invoice or its lines, on PostgreSQL and on SQLite; drafts stay
deletable (a repeated run replaces them)."""

import pytest
from django.db import DatabaseError, connection, transaction

from verbund.billing.choices import InvoiceStatus
from verbund.billing.models import Invoice, InvoiceLine
from verbund.billing.services import billing_run_issue
from verbund.billing.tests.test_runs import prepare


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_raw_deletes_of_issued_invoices_and_their_lines(approved_plan, seller, members, registry):
    run = billing_run_issue(actor=None, run=prepare(registry))
    invoice = run.invoices.first()
    lines = invoice.lines.count()
    for sql, params in (
        ("DELETE FROM billing_invoiceline WHERE invoice_id = %s", [invoice.pk]),
        ("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk]),
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(sql, params)
    assert Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.ISSUED).exists()
    assert InvoiceLine.objects.filter(invoice=invoice).count() == lines


def test_draft_invoices_can_still_be_deleted(approved_plan, seller, members, registry):
    draft = prepare(registry).invoices.first()
    _raw("DELETE FROM billing_invoiceline WHERE invoice_id = %s", [draft.pk])
    _raw("DELETE FROM billing_invoice WHERE id = %s", [draft.pk])
    assert not Invoice.objects.filter(pk=draft.pk).exists()
