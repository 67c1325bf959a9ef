"""Orders confirmed while a transfer of their product executes (real threads, PostgreSQL row locks): each one is
either moved to the receiving provider or refused, never left behind on the retired product."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.orders.models import Order, Subscription
from verbund.orders.services import order_confirm
from verbund.transfers import services
from verbund.transfers.models import MovedSubscription

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks with real concurrency need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

ORDERS = 6


def test_concurrent_orders_are_moved_or_refused(setup, adopted):
    from verbund.registry.services import organization_create

    members = [organization_create(actor=None, name=f"Zweckverband {i}", kind="association") for i in range(ORDERS)]
    orders = [
        Order.objects.create(
            number=f"B-2026-{900 + i:06d}",
            member=member,
            product=setup["workplace"],
            quantity=Decimal(2),
            effective_date=dt.date(2026, 6, 1),
        )
        for i, member in enumerate(members)
    ]
    barrier = threading.Barrier(ORDERS + 1)
    outcome: dict[str, str] = {}

    def confirm(order: Order, late: bool) -> None:
        try:
            barrier.wait()
            if late:  # half of them come while the transfer holds the product (they wait, then are refused)
                time.sleep(0.5)
            order_confirm(actor=setup["admin"], order=order)
            outcome[order.number] = "confirmed"
        except ValidationError:
            outcome[order.number] = "refused"
        finally:
            connection.close()

    def execute() -> None:
        try:
            barrier.wait()
            time.sleep(0.2)  # the early orders take the product's lock first (they are moved)
            services.transfer_execute(actor=None, transfer=adopted, as_of=dt.date(2026, 7, 1))
            outcome["transfer"] = "executed"
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(order, i % 2 == 1)) for i, order in enumerate(orders)]
    threads.append(threading.Thread(target=execute))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcome["transfer"] == "executed"
    for order, member in zip(orders, members, strict=True):
        old = Subscription.objects.filter(member=member, product=setup["workplace"]).first()
        if outcome[order.number] == "confirmed":
            assert old is not None and old.end_date == dt.date(2026, 6, 30)
            moved = MovedSubscription.objects.get(old_subscription=old)
            assert moved.new_subscription.product.number == "MIB-AP-100"
            assert moved.new_subscription.quantities.get().quantity == Decimal(2)
        else:
            assert outcome[order.number] == "refused" and old is None
    # nothing left running on the retired product after the effective date
    assert not Subscription.objects.filter(product=setup["workplace"], end_date__isnull=True).exists()
