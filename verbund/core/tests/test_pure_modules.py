"""Pure modules (engines, key checks, file parsers) must not import Django."""

import subprocess
import sys

PURE_MODULES = [
    "verbund.core.money",
    "verbund.core.csvexport",
    "verbund.registry.keys",
    "verbund.registry.gv100ad",
    "verbund.catalog.engine.pricing",
    "verbund.core.steps",
    "verbund.governance.engine.voting",
    "verbund.ownership.engine.inhouse",
    "verbund.ownership.engine.benefits",
]


def test_pure_modules_do_not_import_django():
    code = (
        "import sys, importlib\n"
        f"for name in {PURE_MODULES!r}: importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
