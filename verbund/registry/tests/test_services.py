import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.core.audit import audit_events_for
from verbund.registry.models import AgreementParty, Organization
from verbund.registry.services import (
    agreement_accession_record,
    agreement_exit_record,
    organization_create,
    organization_update,
)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "municipality", "ags": "0557004", "ars": "055700004004"}, "ags"),
        ({"kind": "municipality", "ags": "05570004", "ars": ""}, "ars"),
        ({"kind": "municipality", "ags": "05570004", "ars": "055700004005"}, "ars"),
        ({"kind": "municipality", "ags": "", "ars": ""}, "ags"),
        ({"kind": "district", "ags": "05570004"}, "ags"),
        ({"kind": "provider", "leitweg_id": "05570004-ITDL-00"}, "leitweg_id"),
        ({"kind": "provider", "postcode": "4829X"}, "postcode"),
        ({"kind": "provider", "land": "17"}, "land"),
    ],
)
def test_organization_create_names_the_bad_field_and_writes_nothing(db, values, field):
    with pytest.raises(ValidationError) as info:
        organization_create(actor=None, name="X", **values)
    assert field in info.value.message_dict
    assert Organization.objects.count() == 0


def test_organization_create_normalises_a_valid_leitweg_id(db):
    org = organization_create(actor=None, name="Amt", kind="provider", leitweg_id=" 04011000-900x999-08 ")
    assert org.leitweg_id == "04011000-900X999-08"


def test_organization_update_rejects_unknown_fields(registry):
    with pytest.raises(ValidationError):
        organization_update(actor=None, organization=registry["telgte"], colour="blue")


def test_accession_is_recorded_with_its_details_and_audited(registry, admin_user):
    kreis = registry["kreis"]
    party = agreement_accession_record(
        actor=admin_user,
        agreement=registry["agreement"],
        organization=kreis,
        joined_on=dt.date(2026, 1, 1),
        council_resolution_date=dt.date(2025, 9, 30),
        committee_decision_ref="ZA 2025/07",
        supervisory_approval_date=dt.date(2025, 12, 1),
        capital_contribution=Decimal("25000.00"),
    )
    assert party.capital_contribution == Decimal("25000.00")
    event = audit_events_for(party).get()
    assert event.after["committee_decision_ref"] == "ZA 2025/07"
    assert event.scope_organization_id == kreis.pk


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"joined_on": dt.date(2018, 1, 1)}, "joined_on"),
        (
            {"joined_on": dt.date(2026, 1, 1), "council_resolution_date": dt.date(2026, 2, 1)},
            "council_resolution_date",
        ),
        (
            {"joined_on": dt.date(2026, 1, 1), "supervisory_approval_date": dt.date(2026, 3, 1)},
            "supervisory_approval_date",
        ),
        ({"joined_on": dt.date(2026, 1, 1), "capital_contribution": Decimal("-1")}, "capital_contribution"),
    ],
)
def test_bad_accession_input_is_refused_by_field(registry, kwargs, field):
    with pytest.raises(ValidationError) as info:
        agreement_accession_record(
            actor=None, agreement=registry["agreement"], organization=registry["kreis"], **kwargs
        )
    assert field in info.value.message_dict
    assert not AgreementParty.objects.filter(organization=registry["kreis"]).exists()


def test_a_land_or_a_second_accession_is_refused(registry, english):
    with pytest.raises(ValidationError, match="cannot be a party"):
        agreement_accession_record(
            actor=None,
            agreement=registry["agreement"],
            organization=registry["nrw"],
            joined_on=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError, match="already a party"):
        agreement_accession_record(
            actor=None,
            agreement=registry["agreement"],
            organization=registry["telgte"],
            joined_on=dt.date(2026, 1, 1),
        )


def test_exit_is_recorded_once(registry, admin_user, english):
    party = AgreementParty.objects.get(organization=registry["ahlen"])
    agreement_exit_record(
        actor=admin_user,
        party=party,
        left_on=dt.date(2027, 1, 1),
        exit_notice_date=dt.date(2026, 6, 30),
        reason="Wechsel zu anderem Dienstleister",
    )
    party.refresh_from_db()
    assert party.left_on == dt.date(2027, 1, 1)
    with pytest.raises(ValidationError, match="already left"):
        agreement_exit_record(actor=admin_user, party=party, left_on=dt.date(2028, 1, 1))
    assert audit_events_for(party).filter(action="update").count() == 1


def test_exit_before_accession_is_refused(registry):
    party = AgreementParty.objects.get(organization=registry["ahlen"])
    with pytest.raises(ValidationError) as info:
        agreement_exit_record(actor=None, party=party, left_on=dt.date(2018, 1, 1))
    assert "left_on" in info.value.message_dict


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_editors_at_once_lose_no_update(registry):
    """Two concurrent edits of different fields: the row lock serialises them and both survive."""
    telgte = registry["telgte"]
    barrier = threading.Barrier(2)
    errors = []

    def edit(**changes):
        try:
            barrier.wait(timeout=10)
            organization_update(actor=None, organization=telgte, **changes)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, kwargs={"population": 21000}),
        threading.Thread(target=edit, kwargs={"email": "it@telgte.de"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    telgte.refresh_from_db()
    assert (telgte.population, telgte.email) == (21000, "it@telgte.de")
    assert audit_events_for(telgte).filter(action="update").count() == 2
