import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from verbund.core.audit import audit_events_for
from verbund.orders.models import Order, Subscription
from verbund.orders.selectors import contract_folder, quantity_on
from verbund.orders.services import (
    earliest_end_date,
    order_confirm,
    order_reject,
    order_submit_cancel,
    order_submit_change,
    order_submit_new,
    order_withdraw,
)

AS_OF = dt.date(2026, 3, 10)


def _new(actor, member, product, quantity="10", start=dt.date(2026, 4, 1)):
    return order_submit_new(
        actor=actor,
        member=member,
        product=product,
        quantity=None if quantity is None else Decimal(quantity),
        start_date=start,
        as_of=AS_OF,
        member_reference="KSt 4711",
    )


def test_member_orders_provider_confirms_and_folder_shows_it(registry, catalogue, alice, admin_user):
    order = _new(alice, registry["telgte"], catalogue["workplace"])
    assert order.number.startswith("B-")
    assert order.annual_net_preview == Decimal("12000.00")
    subscription = order_confirm(actor=admin_user, order=order)
    assert subscription.start_date == dt.date(2026, 4, 1)
    folder = contract_folder(user=alice, member=registry["telgte"], as_of=dt.date(2026, 5, 1))
    [line] = folder.lines
    assert (line.state, line.quantity, line.preview.net) == ("active", Decimal("10.00"), Decimal("12000.00"))
    assert folder.annual_gross == Decimal("14280.00")
    assert audit_events_for(order).count() == 2  # submitted, confirmed
    assert audit_events_for(subscription).count() == 1


def test_per_inhabitant_product_takes_the_population(registry, catalogue, alice):
    order = _new(alice, registry["telgte"], catalogue["ozg"], quantity=None)
    assert order.quantity == Decimal(20222)
    assert order.annual_net_preview == Decimal("7077.70")  # 20,222 × 0.35


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": None}, "quantity"),
        ({"start": dt.date(2026, 1, 2)}, "effective_date"),  # more than 30 days back
        ({"start": dt.date(2025, 6, 1)}, "effective_date"),
    ],
)
def test_bad_order_input_is_refused_by_field_and_changes_nothing(registry, catalogue, alice, kwargs, field):
    with pytest.raises(ValidationError) as info:
        _new(alice, registry["telgte"], catalogue["workplace"], **kwargs)
    assert field in info.value.message_dict
    assert Order.objects.count() == 0


def test_draft_and_retired_products_cannot_be_ordered(registry, catalogue, alice, admin_user):
    from verbund.catalog.services import product_transition

    with pytest.raises(ValidationError) as info:
        _new(alice, registry["telgte"], catalogue["draft"])
    assert "product" in info.value.message_dict
    product_transition(actor=admin_user, product=catalogue["workplace"], to_status="retired")
    catalogue["workplace"].refresh_from_db()
    with pytest.raises(ValidationError):
        _new(alice, registry["telgte"], catalogue["workplace"])
    assert Order.objects.count() == 0


def test_a_member_cannot_order_for_another_member(registry, catalogue, alice):
    with pytest.raises(ValidationError) as info:
        _new(alice, registry["ahlen"], catalogue["workplace"])
    assert "member" in info.value.message_dict
    assert Order.objects.count() == 0


def test_a_non_party_cannot_order_without_applying_for_the_accession(registry, catalogue, admin_user):
    with pytest.raises(ValidationError) as info:
        _new(admin_user, registry["kreis"], catalogue["workplace"])
    assert "accede" in info.value.message_dict  # the order says which accession it needs (test_modular_joining)
    assert Order.objects.count() == 0


def test_second_order_of_the_same_product_is_refused(registry, catalogue, alice, admin_user):
    order_confirm(actor=admin_user, order=_new(alice, registry["telgte"], catalogue["workplace"]))
    with pytest.raises(ValidationError, match="AP-100"):
        _new(alice, registry["telgte"], catalogue["workplace"])


def test_confirming_twice_is_refused_and_creates_one_subscription(registry, catalogue, alice, admin_user):
    order = _new(alice, registry["telgte"], catalogue["workplace"])
    order_confirm(actor=admin_user, order=order)
    with pytest.raises(ValidationError):
        order_confirm(actor=admin_user, order=order)
    assert Subscription.objects.count() == 1


def test_members_cannot_confirm_and_rejection_needs_a_reason(registry, catalogue, alice, admin_user):
    order = _new(alice, registry["telgte"], catalogue["workplace"])
    with pytest.raises(ValidationError):
        order_confirm(actor=alice, order=order)
    with pytest.raises(ValidationError) as info:
        order_reject(actor=admin_user, order=order, reason="  ")
    assert "rejection_reason" in info.value.message_dict
    order_reject(actor=admin_user, order=order, reason="Budget fehlt")
    order.refresh_from_db()
    assert (order.status, order.rejection_reason) == ("rejected", "Budget fehlt")
    assert Subscription.objects.count() == 0


