"""A transfer in the middle of the year, billed by the billing engine (hypothesis over dates, quantities, prices).

Each provider's billing inputs (`billing.selectors.billing_inputs`: its agreement's members and its catalogue's
products) give the member's subscriptions; `billing.engine.actual` prices them exactly to the day, as the final
settlement does. Properties: the transferring provider bills exactly the days before the effective date and the
receiving provider exactly the days from it (unit-days add up to the year's without the transfer), and the
member's total equals what it would have paid without the transfer, apart from the price difference (the
no-transfer subscription priced with the new price from the effective date), up to the one cent that rounding
each provider's amount separately can cost.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verbund.billing import engine
from verbund.billing.selectors import billing_inputs
from verbund.transfers import services
from verbund.transfers.tests.conftest import subscribe

YEAR = 2026
JAN1 = dt.date(YEAR, 1, 1)
DEC31 = dt.date(YEAR, 12, 31)
OLD_PRICE = Decimal("1200")


def _actual(provider, member, product_ids=None):
    inputs = billing_inputs(provider=provider, year=YEAR)
    subs = [s for s in inputs.subscriptions.get(member.pk, []) if product_ids is None or s.product_id in product_ids]
    segments = []
    for sub in subs:
        rows = [(row.valid_from, row.quantity) for row in sub.quantity_rows]
        segments.extend(engine.subscription_segments(sub.start_date, sub.end_date, rows))
    rates = tuple(
        engine.RateStep(r.valid_from, r.unit_price)
        for sub in subs[:1]
        for r in inputs.revisions.get(sub.product_id, [])
    )
    charge = engine.Charge("P", tuple(segments), rates=rates)
    return engine.actual(charge, YEAR), tuple(segments)


days = st.integers(min_value=1, max_value=364)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    effective=days,
    change=days,
    first=st.integers(min_value=1, max_value=500),
    second=st.integers(min_value=1, max_value=500),
    new_price=st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2),
)
def test_each_provider_bills_its_days_and_the_total_differs_only_by_the_price(
    setup, effective, change, first, second, new_price
):
    effective_date = JAN1 + dt.timedelta(days=effective)
    change_date = JAN1 + dt.timedelta(days=change)
    citeq, opco, member = setup["citeq"], setup["opco"], setup["kreis"]
    with transaction.atomic():
        from verbund.registry.services import agreement_accession_record

        for agreement in (setup["agreement"], setup["opco_agreement"]):
            agreement_accession_record(actor=None, agreement=agreement, organization=member, joined_on=JAN1)
        subscribe(member, setup["workplace"], JAN1, [(JAN1, first), (change_date, second)])
        baseline, segments = _actual(citeq, member, {setup["workplace"].pk})
        transfer = services.transfer_create(
            actor=None,
            from_provider=citeq,
            to_provider=opco,
            effective_date=effective_date,
            products=[setup["workplace"]],
            prices={setup["workplace"].pk: new_price},
            bodies=[setup["za"]],
            submit=True,
        )
        services.transfer_body_adopt(
            actor=None, transfer=transfer, committee=setup["za"], decision_reference="ZA-1", adopted_on=JAN1
        )
        services.transfer_execute(actor=None, transfer=transfer, as_of=effective_date)
        before, before_segments = _actual(citeq, member, {setup["workplace"].pk})
        after, after_segments = _actual(opco, member)
        transaction.set_rollback(True)
    # exactly its days
    assert before.active_days == (effective_date - JAN1).days
    assert after.active_days == (DEC31 - effective_date).days + 1
    assert all(s.end is not None and s.end < effective_date for s in before_segments)
    assert all(s.start >= effective_date for s in after_segments)
    assert before.unit_days + after.unit_days == baseline.unit_days
    # the same total apart from the price difference
    repriced = engine.actual(
        engine.Charge(
            "P", segments, rates=(engine.RateStep(JAN1, OLD_PRICE), engine.RateStep(effective_date, new_price))
        ),
        YEAR,
    )
    assert abs(before.amount + after.amount - repriced.amount) <= Decimal("0.01")
    if new_price == OLD_PRICE:
        assert abs(before.amount + after.amount - baseline.amount) <= Decimal("0.01")
