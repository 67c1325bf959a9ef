"""Carry-forward of an over- or under-recovery into a later plan (ADR 0017)."""

from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from verbund.closing import engine as closing_engine
from verbund.closing.choices import ClosingStatus
from verbund.closing.models import (
    CarryForward,
    Closing,
    ProductOutcome,
)
from verbund.closing.services.common import _locked
from verbund.core.audit import audit_record
from verbund.core.models import AuditAction
from verbund.costing.choices import PlanStatus
from verbund.costing.models import PlanVersion
from verbund.costing.services import ProductFigure, plan_figures_of, plan_figures_replace

# ---------------------------------------------------------------- carry-forward into a later plan


def carry_refusal_text(refusal: closing_engine.CarryRefusal, from_year: int) -> str:
    if refusal.code == "zero":
        return _("There is nothing to carry forward.")
    if refusal.code == "years":
        return _("Spread it over at least one year.")
    if refusal.code == "too_early":
        return _("The result of %(year)s can enter the plan of %(earliest)s at the earliest.") % {
            "year": from_year,
            "earliest": refusal.earliest,
        }
    return _("An over-recovery of %(year)s must be returned by %(latest)s at the latest.") % {
        "year": from_year,
        "latest": refusal.latest if refusal.latest is not None else refusal.earliest,
    }


@transaction.atomic
def carry_forward_apply(
    *, actor: Any, closing: Closing, target_plan: PlanVersion, years: int = 1, products: list[str] | None = None
) -> list[CarryForward]:
    """Carry the over-/under-recovery of the approved closing's products (all, or the given product numbers)
    into the draft plan `target_plan` (ADR 0017: it starts in the year after next and an over-recovery is returned
    within the plan's return window). Each product's result of a year is carried once; the plan's carry-forward
    line shows it and its rate calculation accounts for it."""
    locked = _locked(closing)
    if locked.status != ClosingStatus.APPROVED:
        raise ValidationError({"status": _("Only an approved post-calculation can be carried forward.")})
    target = PlanVersion.objects.select_for_update().get(pk=target_plan.pk)
    if target.provider_id != locked.provider_id:
        raise ValidationError({"target_plan": _("The plan belongs to another provider.")})
    if target.status != PlanStatus.DRAFT:
        raise ValidationError({"target_plan": _("A carry-forward can enter a draft plan only.")})
    first_year = locked.year + closing_engine.CARRY_DELAY
    if not first_year <= target.year < first_year + max(years, 1):
        raise ValidationError(
            {
                "target_plan": _(
                    "The result of %(year)s enters the plans of %(first)s to %(last)s; this plan is for %(target)s."
                )
                % {
                    "year": locked.year,
                    "first": first_year,
                    "last": first_year + max(years, 1) - 1,
                    "target": target.year,
                }
            }
        )
    outcomes = list(ProductOutcome.objects.filter(closing=locked).select_related("product_plan__product"))
    if products is not None:
        wanted = set(products)
        unknown = wanted - {o.product_plan.product.number for o in outcomes}
        if unknown:
            raise ValidationError(
                {"products": _("Not in the post-calculation: %(numbers)s") % {"numbers": ", ".join(sorted(unknown))}}
            )
        outcomes = [o for o in outcomes if o.product_plan.product.number in wanted]
    outcomes = [o for o in outcomes if o.over_under != 0]
    if not outcomes:
        raise ValidationError({"products": _("There is nothing to carry forward.")})
    figures = plan_figures_of(target)
    by_number = {p.product: p for p in figures.products}
    problems: list[str] = []
    for outcome in outcomes:
        number = outcome.product_plan.product.number
        refusal = closing_engine.carry_problem(
            locked.year, outcome.over_under, first_year, years, target.return_window_years
        )
        if refusal is not None:
            problems.append(f"{number}: {carry_refusal_text(refusal, locked.year)}")
        if CarryForward.objects.filter(
            provider_id=locked.provider_id, product_id=outcome.product_plan.product_id, from_year=locked.year
        ).exists():
            problems.append(
                _("%(number)s: the result of %(year)s was already carried forward.")
                % {"number": number, "year": locked.year}
            )
        current = by_number.get(number)
        if current is None:
            problems.append(_("%(number)s is not in the plan %(plan)s.") % {"number": number, "plan": target})
        elif current.carry_forward and current.carry_forward_from_year != locked.year:
            problems.append(
                _("%(number)s already carries the result of %(year)s in this plan.")
                % {"number": number, "year": current.carry_forward_from_year}
            )
    if problems:
        raise ValidationError({"products": problems})
    carried = {o.product_plan.product.number: o for o in outcomes}
    new_products = tuple(
        ProductFigure(
            product=p.product,
            charging=p.charging,
            planned_quantity=p.planned_quantity,
            key=p.key,
            carry_forward=carried[p.product].over_under,
            carry_forward_from_year=locked.year,
            carry_forward_years=years,
        )
        if p.product in carried
        else p
        for p in figures.products
    )
    plan_figures_replace(actor=actor, plan=target, figures=replace(figures, products=new_products))
    created = []
    for outcome in outcomes:
        item = CarryForward.objects.create(
            closing=locked,
            provider_id=locked.provider_id,
            product=outcome.product_plan.product,
            from_year=locked.year,
            amount=outcome.over_under,
            target_plan=target,
            first_year=first_year,
            years=years,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=item,
            after={"amount": str(item.amount), "from_year": item.from_year, "plan": target.pk, "years": years},
            scope_organization_id=locked.provider_id,
        )
        created.append(item)
    return created
