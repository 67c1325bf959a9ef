"""Refuse DELETE of issued (or cancelled) invoices and of their lines on SQLite too, as on PostgreSQL (billing
0002). Drafts stay deletable: a repeated run replaces its drafts. See core 0004 for the tests' flush."""

from django.db import migrations

MESSAGE = "issued invoices are append-only"
SQLITE_UP = [
    f"""
CREATE TRIGGER billing_invoice_no_delete BEFORE DELETE ON billing_invoice
WHEN OLD.status != 'draft'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
    f"""
CREATE TRIGGER billing_invoiceline_no_delete BEFORE DELETE ON billing_invoiceline
WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) != 'draft'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS billing_invoiceline_no_delete;",
    "DROP TRIGGER IF EXISTS billing_invoice_no_delete;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_invoice_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
