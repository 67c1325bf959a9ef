"""Formatting of the committee pages, in one place: voting weights and the organisation a seat is held for."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

from verbund.registry.models import name_with_kind

register = template.Library()


@register.filter
def weight(value: Any) -> str:
    """A voting weight or a sum of weights in the active locale, with the decimals it has and no more:
    45 → "45", 22.500 → "22,5" (de) / "22.5" (en). The tally, the quorum, the seats and the register use this."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    places = max(0, -number.normalize().as_tuple().exponent) if number != 0 else 0  # type: ignore[operator]
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def organization_label(org: Any) -> str:
    """The organisation a seat is held for, with its kind where the name alone is ambiguous: the district
    "Warendorf" is "Kreis Warendorf", the town keeps its directory name "Warendorf, Stadt"."""
    if org is None:
        return "–"
    return name_with_kind(org.name, getattr(org, "kind", ""))


@register.filter
def effect_with(decision: Any, subject: str = "") -> str:
    """`{{ decision|effect_with:subject_label }}`: the decision's effect in the reader's language."""
    return str(decision.effect_text(subject or ""))
