"""The pure analysis engine of satisfaction surveys (no Django): statistics in `stats`, the analysis of a wave
and the comparison of two waves in `analysis`."""

from verbund.surveys.engine.analysis import (
    MESSAGES,
    Comparison,
    PopulationCell,
    QuestionResult,
    QuestionSpec,
    ResponseRow,
    Stat,
    WaveInput,
    WaveResult,
    analyse,
    compare,
)
from verbund.surveys.engine.stats import Interval, nps, two_proportion_test, welch_test, wilson

__all__ = [
    "MESSAGES",
    "Comparison",
    "Interval",
    "PopulationCell",
    "QuestionResult",
    "QuestionSpec",
    "ResponseRow",
    "Stat",
    "WaveInput",
    "WaveResult",
    "analyse",
    "compare",
    "nps",
    "two_proportion_test",
    "welch_test",
    "wilson",
]
