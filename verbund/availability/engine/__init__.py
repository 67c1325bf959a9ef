"""Availability against the agreed SLA, as pure Python (no Django): see `compute`."""

from verbund.availability.engine.compute import (
    MAJOR_SECONDS,
    Cell,
    Commitment,
    Incident,
    PeriodResult,
    Window,
    YearResult,
    compute_many,
    compute_year,
    format_windows,
    month_bounds,
    parse_windows,
    service_intervals,
)

__all__ = [
    "MAJOR_SECONDS",
    "Cell",
    "Commitment",
    "Incident",
    "PeriodResult",
    "Window",
    "YearResult",
    "compute_many",
    "compute_year",
    "format_windows",
    "month_bounds",
    "parse_windows",
    "service_intervals",
]
