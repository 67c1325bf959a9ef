"""Charts of the scenarios app: the same server-side SVG as plan costing (`costing.charts.bar_chart`)."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from verbund.costing.charts import bar_chart


def cost_comparison(years: Sequence[int], series: Sequence[tuple[str, Sequence[Decimal | None]]]) -> SafeString:
    return bar_chart(
        chart_id="scenario-cost-chart",
        categories=[str(y) for y in years],
        series=series,
        title=_("Total cost per year by scenario"),
        description=_("Cost plus VAT burden per year, in EUR; the table below gives the same figures."),
        value_label=_("EUR"),
    )


def fan_chart(years: Sequence[int], percentiles: dict[str, Sequence[int]]) -> SafeString:
    return bar_chart(
        chart_id="scenario-fan-chart",
        categories=[str(y) for y in years],
        series=[(label.upper(), [Decimal(v) for v in values]) for label, values in percentiles.items()],
        title=_("Cost per year: 10th, 50th and 90th percentile of the Monte Carlo"),
        description=_("Per year the P10, P50 and P90 of the total cost in EUR; the table gives the same figures."),
        value_label=_("EUR"),
    )


def tornado_chart(rows: Sequence[tuple[str, int, int]]) -> SafeString:
    return bar_chart(
        chart_id="scenario-tornado-chart",
        categories=[label for label, _low, _high in rows],
        series=[
            (_("savings at the low value"), [Decimal(low) for _l, low, _h in rows]),
            (_("savings at the high value"), [Decimal(high) for _l, _lo, high in rows]),
        ],
        title=_("What drives the savings (tornado)"),
        description=_("NPV savings in EUR with one assumption at its low and its high value, the others likely."),
        value_label=_("EUR"),
    )


def retirement_chart(years: Sequence[int], civil: Sequence[Decimal], employees: Sequence[Decimal]) -> SafeString:
    return bar_chart(
        chart_id="staff-retirement-chart",
        categories=[str(y) for y in years],
        series=[(_("civil servants"), civil), (_("employees"), employees)],
        title=_("FTE retiring per year"),
        description=_("FTE of the positions retiring in each year; the table gives the same figures."),
        value_label=_("FTE"),
        stacked=True,
    )
