"""Server-side SVG of the controlling pages, written by hand (no plotting library: a dashboard has hundreds of
them): a sparkline per goal or KPI, and per KPI its values against the target over the years. Every chart is an
accessible image (role, title, description) and the page shows the same figures as a table."""

import html
from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe


def _scale(values: Sequence[Decimal | None], extra: Sequence[Decimal | None] = ()) -> tuple[float, float]:
    numbers = [float(v) for v in (*values, *extra) if v is not None]
    if not numbers:
        return 0.0, 1.0
    low, high = min(numbers), max(numbers)
    if low == high:
        low, high = low - 1, high + 1
    return low, high


def sparkline(values: Sequence[Decimal | None], *, label: str, width: int = 80, height: int = 20) -> SafeString:
    """A small line of `values` (None leaves a gap); the last point marked."""
    low, high = _scale(values)
    step = width / max(1, len(values) - 1)
    parts: list[str] = []
    segment: list[str] = []
    last = ""
    for index, value in enumerate(values):
        if value is None:
            if segment:
                parts.append(" ".join(segment))
            segment = []
            continue
        x = index * step
        y = height - 2 - (float(value) - low) / (high - low) * (height - 4)
        segment.append(f"{x:.1f},{y:.1f}")
        last = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#1f4e79"/>'
    if segment:
        parts.append(" ".join(segment))
    lines = "".join(f'<polyline points="{p}" fill="none" stroke="#1f4e79" stroke-width="1.5"/>' for p in parts)
    text = html.escape(label)
    return mark_safe(
        f'<svg class="sparkline" role="img" aria-label="{text}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{text}</title>{lines}{last}</svg>'
    )


def value_chart(
    *,
    chart_id: str,
    years: Sequence[int],
    values: Sequence[Decimal | None],
    targets: Sequence[Decimal | None],
    title: str,
    description: str,
    value_label: str,
    target_label: str,
) -> SafeString:
    """Values (line with points) against the target (dashed steps) over the years."""
    width, height, left, bottom, top, right = 640, 260, 56, 30, 16, 16
    low, high = _scale(values, targets)
    span = high - low
    low, high = low - span * 0.1, high + span * 0.1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(years) - 1)

    def xy(index: int, value: Decimal) -> tuple[float, float]:
        return left + index * step, top + plot_h - (float(value) - low) / (high - low) * plot_h

    out = [
        f'<svg id="{chart_id}" class="chart" role="img" aria-label="{html.escape(title)}. {html.escape(description)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#8a96a3"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#8a96a3"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = low + (high - low) * fraction
        y = top + plot_h - fraction * plot_h
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{value:.4g}</text>')
    for index, year in enumerate(years):
        out.append(
            f'<text x="{left + index * step:.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{year}</text>'
        )
    target_points = [xy(i, t) for i, t in enumerate(targets) if t is not None]
    if target_points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in target_points)
        out.append(
            f'<polyline points="{path}" fill="none" stroke="#b35900" stroke-dasharray="5,4" stroke-width="1.5"/>'
        )
    points = [xy(i, v) for i, v in enumerate(values) if v is not None]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#1f4e79" stroke-width="2"/>')
        out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f4e79"/>' for x, y in points)
    out.append(
        f'<text x="{left + 4}" y="{top + 10}" font-size="10" fill="#1f4e79">— {html.escape(value_label)}</text>'
        f'<text x="{left + 160}" y="{top + 10}" font-size="10" fill="#b35900">- - {html.escape(target_label)}</text>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # every text escaped above


def bar_chart(
    *,
    chart_id: str,
    names: Sequence[str],
    values: Sequence[Decimal],
    target: Decimal | None,
    title: str,
    description: str,
    target_label: str,
) -> SafeString:
    """One horizontal bar per member, product or office, with the target as a dashed vertical line."""
    row, left, right, top = 18, 220, 24, 8
    width = 640
    height = top * 2 + row * max(1, len(names))
    numbers = [float(v) for v in values] + ([float(target)] if target is not None else [])
    low = min(0.0, *numbers) if numbers else 0.0
    high = max(numbers) if numbers else 1.0
    if high == low:
        high = low + 1
    plot_w = width - left - right

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * plot_w

    out = [
        f'<svg id="{chart_id}" class="chart" role="img" aria-label="{html.escape(title)}. {html.escape(description)}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet">',
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>",
    ]
    zero = x(0.0)
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        y = top + index * row
        end = x(float(value))
        out.append(
            f'<text x="{left - 6}" y="{y + row - 5}" font-size="10" text-anchor="end">{html.escape(name[:40])}</text>'
            f'<rect x="{min(zero, end):.1f}" y="{y + 2}" width="{abs(end - zero):.1f}" height="{row - 5}" '
            f'fill="#1f4e79"/>'
        )
    if target is not None:
        tx = x(float(target))
        out.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{height - top}" stroke="#b35900" '
            f'stroke-dasharray="5,4" stroke-width="1.5"><title>{html.escape(target_label)}</title></line>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # every text escaped above
