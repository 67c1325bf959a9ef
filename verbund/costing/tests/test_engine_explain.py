"""The costing engine's traces are language-neutral steps (ADR 0025): known codes, typed arguments, stable JSON,
rendered in German or English without a leftover placeholder; docs/costing-model-format.md lists every code."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.translation import override

from verbund.core.explain import render_steps
from verbund.core.steps import Step, step_from_json, step_json
from verbund.costing.engine import MESSAGES, Method, calculate, explain, load_model, result_to_json

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "costing-model-format.md"


def _all_steps(data):
    """Every step in a result's JSON (all traces, at any depth)."""
    if isinstance(data, dict):
        if set(data) >= {"code", "args"}:
            yield data
            return
        for value in data.values():
            yield from _all_steps(value)
    elif isinstance(data, list):
        for value in data:
            yield from _all_steps(value)


@pytest.fixture(scope="module", params=list(Method))
def result_json(request):
    with (FIXTURES / "verbund-small.json").open(encoding="utf-8") as stream:
        model = load_model(json.load(stream, parse_float=Decimal))
    return json.loads(json.dumps(result_to_json(calculate(model, method=request.param, order=("RZ", "NETZ")))))


def test_every_step_has_a_known_code_and_exactly_its_arguments(result_json):
    steps = list(_all_steps(result_json))
    assert steps and all(isinstance(s["code"], str) for s in steps)
    for step in steps:
        assert set(step["args"]) == set(MESSAGES[step["code"]].kinds), step


def test_json_steps_round_trip(result_json):
    for data in _all_steps(result_json):
        assert step_json(step_from_json(data, MESSAGES)) == data


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_step_renders_in_both_languages(result_json, language):
    steps = list(_all_steps(result_json))
    with override(language):
        lines = [line.text for line in render_steps(steps, MESSAGES)]
    assert all("%(" not in line and not line.startswith(tuple(MESSAGES)) for line in lines)
    if language == "de":
        assert not any("rounded to the cent" in line for line in lines)
        assert any("auf den Cent gerundet" in line for line in lines)


def test_german_numbers_and_names():
    step = Step(
        "fee.metered",
        {
            "member": "7",
            "product": "AP-100",
            "quantity": Decimal("1100"),
            "rate": Decimal("310.0553"),
            "exact": Decimal("341060.83"),
            "amount": Decimal("341060.83"),
        },
    )
    names = {"member": {"7": "Kreis Warendorf"}, "product": {"AP-100": "AP-100 Arbeitsplatz"}}
    with override("de"):
        (line,) = render_steps([step], MESSAGES, names)
    assert line.text == (
        "Kreis Warendorf × AP-100 Arbeitsplatz: 1.100 × 310,0553 = 341.060,83 → 341.060,83 (auf den Cent gerundet)"
    )
    assert explain([step]) == ("7 × AP-100: 1,100 × 310.0553 = 341,060.83 → 341,060.83 (rounded to the cent)",)


def test_unknown_codes_are_shown_not_refused():
    with override("de"):
        (line,) = render_steps([{"code": "future.step", "args": {"x": "1"}}], MESSAGES)
    assert "future.step" in line.text


def test_the_docs_list_every_code_with_its_arguments():
    text = DOCS.read_text(encoding="utf-8")
    for code, message in MESSAGES.items():
        row = re.search(rf"^\| `{re.escape(code)}` \|(.*)$", text, re.M)
        assert row, f"{code} is missing from docs/costing-model-format.md"
        for name in message.kinds:
            assert f"`{name}`" in row.group(1), (code, name)
