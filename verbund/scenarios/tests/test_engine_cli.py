"""The JSON model format: the shipped example runs (module and management command), bad files name the path."""

import io
import json
import pathlib

import pytest
from django.core.management import CommandError, call_command

from verbund.scenarios.engine.cli import main
from verbund.scenarios.engine.model_json import run_json

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "docs" / "examples" / "scenario-model.json"


def test_the_documented_example_runs():
    out, err = io.StringIO(), io.StringIO()
    assert main([str(EXAMPLE), "--indent", "0"], stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    holding, _merger = data["scenarios"]
    assert len(holding["years"]) == 7 and holding["years"][0]["total"] == data["status_quo"]["years"][0]["total"]
    assert set(holding["years"][-1]["fees"]) == {"muenster", "telgte", "ahaus", "borken", "kreis_steinfurt"}
    shapley = holding["shapley"]["values"]
    total = sum(float(v) for v in shapley.values())
    assert total == pytest.approx(float(holding["savings"]), abs=0.05)  # efficiency
    assert holding["monte_carlo"]["seed"] == 1 and 0 <= holding["monte_carlo"]["probability_better"] <= 1
    assert set(data["mcda"]["methods"]) == {"weighted_sum", "topsis", "promethee_ii"}
    assert any(c["code"] == "staff.civil_servants" and c["passed"] is False for c in holding["checks"])
    assert holding["explanation"][-1].startswith("Fees 2032")


def test_the_management_command_runs_without_a_database(capsys):
    call_command("scenario-calc", str(EXAMPLE), "--no-trace")
    assert json.loads(capsys.readouterr().out)["scenarios"][1]["id"] == "merger"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["items"][0].update(cost="abc"), "items[0].cost"),
        (
            lambda d: d["scenarios"][0]["moves"].append({"item": "cq-dc", "entity": "kaaw", "year": 2027}),
            "scenarios[0].moves[6]",
        ),
        (lambda d: d["criteria"][0].update(weight="0.9"), "criteria"),
        (lambda d: d["providers"][1]["owners"][0].update(share="0.7"), "providers[kaaw].owners"),
        (lambda d: d["items"][4].pop("planned_quantity"), "items[4].planned_quantity"),
    ],
)
def test_bad_models_name_the_path(change, message, tmp_path):
    data = json.loads(EXAMPLE.read_text())
    data.pop("monte_carlo")
    change(data)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    err = io.StringIO()
    assert main([str(path)], stdout=io.StringIO(), stderr=err) == 2
    assert message in err.getvalue()
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        call_command("scenario-calc", str(path))


def test_not_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{")
    err = io.StringIO()
    assert main([str(path)], stdout=io.StringIO(), stderr=err) == 2
    assert "not valid JSON" in err.getvalue()
    assert run_json({"base_year": 2026, "start_year": 2026, "end_year": 2026})["scenarios"] == []
