"""Charts of survey results as inline SVG, in the style of the plan costing's charts (`verbund.costing.charts`:
matplotlib Agg, colour-blind-safe palette, accessible root with title and description, no inline CSS): bars with
their 95 % intervals, and trend lines over the waves (broken where a question's wording changed)."""

import io
from collections.abc import Sequence

from django.utils.safestring import SafeString

from verbund.costing.charts import _LOCK, _RC, PALETTE, _accessible, _matplotlib
from verbund.surveys.selectors import TrendPoint


def interval_bars(
    *,
    chart_id: str,
    categories: Sequence[str],
    values: Sequence[tuple[float, float, float] | None],
    title: str,
    description: str,
    value_label: str,
    limits: tuple[float, float] = (0.0, 100.0),
) -> SafeString:
    """Horizontal bars (one per category) with a whisker for the interval; values as (point, low, high)."""
    _matplotlib()
    import matplotlib
    from matplotlib.figure import Figure

    rows = len(categories)
    with _LOCK, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.5, min(30.0, max(2.2, 0.8 + rows * 0.42))), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(rows))
        points = [v[0] if v else 0.0 for v in values]
        errors = [
            [max(0.0, v[0] - v[1]) if v else 0.0 for v in values],
            [max(0.0, v[2] - v[0]) if v else 0.0 for v in values],
        ]
        axes.barh(positions, points, height=0.6, color=PALETTE[0], xerr=errors, ecolor="#000000", capsize=3)
        axes.set_yticks(positions, list(categories))
        axes.invert_yaxis()
        axes.set_xlim(*limits)
        axes.set_xlabel(value_label)
        axes.grid(axis="x", color="#c9d1da", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), chart_id=chart_id, title=title, description=description)


def trend_lines(
    *,
    chart_id: str,
    series: Sequence[tuple[str, Sequence[TrendPoint]]],
    title: str,
    description: str,
    value_label: str,
    scale: float = 100.0,
    limits: tuple[float, float] = (0.0, 100.0),
) -> SafeString:
    """One line per series over the years with its intervals; a changed wording breaks the line."""
    _matplotlib()
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _LOCK, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.5, 3.2), layout="constrained")
        axes = figure.add_subplot()
        for index, (label, points) in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            segment: list[TrendPoint] = []
            segments = []
            for point in points:
                if point.break_before and segment:
                    segments.append(segment)
                    segment = []
                segment.append(point)
            if segment:
                segments.append(segment)
            for number, part in enumerate(segments):
                axes.errorbar(
                    [p.year for p in part],
                    [p.point * scale for p in part],
                    yerr=[[(p.point - p.low) * scale for p in part], [(p.high - p.point) * scale for p in part]],
                    color=colour,
                    marker="o",
                    capsize=3,
                    label=label if number == 0 else None,
                )
        axes.set_ylim(*limits)
        axes.set_ylabel(value_label)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.grid(axis="y", color="#c9d1da", linewidth=0.6)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if len(series) > 1:
            figure.legend(loc="outside lower center", ncols=min(4, len(series)), frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), chart_id=chart_id, title=title, description=description)
