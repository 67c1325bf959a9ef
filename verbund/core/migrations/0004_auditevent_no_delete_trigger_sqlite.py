"""Refuse DELETE of audit events on SQLite too (PostgreSQL refuses it since 0002).

0002 left DELETE open on SQLite because Django's test flush empties tables with DELETE there; the tests' flush
now lifts the `*_no_delete` triggers for its own statements (root `conftest.py`), so the database refuses a raw
DELETE on both backends alike.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS core_auditevent_no_delete;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_numbersequence")]
    operations = [migrations.RunPython(forwards, backwards)]
