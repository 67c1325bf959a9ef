"""The billing engine is plain Python: importing it pulls in no Django."""

import subprocess
import sys


def test_billing_engine_does_not_import_django():
    code = (
        "import sys, verbund.billing.engine\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
