"""Billing reads the plan and the subscriptions through the costing and orders selectors, and takes the VAT of a
line from the product's approved price revision only."""

import datetime as dt

import pytest

from verbund.billing import engine
from verbund.billing.choices import ProblemSeverity, RunKind
from verbund.billing.drafts import build_drafts
from verbund.billing.selectors import billing_frame, billing_inputs, billing_inputs_for
from verbund.costing.choices import Charging
from verbund.costing.models import MemberFee
from verbund.costing.selectors import approved_plan_charges
from verbund.orders.models import Subscription
from verbund.orders.selectors import subscriptions_in_year


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def test_approved_plan_charges_are_the_plan_fees_with_their_charging(ready, registry):
    charges = approved_plan_charges(provider=registry["citeq"], year=2026)
    assert charges.plan == ready
    stored = MemberFee.objects.filter(plan=ready).select_related("product_plan__rate")
    assert len(charges.fees) == stored.count() > 0
    for fee in stored:
        charge = charges.fees[(fee.member_id, fee.product_plan.product_id)]
        assert (charge.member_id, charge.fee, charge.quantity) == (fee.member_id, fee.fee, fee.quantity)
        assert charge.charging.shared == (fee.product_plan.charging == Charging.SHARED)
        assert charge.charging.key_weights == (fee.product_plan.key_weights or {})
        assert charges.rates.get(fee.product_plan.product_id) == fee.product_plan.rate.rate  # None: no rate (shared)
    some = next(iter(charges.fees))[0]
    only = approved_plan_charges(provider=registry["citeq"], year=2026, member_ids=[some], loaded=charges)
    assert only.fees and {member for member, _product in only.fees} == {some}
    assert approved_plan_charges(provider=registry["citeq"], year=2025).plan is None


def test_subscriptions_in_year_are_those_in_force_on_some_day_of_it(ready, registry):
    members = [registry["telgte"].pk, registry["ahlen"].pk]
    products = list(Subscription.objects.values_list("product_id", flat=True).distinct())
    found = list(subscriptions_in_year(member_ids=members, product_ids=products, year=2026))
    expected = [
        sub
        for sub in Subscription.objects.filter(member_id__in=members).order_by("member_id", "product_id", "start_date")
        if sub.start_date <= dt.date(2026, 12, 31) and (sub.end_date is None or sub.end_date >= dt.date(2026, 1, 1))
    ]
    assert found == expected and found
    assert all(hasattr(sub, "quantity_rows") for sub in found)


def test_inputs_in_slices_are_the_inputs_of_the_whole(ready, registry):
    whole = billing_inputs(provider=registry["citeq"], year=2026)
    frame = billing_frame(provider=registry["citeq"], year=2026)
    parts = [billing_inputs_for(frame, [member]) for member in frame.members]
    assert [m for part in parts for m in part.members] == whole.members
    assert {k: v for part in parts for k, v in part.fees.items()} == whole.fees
    merged = {k: [s.pk for s in v] for part in parts for k, v in part.subscriptions.items()}
    assert merged == {k: [s.pk for s in v] for k, v in whole.subscriptions.items()}
    assert all(part.plan_rates == whole.plan_rates for part in parts)


def test_the_vat_comes_from_the_price_revision_only(ready, registry):
    """No approved price revision: no line at an assumed 19 %, but an error that blocks issuing."""
    inputs = billing_inputs(provider=registry["citeq"], year=2026)
    period = engine.period_of(2026, "monthly", 1)
    kwargs = {"kind": RunKind.INSTALMENT, "period": period, "frequency": "monthly", "host_settlement_internal": True}
    billed = build_drafts(inputs, **kwargs)
    assert billed.invoices and all(line.vat.rate == 19 for d in billed.invoices for line in d.lines)
    inputs.revisions = {}
    result = build_drafts(inputs, **kwargs)
    assert not result.invoices
    missing = [p for p in result.problems if p.code == "no_vat_treatment"]
    assert missing and all(p.severity == ProblemSeverity.ERROR for p in missing)
    assert len(missing) == sum(len(d.lines) for d in billed.invoices)
