"""Writes for plan costing: versions, copying, calculation (engine → persisted results), submission, approval.

An approved (or frozen) version is never edited; corrections are a new version that references it. Approval
happens through a committee decision (governance calls `plan_version_approve`) and generates the catalogue's
price revisions for the plan year from the calculated rates, so catalogue prices and plan agree.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog.choices import ProductStatus, RevisionStatus
from verbund.catalog.models import PriceRevision, Product
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import CENT, round_even
from verbund.core.params import check_year
from verbund.core.steps import steps_json
from verbund.costing import engine
from verbund.costing.choices import CentreKind, Charging, KeyBasis, PlanStatus
from verbund.costing.models import (
    CentreResult,
    CostCentre,
    CostType,
    MemberFee,
    PlannedCost,
    PlanVersion,
    ProductMapping,
    ProductPlan,
    ProductRate,
    ServiceFlow,
)
from verbund.costing.selectors import plan_model


def _locked(plan: PlanVersion) -> PlanVersion:
    return PlanVersion.objects.select_for_update().get(pk=plan.pk)


def _require_draft(plan: PlanVersion) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft plan can be changed; create a new version instead.")})


@transaction.atomic
def plan_version_create(
    *,
    actor: Any,
    provider: Any,
    year: int,
    name: str,
    method: str = "reciprocal",
    predecessor: PlanVersion | None = None,
) -> PlanVersion:
    check_year(year)
    plan = PlanVersion(provider=provider, year=year, name=name, method=method, predecessor=predecessor)
    plan.full_clean()
    plan.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=plan, after=model_snapshot(plan), scope_organization_id=provider.pk
    )
    return plan


@transaction.atomic
def plan_version_copy(*, actor: Any, source: PlanVersion, year: int, name: str) -> PlanVersion:
    """A new draft for `year` with every figure of `source` (cost centres, types, costs, flows, products,
    mappings) as a start; `source` becomes its predecessor. Results are not copied."""
    plan = plan_version_create(
        actor=actor, provider=source.provider, year=year, name=name, method=source.method, predecessor=source
    )
    plan.step_down_order = list(source.step_down_order or [])
    plan.return_window_years = source.return_window_years
    plan.save(update_fields=["step_down_order", "return_window_years"])
    centres = {
        c.pk: CostCentre.objects.create(plan=plan, code=c.code, name=c.name, kind=c.kind)
        for c in source.cost_centres.all()
    }
    types = {
        t.pk: CostType.objects.create(plan=plan, code=t.code, name=t.name, variable_share=t.variable_share)
        for t in source.cost_types.all()
    }
    PlannedCost.objects.bulk_create(
        PlannedCost(plan=plan, centre=centres[c.centre_id], cost_type=types[c.cost_type_id], amount=c.amount)
        for c in source.planned_costs.all()
    )
    ServiceFlow.objects.bulk_create(
        ServiceFlow(plan=plan, provider=centres[f.provider_id], receiver=centres[f.receiver_id], quantity=f.quantity)
        for f in source.service_flows.all()
    )
    products = {}
    for pp in source.products.all():
        products[pp.pk] = ProductPlan.objects.create(
            plan=plan,
            product_id=pp.product_id,
            charging=pp.charging,
            planned_quantity=pp.planned_quantity,
            key_weights=pp.key_weights,
        )
    ProductMapping.objects.bulk_create(
        ProductMapping(
            plan=plan, centre=centres[m.centre_id], product_plan=products[m.product_plan_id], quantity=m.quantity
        )
        for m in source.mappings.all()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        after={"copied_from": source.pk},
        scope_organization_id=plan.provider_id,
        message=_("Figures copied from %(plan)s") % {"plan": source},
    )
    return plan


@transaction.atomic
def planned_cost_set(
    *, actor: Any, plan: PlanVersion, centre: CostCentre, cost_type: CostType, amount: Decimal
) -> PlannedCost:
    locked = _locked(plan)
    _require_draft(locked)
    if centre.plan_id != plan.pk or cost_type.plan_id != plan.pk:
        raise ValidationError({"centre": _("Cost centre and cost type must belong to this plan.")})
    if amount < 0:
        raise ValidationError({"amount": _("A planned cost cannot be negative.")})
    existing = PlannedCost.objects.filter(centre=centre, cost_type=cost_type).first()
    before = {"amount": str(existing.amount)} if existing else None
    cost, _created = PlannedCost.objects.update_or_create(
        plan=plan, centre=centre, cost_type=cost_type, defaults={"amount": amount}
    )
    if before != {"amount": str(amount)}:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE if existing else AuditAction.CREATE,
            obj=cost,
            before=before,
            after={"amount": str(amount)},
            scope_organization_id=plan.provider_id,
        )
        _invalidate(locked)
    return cost


def _invalidate(plan: PlanVersion) -> None:
    """Figures changed: the stored results no longer explain them."""
    if plan.calculated_at is not None:
        PlanVersion.objects.filter(pk=plan.pk).update(calculated_at=None, result_total=None)


@transaction.atomic
def plan_version_calculate(*, actor: Any, plan: PlanVersion) -> engine.CostingResult:
    """Run the engine on the plan and store rates, cost-centre totals and member fees (replacing earlier
    results). A model the engine refuses raises a ValidationError naming the object; nothing is stored then."""
    locked = _locked(plan)
    _require_draft(locked)
    model, members = plan_model(plan=locked)
    try:
        result = engine.calculate(model)
    except engine.CostingError as exc:
        raise ValidationError({"plan": _("The plan cannot be calculated: %(error)s") % {"error": exc}}) from exc
    product_plans = {pp.product.number: pp for pp in locked.products.select_related("product")}
    centres = {c.code: c for c in locked.cost_centres.all()}
    ProductRate.objects.filter(plan=locked).delete()
    CentreResult.objects.filter(plan=locked).delete()
    MemberFee.objects.filter(plan=locked).delete()
    ProductRate.objects.bulk_create(
        ProductRate(
            plan=locked,
            product_plan=product_plans[p.product],
            cost=p.cost,
            carry_forward=p.carry_forward,
            net_cost=p.net_cost,
            planned_quantity=p.planned_quantity,
            rate=p.rate,
            trace=steps_json(p.trace),
        )
        for p in result.products
    )
    allocation = result.allocation
    received: dict[str, Decimal] = {}
    passed: dict[str, Decimal] = {}
    for flow in allocation.flows:
        received[flow.receiver] = received.get(flow.receiver, Decimal(0)) + flow.exact
        passed[flow.provider] = passed.get(flow.provider, Decimal(0)) + flow.exact
    CentreResult.objects.bulk_create(
        CentreResult(
            plan=locked,
            centre=centre,
            primary=allocation.primary.get(code, Decimal(0)),
            received=engine_money(received.get(code, Decimal(0))),
            passed_on=engine_money(passed.get(code, Decimal(0))),
            total=allocation.end_totals.get(code, Decimal(0)),
        )
        for code, centre in centres.items()
    )
    MemberFee.objects.bulk_create(
        (
            MemberFee(
                plan=locked,
                member=members[line.member],
                product_plan=product_plans[line.product],
                quantity=line.quantity,
                share=line.share,
                fee=line.amount,
                trace=steps_json(line.trace),
            )
            for line in result.fees.lines
        ),
        batch_size=2000,
    )
    locked.calculated_at = timezone.now()
    locked.result_total = allocation.total
    locked.save(update_fields=["calculated_at", "result_total", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={"total": str(allocation.total), "products": len(result.products), "fee_lines": len(result.fees.lines)},
        scope_organization_id=locked.provider_id,
        message=_("Plan calculated"),
    )
    return result


def engine_money(value: Decimal) -> Decimal:
    """A sum of exact engine amounts shown to the cent (half to even; for information, not a boundary)."""
    return round_even(value, CENT)


@transaction.atomic
def plan_version_submit(*, actor: Any, plan: PlanVersion) -> PlanVersion:
    locked = _locked(plan)
    _require_draft(locked)
    if locked.calculated_at is None:
        raise ValidationError({"status": _("Calculate the plan before submitting it.")})
    locked.status = PlanStatus.SUBMITTED
    locked.save(update_fields=["status", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": PlanStatus.DRAFT},
        after={"status": PlanStatus.SUBMITTED},
        scope_organization_id=locked.provider_id,
    )
    return locked


@transaction.atomic
def plan_version_withdraw(*, actor: Any, plan: PlanVersion) -> PlanVersion:
    """Take a submitted plan back to draft (e.g. after the working committee's remarks)."""
    locked = _locked(plan)
    if locked.status != PlanStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted plan can be taken back.")})
    locked.status = PlanStatus.DRAFT
    locked.save(update_fields=["status", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": PlanStatus.SUBMITTED},
        after={"status": PlanStatus.DRAFT},
        scope_organization_id=locked.provider_id,
    )
    return locked


@transaction.atomic
def plan_version_approve(
    *, actor: Any, plan: PlanVersion, decision_reference: str, approved_on: dt.date
) -> list[PriceRevision]:
    """Approve a submitted plan (called by the committee decision) and generate the approved price revisions of
    its metered products, valid from 1 January of the plan year. Approving twice is refused."""
    locked = _locked(plan)
    if locked.status in (PlanStatus.APPROVED, PlanStatus.FROZEN):
        raise ValidationError({"status": _("This plan is already approved.")})
    if locked.status != PlanStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted plan can be approved.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Name the decision that approves the plan.")})
    now = timezone.now()
    valid_from = dt.date(locked.year, 1, 1)
    revisions = []
    for rate in ProductRate.objects.filter(plan=locked, rate__isnull=False).select_related("product_plan__product"):
        product = rate.product_plan.product
        if product.status == ProductStatus.RETIRED or rate.product_plan.charging != Charging.METERED:
            continue
        previous = (  # the approved price in force: a same-day one is corrected (catalog: one price per day)
            PriceRevision.objects.filter(product=product, valid_from__lte=valid_from, status=RevisionStatus.APPROVED)
            .order_by("-valid_from", "-approved_at", "-id")
            .first()
        )
        assert rate.rate is not None
        revision = PriceRevision.objects.create(
            product=product,
            valid_from=valid_from,
            unit_price=rate.rate,
            vat_treatment=previous.vat_treatment if previous else "taxable",
            vat_rate=previous.vat_rate if previous else Decimal("19.00"),
            vat_exemption_reason=previous.vat_exemption_reason if previous else "",
            status=RevisionStatus.APPROVED,
            approved_at=now,
            supersedes=previous if previous and previous.valid_from == valid_from else None,
            note=_("From plan %(plan)s, decision %(decision)s") % {"plan": locked, "decision": decision_reference},
        )
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=revision, after=model_snapshot(revision), message=str(locked)
        )
        revisions.append(revision)
    locked.status = PlanStatus.APPROVED
    locked.decision_reference = decision_reference.strip()
    locked.approved_on = approved_on
    locked.save(update_fields=["status", "decision_reference", "approved_on", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": PlanStatus.SUBMITTED},
        after={
            "status": PlanStatus.APPROVED,
            "decision_reference": locked.decision_reference,
            "price_revisions": len(revisions),
        },
        scope_organization_id=locked.provider_id,
    )
    return revisions


# ---------------------------------------------------------------- the plan's figures as a whole (spreadsheet import)


@dataclass(frozen=True, slots=True)
class CentreFigure:
    code: str
    name: str
    kind: str  # CentreKind


@dataclass(frozen=True, slots=True)
class CostTypeFigure:
    code: str
    name: str
    variable_share: Decimal


@dataclass(frozen=True, slots=True)
class CostFigure:
    centre: str  # cost centre code
    cost_type: str  # cost type code
    amount: Decimal


@dataclass(frozen=True, slots=True)
class FlowFigure:
    provider: str  # support centre code
    receiver: str  # cost centre code
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class ProductFigure:
    product: str  # catalogue product number
    charging: str  # Charging
    planned_quantity: Decimal | None
    key: tuple[tuple[str, Decimal], ...] = ()  # (basis, weight) of a shared product, weights summing to 1
    carry_forward: Decimal = Decimal(0)
    carry_forward_from_year: int | None = None
    carry_forward_years: int = 1


@dataclass(frozen=True, slots=True)
class MappingFigure:
    centre: str  # end centre code
    product: str  # product number (a ProductFigure of the same figures)
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """Every figure of a plan version (what the spreadsheet holds), without its results."""

    centres: tuple[CentreFigure, ...] = ()
    cost_types: tuple[CostTypeFigure, ...] = ()
    costs: tuple[CostFigure, ...] = ()
    flows: tuple[FlowFigure, ...] = ()
    products: tuple[ProductFigure, ...] = ()
    mappings: tuple[MappingFigure, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "centres": len(self.centres),
            "cost_types": len(self.cost_types),
            "costs": len(self.costs),
            "flows": len(self.flows),
            "products": len(self.products),
            "mappings": len(self.mappings),
        }

    def canonical(self) -> "PlanFigures":
        """The same figures in a fixed order (keys by basis), so that two sets compare equal regardless of order;
        Decimals compare by value (1.0 == 1.00)."""
        return PlanFigures(
            centres=tuple(sorted(self.centres, key=lambda c: c.code)),
            cost_types=tuple(sorted(self.cost_types, key=lambda t: t.code)),
            costs=tuple(sorted(self.costs, key=lambda c: (c.centre, c.cost_type))),
            flows=tuple(sorted(self.flows, key=lambda f: (f.provider, f.receiver))),
            products=tuple(
                sorted(
                    (
                        ProductFigure(
                            product=p.product,
                            charging=p.charging,
                            planned_quantity=p.planned_quantity,
                            key=tuple(sorted(p.key)),
                            carry_forward=p.carry_forward,
                            carry_forward_from_year=p.carry_forward_from_year if p.carry_forward else None,
                            carry_forward_years=p.carry_forward_years,
                        )
                        for p in self.products
                    ),
                    key=lambda p: p.product,
                )
            ),
            mappings=tuple(sorted(self.mappings, key=lambda m: (m.centre, m.product))),
        )


def plan_figures_of(plan: PlanVersion) -> PlanFigures:
    """The figures a plan version holds now (6 queries), in the order of the spreadsheet export: support centres
    before end centres, then by code; products by number."""
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


def _figures_problems(figures: PlanFigures, products: dict[str, Product], year: int) -> list[str]:
    """What makes a set of figures unfit for a plan (the spreadsheet import reports the same with line numbers;
    this is the service's own check for every other caller)."""
    problems: list[str] = []

    def unique(kind: str, keys: list[Any]) -> None:
        seen: set[Any] = set()
        for key in keys:
            if key in seen:
                problems.append(_("%(kind)s %(key)s is given twice.") % {"kind": kind, "key": key})
            seen.add(key)

    unique(_("Cost centre"), [c.code for c in figures.centres])
    unique(_("Cost type"), [t.code for t in figures.cost_types])
    unique(_("Planned cost"), [(c.centre, c.cost_type) for c in figures.costs])
    unique(_("Service quantity"), [(f.provider, f.receiver) for f in figures.flows])
    unique(_("Product"), [p.product for p in figures.products])
    unique(_("Mapping"), [(m.centre, m.product) for m in figures.mappings])
    kinds = {c.code: c.kind for c in figures.centres}
    types = {t.code for t in figures.cost_types}
    planned = {p.product for p in figures.products}
    for centre in figures.centres:
        if not centre.code or not centre.name or centre.kind not in CentreKind.values:
            problems.append(_("Cost centre %(code)r needs a code, a name and a kind.") % {"code": centre.code})
    for cost_type in figures.cost_types:
        if not cost_type.code or not cost_type.name or not Decimal(0) <= cost_type.variable_share <= Decimal(1):
            problems.append(
                _("Cost type %(code)r needs a code, a name and a variable share between 0 and 1.")
                % {"code": cost_type.code}
            )
    for cost in figures.costs:
        if cost.centre not in kinds or cost.cost_type not in types:
            problems.append(_("Planned cost %(c)s/%(t)s: unknown code.") % {"c": cost.centre, "t": cost.cost_type})
        if cost.amount < 0:
            problems.append(_("A planned cost cannot be negative."))
    for flow in figures.flows:
        if kinds.get(flow.provider) != CentreKind.SUPPORT or flow.receiver not in kinds:
            problems.append(
                _("Service quantity %(p)s → %(r)s: the provider must be a support centre and both must exist.")
                % {"p": flow.provider, "r": flow.receiver}
            )
        if flow.quantity < 0:
            problems.append(_("A service quantity cannot be negative."))
    for product in figures.products:
        if product.product not in products:
            problems.append(_("Product %(number)s is not in the catalogue.") % {"number": product.product})
        if product.charging not in Charging.values:
            problems.append(_("Product %(number)s: unknown charging.") % {"number": product.product})
        if product.planned_quantity is not None and product.planned_quantity < 0:
            problems.append(_("Product %(number)s: negative planned quantity.") % {"number": product.product})
        if product.charging == Charging.METERED and (product.planned_quantity is None or product.key):
            problems.append(
                _("Product %(number)s: a metered product needs a planned quantity and no key.")
                % {"number": product.product}
            )
        if product.charging == Charging.SHARED and (
            not product.key
            or any(basis not in KeyBasis.values or weight <= 0 for basis, weight in product.key)
            or sum((weight for _basis, weight in product.key), Decimal(0)) != Decimal(1)
            or len({basis for basis, _weight in product.key}) != len(product.key)
        ):
            problems.append(
                _("Product %(number)s: a shared product needs a key with positive weights summing to 1.")
                % {"number": product.product}
            )
        if product.carry_forward and (
            product.carry_forward_from_year is None
            or product.carry_forward_from_year >= year
            or product.carry_forward_years < 1
        ):
            problems.append(
                _("Product %(number)s: a carry-forward needs an earlier year of origin and at least one year.")
                % {"number": product.product}
            )
    for mapping in figures.mappings:
        if kinds.get(mapping.centre) != CentreKind.END or mapping.product not in planned:
            problems.append(
                _("Mapping %(c)s → %(p)s: the centre must be an end centre and the product in the plan.")
                % {"c": mapping.centre, "p": mapping.product}
            )
        if mapping.quantity < 0:
            problems.append(_("A mapping quantity cannot be negative."))
    return problems


@transaction.atomic
def plan_figures_replace(*, actor: Any, plan: PlanVersion, figures: PlanFigures) -> bool:
    """Replace every figure of a draft plan (cost centres, cost types, planned costs, service quantities, products,
    mappings) by `figures`, in one transaction, and drop the results of the last calculation (they no longer
    explain the figures). Figures equal to the current ones write nothing (a re-import is a no-op). Returns
    whether anything was written; one audit event with the counts before and after."""
    locked = _locked(plan)
    _require_draft(locked)
    numbers = {p.product for p in figures.products}
    products = {p.number: p for p in Product.objects.filter(number__in=numbers)}
    problems = _figures_problems(figures, products, locked.year)
    if problems:
        raise ValidationError({"figures": problems})
    current = plan_figures_of(locked)
    if current.canonical() == figures.canonical():
        return False
    # Results first (they reference products and centres), then the figures; cascades do the rest.
    MemberFee.objects.filter(plan=locked).delete()
    ProductRate.objects.filter(plan=locked).delete()
    CentreResult.objects.filter(plan=locked).delete()
    ProductMapping.objects.filter(plan=locked).delete()
    ProductPlan.objects.filter(plan=locked).delete()
    PlannedCost.objects.filter(plan=locked).delete()
    ServiceFlow.objects.filter(plan=locked).delete()
    CostCentre.objects.filter(plan=locked).delete()
    CostType.objects.filter(plan=locked).delete()
    centres = {
        c.code: c
        for c in CostCentre.objects.bulk_create(
            CostCentre(plan=locked, code=c.code, name=c.name, kind=c.kind) for c in figures.centres
        )
    }
    types = {
        t.code: t
        for t in CostType.objects.bulk_create(
            CostType(plan=locked, code=t.code, name=t.name, variable_share=t.variable_share) for t in figures.cost_types
        )
    }
    PlannedCost.objects.bulk_create(
        PlannedCost(plan=locked, centre=centres[c.centre], cost_type=types[c.cost_type], amount=c.amount)
        for c in figures.costs
    )
    ServiceFlow.objects.bulk_create(
        ServiceFlow(plan=locked, provider=centres[f.provider], receiver=centres[f.receiver], quantity=f.quantity)
        for f in figures.flows
    )
    product_plans = {
        pp.product.number: pp
        for pp in ProductPlan.objects.bulk_create(
            ProductPlan(
                plan=locked,
                product=products[p.product],
                charging=p.charging,
                planned_quantity=p.planned_quantity,
                key_weights={basis: str(weight) for basis, weight in p.key},
                carry_forward=p.carry_forward,
                carry_forward_from_year=p.carry_forward_from_year if p.carry_forward else None,
                carry_forward_years=p.carry_forward_years,
            )
            for p in figures.products
        )
    }
    ProductMapping.objects.bulk_create(
        ProductMapping(
            plan=locked, centre=centres[m.centre], product_plan=product_plans[m.product], quantity=m.quantity
        )
        for m in figures.mappings
    )
    if locked.calculated_at is not None:
        _invalidate(locked)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before=current.counts(),
        after=figures.counts(),
        scope_organization_id=locked.provider_id,
        message=_("Plan figures replaced"),
    )
    return True


@transaction.atomic
def plan_version_freeze(*, actor: Any, plan: PlanVersion) -> PlanVersion:
    """Close an approved plan after its year (the Nachkalkulation starts from it); nothing changes it after."""
    locked = _locked(plan)
    if locked.status != PlanStatus.APPROVED:
        raise ValidationError({"status": _("Only an approved plan can be frozen.")})
    locked.status = PlanStatus.FROZEN
    locked.save(update_fields=["status", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": PlanStatus.APPROVED},
        after={"status": PlanStatus.FROZEN},
        scope_organization_id=locked.provider_id,
    )
    return locked
