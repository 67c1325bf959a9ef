"""Modular joining (issue #14, ADR 0043): a member that is not a party of the product's provider applies for the
accession with its order; both take effect together when the committee approves the accession."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from verbund.catalog.services import product_transition
from verbund.governance.choices import SubjectKind
from verbund.governance.subjects import HANDLERS
from verbund.orders.choices import OrderStatus
from verbund.orders.models import Order, Subscription
from verbund.orders.services import order_confirm, order_submit_new, order_withdraw, orders_accession_effective
from verbund.registry.choices import ApprovalStatus
from verbund.registry.models import AgreementParty
from verbund.registry.services import agreement_accession_record, agreement_exit_record

AS_OF = dt.date(2026, 3, 10)
START = dt.date(2026, 4, 1)


def _order(actor, member, product, *, accede=True, start=START, quantity="5"):
    return order_submit_new(
        actor=actor,
        member=member,
        product=product,
        quantity=Decimal(quantity),
        start_date=start,
        as_of=AS_OF,
        accede=accede,
    )


def _approve(actor, party, reference="ZA 2026/7", on=dt.date(2026, 3, 20)):
    HANDLERS[SubjectKind.ACCESSION].approve(actor, party, reference, on)


def test_without_applying_the_order_names_the_accession_and_changes_nothing(registry, catalogue, admin_user):
    parties = AgreementParty.objects.count()
    with pytest.raises(ValidationError) as info:
        _order(admin_user, registry["kreis"], catalogue["workplace"], accede=False)
    [message] = info.value.message_dict["accede"]
    assert "ÖrV citeq" in message and "AP-100" in message
    assert (Order.objects.count(), AgreementParty.objects.count()) == (0, parties)


def test_accession_and_first_order_take_effect_together(registry, catalogue, admin_user):
    kreis = registry["kreis"]
    order = _order(admin_user, kreis, catalogue["workplace"])
    party = order.accession
    assert (party.status, party.joined_on, party.agreement) == (ApprovalStatus.PROPOSED, START, registry["agreement"])
    assert order.waits_for_accession
    with pytest.raises(ValidationError) as info:  # staff cannot confirm it before the committee
        order_confirm(actor=admin_user, order=order)
    assert "accession" in info.value.message_dict
    assert not Subscription.objects.filter(member=kreis).exists()

    _approve(admin_user, party)
    order.refresh_from_db()
    party.refresh_from_db()
    assert (party.status, order.status) == (ApprovalStatus.APPROVED, OrderStatus.CONFIRMED)
    [subscription] = Subscription.objects.filter(member=kreis)
    assert (subscription.start_date, subscription.quantities.get().quantity) == (START, Decimal("5.00"))
    # now a party: the next product is ordered as by any member, with no accession
    later = _order(admin_user, kreis, catalogue["ozg"], accede=False)
    assert later.accession is None


def test_a_second_order_waits_for_the_same_accession(registry, catalogue, admin_user):
    first = _order(admin_user, registry["kreis"], catalogue["workplace"])
    second = _order(admin_user, registry["kreis"], catalogue["ozg"], start=dt.date(2026, 5, 1))
    assert second.accession_id == first.accession_id
    _approve(admin_user, first.accession)
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.CONFIRMED}
    assert Subscription.objects.filter(member=registry["kreis"]).count() == 2


def test_an_order_before_the_pending_accession_date_is_refused(registry, catalogue, admin_user):
    _order(admin_user, registry["kreis"], catalogue["workplace"], start=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as info:
        _order(admin_user, registry["kreis"], catalogue["ozg"], start=START)
    assert "effective_date" in info.value.message_dict
    assert Order.objects.count() == 1


def test_a_member_that_left_needs_a_new_accession_by_staff(registry, catalogue, admin_user):
    party = AgreementParty.objects.get(organization=registry["telgte"])
    agreement_exit_record(actor=None, party=party, left_on=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError) as info:
        _order(admin_user, registry["telgte"], catalogue["workplace"])
    assert "effective_date" in info.value.message_dict
    assert Order.objects.count() == 0


def test_a_withdrawn_order_is_not_confirmed_by_the_accession(registry, catalogue, admin_user):
    order = _order(admin_user, registry["kreis"], catalogue["workplace"])
    order_withdraw(actor=admin_user, order=order)
    _approve(admin_user, order.accession)
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN
    assert not Subscription.objects.filter(member=registry["kreis"]).exists()


def test_an_order_that_cannot_take_effect_rolls_the_decision_back(registry, catalogue, admin_user):
    order = _order(admin_user, registry["kreis"], catalogue["workplace"])
    product_transition(actor=admin_user, product=catalogue["workplace"], to_status="retired")
    with pytest.raises(ValidationError) as info, transaction.atomic():
        _approve(admin_user, order.accession)
    assert "product" in info.value.message_dict
    order.accession.refresh_from_db()
    order.refresh_from_db()
    assert (order.accession.status, order.status) == (ApprovalStatus.PROPOSED, OrderStatus.SUBMITTED)


def test_orders_wait_only_for_an_approved_accession(registry, catalogue, admin_user):
    order = _order(admin_user, registry["kreis"], catalogue["workplace"])
    with pytest.raises(ValidationError):
        orders_accession_effective(actor=admin_user, party=order.accession)


def test_a_product_of_another_provider_needs_that_providers_agreement(registry, catalogue, company, admin_user):
    """Telgte is a party of citeq's agreement, not of the operating company's: its product needs an accession."""
    product, agreement = company["product"], company["agreement"]
    # citeq's product: Telgte orders as before
    assert _order(admin_user, registry["telgte"], catalogue["workplace"], accede=False).accession is None
    with pytest.raises(ValidationError) as info:
        _order(admin_user, registry["telgte"], product, accede=False)
    assert "Rahmenvereinbarung MIB" in info.value.message_dict["accede"][0]
    order = _order(admin_user, registry["telgte"], product)
    assert order.accession.agreement == agreement
    # a proposed accession recorded by staff beforehand is the one the order waits for
    other = agreement_accession_record(
        actor=None, agreement=agreement, organization=registry["ahlen"], joined_on=START, status="proposed"
    )
    assert _order(admin_user, registry["ahlen"], product).accession == other
