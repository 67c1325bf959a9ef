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

    from verbund.core.money import unit_price_places

    if value is None or value == "":
        return "–"
    return _format(value, unit_price_places(Decimal(value)))


@register.simple_tag
def audit_history(events: Any) -> Any:
    """`{% audit_history events as entries %}`: the events' changes with labels and localised values."""
    from verbund.core.audit import audit_history as history

    return history(events or [])


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def object_link(context: template.Context, obj: Any, label: Any = None) -> str:
    """`{% object_link obj label %}`: a link to the object's page if the user may open it, else the bare label."""
    from django.utils.html import format_html

    from verbund.web.links import may_open

    text = obj if label is None else label
    if obj is not None and may_open(_user(context), obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), text)
    return format_html("{}", text)


@register.simple_tag(takes_context=True)
def page_link(context: template.Context, url_name: str, label: Any, **query: Any) -> str:
    """`{% page_link "app:page" label q=value %}`: a link to a named page if the user may open it, else the label."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.html import format_html

    from verbund.web.links import may_open_page

    if not may_open_page(_user(context), url_name):
        return format_html("{}", label)
    url = reverse(url_name)
    if query:
        url += "?" + urlencode({key: str(value) for key, value in query.items()})
    return format_html('<a href="{}">{}</a>', url, label)
