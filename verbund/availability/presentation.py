"""What the SLA report page, its PDF and the CLI show of a computed report (display values and the chart)."""

import datetime as dt
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from verbund.availability import charts
from verbund.availability.selectors import Report
from verbund.registry.models import Organization


def month_names(year: int) -> list[str]:
    return [date_format(dt.date(year, month, 1), "M") for month in range(1, 13)]


def report_context(report: Report, member: Organization, month: int = 0) -> dict[str, Any]:
    """`month` 0: the year; 1–12: that month."""
    year = report.year
    products = report.member_rows(member.pk)
    names = month_names(year)
    lines = []
    for product, result, commitment in products:
        period = result.months[month - 1] if month else result.total
        lines.append(
            {
                "product": product,
                "commitment": commitment,
                "period": period,
                "availability": charts.percent(period.availability),
                "target": charts.percent(period.target),
                "downtime_hours": period.downtime_seconds / 3600,
                "budget": charts.percent(period.budget_used, 1),
                "mttr_hours": period.mttr_seconds / 3600 if period.mttr_seconds is not None else None,
                "months": [(names[i], charts.percent(m.availability), m) for i, m in enumerate(result.months)],
            }
        )
    title = _("Availability per product and month, %(member)s %(year)s") % {"member": member.name, "year": year}
    chart = (
        charts.heat_map([(p.number, r.months) for p, r, _c in products], month_names=names, title=title)
        if products
        else ""
    )
    return {
        "member": member,
        "year": year,
        "month": month,
        "month_name": names[month - 1] if month else "",
        "month_choices": list(enumerate(names, start=1)),
        "lines": lines,
        "month_names": names,
        "chart": chart,
        "outages": report.member_outages(member.pk),
        "as_of": report.as_of,
    }


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
