from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from verbund.controlling.report import labels, number_text

register = template.Library()


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, dict[str, str]]:
    return labels()


@register.filter
def kpi_value(value: Any, unit: str) -> str:
    """A stored value (text or Decimal) in the reader's format: shares in percent, EUR with two decimals."""
    return number_text(None if value is None else str(value), unit)


@register.filter
def kpi_difference(value: Any, unit: str) -> str:
    """A difference to the target, signed; for shares in percentage points."""
    text = number_text(None if value is None else str(value), unit, signed=True)
    return text.replace(" %", " " + gettext("pp")) if unit == "share" else text


@register.filter
def label(code: Any, kind: str) -> str:
    return _labels(get_language() or "de")[kind].get(str(code), str(code))


SYMBOLS = {"green": "●", "amber": "◐", "red": "○"}


@register.filter
def status_badge(status: Any) -> SafeString:
    """The status as a symbol and words (never colour alone), with a class for the colour."""
    code = str(status)
    return format_html(
        '<span class="status status-{}">{} {}</span>', code, SYMBOLS.get(code, "–"), label(code, "status")
    )


@register.filter
def iso_date(value: Any) -> str:
    """A date stored as ISO text in a snapshot ("2025-06-30") in the reader's short date format."""
    import datetime as dt

    from django.utils.formats import date_format

    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)
