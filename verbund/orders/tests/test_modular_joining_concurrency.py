"""Two orders of one member applying for the same accession at once (real threads, PostgreSQL row locks): both
are stored and wait for one accession, none fails on the accession the other just recorded."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from verbund.orders.models import Order
from verbund.orders.services import order_submit_new
from verbund.registry.models import AgreementParty

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks with real concurrency need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_orders_share_one_accession(registry, catalogue, admin_user):
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def submit(product) -> None:
        try:
            barrier.wait()
            order_submit_new(
                actor=admin_user,
                member=registry["kreis"],
                product=product,
                quantity=Decimal(2),
                start_date=dt.date(2026, 4, 1),
                as_of=dt.date(2026, 3, 10),
                accede=True,
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(catalogue[key],)) for key in ("workplace", "ozg")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    [party] = AgreementParty.objects.filter(organization=registry["kreis"])
    assert set(Order.objects.values_list("accession_id", flat=True)) == {party.pk}
