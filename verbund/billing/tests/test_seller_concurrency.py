"""Clerks change the same seller data at the same moment (real threads, PostgreSQL row locks): changes of
different fields all survive, and of two forms opened at the same version exactly one is saved (#14)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.billing.models import SellerProfile
from verbund.billing.services import seller_profile_update
from verbund.core.audit import audit_events_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks with real concurrency need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _together(calls):
    barrier = threading.Barrier(len(calls))
    outcome: dict[int, str] = {}

    def run(index, call):
        try:
            barrier.wait()
            call()
            outcome[index] = "saved"
        except ValidationError as exc:
            outcome[index] = "refused: " + ",".join(exc.message_dict)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def test_changes_of_different_fields_all_survive(seller, clerk, admin_user):
    stale = SellerProfile.objects.get(pk=seller.pk)  # every thread starts from the same copy
    changes = [
        (clerk, {"contact_name": "Erste"}),
        (admin_user, {"bank_name": "Zweite Bank"}),
        (clerk, {"city": "Münster (Westf.)"}),
        (admin_user, {"contact_phone": "+49 251 1"}),
    ]
    outcome = _together(
        [lambda a=actor, v=values: seller_profile_update(actor=a, profile=stale, **v) for actor, values in changes]
    )
    assert set(outcome.values()) == {"saved"}
    seller.refresh_from_db()
    assert (seller.contact_name, seller.bank_name, seller.city, seller.contact_phone) == (
        "Erste",
        "Zweite Bank",
        "Münster (Westf.)",
        "+49 251 1",
    )
    assert seller.version == 1 + len(changes)
    assert audit_events_for(seller).count() == 1 + len(changes)


def test_of_two_forms_at_the_same_version_one_is_saved(seller, clerk, admin_user):
    outcome = _together(
        [
            lambda: seller_profile_update(actor=clerk, profile=seller, expected_version=1, contact_name="Erste"),
            lambda: seller_profile_update(actor=admin_user, profile=seller, expected_version=1, contact_name="Zweite"),
        ]
    )
    assert sorted(outcome.values()) == ["refused: version", "saved"]
    seller.refresh_from_db()
    saved = 0 if outcome[0] == "saved" else 1
    assert seller.contact_name == ("Erste", "Zweite")[saved] and seller.version == 2
