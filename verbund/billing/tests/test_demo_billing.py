"""The demo seller profile, and the acceptance check: right after `load-demo`, the instalment run of January
2026 issues (every e-invoice valid, the host city settled internally)."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from verbund.billing.choices import InvoiceStatus, RunStatus
from verbund.billing.models import Invoice, InvoiceRun, SellerProfile
from verbund.demo.billing import CITEQ_SELLER, DEMO_IBAN, load_demo_billing


def test_demo_seller_profile_is_created_once_and_completes_district_addresses(registry):
    assert load_demo_billing() == {"seller_profiles": 1, "addresses_completed": 1}  # Kreis Warendorf
    profile = SellerProfile.objects.get(provider=registry["citeq"])
    assert profile.iban == DEMO_IBAN and profile.host_settlement_internal and profile.invoice_frequency == "monthly"
    assert profile.contact_name == CITEQ_SELLER["contact_name"] and profile.street == "Scheibenstraße 109"
    registry["kreis"].refresh_from_db()
    assert registry["kreis"].postcode == "48231"
    assert load_demo_billing() == {"seller_profiles": 0, "addresses_completed": 0}


@pytest.mark.skipif(not settings.GV100AD_DEFAULT_PATH.exists(), reason="shared data (GV100AD) not present")
def test_instalment_run_issues_right_after_load_demo(db):
    """Every provider that can bill issues its own run (issue #14): citeq, Kreis Steinfurt IT and the operating
    company, each with its own series and seller; KAAW, whose only service moved, has no party left and is named
    and skipped."""
    call_command("load-demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue", stdout=out)
    runs = {run.provider.short_name: run for run in InvoiceRun.objects.select_related("provider")}
    assert set(runs) == {"citeq", "Kreis Steinfurt IT", "Münsterland IT Betrieb"}
    for run in runs.values():
        assert run.status == RunStatus.ISSUED and run.blocking_problems == []
        invoices = Invoice.objects.filter(run=run)
        assert not invoices.filter(status=InvoiceStatus.DRAFT).exists()
        e_invoices = invoices.filter(internal=False)
        assert e_invoices.count() == e_invoices.exclude(xml=None).count() > 0
        assert all(not [f for f in i.validation_findings if f["severity"] == "fatal"] for i in e_invoices)
    internal = Invoice.objects.get(run=runs["citeq"], internal=True)
    assert internal.member.ags == "05515000" and internal.number == "IV-2026-000001" and internal.xml is None
    assert "RE-2026-000001" in out.getvalue()
    opco = Invoice.objects.filter(run=runs["Münsterland IT Betrieb"])
    assert all(number.startswith("MBRE-2026-") for number in opco.values_list("number", flat=True))
    # the e-mail members moved from citeq and KAAW, and Heek and Heiden, which joined for this product only
    assert {"05554024", "05554028", "05554004", "05515000"} <= set(opco.values_list("member__ags", flat=True))
    steinfurt = Invoice.objects.filter(run=runs["Kreis Steinfurt IT"])
    assert steinfurt.count() == 3 and all(i.number.startswith("STRE-2026-") for i in steinfurt)
    assert "KAAW: no approved party of an agreement; nothing to bill." in out.getvalue()
