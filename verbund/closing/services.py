"""Writes of closing a year: post-calculation versions, the actual figures (replaced as a whole, with a diff),
the calculation (costing engine → stored outcomes), approval, carry-forwards into a later plan, the business
plan and its report to the committee.

Every service is keyword-only, atomic, validates first and writes an audit event. An approved closing is never
changed; a correction is a new closing of the same plan.
"""

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.closing import engine as closing_engine
from verbund.closing.choices import BusinessPlanPart, ClosingStatus, ImportKind
from verbund.closing.models import (
    ActualCost,
    ActualFlow,
    ActualImport,
    ActualPriceIndex,
    ActualUsage,
    BusinessPlanLine,
    CarryForward,
    Closing,
    CommitteeReport,
    MemberOutcome,
    ProductOutcome,
)
from verbund.closing.selectors import actual_costs, actual_flows, actual_usage_rows, closing_model, price_indices
from verbund.core.audit import audit_record, model_snapshot
from verbund.core.models import AuditAction
from verbund.core.money import has_places
from verbund.core.steps import steps_json
from verbund.costing import engine
from verbund.costing.choices import PlanStatus
from verbund.costing.models import CostCentre, CostType, PlanVersion, ProductPlan
from verbund.costing.services import ProductFigure, plan_figures_of, plan_figures_replace

K = TypeVar("K", bound=Hashable)
MAX_DIFF_LINES = 500  # lines of a replacement's diff kept with the import (the counts are always complete)


def _fits(value: Decimal, *, places: int, digits: int) -> bool:
    """A finite, non-negative number that the database column holds (at most `digits` digits, `places` decimals)."""
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** (digits - places):
        return False
    return has_places(value, Decimal(1).scaleb(-places))


def _locked(closing: Closing) -> Closing:
    return Closing.objects.select_for_update().select_related("plan").get(pk=closing.pk)


def _require_draft(closing: Closing) -> None:
    if closing.status != ClosingStatus.DRAFT:
        raise ValidationError(
            {"status": _("An approved post-calculation cannot be changed; create a new one for the plan instead.")}
        )


def _invalidate(closing: Closing) -> None:
    """The actual figures changed: the stored outcomes no longer explain them."""
    ProductOutcome.objects.filter(closing=closing).delete()
    MemberOutcome.objects.filter(closing=closing).delete()
    if closing.calculated_at is not None:
        Closing.objects.filter(pk=closing.pk).update(calculated_at=None, actual_total=None, result_total=None)


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


def figures_diff(
    before: Mapping[K, Decimal], after: Mapping[K, Decimal], label: Callable[[K], str]
) -> tuple[int, int, int, list[dict[str, str]]]:
    """(added, changed, removed, lines) between two sets of figures; lines are {key, before, after}."""
    lines: list[dict[str, str]] = []
    added = changed = removed = 0
    for key in sorted(set(before) | set(after), key=label):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old == new:
            continue
        if old is None:
            added += 1
        elif new is None:
            removed += 1
        else:
            changed += 1
        if len(lines) < MAX_DIFF_LINES:
            lines.append(
                {"key": label(key), "before": "" if old is None else str(old), "after": "" if new is None else str(new)}
            )
    return added, changed, removed, lines


def _record_import(
    *,
    actor: Any,
    closing: Closing,
    kind: str,
    file_name: str,
    rows: int,
    diff: tuple[int, int, int, list[dict[str, str]]],
) -> ActualImport:
    added, changed, removed, lines = diff
    record = ActualImport.objects.create(
        closing=closing,
        kind=kind,
        file_name=file_name[:200],
        rows=rows,
        added=added,
        changed=changed,
        removed=removed,
        diff=lines,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=closing,
        after={"kind": kind, "file": file_name, "rows": rows, "added": added, "changed": changed, "removed": removed},
        scope_organization_id=closing.provider_id,
        message=_("Actual figures replaced (%(kind)s): %(added)s added, %(changed)s changed, %(removed)s removed")
        % {"kind": ImportKind(kind).label, "added": added, "changed": changed, "removed": removed},
    )
    _invalidate(closing)
    return record


