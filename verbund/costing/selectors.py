"""Reads for plan costing, and the loader that turns a plan version into the engine's input (fixed queries)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from verbund.catalog.choices import ChargeUnit
from verbund.costing import engine
from verbund.costing.choices import Charging, KeyBasis, PlanStatus
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

if TYPE_CHECKING:
    from verbund.costing.services import PlanFigures


def plan_list(*, user: Any) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.restrict(user).select_related("provider", "predecessor").order_by("-year", "-id")


def plan_get_for_user(*, user: Any, plan_id: int, action: str = "view") -> PlanVersion:
    return get_object_or_404(PlanVersion.objects.restrict(user, action).select_related("provider"), pk=plan_id)


def _plan_parties(plan: PlanVersion) -> "QuerySet[AgreementParty]":
    start, end = dt.date(plan.year, 1, 1), dt.date(plan.year, 12, 31)
    return AgreementParty.objects.filter(
        agreement__provider_id=plan.provider_id, status="approved", joined_on__lte=end
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=start))


def plan_members(*, plan: PlanVersion) -> list[Organization]:
    """Members whose fees the plan computes: approved parties of the provider's agreements in force on 1 January
    of the plan year (or joining during it)."""
    parties = _plan_parties(plan).select_related("organization").order_by("organization_id")
    seen: dict[int, Organization] = {}
    for party in parties:
        seen.setdefault(party.organization_id, party.organization)
    return list(seen.values())


def plan_member_ags(*, plan: PlanVersion) -> dict[str, int]:
    """AGS → organisation id of the members of `plan_members` that have an AGS (one query, no model instances:
    the usage import of a national closing looks up every line's AGS here)."""
    return dict(
        _plan_parties(plan).exclude(organization__ags="").order_by().values_list("organization__ags", "organization_id")
    )


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


# --- what an approved plan charges (read by billing) ------------------------------------------------------------


@dataclass(frozen=True)
class ProductCharging:
    """How the plan charges a product: by the quantity used (metered) or as a share by an allocation key."""

    product_id: int
    shared: bool  # distributed by the allocation key: the members' quantities do not matter, only their presence
    key_weights: dict[str, Any]  # the key's bases and weights (shared products)
    rate: Decimal | None  # the plan's unit rate
    has_fees: bool  # the plan computed a fee for at least one member


@dataclass(frozen=True)
class PlanCharge:
    """A member's planned annual fee for a product (no trace: that explains the plan, billing needs none)."""

    member_id: int
    fee: Decimal
    quantity: Decimal | None  # the quantity the fee was computed for (None: shared, or no quantity)
    charging: ProductCharging


@dataclass(frozen=True)
class PlanCharges:
    plan: PlanVersion | None
    products: dict[int, ProductCharging]  # product id → how the plan charges it
    fees: dict[tuple[int, int], PlanCharge]  # (member id, product id) → the planned fee

    @property
    def rates(self) -> dict[int, Decimal]:
        """The unit rate of every product the plan has fees for."""
        return {pk: p.rate for pk, p in self.products.items() if p.has_fees and p.rate is not None}


def approved_plan(*, provider: Organization, year: int) -> PlanVersion | None:
    """The plan in force for billing a year: the latest approved (or frozen) version (1 query)."""
    return (
        PlanVersion.objects.filter(provider=provider, year=year, status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN])
        .order_by("-id")
        .first()
    )


def approved_plan_charges(
    *,
    provider: Organization,
    year: int,
    member_ids: Collection[int] | None = None,
    loaded: "PlanCharges | None" = None,
) -> PlanCharges:
    """What the approved plan of the year charges: per product its charging, key and rate, and the planned fee of
    each member (of `member_ids` only, when given). 3 queries; 2 with `member_ids=[]` (no fees); with `loaded`
    (the charges of the same plan, loaded before without or with other members) only the fees are read (1)."""
    plan = loaded.plan if loaded is not None else approved_plan(provider=provider, year=year)
    if plan is None:
        return PlanCharges(plan=None, products={}, fees={})
    if loaded is not None:
        products = loaded.products
    else:
        rows = (
            ProductPlan.objects.filter(plan=plan)
            .annotate(has_fees=Exists(MemberFee.objects.filter(product_plan=OuterRef("pk"))))
            .values_list("product_id", "charging", "key_weights", "rate__rate", "has_fees")
        )
        products = {
            product_id: ProductCharging(product_id, charging == Charging.SHARED, key_weights or {}, rate, has_fees)
            for product_id, charging, key_weights, rate, has_fees in rows
        }
    fees: dict[tuple[int, int], PlanCharge] = {}
    if member_ids is None or member_ids:
        fee_rows = MemberFee.objects.filter(plan=plan)
        if member_ids is not None:
            fee_rows = fee_rows.filter(member_id__in=list(member_ids))
        for member_id, product_id, fee, quantity in fee_rows.values_list(
            "member_id", "product_plan__product_id", "fee", "quantity"
        ):
            fees[(member_id, product_id)] = PlanCharge(member_id, fee, quantity, products[product_id])
    return PlanCharges(plan=plan, products=products, fees=fees)


def plan_figures_of(plan: PlanVersion) -> "PlanFigures":
    """The figures a plan version holds now (6 queries), in the order of the spreadsheet export: support centres
    before end centres, then by code; products by number. (The figure types live with the services that write
    them; they are imported here on use, as the services import this module.)"""
    from verbund.costing.services import (
        CentreFigure,
        CostFigure,
        CostTypeFigure,
        FlowFigure,
        MappingFigure,
        PlanFigures,
        ProductFigure,
    )

    centres = CostCentre.objects.filter(plan=plan).order_by("-kind", "code")  # "support" sorts after "end"
    return PlanFigures(
        centres=tuple(CentreFigure(c.code, c.name, c.kind) for c in centres),
        cost_types=tuple(
            CostTypeFigure(t.code, t.name, t.variable_share)
            for t in CostType.objects.filter(plan=plan).order_by("code")
        ),
        costs=tuple(
            CostFigure(c.centre.code, c.cost_type.code, c.amount)
            for c in PlannedCost.objects.filter(plan=plan)
            .select_related("centre", "cost_type")
            .order_by("centre__code", "cost_type__code")
        ),
        flows=tuple(
            FlowFigure(f.provider.code, f.receiver.code, f.quantity)
            for f in ServiceFlow.objects.filter(plan=plan)
            .select_related("provider", "receiver")
            .order_by("provider__code", "receiver__code")
        ),
        products=tuple(
            ProductFigure(
                product=pp.product.number,
                charging=pp.charging,
                planned_quantity=pp.planned_quantity,
                key=tuple((basis, Decimal(str(weight))) for basis, weight in (pp.key_weights or {}).items()),
                carry_forward=pp.carry_forward,
                carry_forward_from_year=pp.carry_forward_from_year,
                carry_forward_years=pp.carry_forward_years,
            )
            for pp in ProductPlan.objects.filter(plan=plan).select_related("product").order_by("product__number")
        ),
        mappings=tuple(
            MappingFigure(m.centre.code, m.product_plan.product.number, m.quantity)
            for m in ProductMapping.objects.filter(plan=plan)
            .select_related("centre", "product_plan__product")
            .order_by("centre__code", "product_plan__product__number")
        ),
    )
