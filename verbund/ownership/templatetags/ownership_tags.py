from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from verbund.core.money import round_even

register = template.Library()


@register.filter
def share_percent(value: Any) -> str:
    """A fraction as a localised percentage, at most four decimals ("62,5 %")."""
    if value is None or value == "":
        return "–"
    percent = round_even(Decimal(value) * 100, Decimal("0.0001")).normalize()
    places = max(0, -percent.as_tuple().exponent)  # type: ignore[operator]
    return f"{number_format(percent, decimal_pos=places, use_l10n=True)} %"
