"""Refuse UPDATE (and on PostgreSQL DELETE) of recorded decisions in the database itself (see core 0002)."""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER governance_decision_no_update BEFORE UPDATE ON governance_decision
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS governance_decision_no_update;"
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION governance_decision_refuse_change() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'decisions are append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER governance_decision_no_update BEFORE UPDATE OR DELETE ON governance_decision
FOR EACH ROW EXECUTE FUNCTION governance_decision_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS governance_decision_no_update ON governance_decision;
DROP FUNCTION IF EXISTS governance_decision_refuse_change();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
