"""Plan versions: create, copy, planned costs, calculation (engine → persisted results), the workflow."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.catalog.choices import ProductStatus, RevisionStatus
from verbund.catalog.models import PriceRevision
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import CENT, round_even
from verbund.core.params import check_year
from verbund.core.steps import steps_json
from verbund.costing import engine
from verbund.costing.choices import Charging, PlanStatus
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
from verbund.costing.services.common import _invalidate, _locked, _require_draft


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
