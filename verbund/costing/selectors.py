"""Reads for plan costing, and the loader that turns a plan version into the engine's input (fixed queries)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.catalog.choices import ChargeUnit
from verbund.costing import engine
from verbund.costing.choices import Charging, KeyBasis
from verbund.costing.models import (
    CostCentre,
    CostType,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductMapping,
    ProductPlan,
    ServiceFlow,
)
from verbund.orders.models import Subscription, SubscriptionQuantity
from verbund.orders.selectors import quantity_on
from verbund.registry.models import AgreementParty, Organization


def plan_list(*, user: Any) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.restrict(user).select_related("provider", "predecessor").order_by("-year", "-id")


def plan_get_for_user(*, user: Any, plan_id: int, action: str = "view") -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.restrict(user, action).select_related("provider"), pk=plan_id)


def plan_members(*, plan: PlanVersion) -> list[Organization]:
    """Members whose fees the plan computes: approved parties of the provider's agreements in force on 1 January
    of the plan year (or joining during it)."""
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    parties = (
        AgreementParty.objects.filter(agreement__provider=plan.provider, status="approved", joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
        .select_related("organization")
        .order_by("organization_id")
    )
    seen: dict[int, Organization] = {}
    for party in parties:
        seen.setdefault(party.organization_id, party.organization)
    return list(seen.values())


def _member_id(org: Organization) -> str:
    return str(org.pk)


def plan_model(*, plan: PlanVersion) -> tuple[engine.CostingModel, dict[str, Organization]]:
    """Load a plan version as the engine's `CostingModel` (9 queries, whatever the size), with a map from the
    engine's member ids back to organisations.

    Member quantities are the subscription quantities in force on 1 January of the plan year (for members who
    join later: on their start date). Key values: inhabitants = population; workstations and cases = the
    member's subscribed quantities of products charged per workstation / per case; metered usage = its quantity
    of the product itself; fixed shares = one equal share per member of the product.
    """
    centres = list(CostCentre.objects.filter(plan=plan).order_by("code"))
    types = list(CostType.objects.filter(plan=plan).order_by("code"))
    costs = list(PlannedCost.objects.filter(plan=plan).select_related("centre", "cost_type"))
    flows = list(ServiceFlow.objects.filter(plan=plan).select_related("provider", "receiver"))
    product_plans = list(ProductPlan.objects.filter(plan=plan).select_related("product").order_by("product__number"))
    mappings = list(ProductMapping.objects.filter(plan=plan).select_related("centre", "product_plan__product"))
    members = plan_members(plan=plan)  # 1 query
    member_ids = [m.pk for m in members]
    day = dt.date(plan.year, 1, 1)
    subscriptions = list(
        Subscription.objects.filter(member_id__in=member_ids, start_date__lte=dt.date(plan.year, 12, 31))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("product")
        .prefetch_related(
            Prefetch(
                "quantities",
                queryset=SubscriptionQuantity.objects.order_by("valid_from", "id"),
                to_attr="quantity_rows",
            )
        )
    )
    by_member_product: dict[tuple[int, int], Decimal] = {}
    per_unit: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for sub in subscriptions:
        quantity = quantity_on(sub.quantity_rows, max(day, sub.start_date))  # type: ignore[attr-defined]
        if quantity is None:
            continue
        by_member_product[(sub.member_id, sub.product_id)] = quantity
        per_unit[sub.product.unit][sub.member_id] += quantity
    members_by_pk = {m.pk: m for m in members}

    engine_products: list[engine.Product] = []
    engine_subscriptions: list[engine.Subscription] = []
    keys: list[engine.AllocationKey] = []
    carry: list[engine.CarryForward] = []
    for pp in product_plans:
        number = pp.product.number
        subscribers = sorted(pk for (pk, product_id) in by_member_product if product_id == pp.product_id)
        engine_products.append(
            engine.Product(
                id=number,
                name=pp.product.name,
                charging=engine.Charging(pp.charging),
                planned_quantity=pp.planned_quantity,
                unit=pp.product.unit,
            )
        )
        if pp.charging == Charging.METERED:
            engine_subscriptions.extend(
                engine.Subscription(member=str(pk), product=number, quantity=by_member_product[(pk, pp.product_id)])
                for pk in subscribers
            )
        else:
            engine_subscriptions.extend(engine.Subscription(member=str(pk), product=number) for pk in subscribers)
            components = []
            for basis, weight in pp.key_weights.items():
                values = []
                for pk in subscribers:
                    if basis == KeyBasis.INHABITANTS:
                        value = Decimal(members_by_pk[pk].population or 0)
                    elif basis == KeyBasis.WORKSTATIONS:
                        value = per_unit["workstation"].get(pk, Decimal(0))
                    elif basis == KeyBasis.CASES:
                        value = per_unit["case"].get(pk, Decimal(0))
                    elif basis == KeyBasis.METERED_USAGE:
                        value = by_member_product[(pk, pp.product_id)]
                    else:
                        value = Decimal(1)
                    values.append(engine.KeyValue(member=str(pk), value=value))
                components.append(
                    engine.KeyComponent(basis=engine.KeyBasis(basis), weight=Decimal(str(weight)), values=tuple(values))
                )
            keys.append(engine.AllocationKey(product=number, components=tuple(components)))
        if pp.carry_forward and pp.carry_forward_from_year:
            carry.append(
                engine.CarryForward(
                    product=number,
                    amount=pp.carry_forward,
                    from_year=pp.carry_forward_from_year,
                    years=pp.carry_forward_years,
                )
            )
    model = engine.CostingModel(
        year=plan.year,
        cost_centres=tuple(engine.CostCentre(c.code, c.name, engine.CentreKind(c.kind)) for c in centres),
        cost_types=tuple(engine.CostType(t.code, t.name, t.variable_share) for t in types),
        primary_costs=tuple(engine.PrimaryCost(c.centre.code, c.cost_type.code, c.amount) for c in costs),
        service_quantities=tuple(engine.ServiceQuantity(f.provider.code, f.receiver.code, f.quantity) for f in flows),
        products=tuple(engine_products),
        product_mappings=tuple(
            engine.ProductMapping(m.centre.code, m.product_plan.product.number, m.quantity) for m in mappings
        ),
        allocation=engine.AllocationSettings(engine.Method(plan.method), tuple(plan.step_down_order or ())),
        carry_forwards=tuple(carry),
        members=tuple(engine.Member(str(m.pk), m.name) for m in members),
        subscriptions=tuple(engine_subscriptions),
        keys=tuple(keys),
        return_window_years=plan.return_window_years,
    )
    return model, {str(m.pk): m for m in members}


def member_fees(*, user: Any, plan: PlanVersion, member: Organization) -> QuerySet[MemberFee]:
    """A member's planned fees with their trace (showback), through the access layer."""
    return (
        MemberFee.objects.restrict(user)
        .filter(plan=plan, member=member)
        .select_related("product_plan__product", "product_plan__rate")
        .order_by("product_plan__product__number")
    )


def explanation_names(
    *, plan: PlanVersion, products: Iterable[Any] = (), members: Iterable[Organization] = ()
) -> dict[str, dict[str, str]]:
    """Names for rendering the engine's trace steps (ADR 0025): the engine's ids → what the reader knows.

    Cost centres by code (one query), the given products by number, the given members by their engine id (the
    organisation's pk), and the labels of charge units and key bases in the active language.
    """
    return {
        "centre": {c.code: f"{c.code} {c.name}" for c in CostCentre.objects.filter(plan=plan).only("code", "name")},
        "product": {p.number: f"{p.number} {p.display_name}".rstrip() for p in products},
        "member": {str(m.pk): m.name for m in members},
        "unit": {str(value): str(label) for value, label in ChargeUnit.choices},
        "basis": {str(value): str(label) for value, label in KeyBasis.choices},
    }
