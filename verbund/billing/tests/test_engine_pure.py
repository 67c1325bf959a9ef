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


def test_the_vat_breakdown_is_the_engines_own():
    """engine.vat computes BG-22/BG-23 on its own types; the XML layer only takes the stored result."""
    code = (
        "import sys\n"
        "from decimal import Decimal as D\n"
        "from verbund.billing import engine\n"
        "groups = engine.vat_breakdown([engine.TaxedAmount('S', D('19'), D('10.05')), "
        "engine.TaxedAmount('S', D('19.00'), D('0.02')), engine.TaxedAmount('E', D('0'), D('5.00'), 'r')])\n"
        "print([(g.category, str(g.rate), str(g.taxable), str(g.tax), g.exemption_reason) for g in groups])\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith('verbund.billing.xrechnung'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    groups, leaked = result.stdout.split("\n")[:2]
    assert groups == "[('S', '19.00', '10.07', '1.91', ''), ('E', '0.00', '5.00', '0.00', 'r')]"
    assert leaked.strip() == ""
