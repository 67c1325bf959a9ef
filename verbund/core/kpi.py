"""The documented interface between the apps that produce figures and the controlling app that judges them (issue #15).

A *source app* (surveys, availability, evidence, strategy, closing, billing ...) offers figures for key performance
indicators. The controlling app knows a figure only by its *source key* (a dotted path ``"app.figure"``) and asks
for it through :func:`figure`; it never imports the source app. A source app declares its figures in its own
``kpis.py`` module with :func:`register`::

    # verbund/surveys/kpis.py
    from verbund.core.kpi import KpiFigure, KpiQuery, register

    @register("surveys.satisfaction_mean", unit="score", label=gettext_noop("Mean satisfaction (1-5)"))
    def satisfaction_mean(query: KpiQuery) -> KpiFigure | None:
        ...

and its ``AppConfig.ready()`` imports that module (``from verbund.surveys import kpis  # noqa: F401``).

Rules every figure keeps:

- It reads through the app's selectors (never through views) and is pure with respect to the database: asking
  twice gives the same answer, nothing is written.
- ``None`` means *no data yet* (the wave is not closed, nothing was imported): the controlling app shows that in
  words and never a zero. A figure of zero is ``KpiFigure(value=Decimal(0), ...)``.
- ``value`` is a ``Decimal`` in the declared unit; shares are fractions (0.985 for 98.5 %), not percentages.
- ``records`` drill down to what the value was computed from: at most ``query.record_limit`` of them, each with
  a label in the reader's language and, where a page shows the record, its URL; ``record_count`` is the total.
- ``cut_off`` is the date of the newest data the value rests on (the close of a wave, the last import).
- ``breakdowns`` names the dimensions the figure can be asked for: ``"member"`` (a member municipality),
  ``"product"`` (a catalogue product) and ``"office"`` (an office of a member, a registry organisation of kind
  office). For ``"product"`` and ``"office"`` the source also lists which ids it has data for with ``keys=``
  (``keys(query, dimension) -> ids``); the controlling app asks only for those. Members are the provider's
  members (the controlling app knows them).

This module is pure Python and imports nothing from Django, so the engines of the controlling app can use its
types.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class UnknownSource(LookupError):
    """No app has registered a figure under this source key."""


@dataclass(frozen=True)
class KpiQuery:
    """What the controlling app asks for: the figure of one provider (and optionally one member) for one period."""

    provider_id: int  # the IT provider (registry Organization) whose performance is measured
    period_start: date  # first day of the period, inclusive
    period_end: date  # last day of the period, inclusive (a calendar year: 1 Jan .. 31 Dec)
    member_id: int | None = None  # a breakdown per member municipality, or None for all members together
    product_id: int | None = None  # a breakdown per catalogue product, or None
    office_id: int | None = None  # a breakdown per office (registry organisation of kind office), or None
    record_limit: int = 50  # at most this many drill-down records


KeyLister = Callable[[KpiQuery, str], Iterable[int]]


@dataclass(frozen=True)
class KpiRecord:
    """One record a value was computed from (a post, an asset, a control, a response group, an outage)."""

    label: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class KpiFigure:
    """A source app's answer."""

    value: Decimal
    cut_off: date
    records: tuple[KpiRecord, ...] = ()
    record_count: int = 0
    note: str = ""  # e.g. "weighted by member staff; unweighted 4.12" — in the reader's language


@dataclass(frozen=True)
class SourceSpec:
    key: str
    unit: str  # "share", "score", "count", "days", "years", "eur", "hours", "number"
    label: str  # English, marked with gettext_noop; translated when shown
    compute: Callable[[KpiQuery], KpiFigure | None] = field(compare=False)
    breakdowns: tuple[str, ...] = ()  # which of "member", "product", "office" the figure supports
    keys: KeyLister | None = field(default=None, compare=False)  # ids with data per "product" / "office"


_REGISTRY: dict[str, SourceSpec] = {}

UNITS = frozenset({"share", "score", "count", "days", "years", "eur", "hours", "number"})
BREAKDOWNS = frozenset({"member", "product", "office"})


def register(
    key: str, *, unit: str, label: str, breakdowns: tuple[str, ...] = (), keys: KeyLister | None = None
) -> Callable[[Callable[[KpiQuery], KpiFigure | None]], Callable[[KpiQuery], KpiFigure | None]]:
    """Declare a figure under `key` (``"app.figure"``). Registering the same key twice with another function fails."""
    if "." not in key:
        raise ValueError(f"A source key is 'app.figure', not {key!r}.")
    if unit not in UNITS:
        raise ValueError(f"Unknown unit {unit!r} for {key}.")
    if not set(breakdowns) <= BREAKDOWNS:
        raise ValueError(f"Unknown breakdown in {breakdowns!r} for {key}.")

    def decorate(function: Callable[[KpiQuery], KpiFigure | None]) -> Callable[[KpiQuery], KpiFigure | None]:
        existing = _REGISTRY.get(key)
        if existing is not None and existing.compute is not function:
            qualified = f"{function.__module__}.{function.__qualname__}"
            previous = f"{existing.compute.__module__}.{existing.compute.__qualname__}"
            if qualified != previous:  # the same function imported again (autoreload) is fine
                raise ValueError(f"The source key {key} is already registered by {previous}.")
        _REGISTRY[key] = SourceSpec(key=key, unit=unit, label=label, compute=function, breakdowns=breakdowns, keys=keys)
        return function

    return decorate


def sources() -> list[SourceSpec]:
    """Every registered figure, by key."""
    return [_REGISTRY[key] for key in sorted(_REGISTRY)]


def source(key: str) -> SourceSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownSource(key) from None


def figure(key: str, query: KpiQuery) -> KpiFigure | None:
    """The figure `key` for `query`, or None when its app has no data yet. An unregistered key raises UnknownSource."""
    spec = source(key)
    if query.member_id is not None and "member" not in spec.breakdowns:
        return None
    if query.product_id is not None and "product" not in spec.breakdowns:
        return None
    if query.office_id is not None and "office" not in spec.breakdowns:
        return None
    return spec.compute(query)


def breakdown_keys(key: str, query: KpiQuery, dimension: str) -> list[int]:
    """The ids of `dimension` ("product" or "office") the figure `key` has data for in the query's period; empty
    when the figure has no such breakdown or does not list its ids."""
    spec = source(key)
    if dimension not in spec.breakdowns or spec.keys is None:
        return []
    return sorted(set(spec.keys(query, dimension)))
