from functools import lru_cache
from typing import Any

from django import template
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
