"""Credit notes: a full reversal that references the invoice; the original becomes cancelled."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from verbund.billing.choices import InvoiceStatus
from verbund.billing.models import Invoice
from verbund.billing.services import billing_run_issue, billing_run_prepare, invoice_credit
from verbund.core.models import AuditEvent


@pytest.fixture
def issued(approved_plan, seller, members, registry):
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    return billing_run_issue(actor=None, run=run)


def test_credit_note_reverses_the_invoice_and_cancels_it(issued, registry, clerk):
    from verbund.billing.xrechnung import validate_ubl

    original = issued.invoices.get(member=registry["telgte"])
    credit = invoice_credit(actor=clerk, invoice=original, reason="Falsche Menge", issue_date=dt.date(2026, 2, 1))
    original.refresh_from_db()
    assert original.status == InvoiceStatus.CANCELLED and original.cancelled_at is not None
    assert original.number.startswith("RE-2026-")  # the cancelled invoice keeps everything
    assert credit.type_code == "381" and credit.number == "GS-2026-000001" and credit.status == InvoiceStatus.ISSUED
    assert credit.credit_for == original and credit.run is None and credit.credit_reason == "Falsche Menge"
    assert (credit.net_total, credit.tax_total, credit.gross_total) == (
        original.net_total,
        original.tax_total,
        original.gross_total,
    )
    originals = list(original.lines.values_list("product_number", "quantity", "unit_price", "net"))
    assert list(credit.lines.values_list("product_number", "quantity", "unit_price", "net")) == originals
    xml = bytes(credit.xml)
    assert b"<CreditNote" in xml and f"<cbc:ID>{original.number}</cbc:ID>".encode() in xml  # BT-25
    assert validate_ubl(xml).valid
    events = AuditEvent.objects.filter(object_id__in=[str(original.pk), str(credit.pk)])
    assert events.filter(after__status="cancelled").exists() and events.filter(after__status="issued").exists()


def test_crediting_twice_a_draft_or_without_reason_is_refused(issued, registry, approved_plan):
    original = issued.invoices.get(member=registry["ahlen"])
    with pytest.raises(ValidationError):
        invoice_credit(actor=None, invoice=original, reason="  ")
    invoice_credit(actor=None, invoice=original, reason="Storno")
    with pytest.raises(ValidationError):
        invoice_credit(actor=None, invoice=original, reason="noch einmal")
    assert Invoice.objects.filter(credit_for=original).count() == 1
    draft_run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=2, billing_date=dt.date(2026, 2, 5)
    )
    with pytest.raises(ValidationError):
        invoice_credit(actor=None, invoice=draft_run.invoices.first(), reason="Entwurf")


def test_a_credit_note_is_reversed_by_an_invoice(issued, registry):
    credit = invoice_credit(actor=None, invoice=issued.invoices.get(member=registry["telgte"]), reason="Storno")
    again = invoice_credit(actor=None, invoice=credit, reason="Storno war falsch")
    assert again.type_code == "380" and again.number.startswith("RE-") and again.credit_for == credit
    credit.refresh_from_db()
    assert credit.status == InvoiceStatus.CANCELLED


def test_cancelled_instalments_are_not_deducted_in_the_final_settlement(issued, registry):
    from verbund.billing.selectors import instalments_invoiced

    invoice_credit(actor=None, invoice=issued.invoices.get(member=registry["telgte"]), reason="Storno")
    deducted = instalments_invoiced(provider=registry["citeq"], year=2026)
    assert all(member_id != registry["telgte"].pk for member_id, _product in deducted)
    assert any(member_id == registry["ahlen"].pk for member_id, _product in deducted)


def test_internal_settlements_are_credited_internally(approved_plan, seller, members, registry):
    from verbund.registry.models import AgreementParty

    AgreementParty.objects.filter(organization=registry["ahlen"]).update(role="host")
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=dt.date(2026, 1, 5)
    )
    run = billing_run_issue(actor=None, run=run)
    credit = invoice_credit(actor=None, invoice=run.invoices.get(internal=True), reason="Korrektur")
    assert credit.internal and credit.number == "IV-2026-000002" and credit.xml is None
