"""Each member's own over-/under-recovery (showback)."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from verbund.closing import selectors
from verbund.closing.choices import ClosingStatus
from verbund.closing.views.common import _closing
from verbund.core.explain import render_steps
from verbund.core.money import round_money
from verbund.costing import engine
from verbund.costing.choices import PlanStatus
from verbund.costing.models import MemberFee
from verbund.costing.selectors import explanation_names
from verbund.registry.models import Organization


@login_required
def member_recovery(request: HttpRequest, closing_id: int, member_id: int) -> HttpResponse:
    """A member's own over-/under-recovery per product with its trace, and where it was carried (showback)."""
    closing = _closing(request, closing_id)
    member = get_object_or_404(Organization.objects.restrict(request.user), pk=member_id)
    rows = list(selectors.member_outcomes(user=request.user, closing=closing, member=member))
    if not rows:
        raise Http404
    names = explanation_names(plan=closing.plan, products=[r.product_plan.product for r in rows], members=[member])
    for row in rows:
        row.explanation = render_steps(row.trace, engine.MESSAGES, names)  # type: ignore[attr-defined]
    carried = {c.product_id: c for c in selectors.carry_forwards(user=request.user).filter(closing=closing)}
    for row in rows:
        item = carried.get(row.product_plan.product_id)
        row.carried = item  # type: ignore[attr-defined]
        row.fee_effect = _fee_effect(request, item, member) if item is not None else None  # type: ignore[attr-defined]
    return render(
        request,
        "closing/member_recovery.html",
        {
            "closing": closing,
            "member": member,
            "rows": rows,
            "total": sum((r.over_under for r in rows), Decimal(0)),
        },
    )


def _fee_effect(request: HttpRequest, item: Any, member: Organization) -> Decimal | None:
    """How the carried result changes the member's planned fee in the plan it entered: the member's part of the
    carry-forward settled in that year (by its quantity or key share, as its fee is computed), with a minus sign
    for a return. None while that plan is not approved (its figures are not final) or has no fee of the member."""
    if item.target_plan.status not in (PlanStatus.APPROVED, PlanStatus.FROZEN):
        return None
    fee = (
        MemberFee.objects.restrict(request.user)
        .filter(plan=item.target_plan, member=member, product_plan__product_id=item.product_id)
        .select_related("product_plan__rate")
        .first()
    )
    rate = getattr(fee.product_plan, "rate", None) if fee is not None else None
    if fee is None or rate is None:
        return None
    if fee.share is not None:
        return round_money(-rate.carry_forward * fee.share)
    if fee.quantity is not None and rate.planned_quantity:
        return round_money(-rate.carry_forward * fee.quantity / rate.planned_quantity)
    return None


@login_required
def my_recovery(request: HttpRequest) -> HttpResponse:
    """A member contact's entry: the approved post-calculations with its own result."""
    organization_id = getattr(request.user, "organization_id", None)
    closings = list(selectors.closing_list(user=request.user).filter(status=ClosingStatus.APPROVED))
    return render(request, "closing/my_recovery.html", {"closings": closings, "organization_id": organization_id})
