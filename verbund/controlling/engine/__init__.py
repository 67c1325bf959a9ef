"""The pure engine of the controlling app: judging a KPI value against its effective-dated target, the trend
against last year, the series of a KPI (a changed definition starts a new one) and formula KPIs.

Nothing here imports Django; inputs are frozen dataclasses, results carry a trace of message ids (put into words
by `verbund.controlling.views` with `MESSAGES`)."""

from verbund.controlling.engine.formula import FormulaError, evaluate, parse, variables
from verbund.controlling.engine.status import (
    Direction,
    Judgement,
    Status,
    TargetVersion,
    Trend,
    judge,
    series_values,
    target_for,
    trend,
)

__all__ = [
    "Direction",
    "FormulaError",
    "Judgement",
    "Status",
    "TargetVersion",
    "Trend",
    "evaluate",
    "judge",
    "parse",
    "series_values",
    "target_for",
    "trend",
    "variables",
]
