"""The demo closing of 2026 on the minimal federation (see test_demo_costing): post-calculation approved, result
carried into the 2028 draft plan, business plan and committee report; a second run changes nothing."""

import pytest

from verbund.closing.models import (
    ActualCost,
    ActualUsage,
    BusinessPlanLine,
    CarryForward,
    Closing,
    CommitteeReport,
    MemberOutcome,
    ProductOutcome,
)
from verbund.core.models import AuditEvent
from verbund.costing.models import PlanVersion, ProductRate
from verbund.demo.closing import CLOSING_NAME, TARGET_NAME, load_demo_closing
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.demo.tests.test_demo_costing import _load_all

MODELS = (
    Closing,
    ActualCost,
    ActualUsage,
    ProductOutcome,
    MemberOutcome,
    CarryForward,
    BusinessPlanLine,
    CommitteeReport,
    PlanVersion,
    ProductRate,
    AuditEvent,
)


@pytest.mark.django_db
def test_demo_closes_2026_carries_into_2028_and_is_idempotent(federation):  # noqa: F811
    _load_all()
    first = load_demo_closing()
    assert first["closings"] == 1 and first["carried"] > 0 and first["reports"] == 1
    closing = Closing.objects.get(name=CLOSING_NAME)
    assert (closing.status, closing.demo, closing.year) == ("approved", True, 2026)
    assert ActualUsage.objects.filter(closing=closing).exists()
    outcomes = ProductOutcome.objects.filter(closing=closing)
    assert sum(o.actual_cost for o in outcomes) == closing.actual_total
    target = PlanVersion.objects.get(name=TARGET_NAME)
    assert target.year == 2028 and target.calculated_at is not None
    carried = {c.product_id: c.amount for c in CarryForward.objects.filter(closing=closing)}
    rates = {r.product_plan.product_id: r.carry_forward for r in ProductRate.objects.filter(plan=target)}
    assert all(rates[product] == amount for product, amount in carried.items())  # visible in the 2028 rates
    report = CommitteeReport.objects.get()
    assert report.agenda_item.meeting.state in ("scheduled", "invited") and report.plan_id == closing.plan_id

    counts = {model.__name__: model.objects.count() for model in MODELS}
    second = load_demo_closing()
    assert second == {"closings": 0, "carried": 0, "business_plan_lines": 0, "reports": 0}
    assert counts == {model.__name__: model.objects.count() for model in MODELS}