@transaction.atomic
def actual_costs_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[str, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual costs by `figures` ((centre code, cost type code) → EUR). Equal figures write nothing
    (None); otherwise the import record keeps the diff."""
    locked = _locked(closing)
    _require_draft(locked)
    centres = {c.code: c for c in CostCentre.objects.filter(plan_id=locked.plan_id)}
    types = {t.code: t for t in CostType.objects.filter(plan_id=locked.plan_id)}
    for (centre, cost_type), amount in figures.items():
        if centre not in centres or cost_type not in types:
            raise ValidationError(
                {"figures": _("Unknown cost centre or cost type %(c)s/%(t)s.") % {"c": centre, "t": cost_type}}
            )
        if not _fits(amount, places=2, digits=14):
            raise ValidationError(
                {"figures": _("An actual cost is an amount in EUR, not negative, with at most two decimals.")}
            )
    before = actual_costs(closing=locked)
    diff = figures_diff(before, figures, lambda k: f"{k[0]}/{k[1]}")
    if not any(diff[:3]):
        return None
    ActualCost.objects.filter(closing=locked).delete()
    ActualCost.objects.bulk_create(
        ActualCost(closing=locked, centre=centres[c], cost_type=types[t], amount=amount)
        for (c, t), amount in figures.items()
    )
    return _record_import(
        actor=actor, closing=locked, kind=ImportKind.COSTS, file_name=file_name, rows=len(figures), diff=diff
    )


@transaction.atomic
def actual_flows_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[str, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual service quantities ((support centre, receiver) → quantity); none = the plan's hold."""
    locked = _locked(closing)
    _require_draft(locked)
    centres = {c.code: c for c in CostCentre.objects.filter(plan_id=locked.plan_id)}
    for (provider, receiver), quantity in figures.items():
        if provider not in centres or receiver not in centres or provider == receiver:
            raise ValidationError(
                {"figures": _("Unknown cost centres %(p)s → %(r)s.") % {"p": provider, "r": receiver}}
            )
        if not _fits(quantity, places=4, digits=16):
            raise ValidationError({"figures": _("A quantity is a number, not negative, with at most four decimals.")})
    before = actual_flows(closing=locked)
    diff = figures_diff(before, figures, lambda k: f"{k[0]}→{k[1]}")
    if not any(diff[:3]):
        return None
    ActualFlow.objects.filter(closing=locked).delete()
    ActualFlow.objects.bulk_create(
        ActualFlow(closing=locked, provider=centres[p], receiver=centres[r], quantity=q)
        for (p, r), q in figures.items()
    )
    return _record_import(
        actor=actor, closing=locked, kind=ImportKind.FLOWS, file_name=file_name, rows=len(figures), diff=diff
    )


@transaction.atomic
def actual_usage_replace(
    *, actor: Any, closing: Closing, figures: Mapping[tuple[int, int, str], Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the actual usage ((member id, product plan id, period) → quantity) of metered products."""
    locked = _locked(closing)
    _require_draft(locked)
    product_plans = set(ProductPlan.objects.filter(plan_id=locked.plan_id).values_list("pk", flat=True))
    for (_member, product_plan, _period), quantity in figures.items():
        if product_plan not in product_plans:
            raise ValidationError({"figures": _("A product of the usage is not in the plan.")})
        if not _fits(quantity, places=4, digits=16):
            raise ValidationError({"figures": _("A quantity is a number, not negative, with at most four decimals.")})
    before = actual_usage_rows(closing=locked)
    diff = figures_diff(before, figures, lambda k: f"{k[0]}/{k[1]}/{k[2]}")
    if not any(diff[:3]):
        return None
    ActualUsage.objects.filter(closing=locked).delete()
    ActualUsage.objects.bulk_create(
        (
            ActualUsage(closing=locked, member_id=m, product_plan_id=p, period=period, quantity=q)
            for (m, p, period), q in figures.items()
        ),
        batch_size=5000,
    )
    return _record_import(
        actor=actor, closing=locked, kind=ImportKind.USAGE, file_name=file_name, rows=len(figures), diff=diff
    )


@transaction.atomic
def price_indices_replace(
    *, actor: Any, closing: Closing, figures: Mapping[str, Decimal], file_name: str = ""
) -> ActualImport | None:
    """Replace the price indices (cost type code → actual price level against plan, 1 = as planned); a cost
    type without one is taken at plan prices. They split the actual cost into price and efficiency variance."""
    locked = _locked(closing)
    _require_draft(locked)
    types = {t.code: t for t in CostType.objects.filter(plan_id=locked.plan_id)}
    for code, index in figures.items():
        if code not in types:
            raise ValidationError({"figures": _("No cost type %(code)s in the plan.") % {"code": code}})
        if not index.is_finite() or index <= 0 or index >= 10000 or not has_places(index, Decimal("0.0001")):
            raise ValidationError(
                {"figures": _("A price index is a positive number with at most four decimals, e.g. 1.03.")}
            )
    before = price_indices(closing=locked)
    diff = figures_diff(before, figures, str)
    if not any(diff[:3]):
        return None
    ActualPriceIndex.objects.filter(closing=locked).delete()
    ActualPriceIndex.objects.bulk_create(
        ActualPriceIndex(closing=locked, cost_type=types[code], index=index) for code, index in figures.items()
    )
    return _record_import(
        actor=actor, closing=locked, kind=ImportKind.PRICE_INDICES, file_name=file_name, rows=len(figures), diff=diff
    )


# ---------------------------------------------------------------- the post-calculation


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


# ---------------------------------------------------------------- business plan and annual accounts


@transaction.atomic
def business_plan_replace(
    *,
    actor: Any,
    provider: Any,
    year: int,
    figures: Mapping[tuple[str, str], tuple[str, Decimal, Decimal | None]],
    demo: bool = False,
) -> bool:
    """Replace the business plan lines of `year` ((part, code) → (label, planned, actual)). Returns whether
    anything changed; one audit event with the counts."""
    for (part, code), (label, _planned, _actual) in figures.items():
        if part not in BusinessPlanPart.values or not code or not label:
            raise ValidationError({"figures": _("Every line needs a known part, a code and a label.")})
    current = {
        (line.part, line.code): (line.label, line.planned, line.actual)
        for line in BusinessPlanLine.objects.filter(provider=provider, year=year)
    }
    if current == dict(figures):
        return False
    BusinessPlanLine.objects.filter(provider=provider, year=year).delete()
    BusinessPlanLine.objects.bulk_create(
        BusinessPlanLine(
            provider=provider, year=year, part=part, code=code, label=label, planned=planned, actual=actual, demo=demo
        )
        for (part, code), (label, planned, actual) in figures.items()
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        before={"business_plan_lines": len(current)},
        after={"business_plan_lines": len(figures), "year": year},
        scope_organization_id=provider.pk,
        message=_("Business plan %(year)s replaced") % {"year": year},
    )
    return True


@transaction.atomic
def committee_report_create(
    *, actor: Any, provider: Any, year: int, meeting: Any, reference: str, url: str = ""
) -> CommitteeReport:
    """Put the business plan and annual accounts of `year` on the agenda of `meeting` as a report paper for the
    committee to take note of (no vote), linked to the year's approved plan and post-calculation."""
    from verbund.governance.services import agenda_item_add, paper_create

    if CommitteeReport.objects.filter(provider=provider, year=year).exists():
        raise ValidationError({"year": _("The report for %(year)s is already with the committee.") % {"year": year}})
    if not BusinessPlanLine.objects.filter(provider=provider, year=year).exists():
        raise ValidationError({"year": _("Enter or import the business plan of %(year)s first.") % {"year": year}})
    plan = PlanVersion.objects.filter(
        provider=provider, year=year, status__in=[PlanStatus.APPROVED, PlanStatus.FROZEN]
    ).first()
    closing = Closing.objects.filter(provider=provider, year=year, status=ClosingStatus.APPROVED).first()
    name = _("Business plan and annual accounts %(year)s") % {"year": year}
    text = _("The provider reports its business plan %(year)s and the annual result against it.") % {"year": year}
    if url:
        text += "\n" + url
    paper = paper_create(
        actor=actor,
        body=meeting.committee.body,
        reference=reference,
        name=name,
        date=timezone.localdate(),
        paper_type="report",
        text=text,
    )
    item = agenda_item_add(actor=actor, meeting=meeting, name=name, paper=paper, decides=False)
    report = CommitteeReport.objects.create(
        provider=provider, year=year, plan=plan, closing=closing, paper=paper, agenda_item=item
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        after={"paper": paper.pk, "agenda_item": item.pk, "plan": plan.pk if plan else None},
        scope_organization_id=provider.pk,
    )
    return report
