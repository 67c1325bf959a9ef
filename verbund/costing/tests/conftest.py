"""A small plan for 2026: data centre (support) → workplace and procedures (end) → products AP-100 (metered,
per workstation) and OZ-200 (shared by inhabitants), with Telgte and Ahlen subscribed."""

import datetime as dt
from decimal import Decimal

import pytest

from verbund.catalog.tests.conftest import catalogue  # noqa: F401  (shared fixture)


@pytest.fixture
def plan(registry, catalogue, admin_user):  # noqa: F811  (the imported fixture)
    from verbund.costing import services
    from verbund.costing.models import CostCentre, CostType, ProductMapping, ProductPlan, ServiceFlow
    from verbund.orders.services import order_confirm, order_submit_new

    for member, quantity in ((registry["telgte"], 40), (registry["ahlen"], 110)):
        for product, qty in ((catalogue["workplace"], Decimal(quantity)), (catalogue["ozg"], None)):
            order_confirm(
                actor=admin_user,
                order=order_submit_new(
                    actor=admin_user,
                    member=member,
                    product=product,
                    quantity=qty,
                    start_date=dt.date(2026, 1, 1),
                    as_of=dt.date(2026, 1, 1),
                ),
            )
    plan = services.plan_version_create(
        actor=admin_user, provider=registry["citeq"], year=2026, name="Plankostenrechnung 2026"
    )
    rz = CostCentre.objects.create(plan=plan, code="RZ", name="Rechenzentrum", kind="support")
    ap = CostCentre.objects.create(plan=plan, code="AP", name="Arbeitsplatz", kind="end")
    fv = CostCentre.objects.create(plan=plan, code="FV", name="Fachverfahren", kind="end")
    pers = CostType.objects.create(plan=plan, code="PERS", name="Personal")
    sach = CostType.objects.create(plan=plan, code="SACH", name="Sachkosten", variable_share=Decimal("0.5"))
    for centre, cost_type, amount in (
        (rz, pers, "100000"),
        (rz, sach, "50000"),
        (ap, pers, "80000"),
        (ap, sach, "20000"),
        (fv, pers, "30000"),
    ):
        services.planned_cost_set(
            actor=admin_user, plan=plan, centre=centre, cost_type=cost_type, amount=Decimal(amount)
        )
    ServiceFlow.objects.create(plan=plan, provider=rz, receiver=ap, quantity=Decimal(600))
    ServiceFlow.objects.create(plan=plan, provider=rz, receiver=fv, quantity=Decimal(400))
    ap_plan = ProductPlan.objects.create(
        plan=plan, product=catalogue["workplace"], charging="metered", planned_quantity=Decimal(150)
    )
    oz_plan = ProductPlan.objects.create(
        plan=plan, product=catalogue["ozg"], charging="shared", key_weights={"inhabitants": "1"}
    )
    ProductMapping.objects.create(plan=plan, centre=ap, product_plan=ap_plan)
    ProductMapping.objects.create(plan=plan, centre=fv, product_plan=oz_plan)
    return plan
