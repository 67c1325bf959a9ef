"""The breakdowns of a KPI on its page and in its CSV: the current values of one year per member, per product
and per office (the dimensions the KPI declares in `Kpi.breakdowns`), each with its drill-down, as a table and as
a bar chart against the target. Two queries per dimension, whatever the number of members."""

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from verbund.controlling import charts, selectors
from verbund.controlling.choices import Unit
from verbund.controlling.models import Kpi, Measurement
from verbund.controlling.report import labels
from verbund.core.csvexport import CsvWriter

DIMENSIONS = ("member", "product", "office")
CHART_LIMIT = 40  # more bars than this are not readable; the table and the CSV hold every value
TABLE_LIMIT = 500  # rows on the page; the CSV holds every value


def dimension_labels() -> dict[str, str]:
    return {"member": _("Per member"), "product": _("Per product"), "office": _("Per office")}


def kpi_dimensions(kpi: Kpi) -> list[str]:
    wanted = kpi.breakdowns.split(",")
    return [name for name in DIMENSIONS if name in wanted]


def breakdown_year(kpi: Kpi, default: int) -> int:
    """The newest year with a breakdown value of `kpi`, or `default`."""
    rows = Measurement.objects.filter(kpi=kpi).exclude(member__isnull=True, product__isnull=True, office__isnull=True)
    return rows.order_by("-year").values_list("year", flat=True).first() or default


def name_of(row: Measurement, dimension: str) -> str:
    return str(getattr(row, dimension).name)


def sections(kpi: Kpi, year: int) -> list[dict[str, Any]]:
    """Per dimension of `kpi`: its rows in `year` (at most TABLE_LIMIT), how many there are, and a bar chart
    (when there are at most CHART_LIMIT)."""
    titles = dimension_labels()
    factor = Decimal(100) if kpi.unit == Unit.SHARE else Decimal(1)
    out: list[dict[str, Any]] = []
    for dimension in kpi_dimensions(kpi):
        rows = selectors.kpi_breakdown(kpi=kpi, year=year, dimension=dimension, limit=TABLE_LIMIT)
        count = len(rows)
        if count == TABLE_LIMIT:
            count = selectors.kpi_breakdown_count(kpi=kpi, year=year, dimension=dimension)
        chart = None
        if rows and count <= CHART_LIMIT:
            target = rows[0].target.value * factor if rows[0].target is not None else None
            chart = charts.bar_chart(
                chart_id=f"breakdown-chart-{dimension}",
                names=[name_of(row, dimension) for row in rows],
                values=[row.value * factor for row in rows],
                target=target,
                title=_("%(kpi)s %(dimension)s in %(year)s")
                % {"kpi": kpi.name, "dimension": titles[dimension], "year": year},
                description=_("One bar per value, the target dashed; the table below shows the same figures."),
                target_label=_("Target"),
            )
        out.append(
            {
                "dimension": dimension,
                "title": titles[dimension],
                "rows": [{"name": name_of(row, dimension), "m": row} for row in rows],
                "count": count,
                "chart": chart,
            }
        )
    return out


def breakdown_csv(kpi: Kpi, year: int) -> bytes:
    """Every current breakdown value of `kpi` in `year`: dimension, name, value, target, status, cut-off date and
    the number of records it rests on."""
    names = labels()
    titles = {"member": _("Member"), "product": _("Product"), "office": _("Office")}
    buffer = io.BytesIO()
    with CsvWriter(buffer) as writer:
        writer.writerow(
            [
                _("Code"),
                _("KPI"),
                _("Year"),
                _("Breakdown"),
                _("Name"),
                _("Value"),
                _("Target"),
                _("Status"),
                _("Cut-off date"),
                _("Records"),
            ]
        )
        for dimension in kpi_dimensions(kpi):
            for row in selectors.kpi_breakdown(kpi=kpi, year=year, dimension=dimension):
                writer.writerow(
                    [
                        kpi.code,
                        kpi.name,
                        year,
                        titles[dimension],
                        name_of(row, dimension),
                        format(row.value.normalize(), "f"),
                        format(row.target.value.normalize(), "f") if row.target is not None else "",
                        names["status"][row.status],
                        row.cut_off.isoformat() if row.cut_off else "",
                        row.record_count,
                    ]
                )
    return buffer.getvalue()
