"""The comparison of two plan versions: rates and cost-centre totals side by side."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from verbund.core.money import round_money
from verbund.costing import charts, selectors
from verbund.costing.forms import CompareForm
from verbund.costing.models import (
    PlanVersion,
    ProductRate,
)
from verbund.costing.views.common import (
    HUNDRED,
    _plan,
    _sum,
)

# --- comparison of two versions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    base: Decimal | None
    value: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.base is None or self.value is None:
            return None
        return self.value - self.base

    @property
    def percent(self) -> Decimal | None:
        change = self.change
        if change is None or not self.base:
            return None
        assert self.base is not None
        return round_money(change / self.base * HUNDRED, Decimal("0.1"))


@dataclass(frozen=True)
class ComparisonRow:
    number: str
    name: str
    cost: Difference
    rate: Difference


def _comparison(plan: PlanVersion, other: PlanVersion) -> tuple[list[ComparisonRow], Difference]:
    by_product: dict[int, dict[int, ProductRate]] = {}
    products: dict[int, Any] = {}
    for rate in ProductRate.objects.filter(plan__in=[plan, other]).select_related("product_plan__product"):
        product = rate.product_plan.product
        products[product.pk] = product
        by_product.setdefault(product.pk, {})[rate.plan_id] = rate
    rows = []
    for product_id, product in sorted(products.items(), key=lambda item: item[1].number):
        mine, theirs = by_product[product_id].get(plan.pk), by_product[product_id].get(other.pk)
        rows.append(
            ComparisonRow(
                number=product.number,
                name=product.display_name,
                cost=Difference(theirs.cost if theirs else None, mine.cost if mine else None),
                rate=Difference(theirs.rate if theirs else None, mine.rate if mine else None),
            )
        )
    totals = Difference(_sum(r.cost.base for r in rows), _sum(r.cost.value for r in rows))
    return rows, totals


@login_required
def compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    others = [p for p in selectors.plan_list(user=request.user) if p.pk != plan.pk]
    data = request.GET if "other" in request.GET else None
    default = next((p for p in others if p.pk == plan.predecessor_id), others[0] if others else None)
    form = CompareForm(data, plans=others, initial={"other": default.pk if default else None})
    other = None
    if data is not None and form.is_valid():
        other = next(p for p in others if p.pk == form.cleaned_data["other"])
    elif data is None:
        other = default
    context: dict[str, Any] = {"plan": plan, "form": form, "other": other}
    if other is not None:
        rows, totals = _comparison(plan, other)
        context.update(rows=rows, totals=totals)
        if rows:
            context["chart"] = charts.bar_chart(
                chart_id="comparison-chart",
                categories=[row.number for row in rows],
                series=[
                    (f"{other.name} ({other.year})", [row.cost.base for row in rows]),
                    (f"{plan.name} ({plan.year})", [row.cost.value for row in rows]),
                ],
                title=_("Plan cost per product"),
                description=_(
                    "Grouped bars: the plan cost of each product in %(other)s and in %(plan)s. "
                    "The table shows the same figures with the difference."
                )
                % {"other": other, "plan": plan},
                value_label=_("EUR"),
            )
    return render(request, "costing/compare.html", context)
