"""Creating, calculating and approving a post-calculation."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.closing.choices import ClosingStatus
from verbund.closing.models import (
    ActualCost,
    Closing,
    MemberOutcome,
    ProductOutcome,
)
from verbund.closing.selectors import closing_model
from verbund.closing.services.common import _locked, _require_draft
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.steps import steps_json
from verbund.costing import engine
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion, ProductPlan


@transaction.atomic
def closing_create(*, actor: Any, plan: PlanVersion, name: str = "", demo: bool = False) -> Closing:
    """A new post-calculation of an approved (or frozen) plan, without figures."""
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.FROZEN):
        raise ValidationError({"plan": _("Only an approved plan can be post-calculated.")})
    closing = Closing(
        plan=plan,
        provider_id=plan.provider_id,
        year=plan.year,
        name=(name or _("Post-calculation %(year)s") % {"year": plan.year}).strip()[:200],
        demo=demo,
    )
    closing.full_clean()
    closing.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=closing,
        after=model_snapshot(closing),
        scope_organization_id=closing.provider_id,
    )
    return closing


# ---------------------------------------------------------------- replacing actual figures (import or grid)


@transaction.atomic
def closing_calculate(*, actor: Any, closing: Closing) -> engine.CostingResult:
    """Run the costing engine on the plan with the actual figures and store, per product, plan vs actual with the
    variances and the over-/under-recovery, and per member its over-/under-recovery (replacing earlier results)."""
    locked = _locked(closing)
    _require_draft(locked)
    if not ActualCost.objects.filter(closing=locked).exists():
        raise ValidationError({"costs": _("Enter or import the actual costs first.")})
    model, members = closing_model(closing=locked)
    try:
        result = engine.calculate(model)
    except engine.CostingError as exc:
        raise ValidationError(
            {"closing": _("The post-calculation cannot be calculated: %(error)s") % {"error": exc}}
        ) from exc
    variance = result.variance
    assert variance is not None
    product_plans = {
        pp.product.number: pp for pp in ProductPlan.objects.filter(plan_id=locked.plan_id).select_related("product")
    }
    ProductOutcome.objects.filter(closing=locked).delete()
    MemberOutcome.objects.filter(closing=locked).delete()
    ProductOutcome.objects.bulk_create(
        ProductOutcome(
            closing=locked,
            product_plan=product_plans[v.product],
            planned_quantity=v.planned_quantity,
            actual_quantity=v.actual_quantity,
            plan_cost=v.plan_cost,
            credited=v.credited_cost,
            target=v.target_cost,
            actual_cost=v.actual_cost,
            price_variance=v.price_variance,
            efficiency_variance=v.efficiency_variance,
            volume_variance=v.volume_variance,
            total_variance=v.total_variance,
            plan_rate=v.plan_rate,
            actual_rate=v.actual_rate,
            revenue=v.revenue,
            carry_forward=v.carry_forward,
            over_under=v.over_under_recovery,
            trace=steps_json(v.trace),
        )
        for v in variance.products
    )
    MemberOutcome.objects.bulk_create(
        (
            MemberOutcome(
                closing=locked,
                member=members[m.member],
                product_plan=product_plans[m.product],
                quantity=m.quantity,
                revenue=m.revenue,
                cost=m.cost_share,
                over_under=m.over_under_recovery,
                trace=steps_json(m.trace),
            )
            for m in variance.members
        ),
        batch_size=2000,
    )
    total = sum((v.over_under_recovery for v in variance.products), Decimal(0))
    locked.calculated_at = timezone.now()
    locked.actual_total = variance.allocation.total
    locked.result_total = total
    locked.summary_trace = steps_json(variance.trace)
    locked.save(update_fields=["calculated_at", "actual_total", "result_total", "summary_trace", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        after={
            "actual_total": str(variance.allocation.total),
            "over_under": str(total),
            "members": len(variance.members),
        },
        scope_organization_id=locked.provider_id,
        message=_("Post-calculation calculated"),
    )
    return result


@transaction.atomic
def closing_approve(*, actor: Any, closing: Closing, decision_reference: str, approved_on: dt.date) -> Closing:
    """Approve a calculated post-calculation (after the annual accounts); it is final and can be carried forward."""
    locked = _locked(closing)
    _require_draft(locked)
    if locked.calculated_at is None:
        raise ValidationError({"status": _("Calculate the post-calculation before approving it.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": _("Name the decision or the annual accounts that approve it.")})
    if Closing.objects.filter(plan_id=locked.plan_id, status=ClosingStatus.APPROVED).exists():
        raise ValidationError({"status": _("Another post-calculation of this plan is already approved.")})
    locked.status = ClosingStatus.APPROVED
    locked.decision_reference = decision_reference.strip()[:120]
    locked.approved_on = approved_on
    locked.save(update_fields=["status", "decision_reference", "approved_on", "modified"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        before={"status": ClosingStatus.DRAFT},
        after={"status": ClosingStatus.APPROVED, "decision_reference": locked.decision_reference},
        scope_organization_id=locked.provider_id,
    )
    return locked
