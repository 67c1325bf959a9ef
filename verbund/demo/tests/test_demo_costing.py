"""The demo plan costing on the minimal federation of test_demo_catalogue (Münster, Kreis Warendorf, Telgte; no
GV100AD file), in the order of `federation.load_demo`: catalogue → governance (meeting kept open) →
subscriptions → plan → the committee approves the plan → the meeting is closed; twice."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from verbund.accounts.services import user_create
from verbund.catalog.choices import ProductStatus
from verbund.catalog.models import PriceRevision, Product
from verbund.catalog.selectors import approved_price_on
from verbund.core.models import AuditEvent
from verbund.costing.models import (
    CentreResult,
    CostCentre,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductPlan,
    ProductRate,
)
from verbund.demo.catalogue import load_demo_catalogue, load_demo_subscriptions
from verbund.demo.costing import PLAN_NAME, DemoCostingError, demo_plan, load_demo_costing, planned_budget
from verbund.demo.governance import approve_demo_plan, hold_demo_meeting, load_demo_governance
from verbund.demo.tests.test_demo_catalogue import federation  # noqa: F401  (shared fixture)
from verbund.governance.models import AgendaItem, Decision, Meeting, Paper, Vote
from verbund.orders.models import Subscription
from verbund.orders.selectors import contract_folder

BERLIN = ZoneInfo("Europe/Berlin")


def _load_all():
    load_demo_catalogue()
    governance = load_demo_governance(hold_meeting=False)
    load_demo_subscriptions()
    costing = load_demo_costing()
    plan = demo_plan()
    approval = approve_demo_plan(plan)
    hold_demo_meeting()
    return governance, costing, approval


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            PlanVersion,
            CostCentre,
            PlannedCost,
            ProductPlan,
            ProductRate,
            MemberFee,
            PriceRevision,
            Paper,
            AgendaItem,
            Vote,
            Decision,
            Subscription,
            AuditEvent,
        )
    }


def test_demo_plan_is_calculated_submitted_and_approved_by_the_committee(federation):  # noqa: F811
    _governance, costing, approval = _load_all()
    assert (costing["plans"], costing["calculated"], costing["submitted"]) == (1, 1, 1)
    assert (approval["papers"], approval["agenda_items"], approval["decisions"]) == (1, 1, 1)

    plan = PlanVersion.objects.get(name=PLAN_NAME)
    assert (plan.provider, plan.year, plan.method) == (federation["citeq"], 2026, "reciprocal")
    kinds = dict(CostCentre.objects.filter(plan=plan).values_list("code", "kind"))
    assert kinds == {
        "RZ": "support",
        "NETZ": "support",
        "VERW": "support",
        "AP": "end",
        "KOM": "end",
        "FV": "end",
        "OZG": "end",
        "BER": "end",
    }

    # Approved by the decision of the ZA meeting of 19 Nov 2025, which is closed afterwards.
    meeting = Meeting.objects.get(committee__short_name="ZA", start=dt.datetime(2025, 11, 19, 10, tzinfo=BERLIN))
    assert meeting.state == "held"
    names = list(meeting.agenda_items.order_by("position").values_list("name", flat=True))
    assert names == ["Produktkatalog 2026", "Plankostenrechnung 2026", "Personalangelegenheiten"]
    decision = Decision.objects.get(agenda_item__name="Plankostenrechnung 2026")
    assert (decision.result, decision.subject_kind, decision.subject_id) == ("adopted", "plan_version", plan.pk)
    assert decision.agenda_item.paper.reference == "ZA-V-2025/10"
    assert (plan.status, plan.decision_reference, plan.approved_on) == (
        "approved",
        decision.number,
        dt.date(2025, 11, 19),
    )

    # Every active product is in the plan; metered ones with the subscriptions' total quantity.
    products = {pp.product.number: pp for pp in ProductPlan.objects.filter(plan=plan).select_related("product")}
    assert set(products) == set(Product.objects.filter(status=ProductStatus.ACTIVE).values_list("number", flat=True))
    workstations = sum(
        Subscription.objects.get(pk=s).quantities.get().quantity
        for s in Subscription.objects.filter(product__number="ARB-010").values_list("pk", flat=True)
    )
    assert products["ARB-010"].charging == "metered" and products["ARB-010"].planned_quantity == workstations
    assert products["BER-001"].charging == "shared"
    assert products["BER-001"].key_weights == {"inhabitants": "0.5", "workstations": "0.5"}

    # Rates exist; cost is conserved: Σ primary costs = plan total = Σ product costs; shared fees add up.
    rates = {
        r.product_plan.product.number: r
        for r in ProductRate.objects.filter(plan=plan).select_related("product_plan__product")
    }
    assert set(rates) == set(products) and rates["ARB-010"].rate > 0
    assert plan.result_total == planned_budget() == sum(r.cost for r in rates.values())
    assert sum(c.total for c in CentreResult.objects.filter(plan=plan, centre__kind="end")) == plan.result_total
    grund = MemberFee.objects.filter(plan=plan, product_plan__product__number="BER-001")
    assert grund.count() == 3 and sum(f.fee for f in grund) == rates["BER-001"].cost

    # The approval generated the 2026 prices of the metered products from the plan's rates; contract folders
    # price the subscriptions with them.
    arb = Product.objects.get(number="ARB-010")
    assert approved_price_on(product=arb, on=dt.date(2026, 3, 1)).unit_price == rates["ARB-010"].rate
    assert approved_price_on(product=Product.objects.get(number="BER-001"), on=dt.date(2026, 3, 1)).unit_price == (
        Decimal("9800.0000")  # shared: the catalogue price stays, the plan gives the members' fees
    )
    admin = user_create(
        actor=None, username="anna", password=None, role="provider_admin", organization=federation["citeq"]
    )
    folder = contract_folder(user=admin, member=federation["partners"][2], as_of=dt.date(2026, 3, 1))
    line = next(line for line in folder.lines if line.subscription.product.number == "ARB-010")
    assert line.price.unit_price == rates["ARB-010"].rate and line.preview.net > 0

    # The second run creates nothing: no rows, no decisions, no audit events.
    before = _counts()
    _governance, again, approval = _load_all()
    assert _counts() == before
    assert (again["plans"], again["calculated"], again["submitted"]) == (0, 0, 0)
    assert {k: v for k, v in approval.items() if k != "notes"} == dict.fromkeys(approval.keys() - {"notes"}, 0)


def test_demo_costing_needs_the_federation(db):
    with pytest.raises(DemoCostingError):
        load_demo_costing()
