"""Command-line entry shared by `python -m verbund.scenarios.engine` and `verbund scenario-calc` (no database)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .errors import ScenarioError
from .model_json import run_json

DESCRIPTION = (
    "Run the scenario engine on a JSON model (docs/scenario-model-format.md) and print the result as JSON: "
    "cost per entity and year, NPV, every member's fee per year, rule checks, MCDA, Shapley, Monte Carlo."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", type=Path, help="the model file (JSON)")
    parser.add_argument("--no-trace", action="store_true", help="leave the explanations (trace) out")
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0: one line)")


def calculate_file(path: Path, *, trace: bool) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScenarioError("$", f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ScenarioError("$", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    return run_json(data, trace=trace)


def dumps(data: dict[str, Any], indent: int) -> str:
    return json.dumps(data, indent=indent or None, ensure_ascii=False)


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m verbund.scenarios.engine", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        data = calculate_file(args.model, trace=not args.no_trace)
    except ScenarioError as exc:
        stderr.write(f"error: {exc}\n")
        return 2
    stdout.write(dumps(data, args.indent) + "\n")
    return 0
