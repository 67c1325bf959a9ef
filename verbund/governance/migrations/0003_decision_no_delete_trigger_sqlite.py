"""Refuse DELETE of recorded decisions on SQLite too, as on PostgreSQL (see core 0004)."""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER governance_decision_no_delete BEFORE DELETE ON governance_decision
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS governance_decision_no_delete;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_decision_append_only_trigger")]
    operations = [migrations.RunPython(forwards, backwards)]
