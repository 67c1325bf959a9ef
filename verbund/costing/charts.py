"""Server-side charts of plan costing as inline SVG (matplotlib, Agg backend, rendered in memory).

The same SVG goes into the page and into a PDF. Every chart is an accessible image: the root `<svg>` carries
role="img", an aria-label, a `<title>` and a `<desc>`; the page shows the same figures in a table next to it.
Numbers on the axes are formatted for the active language (1.234.567 in German).
"""

import html
import io
import os
import re
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe palette (Okabe & Ito), dark enough against white for bars and legend patches.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
_RC: dict[Any, Any] = {"svg.fonttype": "none", "svg.hashsalt": "verbund", "font.family": "DejaVu Sans", "font.size": 9}
_LOCK = threading.Lock()  # matplotlib's rc settings are process-wide; render one chart at a time
_DOCTYPE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>")
_SIZE_ATTR = re.compile(r'\s(?:width|height)="[^"]*"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')


def _declarations(css: str) -> str:
    """`fill: #fff; stroke-width: 0.8` as SVG presentation attributes: ` fill="#fff" stroke-width="0.8"`."""
    pairs = (part.split(":", 1) for part in css.split(";") if ":" in part)
    return "".join(f' {name.strip()}="{html.escape(value.strip(), quote=True)}"' for name, value in pairs)


def _without_inline_css(svg: str) -> str:
    """matplotlib styles with `style` attributes and a `<style>` element, both of which the pages' strict
    Content-Security-Policy refuses; the same properties as presentation attributes draw the same chart.
    The `<style>` rule (`*{stroke-linejoin: round; ...}`) becomes inherited attributes of the root."""
    rule = _STYLE_ELEMENT.search(svg)
    inherited = _declarations(rule.group(1).split("{", 1)[1].rstrip("} ")) if rule and "{" in rule.group(1) else ""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTR.sub(lambda m: _declarations(m.group(1)), svg)
    return _SVG_OPEN.sub(lambda m: f"<svg{m.group(1)}{inherited}>", svg, count=1)


def _matplotlib() -> Any:
    """Import matplotlib on first use (keeps start-up fast), with its cache outside $HOME and the Agg backend."""
    os.environ.setdefault("MPLCONFIGDIR", str(Path(settings.VAR_DIR) / "matplotlib"))
    Path(os.environ["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib


def _number(value: float) -> str:
    return number_format(Decimal(str(round(value))), decimal_pos=0, use_l10n=True, force_grouping=True)


def _accessible(svg: str, *, chart_id: str, title: str, description: str) -> SafeString:
    """Drop the XML prologue and metadata, make the root an accessible, scalable image."""
    svg = _without_inline_css(_METADATA.sub("", _DOCTYPE.sub("", svg, count=1), count=1))
    match = _SVG_OPEN.search(svg)
    assert match is not None
    attrs = _SIZE_ATTR.sub("", match.group(1))
    label = html.escape(f"{title}. {description}", quote=True)
    root = (
        f'<svg{attrs} id="{chart_id}" class="chart" role="img" aria-label="{label}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{html.escape(title)}</title><desc>{html.escape(description)}</desc>"
    )
    return mark_safe(svg[: match.start()] + root + svg[match.end() :])  # title and description escaped above


def bar_chart(
    *,
    chart_id: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    title: str,
    description: str,
    value_label: str,
    stacked: bool = False,
) -> SafeString:
    """Horizontal bars, one row per category: the series stacked (parts of a whole) or grouped side by side
    (e.g. two plan versions). Missing values (None) draw no bar."""
    _matplotlib()
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    rows = len(categories)
    bars_per_row = 1 if stacked or not series else len(series)
    height = min(40.0, max(2.4, 0.9 + rows * (0.32 + 0.22 * bars_per_row)))
    with _LOCK, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.5, height), layout="constrained")
        axes = figure.add_subplot()
        positions = list(range(rows))
        thickness = 0.8 / bars_per_row
        left = [0.0] * rows
        for index, (label, values) in enumerate(series):
            numbers = [float(v) if v is not None else 0.0 for v in values]
            colour = PALETTE[index % len(PALETTE)]
            if stacked:
                axes.barh(positions, numbers, left=left, height=0.6, label=label, color=colour)
                left = [a + b for a, b in zip(left, numbers, strict=True)]
            else:
                offset = (index - (bars_per_row - 1) / 2) * thickness
                axes.barh([p + offset for p in positions], numbers, height=thickness * 0.9, label=label, color=colour)
        axes.set_yticks(positions, list(categories))
        axes.invert_yaxis()  # first category on top, as in the table
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: _number(x)))
        axes.set_xlabel(value_label)
        axes.grid(axis="x", color="#c9d1da", linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if len(series) > 1:
            figure.legend(loc="outside lower center", ncols=min(4, len(series)), frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), chart_id=chart_id, title=title, description=description)
