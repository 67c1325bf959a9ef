"""The yearly report to the council, built from the stored figures only (so that it can be reproduced), as a
JSON-able snapshot; and its renderings: CSV, PDF (weasyprint, tagged) and the dashboard's lines.

The snapshot holds codes (status, unit, direction, source kind) and the contract's own texts; labels are put
into the reader's language when rendered, so one frozen report reads in German and in English.
"""

import io
from collections import Counter
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from verbund.controlling import engine, selectors
from verbund.controlling.choices import Direction, SourceKind, Status, Unit
from verbund.controlling.models import Contract, Kpi, Measurement
from verbund.core.csvexport import CsvWriter

SEVERITY = {Status.RED: 3, Status.AMBER: 2, Status.GREEN: 1, Status.NONE: 0}


def goal_status(statuses: list[str]) -> str:
    """The worst status of a goal's judged KPIs; none when no KPI is judged."""
    return max(statuses, key=lambda s: SEVERITY[Status(s)], default=Status.NONE.value)


def goal_trend(trends: list[str]) -> str:
    """Better when more KPIs improved than worsened, worse in the opposite case, same when balanced; none when
    no KPI is comparable with last year."""
    counted = Counter(trends)
    if counted[engine.Trend.BETTER] == counted[engine.Trend.WORSE] == counted[engine.Trend.SAME] == 0:
        return engine.Trend.NONE.value
    if counted[engine.Trend.BETTER] > counted[engine.Trend.WORSE]:
        return engine.Trend.BETTER.value
    if counted[engine.Trend.WORSE] > counted[engine.Trend.BETTER]:
        return engine.Trend.WORSE.value
    return engine.Trend.SAME.value


def _text(value: Decimal | None) -> str | None:
    """A stored decimal as plain text without trailing zeros or exponent ("120", "0.991")."""
    return None if value is None else format(value.normalize(), "f")


def _target(kpi: Kpi, year: int, measurement: Measurement | None) -> Any:
    targets = {t.pk: t for t in kpi.targets.all()}
    if measurement is not None and measurement.target_id in targets:
        return targets[measurement.target_id]
    versions = [engine.TargetVersion(t.pk, t.valid_from, t.value, t.tolerance) for t in targets.values()]
    chosen = engine.target_for(year, versions)
    return targets[chosen.id] if chosen else None


def kpi_line(kpi: Kpi, year: int, current: dict[tuple[int, int, int | None], Measurement]) -> dict[str, Any]:
    measurement = current.get((kpi.pk, year, None))
    previous = current.get((kpi.pk, year - 1, None))
    target = _target(kpi, year, measurement)
    value = measurement.value if measurement is not None else None
    direction = engine.Direction(kpi.direction)
    change = engine.trend(
        value,
        previous.value if previous is not None else None,
        direction=direction,
        same_series=measurement is not None and previous is not None and measurement.series == previous.series,
    )
    difference = value - target.value if value is not None and target is not None else None
    return {
        "id": kpi.pk,
        "year": year,
        "code": kpi.code,
        "name": kpi.name,
        "definition": kpi.definition,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "source_kind": kpi.source_kind,
        "source_key": kpi.source_key,
        "formula": kpi.formula,
        "series": kpi.series,
        "value": _text(value),
        "previous": _text(previous.value) if previous is not None else None,
        "target": _text(target.value) if target is not None else None,
        "tolerance": _text(target.tolerance) if target is not None else None,
        "target_from": target.valid_from if target is not None else None,
        "difference": _text(difference),
        "status": measurement.status if measurement is not None else Status.NONE.value,
        "trend": change.value,
        "comment": measurement.comment if measurement is not None else "",
        "cut_off": measurement.cut_off.isoformat() if measurement is not None and measurement.cut_off else None,
        "measurement_id": measurement.pk if measurement is not None else None,
        "record_count": measurement.record_count if measurement is not None else 0,
        "demo": bool(measurement is not None and measurement.demo),
    }


