"""Figures that closing offers to the controlling app (issue #15, `verbund.core.kpi`): the cost-recovery share
of a year from the approved post-calculation (revenue ÷ actual cost over all products). Read-only."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext_noop

from verbund.closing.choices import ClosingStatus
from verbund.closing.models import Closing
from verbund.closing.selectors import product_outcomes
from verbund.core.kpi import KpiFigure, KpiQuery, KpiRecord, register
from verbund.core.money import round_even


@register("closing.cost_recovery_share", unit="share", label=gettext_noop("Cost recovery (post-calculation)"))
def cost_recovery_share(query: KpiQuery) -> KpiFigure | None:
    closing = (
        Closing.objects.filter(
            provider_id=query.provider_id, year=query.period_start.year, status=ClosingStatus.APPROVED
        )
        .order_by("-id")
        .first()
    )
    if closing is None:
        return None
    outcomes = list(product_outcomes(closing=closing))
    cost = sum((o.actual_cost for o in outcomes), Decimal(0))
    if not outcomes or cost == 0:
        return None
    revenue = sum((o.revenue for o in outcomes), Decimal(0))
    url = closing.get_absolute_url()
    records = tuple(
        KpiRecord(
            label=f"{o.product_plan.product.number} {o.product_plan.product.name}",
            url=url,
            detail=f"{o.revenue} / {o.actual_cost} EUR",
        )
        for o in outcomes[: query.record_limit]
    )
    cut_off = closing.approved_on or dt.date(closing.year, 12, 31)
    return KpiFigure(
        value=round_even(revenue / cost, Decimal("0.0001")),
        cut_off=cut_off,
        records=records,
        record_count=len(outcomes),
    )
