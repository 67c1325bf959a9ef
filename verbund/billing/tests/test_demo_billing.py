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
    call_command("load-demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue", stdout=out)
    run = InvoiceRun.objects.get()
    assert run.status == RunStatus.ISSUED and run.blocking_problems == []
    invoices = Invoice.objects.filter(run=run)
    assert not invoices.filter(status=InvoiceStatus.DRAFT).exists()
    internal = invoices.get(internal=True)
    assert internal.member.ags == "05515000" and internal.number == "IV-2026-000001" and internal.xml is None
    e_invoices = invoices.filter(internal=False)
    assert e_invoices.count() == e_invoices.exclude(xml=None).count() > 0
    assert all(not [f for f in i.validation_findings if f["severity"] == "fatal"] for i in e_invoices)
    assert "RE-2026-000001" in out.getvalue()
    # KAAW and the operating company have catalogues and seller profiles but no agreement with members yet (#14)
    assert "KAAW: no approved party of an agreement; nothing to bill." in out.getvalue()
