import pytest
from django.db import DatabaseError, connection, transaction

from verbund.core.audit import audit_events_for
from verbund.core.models import AppendOnlyError, AuditEvent
from verbund.registry.services import organization_update


def test_services_write_audit_events_with_before_and_after(registry, admin_user):
    telgte = registry["telgte"]
    organization_update(actor=admin_user, organization=telgte, population=20500)
    event = audit_events_for(telgte).first()
    assert event.action == "update"
    assert event.actor == admin_user
    assert event.actor_name == "anna"
    assert event.before["population"] == 20222
    assert event.after["population"] == 20500
    assert event.changed_fields == ["population"]
    assert event.scope_organization_id == telgte.pk


def test_an_update_that_changes_nothing_writes_no_event(registry, admin_user):
    telgte = registry["telgte"]
    count = audit_events_for(telgte).count()
    organization_update(actor=admin_user, organization=telgte, population=telgte.population)
    assert audit_events_for(telgte).count() == count


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(registry):
    event = AuditEvent.objects.first()
    event.message = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(message="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_of_audit_events(registry):
    event_id = AuditEvent.objects.first().pk
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET message = 'tampered' WHERE id = %s", [event_id])
    assert AuditEvent.objects.get(pk=event_id).message != "tampered"


def test_the_database_refuses_raw_deletes_of_audit_events(registry):
    """On PostgreSQL and on SQLite alike (SQLite had only the UPDATE trigger)."""
    count = AuditEvent.objects.count()
    event_id = AuditEvent.objects.first().pk
    for sql, params in (("DELETE FROM core_auditevent WHERE id = %s", [event_id]), ("DELETE FROM core_auditevent", [])):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert AuditEvent.objects.count() == count
