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


@register.inclusion_tag("ownership/_inhouse_warning.html")
def inhouse_check(entity: Any, customer: Any, annual_turnover: Any, day: Any) -> dict[str, Any]:
    """`{% inhouse_check provider member amount day %}`: whether the in-house award of `entity` (a holding or an
    operating company) still holds after `customer` buys `annual_turnover` (net) a year more, for the pages of
    other apps (the order that waits for an accession), so that they import nothing of `ownership`. Renders
    nothing for any other provider."""
    # imported here: the chain's templates load this library, and ownership reads billing
    from verbund.ownership.choices import ENTITY_KINDS
    from verbund.ownership.inhouse import inhouse_warning
    from verbund.ownership.presentation import rules, status_label

    if entity is None or customer is None or getattr(entity, "kind", None) not in ENTITY_KINDS:
        return {"warning": None}
    amount = Decimal(annual_turnover or 0)
    warning = inhouse_warning(entity=entity, as_of=day, customer=customer, annual_turnover=amount)
    failed = [rule for rule in rules(warning.after, warning.names) if rule.passed is False]
    return {
        "warning": warning,
        "entity": entity,
        "before": status_label(warning.before),
        "after": status_label(warning.after),
        "failed": failed,
    }
