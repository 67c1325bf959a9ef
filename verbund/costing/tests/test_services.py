import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.catalog.selectors import approved_price_on
from verbund.costing import services
from verbund.costing.models import MemberFee, ProductRate
from verbund.costing.selectors import plan_model


def test_loader_builds_the_engine_model_with_a_fixed_number_of_queries(plan, django_assert_num_queries):
    with django_assert_num_queries(9):
        model, members = plan_model(plan=plan)
    assert {c.id for c in model.cost_centres} == {"RZ", "AP", "FV"}
    assert {(s.product, s.quantity) for s in model.subscriptions if s.product == "AP-100"} == {
        ("AP-100", Decimal("40.00")),
        ("AP-100", Decimal("110.00")),
    }
    assert len(members) == 2


def test_calculation_conserves_cost_and_explains_each_fee(plan, admin_user, registry):
    result = services.plan_version_calculate(actor=admin_user, plan=plan)
    plan.refresh_from_db()
    assert plan.result_total == Decimal("280000.00")
    rates = {r.product_plan.product.number: r for r in ProductRate.objects.filter(plan=plan)}
    # RZ 150,000 split 60/40: AP 100,000 + 90,000 = 190,000 over 150 workstations; FV 30,000 + 60,000 = 90,000
    assert rates["AP-100"].cost == Decimal("190000.00")
    assert rates["AP-100"].rate == Decimal("1266.6667")
    assert rates["OZ-200"].cost == Decimal("90000.00")
    fees = MemberFee.objects.filter(plan=plan)
    assert sum(f.fee for f in fees.filter(product_plan__product__number="OZ-200")) == Decimal("90000.00")
    telgte = fees.get(member=registry["telgte"], product_plan__product__number="AP-100")
    assert telgte.fee == Decimal("50666.67")
    # The trace is stored as language-neutral steps (ADR 0025): code + arguments, the member by its id.
    step = telgte.trace[0]
    assert step["code"] == "fee.metered" and Decimal(step["args"]["quantity"]) == 40
    assert step["args"]["member"] == str(registry["telgte"].pk)
    assert result.allocation.total == Decimal("280000.00")


def test_a_plan_the_engine_refuses_changes_nothing(plan, admin_user):
    from verbund.costing.models import ProductPlan

    ProductPlan.objects.filter(plan=plan, product__number="AP-100").update(planned_quantity=Decimal(0))
    with pytest.raises(ValidationError) as info:
        services.plan_version_calculate(actor=admin_user, plan=plan)
    assert "AP-100" in str(info.value)
    assert not ProductRate.objects.filter(plan=plan).exists()


def test_submit_approve_generates_prices_once_and_freezes_the_plan(plan, admin_user, catalogue):
    with pytest.raises(ValidationError):
        services.plan_version_submit(actor=admin_user, plan=plan)  # not calculated yet
    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    revisions = services.plan_version_approve(
        actor=admin_user, plan=plan, decision_reference="ZA-2025-011", approved_on=dt.date(2025, 11, 19)
    )
    assert [r.product.number for r in revisions] == ["AP-100"]  # shared products get fees, not a unit price
    price = approved_price_on(product=catalogue["workplace"], on=dt.date(2026, 3, 1))
    assert price.unit_price == Decimal("1266.6667") and price.supersedes is not None
    with pytest.raises(ValidationError):
        services.plan_version_approve(
            actor=admin_user, plan=plan, decision_reference="again", approved_on=dt.date(2025, 11, 20)
        )
    with pytest.raises(ValidationError):
        services.planned_cost_set(
            actor=admin_user,
            plan=plan,
            centre=plan.cost_centres.first(),
            cost_type=plan.cost_types.first(),
            amount=Decimal(1),
        )


def test_copy_last_years_plan_as_a_start(plan, admin_user):
    services.plan_version_calculate(actor=admin_user, plan=plan)
    copy = services.plan_version_copy(actor=admin_user, source=plan, year=2027, name="Plan 2027")
    assert copy.predecessor == plan and copy.status == "draft"
    assert copy.planned_costs.count() == plan.planned_costs.count() == 5
    assert copy.mappings.count() == 2 and not copy.rates.exists()
    services.plan_version_calculate(actor=admin_user, plan=copy)
    copy.refresh_from_db()
    assert copy.result_total == Decimal("280000.00")


def test_negative_cost_is_refused(plan, admin_user):
    with pytest.raises(ValidationError) as info:
        services.planned_cost_set(
            actor=admin_user,
            plan=plan,
            centre=plan.cost_centres.first(),
            cost_type=plan.cost_types.first(),
            amount=Decimal(-5),
        )
    assert "amount" in info.value.message_dict


def test_an_approved_plan_can_be_frozen_once(plan, admin_user):
    with pytest.raises(ValidationError):
        services.plan_version_freeze(actor=admin_user, plan=plan)  # still a draft
    services.plan_version_calculate(actor=admin_user, plan=plan)
    services.plan_version_submit(actor=admin_user, plan=plan)
    services.plan_version_approve(
        actor=admin_user, plan=plan, decision_reference="ZA-1", approved_on=dt.date(2026, 1, 1)
    )
    frozen = services.plan_version_freeze(actor=admin_user, plan=plan)
    assert frozen.status == "frozen"
    with pytest.raises(ValidationError):
        services.plan_version_freeze(actor=admin_user, plan=plan)