def report_data(*, contract: Contract, year: int, kpis: list[Kpi] | None = None, current: Any = None) -> dict[str, Any]:
    """Everything the council report of `year` shows, from the stored figures."""
    kpis = selectors.contract_kpis(contract) if kpis is None else kpis
    if current is None:
        current = selectors.current_measurements(contract=contract, years=[year - 1, year])
    goals = list(contract.goals.prefetch_related("budgets", "measures").order_by("position"))
    by_goal: dict[int, list[Kpi]] = {}
    for kpi in kpis:
        by_goal.setdefault(kpi.goal_id, []).append(kpi)
    goal_rows: list[dict[str, Any]] = []
    for goal in goals:
        lines = [kpi_line(kpi, year, current) for kpi in by_goal.get(goal.pk, [])]
        budget = next((b.amount for b in goal.budgets.all() if b.year == year), None)
        goal_rows.append(
            {
                "position": goal.position,
                "title": goal.title,
                "text": goal.text,
                "budget": _text(budget),
                "status": goal_status([line["status"] for line in lines]),
                "trend": goal_trend([line["trend"] for line in lines]),
                "kpis": lines,
                "measures": [
                    {
                        "id": m.pk,
                        "text": m.text,
                        "due_on": m.due_on.isoformat(),
                        "done": m.done,
                        "done_on": m.done_on.isoformat() if m.done_on else None,
                    }
                    for m in goal.measures.all()
                ],
            }
        )
    changes = [
        {
            "code": kpi.code,
            "name": kpi.name,
            "series": change.series,
            "from_year": change.from_year,
            "reason": change.reason,
            "before": change.before.get("definition", ""),
            "after": change.after.get("definition", ""),
        }
        for kpi in kpis
        for change in kpi.changes.all()
        if change.from_year <= year
    ]
    return {
        "contract": {
            "id": contract.pk,
            "name": contract.name,
            "provider": contract.provider.name,
            "city": contract.city.name,
            "start_year": contract.start_year,
            "end_year": contract.end_year,
            "decision_reference": contract.decision_reference,
        },
        "year": year,
        "built_at": timezone.now().isoformat(timespec="seconds"),
        "demo": contract.demo or any(line["demo"] for goal in goal_rows for line in goal["kpis"]),
        "goals": goal_rows,
        "changes": changes,
    }


# ---------------------------------------------------------------- renderings


def number_text(value: str | None, unit: str, *, signed: bool = False) -> str:
    """A stored value in the reader's format: shares as percent, EUR with two decimals."""
    from django.utils.formats import number_format

    if value is None:
        return ""
    number = Decimal(value)
    if unit == Unit.SHARE:
        text = number_format(number * 100, decimal_pos=1, use_l10n=True) + " %"
    elif unit == Unit.EUR:
        text = number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True) + " €"
    elif number == number.to_integral():
        text = number_format(number, decimal_pos=0, use_l10n=True, force_grouping=True)
    else:
        text = number_format(number, decimal_pos=2, use_l10n=True, force_grouping=True)
    if signed and number > 0:
        text = "+" + text
    return text


def labels() -> dict[str, dict[str, str]]:
    from verbund.controlling.choices import ReportStatus  # noqa: F401  (labels of the codes)

    return {
        "status": {str(k): str(v) for k, v in Status.choices},
        "unit": {str(k): str(v) for k, v in Unit.choices},
        "direction": {str(k): str(v) for k, v in Direction.choices},
        "source": {str(k): str(v) for k, v in SourceKind.choices},
        "trend": {
            "better": _("better than last year"),
            "worse": _("worse than last year"),
            "same": _("as last year"),
            "none": _("no comparison"),
        },
    }


def report_csv(snapshot: dict[str, Any]) -> bytes:
    names = labels()
    buffer = io.BytesIO()
    with CsvWriter(buffer) as writer:
        _write_rows(writer, snapshot, names)
    return buffer.getvalue()


def _write_rows(writer: CsvWriter, snapshot: dict[str, Any], names: dict[str, dict[str, str]]) -> None:
    writer.writerow(
        [
            _("Goal"),
            _("Goal status"),
            _("Code"),
            _("KPI"),
            _("Unit"),
            _("Direction"),
            _("Year"),
            _("Value"),
            _("Target"),
            _("Difference"),
            _("Status"),
            _("Trend"),
            _("Source"),
            _("Cut-off date"),
            _("Series"),
            _("Commentary"),
        ]
    )
    for goal in snapshot["goals"]:
        for line in goal["kpis"]:
            writer.writerow(
                [
                    f"{goal['position']}. {goal['title']}",
                    names["status"][goal["status"]],
                    line["code"],
                    line["name"],
                    names["unit"][line["unit"]],
                    names["direction"][line["direction"]],
                    snapshot["year"],
                    line["value"] if line["value"] is not None else _("no data yet"),
                    line["target"] or "",
                    line["difference"] or "",
                    names["status"][line["status"]],
                    names["trend"][line["trend"]],
                    line["source_key"] or names["source"][line["source_kind"]],
                    line["cut_off"] or "",
                    line["series"],
                    line["comment"],
                ]
            )


def report_html(snapshot: dict[str, Any], *, report: Any = None) -> str:
    return render_to_string(
        "controlling/report_pdf.html",
        {"data": snapshot, "report": report, "names": labels(), "today": timezone.localdate()},
    )


def report_pdf(snapshot: dict[str, Any], *, report: Any = None) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(snapshot, report=report)).write_pdf(pdf_variant="pdf/ua-1")  # tagged PDF