def test_quantity_change_is_effective_dated(registry, catalogue, alice, admin_user):
    subscription = order_confirm(actor=admin_user, order=_new(alice, registry["telgte"], catalogue["workplace"]))
    change = order_submit_change(
        actor=alice,
        subscription=subscription,
        quantity=Decimal("15"),
        effective_date=dt.date(2026, 7, 1),
        as_of=AS_OF,
        expected_version=1,
    )
    order_confirm(actor=admin_user, order=change)
    rows = list(subscription.quantities.order_by("valid_from"))
    assert quantity_on(rows, dt.date(2026, 6, 30)) == Decimal("10")
    assert quantity_on(rows, dt.date(2026, 7, 1)) == Decimal("15")
    assert quantity_on(rows, dt.date(2026, 3, 31)) is None
    subscription.refresh_from_db()
    assert subscription.version == 2


def test_two_changes_on_the_same_version_cannot_both_win(registry, catalogue, alice, admin_user):
    subscription = order_confirm(actor=admin_user, order=_new(alice, registry["telgte"], catalogue["workplace"]))
    first = order_submit_change(
        actor=alice,
        subscription=subscription,
        quantity=Decimal("12"),
        effective_date=dt.date(2026, 7, 1),
        as_of=AS_OF,
        expected_version=1,
    )
    second = order_submit_change(
        actor=admin_user,
        subscription=subscription,
        quantity=Decimal("20"),
        effective_date=dt.date(2026, 7, 1),
        as_of=AS_OF,
        expected_version=1,
    )
    order_confirm(actor=admin_user, order=first)
    with pytest.raises(ValidationError) as info:
        order_confirm(actor=admin_user, order=second)
    assert "version" in info.value.message_dict
    with pytest.raises(ValidationError):  # a stale form is refused at submit time too
        order_submit_change(
            actor=alice,
            subscription=subscription,
            quantity=Decimal("30"),
            effective_date=dt.date(2026, 8, 1),
            as_of=AS_OF,
            expected_version=1,
        )


def test_cancellation_respects_the_notice_period(registry, catalogue, alice, admin_user):
    subscription = order_confirm(actor=admin_user, order=_new(alice, registry["telgte"], catalogue["workplace"]))
    assert earliest_end_date(product=catalogue["workplace"], notice_given_on=AS_OF) == dt.date(2026, 6, 30)
    with pytest.raises(ValidationError) as info:
        order_submit_cancel(actor=alice, subscription=subscription, end_date=dt.date(2026, 5, 31), as_of=AS_OF)
    assert "30.06.2026" in str(info.value)
    cancel = order_submit_cancel(actor=alice, subscription=subscription, end_date=dt.date(2026, 6, 30), as_of=AS_OF)
    order_confirm(actor=admin_user, order=cancel)
    subscription.refresh_from_db()
    assert subscription.end_date == dt.date(2026, 6, 30)
    folder = contract_folder(user=alice, member=registry["telgte"], as_of=dt.date(2026, 8, 1))
    assert [line.state for line in folder.lines] == ["ended"]
    assert folder.annual_net == 0


def test_withdraw_by_member(registry, catalogue, alice):
    order = _new(alice, registry["telgte"], catalogue["workplace"])
    order_withdraw(actor=alice, order=order)
    order.refresh_from_db()
    assert order.status == "withdrawn"


def test_contract_folder_of_another_member_is_empty_for_alice(registry, catalogue, bob, alice, admin_user):
    order_confirm(actor=admin_user, order=_new(bob, registry["ahlen"], catalogue["workplace"]))
    folder = contract_folder(user=alice, member=registry["ahlen"], as_of=AS_OF)
    assert folder.lines == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks need PostgreSQL")
def test_two_clerks_confirming_at_once_create_one_subscription(registry, catalogue, alice, admin_user):
    """A double click or two clerks: the order row lock lets one confirmation through, the other is refused."""
    import threading

    order = _new(alice, registry["telgte"], catalogue["workplace"])
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm():
        try:
            barrier.wait(timeout=10)
            order_confirm(actor=admin_user, order=order)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert Subscription.objects.count() == 1
    assert audit_events_for(order).filter(action="update").count() == 1


def test_the_confirmed_order_is_linked_to_its_subscription(registry, catalogue, alice, admin_user):
    order = _new(alice, registry["telgte"], catalogue["workplace"])
    subscription = order_confirm(actor=admin_user, order=order)
    order.refresh_from_db()
    assert order.subscription == subscription
    folder = contract_folder(user=alice, member=registry["telgte"], as_of=dt.date(2026, 5, 1))
    assert [o.number for o in folder.lines[0].orders] == [order.number]
