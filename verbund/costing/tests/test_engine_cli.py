"""The engine imports no Django; the JSON CLI (`python -m verbund.costing.engine`) and `costing-calc` work without
a database (these tests have no `db` fixture, so pytest-django would refuse any query)."""

import json
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from verbund.costing.engine import calculate, load_model, result_to_json

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = FIXTURES / "verbund-small.json"


def test_importing_the_engine_does_not_import_django():
    code = (
        "import verbund.costing.engine, verbund.costing.engine.cli, sys; "
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_module_cli_prints_the_result_as_json_with_decimal_strings():
    result = subprocess.run(
        [sys.executable, "-m", "verbund.costing.engine", str(SMALL)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "verbund-costing-result/2"
    assert data["allocation"]["total"] == "1095000.00"
    rates = {p["id"]: p["rate"] for p in data["products"]}
    assert rates["AP-100"] == "310.0553"
    assert all(isinstance(f["amount"], str) for f in data["fees"])
    assert data["variance"]["products"][0]["id"] == "AP-100"
    assert data["fees"][0]["trace"]


def test_module_cli_overrides_the_method_and_reports_errors_with_a_path(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "verbund.costing.engine", str(SMALL), "--method", "step_down", "--order", "NETZ,RZ"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["allocation"]["order"] == ["NETZ", "RZ"]
    bad = tmp_path / "bad.json"
    bad.write_text(SMALL.read_text(encoding="utf-8").replace('"amount": "180000.00"', '"amount": "-1"'))
    result = subprocess.run(
        [sys.executable, "-m", "verbund.costing.engine", str(bad)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: primary_costs[RZ/PERS]: ")


def test_management_command_runs_without_a_database(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    out = StringIO()
    call_command("costing-calc", str(model), "--method", "direct", "--no-trace", stdout=out)
    data = json.loads(out.getvalue())
    assert data["allocation"]["method"] == "direct"
    assert "trace" not in data["allocation"]
    assert sum(Decimal(c["total"]) for c in data["allocation"]["end_centres"].values()) == Decimal("1095000.00")


def test_management_command_turns_engine_errors_into_command_errors(tmp_path):
    model = tmp_path / "model.json"
    model.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match=r"^\$: not valid JSON"):
        call_command("costing-calc", str(model), stdout=StringIO())


def test_result_json_is_plain_json_and_fees_match_the_result():
    with SMALL.open(encoding="utf-8") as stream:
        result = calculate(load_model(json.load(stream, parse_float=Decimal)))
    data = json.loads(json.dumps(result_to_json(result)))
    assert {(f["member"], f["product"]): Decimal(f["amount"]) for f in data["fees"]} == {
        (line.member, line.product): line.amount for line in result.fees.lines
    }
    assert data["members"] == {m: str(v) for m, v in result.fees.by_member.items()}
