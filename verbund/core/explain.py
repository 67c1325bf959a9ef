"""Rendering engine steps (`verbund.core.steps`) in the active language (ADR 0025).

The engines' messages are translated with gettext; amounts and quantities are formatted for the locale
(1.234,56 in German, 1,234.56 in English); ids of cost centres, products and members are replaced by the
names the caller passes. Stored traces are JSON (`step_json`); traces stored before the steps existed are
English lines and are shown as they are (they are marked so that the page can set `lang="en"` on them).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext

from verbund.core.money import round_even
from verbund.core.steps import (
    Catalogue,
    Formatter,
    Kind,
    Names,
    Step,
    key_parts_formatter,
    render_step,
    step_from_json,
)


@dataclass(frozen=True, slots=True)
class Line:
    """One rendered explanation line; `legacy`: old English text stored before traces were steps."""

    text: str
    legacy: bool = False

    def __str__(self) -> str:
        return self.text


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def locale_money(value: Any) -> str:
    return number_format(_decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


def locale_number(value: Any) -> str:
    """A quantity or factor with as many decimals as it has (no trailing zeros), in the locale."""
    number = _decimal(value).normalize()
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def locale_share(value: Any) -> str:
    number = _decimal(value)
    return "0" if number == 0 else locale_number(round_even(number, Decimal("0.000001")))


def locale_formatters(names: Names | None = None) -> dict[Kind, Formatter]:
    names = names or {}

    def named(kind: Kind) -> Formatter:
        table = names.get(kind, {})
        return lambda value: table.get(str(value), str(value))

    separator = str(get_format("DECIMAL_SEPARATOR"))
    formatters: dict[Kind, Formatter] = {
        Kind.MONEY: locale_money,
        Kind.NUMBER: locale_number,
        Kind.SHARE: locale_share,
        Kind.COUNT: lambda value: number_format(value, use_l10n=True, force_grouping=True),
        Kind.YEAR: str,
        Kind.SCI: lambda value: str(value).replace(".", separator),
        Kind.TEXT: str,
    }
    for kind in (Kind.CENTRE, Kind.PRODUCT, Kind.MEMBER, Kind.UNIT, Kind.BASIS):
        formatters[kind] = named(kind)
    centre = formatters[Kind.CENTRE]
    formatters[Kind.CENTRES] = lambda value: ", ".join(centre(v) for v in value)
    formatters[Kind.ORDER] = lambda value: " → ".join(centre(v) for v in value)
    formatters[Kind.KEY_PARTS] = key_parts_formatter(formatters)
    return formatters


def render_steps(
    trace: Iterable[Step | Mapping[str, Any] | str], catalogue: Catalogue, names: Names | None = None
) -> list[Line]:
    """The trace (steps, their JSON form, or legacy English lines) as lines in the active language."""
    formatters = locale_formatters(names)
    lines = []
    for item in trace:
        if isinstance(item, str):
            lines.append(Line(item, legacy=True))
            continue
        step = item if isinstance(item, Step) else step_from_json(item, catalogue)
        lines.append(Line(render_step(step, catalogue, formatters, gettext)))
    return lines


def translate_message(message: str, params: Mapping[str, Any] | None = None) -> str:
    """An engine's error message (an English msgid marked with `gettext_noop`) in the active language."""
    return gettext(message) % dict(params or {})
