"""Language-neutral explanations of the pure engines (ADR 0025). Pure Python, no Django.

An engine explains its figures with *steps*: a message code and typed arguments (amounts and quantities as
`Decimal`, ids of cost centres, products and members as strings). A step holds no words. A *catalogue* maps
each code to an English message with `%(name)s` placeholders and says of which kind each argument is; the
renderer turns a step into text by formatting every argument for its kind and putting the values into the
message, translated or not:

- `render_plain` (here, no Django): English, English number format, ids as given — for the CLI and the tests;
- `verbund.core.explain.render_steps`: the active language (gettext on the same messages), numbers in the
  locale (1.234,56), ids replaced by names.

Messages are marked with `gettext_noop` (an identity function of that name, so that `makemessages` finds them
without this module importing Django). The JSON form of a step is `{"code": ..., "args": {...}}` with Decimals
as strings (`step_json`, `step_from_json`).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from verbund.core.money import round_even, round_money


def gettext_noop(message: str) -> str:
    """Mark `message` for translation (makemessages extracts calls of this name); it is translated when shown."""
    return message


class Kind(StrEnum):
    """How an argument is formatted."""

    MONEY = "money"  # EUR, two decimals
    NUMBER = "number"  # a quantity or factor, as many decimals as it has
    SHARE = "share"  # a share, at most 6 decimals
    COUNT = "count"  # a whole number with grouping
    YEAR = "year"  # a year: no grouping
    SCI = "sci"  # a diagnostic figure already in scientific notation ("1.5e+03"): only the decimal point is localised
    TEXT = "text"  # shown as it is
    CENTRE = "centre"  # a cost centre id → its code and name
    CENTRES = "centres"  # a list of cost centre ids
    ORDER = "order"  # a list of cost centre ids in order: "A → B → C"
    PRODUCT = "product"  # a product id → its number and name
    MEMBER = "member"  # a member id → its name
    UNIT = "unit"  # a charge unit code → its label
    BASIS = "basis"  # a key basis code → its label
    KEY_PARTS = "key_parts"  # a list of (basis, weight, value, total): "basis w × v/t + …"


# Kinds whose JSON form is a decimal string (converted back to Decimal when read).
DECIMAL_KINDS = frozenset({Kind.MONEY, Kind.NUMBER, Kind.SHARE})
# Kinds whose ids a renderer may replace by names (`names[kind][id]`).
NAMED_KINDS = frozenset({Kind.CENTRE, Kind.PRODUCT, Kind.MEMBER, Kind.UNIT, Kind.BASIS})

BUMPED = gettext_noop("(+%(cent)s by the largest remainder rule)")
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Message:
    text: str  # English, with %(name)s placeholders; the msgid of the translation
    kinds: Mapping[str, Kind]


class Step(NamedTuple):
    """One explained figure: `code` in the engine's catalogue, `args` by name. `bumped`: a largest-remainder cent.

    A NamedTuple: immutable and cheap (a fee run explains hundreds of thousands of lines).
    """

    code: str
    args: Mapping[str, Any]
    bumped: bool = False


Catalogue = Mapping[str, Message]
Names = Mapping[str, Mapping[str, str]]
Formatter = Callable[[Any], str]


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    return value


def step_json(step: Step) -> dict[str, Any]:
    """A step as JSON data: {"code", "args"} (+ "bumped": true); Decimals as strings, tuples as lists."""
    args: dict[str, Any] = {}
    for name, value in step.args.items():  # the common types first: a national fee run has ~450,000 steps
        kind = type(value)
        args[name] = str(value) if kind is Decimal else value if kind is str or kind is int else _json_value(value)
    data: dict[str, Any] = {"code": step.code, "args": args}
    if step.bumped:
        data["bumped"] = True
    return data


def steps_json(steps: Iterable[Step]) -> list[dict[str, Any]]:
    return [step_json(step) for step in steps]


def step_from_json(data: Mapping[str, Any], catalogue: Catalogue) -> Step:
    """The inverse of `step_json` (decimal kinds back to Decimal). Unknown codes keep their arguments as given."""
    code = str(data.get("code", ""))
    message = catalogue.get(code)
    args = dict(data.get("args") or {})
    if message is not None:
        for name, kind in message.kinds.items():
            value = args.get(name)
            if kind in DECIMAL_KINDS and isinstance(value, str | int):
                args[name] = Decimal(value)
            elif kind == Kind.KEY_PARTS and isinstance(value, list):
                args[name] = [(p[0], Decimal(p[1]), Decimal(p[2]), Decimal(p[3])) for p in value]
    return Step(code, args, bool(data.get("bumped", False)))


# --- plain English rendering (no Django) ---------------------------------------------------------------------


def plain_money(value: Decimal) -> str:
    return f"{round_money(value):,}"


def plain_number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():,f}"


def plain_share(value: Decimal) -> str:
    return plain_number(round_even(Decimal(value), Decimal("0.000001"))) if value != 0 else "0"


def plain_formatters(names: Names | None = None) -> dict[Kind, Formatter]:
    names = names or {}

    def named(kind: Kind) -> Formatter:
        table = names.get(kind, {})
        return lambda value: table.get(str(value), str(value))

    formatters: dict[Kind, Formatter] = {
        Kind.MONEY: plain_money,
        Kind.NUMBER: plain_number,
        Kind.SHARE: plain_share,
        Kind.COUNT: lambda value: f"{value:,}",
        Kind.YEAR: str,
        Kind.SCI: str,
        Kind.TEXT: str,
    }
    for kind in NAMED_KINDS:
        formatters[kind] = named(kind)
    centre = formatters[Kind.CENTRE]
    formatters[Kind.CENTRES] = lambda value: ", ".join(centre(v) for v in value)
    formatters[Kind.ORDER] = lambda value: " → ".join(centre(v) for v in value)
    formatters[Kind.KEY_PARTS] = key_parts_formatter(formatters)
    return formatters


def key_parts_formatter(formatters: Mapping[Kind, Formatter]) -> Formatter:
    basis, number = formatters[Kind.BASIS], formatters[Kind.NUMBER]

    def parts(value: Iterable[tuple[Any, Decimal, Decimal, Decimal]]) -> str:
        return " + ".join(f"{basis(b)} {number(w)} × {number(v)}/{number(t)}" for b, w, v, t in value)

    return parts


def render_step(
    step: Step,
    catalogue: Catalogue,
    formatters: Mapping[Kind, Formatter],
    translate: Callable[[str], str] = gettext_noop,
) -> str:
    """One step as text: each argument formatted for its kind, put into the (translated) message."""
    message = catalogue.get(step.code)
    if message is None:  # a code this version does not know (newer data): show the data, never fail
        return f"{step.code} {dict(step.args)}"
    values = {name: formatters[kind](step.args.get(name)) for name, kind in message.kinds.items()}
    text = translate(message.text) % values
    if step.bumped:
        text += " " + translate(BUMPED) % {"cent": formatters[Kind.MONEY](CENT)}
    return text


def render_plain(steps: Iterable[Step], catalogue: Catalogue, names: Names | None = None) -> tuple[str, ...]:
    """English text of the steps (number format 1,234.56); `names` replaces ids (names[kind][id])."""
    formatters = plain_formatters(names)
    return tuple(render_step(step, catalogue, formatters) for step in steps)
