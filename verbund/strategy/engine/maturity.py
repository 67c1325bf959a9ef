"""The two OZG maturity models (Reifegradmodelle) and how a service's overall level follows from its criteria.

Pure Python, no Django. Model 1.1 (June 2020) has levels 0–4 and ten criteria; model 2.0 (July 2025) has levels
0–7 and 13 criteria. In both the overall level is the lowest level over the criteria ("the lowest criterion
decides", standards §3.3; for 2.0 the levels build on each other, so the same minimum rule applies). A level is
only given when every criterion of the model has one; partial scores give no overall level.

The criterion codes are the project's working names (the official criteria titles of 2.0 were not available,
see docs/user-guide.md); they are stored with the model version so that both scales stay auditable.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from verbund.core.steps import Kind, Message, Step, gettext_noop


@dataclass(frozen=True)
class MaturityModel:
    version: str
    max_level: int
    criteria: tuple[str, ...]
    ozg_compliant_from: int


RG_2020 = MaturityModel(
    version="2020",
    max_level=4,
    criteria=(
        "information",
        "form",
        "submission",
        "evidence",
        "identification",
        "payment",
        "notice",
        "status",
        "once_only",
        "accessibility",
    ),
    ozg_compliant_from=3,
)
RG_2025 = MaturityModel(
    version="2025",
    max_level=7,
    criteria=(
        "information",
        "application",
        "evidence",
        "identification",
        "mailbox",
        "payment",
        "notice",
        "status",
        "process",
        "data",
        "once_only",
        "e_file",
        "end_to_end",
    ),
    ozg_compliant_from=3,
)
MODELS: dict[str, MaturityModel] = {RG_2020.version: RG_2020, RG_2025.version: RG_2025}

MESSAGES: dict[str, Message] = {
    "maturity.min": Message(
        gettext_noop("overall level %(level)s = lowest of %(count)s criteria (model %(model)s), decided by %(by)s"),
        {"level": Kind.COUNT, "count": Kind.COUNT, "model": Kind.YEAR, "by": Kind.TEXT},
    ),
}


class MaturityError(ValueError):
    """A score outside the model; `message` is a msgid with `params`."""

    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message % params)


@dataclass(frozen=True)
class OverallLevel:
    level: int | None
    trace: tuple[Step, ...]


def check_scores(model: MaturityModel, scores: Mapping[str, int]) -> None:
    for criterion, level in scores.items():
        if criterion not in model.criteria:
            raise MaturityError(
                gettext_noop("Unknown criterion %(criterion)s of maturity model %(model)s."),
                criterion=criterion,
                model=model.version,
            )
        if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= model.max_level:
            raise MaturityError(
                gettext_noop("Level of %(criterion)s must be a whole number from 0 to %(max)s."),
                criterion=criterion,
                max=model.max_level,
            )


def overall_level(model: MaturityModel, scores: Mapping[str, int]) -> OverallLevel:
    """The lowest criterion decides; None while a criterion has no score."""
    check_scores(model, scores)
    if set(scores) != set(model.criteria):
        return OverallLevel(None, ())
    level = min(scores.values())
    lowest = ", ".join(c for c in model.criteria if scores[c] == level)
    step = Step("maturity.min", {"level": level, "count": len(scores), "model": int(model.version), "by": lowest})
    return OverallLevel(level, (step,))
