"""Template helpers shared by every app."""

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """`{{ mapping|get_item:key }}` — a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None


def _format(value: Any, places: int) -> str:
    from decimal import Decimal

    from django.utils.formats import number_format

    if value is None or value == "":
        return "–"
    return number_format(Decimal(value), decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def money(value: Any) -> str:
    """An amount with two decimals in the active locale: 1.234,50 (de) / 1,234.50 (en)."""
    return _format(value, 2)


@register.filter
def unit_price(value: Any) -> str:
    """A unit price: two decimals, or up to four where the price has them (0,3850 €/inhabitant)."""
    from decimal import Decimal

    if value is None or value == "":
        return "–"
    places = 2 if Decimal(value) == Decimal(value).quantize(Decimal("0.01")) else 4
    return _format(value, places)


@register.simple_tag
def audit_history(events: Any) -> Any:
    """`{% audit_history events as entries %}`: the events' changes with labels and localised values."""
    from verbund.core.audit import audit_history as history

    return history(events or [])
