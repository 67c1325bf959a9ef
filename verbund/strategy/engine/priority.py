"""The priority score of a service for a municipality (next-capabilities §C.3). Pure Python, no Django.

    S = w_demand · norm(ln(1 + cases)) + w_gap · (L* − L) / L* + w_available · available
        + w_mandatory · mandatory − w_effort · effort

- norm(ln(1 + cases)): the logarithm of the yearly cases divided by the largest such logarithm among the
  services scored together (0 when no service has cases; a service without figures counts 0);
- L* the top level of the maturity model the level was given in (4 in the 2020 model, 7 in 2025), L the
  service's overall level (no level recorded counts as 0);
- available: 1 when a solution exists (a catalogue product of the provider, an EfA service or a solution other
  members use), else 0; mandatory: 1 for SDG-relevant services (flag of the catalogue), else 0;
- effort between 0 and 1 (the caller's estimate; the strategy app uses 0 for a catalogue product, 0.5 for an
  EfA or another member's solution, 1 for no known solution).

The weights are the user's (0–100 each). Every score comes with its trace: one step per term.
A small, separate engine on purpose: the multi-criteria engine of the scenarios app may replace it later.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from verbund.core.money import round_even
from verbund.core.steps import Kind, Message, Step, gettext_noop

PLACES = Decimal("0.0001")
ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True)
class Weights:
    demand: Decimal = ONE
    gap: Decimal = ONE
    available: Decimal = ONE
    mandatory: Decimal = ONE
    effort: Decimal = ONE


@dataclass(frozen=True)
class ServiceFacts:
    ident: str
    cases: int | None
    level: int | None
    max_level: int
    available: bool
    mandatory: bool
    effort: Decimal


@dataclass(frozen=True)
class Score:
    ident: str
    score: Decimal
    demand: Decimal
    gap: Decimal
    trace: tuple[Step, ...]


MESSAGES: dict[str, Message] = {
    "priority.demand": Message(
        gettext_noop("demand: %(weight)s × ln(1 + %(cases)s) / %(top)s = %(value)s"),
        {"weight": Kind.NUMBER, "cases": Kind.COUNT, "top": Kind.NUMBER, "value": Kind.NUMBER},
    ),
    "priority.demand.none": Message(gettext_noop("demand: no case figures, counted as 0"), {}),
    "priority.gap": Message(
        gettext_noop("maturity gap: %(weight)s × (%(max)s − %(level)s) / %(max)s = %(value)s"),
        {"weight": Kind.NUMBER, "max": Kind.COUNT, "level": Kind.COUNT, "value": Kind.NUMBER},
    ),
    "priority.gap.none": Message(gettext_noop("no maturity level recorded: counted as level 0"), {}),
    "priority.available": Message(
        gettext_noop("solution available: %(weight)s × %(flag)s = %(value)s"),
        {"weight": Kind.NUMBER, "flag": Kind.COUNT, "value": Kind.NUMBER},
    ),
    "priority.mandatory": Message(
        gettext_noop("mandatory (SDG): %(weight)s × %(flag)s = %(value)s"),
        {"weight": Kind.NUMBER, "flag": Kind.COUNT, "value": Kind.NUMBER},
    ),
    "priority.effort": Message(
        gettext_noop("effort: − %(weight)s × %(effort)s = −%(value)s"),
        {"weight": Kind.NUMBER, "effort": Kind.NUMBER, "value": Kind.NUMBER},
    ),
    "priority.total": Message(gettext_noop("score = %(score)s"), {"score": Kind.NUMBER}),
}


class WeightError(ValueError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"weight {name} must be between 0 and 100")


def _q(value: Decimal) -> Decimal:
    return round_even(value, PLACES)


def check_weights(weights: Weights) -> None:
    for name in ("demand", "gap", "available", "mandatory", "effort"):
        value = getattr(weights, name)
        if not isinstance(value, Decimal) or not ZERO <= value <= Decimal(100):
            raise WeightError(name)


def score_services(services: Iterable[ServiceFacts], weights: Weights) -> list[Score]:
    """The scores, highest first (ties by ident, so that the order is stable)."""
    check_weights(weights)
    items: Sequence[ServiceFacts] = list(services)
    logs = {s.ident: (Decimal(1 + s.cases).ln() if s.cases else ZERO) for s in items}
    top = max(logs.values(), default=ZERO)
    results = []
    for s in items:
        trace: list[Step] = []
        if s.cases and top > 0:
            demand = _q(weights.demand * logs[s.ident] / top)
            trace.append(
                Step("priority.demand", {"weight": weights.demand, "cases": s.cases, "top": _q(top), "value": demand})
            )
        else:
            demand = ZERO
            trace.append(Step("priority.demand.none", {}))
        level = s.level if s.level is not None else 0
        if s.level is None:
            trace.append(Step("priority.gap.none", {}))
        gap = _q(weights.gap * Decimal(max(s.max_level - level, 0)) / Decimal(s.max_level))
        trace.append(Step("priority.gap", {"weight": weights.gap, "max": s.max_level, "level": level, "value": gap}))
        available = weights.available if s.available else ZERO
        trace.append(
            Step("priority.available", {"weight": weights.available, "flag": int(s.available), "value": available})
        )
        mandatory = weights.mandatory if s.mandatory else ZERO
        trace.append(
            Step("priority.mandatory", {"weight": weights.mandatory, "flag": int(s.mandatory), "value": mandatory})
        )
        effort = _q(weights.effort * s.effort)
        trace.append(Step("priority.effort", {"weight": weights.effort, "effort": s.effort, "value": effort}))
        total = _q(demand + gap + available + mandatory - effort)
        trace.append(Step("priority.total", {"score": total}))
        results.append(Score(s.ident, total, demand, gap, tuple(trace)))
    results.sort(key=lambda r: (-r.score, r.ident))
    return results
