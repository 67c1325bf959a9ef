"""The heat map of an SLA report (products × months), as plain server-side SVG: the same chart in the page and in
the PDF. Accessible: role="img" with a title and a description, and the page shows the same figures as a table."""

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from verbund.availability.engine import PeriodResult
from verbund.core.money import round_down

GREEN, RED, GREY = "#2e7d32", "#c62828", "#bdbdbd"
CELL_W, CELL_H, LABEL_W, HEAD_H = 56, 26, 130, 24


def percent(value: Decimal | None, places: int = 3) -> str:
    """A share as a percentage, cut (never rounded up: 99.4999 % is not shown as 99.5 %)."""
    if value is None:
        return "–"
    shown = round_down(value * 100, Decimal(1).scaleb(-places))
    return number_format(shown, decimal_pos=places, use_l10n=True) + " %"


def heat_map(
    rows: Sequence[tuple[str, Sequence[PeriodResult]]], *, month_names: Sequence[str], title: str
) -> SafeString:
    """One row per product (label, twelve months): green where the month met its target, red where not, grey
    without agreed time."""
    width = LABEL_W + CELL_W * len(month_names)
    height = HEAD_H + CELL_H * len(rows) + 4
    description = _("Green: target met; red: target missed; grey: no agreed service time. The table below shows "
                    "the same figures.")  # fmt: skip
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="heat-title heat-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
        f'<title id="heat-title">{escape(title)}</title><desc id="heat-desc">{escape(description)}</desc>',
    ]
    for index, name in enumerate(month_names):
        x = LABEL_W + index * CELL_W + CELL_W / 2
        parts.append(f'<text x="{x}" y="16" text-anchor="middle">{escape(name)}</text>')
    for row, (label, months) in enumerate(rows):
        y = HEAD_H + row * CELL_H
        parts.append(f'<text x="4" y="{y + 17}">{escape(label[:20])}</text>')
        for index, month in enumerate(months):
            colour = GREY if month.availability is None else (GREEN if month.met else RED)
            x = LABEL_W + index * CELL_W
            text = "–" if month.availability is None else percent(month.availability, 2).replace(" %", "")
            parts.append(
                f'<rect x="{x + 1}" y="{y + 1}" width="{CELL_W - 2}" height="{CELL_H - 2}" fill="{colour}">'
                f"<title>{escape(label)} {escape(month_names[index])}: {escape(percent(month.availability))}</title>"
                "</rect>"
            )
            parts.append(
                f'<text x="{x + CELL_W / 2}" y="{y + 17}" text-anchor="middle" fill="#fff" font-size="10">'
                f"{escape(text)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
