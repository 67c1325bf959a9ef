"""Command-line entry shared by `python -m verbund.costing.engine` and `verbund costing-calc` (no database)."""

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .calculate import calculate
from .errors import CostingError
from .inputs import Method
from .model_json import load_model
from .result_json import result_to_json

DESCRIPTION = (
    "Run the costing engine on a JSON model (docs/costing-model-format.md) and print the result as JSON: "
    "allocation, product costs and unit rates, fees per member and product, plan vs actual."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", type=Path, help="the model file (JSON)")
    parser.add_argument(
        "--method", choices=[m.value for m in Method], default=None, help="override the model's allocation method"
    )
    parser.add_argument("--order", default=None, help="step-down order, comma-separated support centre ids")
    parser.add_argument("--no-trace", action="store_true", help="leave the explanations (trace) out")
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (0: one line)")


def calculate_file(path: Path, *, method: str | None, order: str | None, trace: bool) -> dict[str, Any]:
    """Read the model at `path`, run every phase, return the JSON result; raises `CostingError`."""
    try:
        with path.open(encoding="utf-8") as stream:
            data = json.load(stream, parse_float=Decimal)
    except OSError as exc:
        raise CostingError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise CostingError("$", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    model = load_model(data, validate=False)
    result = calculate(
        model,
        method=None if method is None else Method(method),
        order=None if order is None else tuple(c.strip() for c in order.split(",") if c.strip()),
    )
    return result_to_json(result, trace=trace)


def dumps(data: dict[str, Any], indent: int) -> str:
    return json.dumps(data, indent=indent or None, ensure_ascii=False)


def main(argv: list[str] | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    parser = argparse.ArgumentParser(prog="python -m verbund.costing.engine", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        data = calculate_file(args.model, method=args.method, order=args.order, trace=not args.no_trace)
    except CostingError as exc:
        stderr.write(f"error: {exc}\n")
        return 2
    stdout.write(dumps(data, args.indent) + "\n")
    return 0
