"""Refuse changes of issued invoices and their lines in the database itself (second line of defence).

Application code already refuses (`Invoice.save`, `InvoiceLine.save`, the queryset). The triggers refuse an
UPDATE that changes an issued or cancelled invoice's number, document, totals, parties or dates, or moves its
status anywhere but issued → cancelled; and any UPDATE of a line of an issued invoice. On PostgreSQL DELETE of
issued invoices and their lines is refused as well; not on SQLite, where Django's test flush deletes rows
(PostgreSQL uses TRUNCATE, which fires no row triggers), as for the audit trail (core 0002).
"""

from django.db import migrations

GUARDED = [
    "number",
    "series",
    "type_code",
    "member_id",
    "provider_id",
    "internal",
    "xml",
    "xml_sha256",
    "net_total",
    "tax_total",
    "gross_total",
    "vat_breakdown",
    "issue_date",
    "due_date",
    "seller_snapshot",
    "buyer_snapshot",
    "leitweg_id",
    "credit_for_id",
]
MESSAGE = "issued invoices are append-only"

SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in GUARDED)
SQLITE_UP = [
    f"""
CREATE TRIGGER billing_invoice_append_only BEFORE UPDATE ON billing_invoice
WHEN OLD.status != 'draft' AND (
    {SQLITE_CHANGED}
    OR NEW.status = 'draft' OR (OLD.status = 'cancelled' AND NEW.status != 'cancelled'))
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
    f"""
CREATE TRIGGER billing_invoiceline_append_only BEFORE UPDATE ON billing_invoiceline
WHEN (SELECT status FROM billing_invoice WHERE id = OLD.invoice_id) != 'draft'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS billing_invoice_append_only;",
    "DROP TRIGGER IF EXISTS billing_invoiceline_append_only;",
]

POSTGRES_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in GUARDED)
POSTGRES_UP = [
    f"""
CREATE OR REPLACE FUNCTION billing_invoice_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        IF {POSTGRES_CHANGED}
           OR NEW.status = 'draft' OR (OLD.status = 'cancelled' AND NEW.status <> 'cancelled') THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER billing_invoice_append_only BEFORE UPDATE OR DELETE ON billing_invoice
FOR EACH ROW EXECUTE FUNCTION billing_invoice_refuse_change();
""",
    f"""
CREATE OR REPLACE FUNCTION billing_invoiceline_refuse_change() RETURNS trigger AS $$
DECLARE
    invoice_status varchar;
BEGIN
    SELECT status INTO invoice_status FROM billing_invoice WHERE id = OLD.invoice_id;
    IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
        RAISE EXCEPTION '{MESSAGE}';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """
CREATE TRIGGER billing_invoiceline_append_only BEFORE UPDATE OR DELETE ON billing_invoiceline
FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_refuse_change();
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS billing_invoiceline_append_only ON billing_invoiceline;",
    "DROP FUNCTION IF EXISTS billing_invoiceline_refuse_change();",
    "DROP TRIGGER IF EXISTS billing_invoice_append_only ON billing_invoice;",
    "DROP FUNCTION IF EXISTS billing_invoice_refuse_change();",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)
    elif vendor == "postgresql":
        _run(schema_editor, POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
