"""The database itself refuses to delete a recorded decision, on PostgreSQL and on SQLite."""

import pytest
from django.db import DatabaseError, connection, transaction

from verbund.governance import services
from verbund.governance.models import Decision
from verbund.governance.tests.test_services import _attend_all, _catalogue_paper


def test_the_database_refuses_raw_deletes_of_decisions(committee_setup, registry, catalogue, alice):
    _version, item = _catalogue_paper(committee_setup, registry, catalogue)
    _attend_all(committee_setup)
    decision = services.decision_record(actor=None, agenda_item=item)
    for sql, params in (
        ("DELETE FROM governance_decision WHERE id = %s", [decision.pk]),
        ("DELETE FROM governance_decision", []),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert Decision.objects.filter(pk=decision.pk).exists()
