"""The in-house judgement in the reader's language: status label, each rule with its text and its lines."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from verbund.core.explain import render_steps, translate_message
from verbund.core.steps import Kind
from verbund.ownership.choices import Eligibility
from verbund.ownership.engine import inhouse as engine

RULE_LABELS = {
    engine.PRIVATE_CAPITAL: gettext_lazy("No private capital"),
    engine.CONTROL: gettext_lazy("Control by the owners"),
    engine.ACTIVITY: gettext_lazy("More than 80 % of the activities"),
}


@dataclass(frozen=True)
class RuleView:
    code: str
    label: str
    passed: bool | None
    text: str
    lines: list[str]


def rules(judgement: engine.Judgement, names: dict[int, str]) -> list[RuleView]:
    table: dict[str, dict[str, str]] = {str(Kind.MEMBER): {str(pk): name for pk, name in names.items()}}
    return [
        RuleView(
            rule.code,
            str(RULE_LABELS[rule.code]),
            rule.passed,
            translate_message(rule.text),
            [line.text for line in render_steps(rule.trace, engine.MESSAGES, table)],
        )
        for rule in judgement.rules
    ]


def status_label(judgement: engine.Judgement) -> str:
    return str(Eligibility(judgement.status).label)


def as_json(judgement: engine.Judgement, names: dict[int, str]) -> dict[str, Any]:
    return {
        "entity_id": judgement.entity_id,
        "day": judgement.as_of,
        "status": judgement.status,
        "status_label": status_label(judgement),
        "years": list(judgement.years),
        "turnover_total": judgement.turnover_total,
        "turnover_controllers": judgement.turnover_controllers,
        "activity_share_percent": judgement.activity_share,
        "controllers": sorted(judgement.controllers),
        "rules": [
            {"code": r.code, "label": r.label, "passed": r.passed, "text": r.text, "lines": r.lines}
            for r in rules(judgement, names)
        ],
    }
