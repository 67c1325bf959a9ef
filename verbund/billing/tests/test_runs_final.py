"""Invoice runs, final settlement and extras: actual minus instalments, credit notes, early settlements, zero
balances, the run summary, the documents' language (split from test_runs.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from verbund.billing.choices import RunStatus
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun
from verbund.billing.services import billing_run_issue, billing_run_prepare, seller_profile_save
from verbund.billing.tests.test_runs import BILLING_DATE, fee, prepare
from verbund.core.models import NumberSequence
from verbund.core.money import round_money

D = Decimal


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def test_final_settlement_is_actual_minus_instalments(ready, registry):
    for month in (1, 2):
        billing_run_issue(actor=None, run=prepare(registry, period=month, billing_date=dt.date(2026, month, 5)))
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    assert run.blocking_problems == []
    telgte = registry["telgte"]
    invoice = run.invoices.get(member=telgte)
    assert invoice.type_code == "380" and invoice.period_start == dt.date(2026, 1, 1)
    lines = {(line.product_number, line.kind): line for line in invoice.lines.all()}
    ap_fee = fee(telgte, "AP-100")
    instalments_ap = round_money(ap_fee / 6)  # Jan + Feb: round(2/12 × fee)
    actual_ap = round_money(D(40) * D("1266.6667"))  # approved rate × 40 × 365 / 365
    assert lines[("AP-100", "actual")].net == actual_ap
    assert lines[("AP-100", "deduction")].net == -instalments_ap
    assert lines[("AP-100", "actual")].unit_price == D("1266.6667")
    oz_fee = fee(telgte, "OZ-200")
    assert lines[("OZ-200", "actual")].net == oz_fee  # shared: the planned fee × 365/365 days
    assert lines[("OZ-200", "deduction")].net == -round_money(oz_fee / 6)
    assert invoice.net_total == actual_ap - instalments_ap + oz_fee - round_money(oz_fee / 6)
    issued = billing_run_issue(actor=None, run=run)
    assert issued.invoices.filter(xml__isnull=False).count() == 2


def test_final_settlement_with_a_negative_balance_is_a_credit_note(ready, registry):
    from verbund.orders.models import Subscription

    for month in (1, 2):
        billing_run_issue(actor=None, run=prepare(registry, period=month, billing_date=dt.date(2026, month, 5)))
    Subscription.objects.filter(member=registry["telgte"]).update(end_date=dt.date(2026, 1, 15))
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    invoice = run.invoices.get(member=registry["telgte"])
    assert invoice.type_code == "381" and invoice.series == "GS" and invoice.net_total > 0
    assert invoice.title.startswith("Gutschrift")
    issued = billing_run_issue(actor=None, run=run)
    credit = issued.invoices.get(member=registry["telgte"])
    assert credit.number == "GS-2027-000001"
    assert bytes(credit.xml).lstrip().startswith(b"<?xml") and b"<CreditNote" in bytes(credit.xml)


def test_final_settlement_warns_about_instalment_runs_still_in_draft(ready, registry):
    prepare(registry, period=3)
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    assert "instalment_run_open" in {p["code"] for p in run.problems}


def test_extras_bill_one_off_services_of_the_period(ready, registry, catalogue):
    from verbund.catalog.models import CatalogueVersionItem, PriceRevision, Product
    from verbund.orders.models import Subscription, SubscriptionQuantity

    training = Product.objects.create(
        number="SC-900", name="Schulung vor Ort", family=catalogue["family"], category="training", unit="one_off",
        status="active",
    )  # fmt: skip
    price = PriceRevision.objects.create(
        product=training, valid_from=dt.date(2026, 1, 1), unit_price=D("450.00"), status="approved"
    )
    CatalogueVersionItem.objects.create(version=catalogue["version"], product=training, price_revision=price)
    sub = Subscription.objects.create(
        member=registry["telgte"], product=training, start_date=dt.date(2026, 1, 20), end_date=dt.date(2026, 1, 20)
    )
    SubscriptionQuantity.objects.create(subscription=sub, valid_from=dt.date(2026, 1, 20), quantity=D(3))
    run = prepare(registry, kind="extras", period=1)
    (invoice,) = run.invoices.all()
    (line,) = invoice.lines.all()
    assert invoice.member == registry["telgte"] and line.kind == "extra"
    assert (line.quantity, line.unit_price, line.net) == (D(3), D("450.0000"), D("1350.00"))
    assert line.period_start == line.period_end == dt.date(2026, 1, 20)
    instalment = prepare(registry, period=1)
    assert "SC-900" not in set(
        InvoiceLine.objects.filter(invoice__run=instalment).values_list("product_number", flat=True)
    )
    assert prepare(registry, kind="extras", period=2).invoices.count() == 0


# ---------------------------------------------------------------- issue #10: final settlement, zero, summary


def test_a_final_settlement_before_the_year_has_ended_is_refused(ready, registry):
    for billing_date, as_of in (
        (dt.date(2026, 12, 3), dt.date(2026, 12, 3)),
        (dt.date(2027, 1, 15), dt.date(2026, 12, 3)),
    ):
        with pytest.raises(ValidationError) as info:
            billing_run_prepare(
                actor=None, provider=registry["citeq"], kind="final", year=2026, period=None,
                billing_date=billing_date, as_of=as_of,
            )  # fmt: skip
        assert "31.12.2026" in " ".join(info.value.messages)
    assert not InvoiceRun.objects.exists() and not Invoice.objects.exists()


def test_an_early_final_settlement_needs_a_reason_and_is_audited(ready, registry, clerk):
    from verbund.core.models import AuditEvent

    run = billing_run_prepare(
        actor=clerk, provider=registry["citeq"], kind="final", year=2026, period=None,
        billing_date=dt.date(2026, 12, 3), as_of=dt.date(2026, 12, 3), early_final_reason="Telgte leaves on 30.11.",
    )  # fmt: skip
    assert run.summary["early_final_reason"] == "Telgte leaves on 30.11."
    assert run.problems[0]["code"] == "early_final" and run.problems[0]["severity"] == "warning"
    event = AuditEvent.objects.filter(object_id=str(run.pk)).latest("pk")
    assert event.after["early_final_reason"] == "Telgte leaves on 30.11."
    with pytest.raises(ValidationError):  # the override is only for a final settlement
        billing_run_prepare(
            actor=clerk, provider=registry["citeq"], kind="instalment", year=2026, period=1,
            billing_date=BILLING_DATE, early_final_reason="why not",
        )  # fmt: skip


def test_no_invoice_is_made_when_the_balance_is_zero(ready, registry, seller):
    from verbund.orders.models import Order, Subscription, SubscriptionQuantity

    seller_profile_save(actor=None, provider=registry["citeq"], invoice_frequency="quarterly")
    subscriptions = Subscription.objects.filter(member=registry["telgte"], product__number="AP-100")
    SubscriptionQuantity.objects.filter(subscription__in=subscriptions).delete()
    Order.objects.filter(subscription__in=subscriptions).delete()
    subscriptions.delete()
    for quarter in (1, 2, 3, 4):
        billing_run_issue(actor=None, run=prepare(registry, period=quarter, billing_date=dt.date(2026, 3 * quarter, 5)))
    # Telgte's only product is shared by a key: actual = planned fee = the four instalments; Ahlen's workplaces
    # at the approved rate for a whole year give its planned fee as well.
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    assert not run.invoices.exists() and run.summary["invoices"] == 0
    notes = [p for p in run.problems if p["code"] == "nothing_to_pay"]
    assert sorted(p["member"] for p in notes) == ["Ahlen, Stadt", "Telgte, Stadt"]
    assert {p["severity"] for p in notes} == {"info"}
    with pytest.raises(ValidationError):
        billing_run_issue(actor=None, run=run)
    assert not NumberSequence.objects.filter(year=2027).exists()


def test_the_run_summary_keeps_credit_notes_apart_from_invoices(ready, registry):
    from verbund.orders.models import Subscription

    for month in (1, 2):
        billing_run_issue(actor=None, run=prepare(registry, period=month, billing_date=dt.date(2026, month, 5)))
    Subscription.objects.filter(member=registry["telgte"]).update(end_date=dt.date(2026, 1, 15))
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    credit = run.invoices.get(member=registry["telgte"])
    bill = run.invoices.get(member=registry["ahlen"])
    assert credit.type_code == "381" and bill.type_code == "380"
    summary = run.summary
    assert (summary["invoices"], summary["credit_notes"]) == (2, 1)
    assert D(summary["gross"]) == bill.gross_total and D(summary["net"]) == bill.net_total
    assert D(summary["credit_gross"]) == credit.gross_total
    assert D(summary["balance_net"]) == bill.net_total - credit.net_total
    assert D(summary["balance_gross"]) == bill.gross_total - credit.gross_total


def test_preparing_an_issued_run_again_is_refused_and_keeps_its_billing_date(ready, registry):
    run = billing_run_issue(actor=None, run=prepare(registry))
    with pytest.raises(ValidationError) as info:
        prepare(registry, billing_date=dt.date(2026, 1, 20))
    assert info.value.code == "run_issued" and "05.01.2026" in " ".join(info.value.messages)
    run.refresh_from_db()
    assert run.billing_date == BILLING_DATE and run.status == RunStatus.ISSUED


def test_document_texts_are_in_the_documents_language_and_problems_in_the_clerks(ready, registry):
    from django.utils import translation

    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["ahlen"], leitweg_id="")
    with translation.override("en"):
        run = prepare(registry)
    invoice = run.invoices.get(member=registry["telgte"])
    assert invoice.title == "Abschlagsrechnung 01/2026"
    assert invoice.notes[0].startswith("Abschlag auf die Entgelte 2026")
    line = invoice.lines.get(product_number="AP-100")
    assert line.name == "Standard-Arbeitsplatz"  # the product number is BT-155, not part of the name
    assert line.description.startswith("Abschlag 01/2026 (01.01.2026–31.01.2026), 1/12 des Jahresentgelts")
    assert "Menge: 40 Arbeitsplätze" in line.description
    (problem,) = run.blocking_problems
    assert problem["message"].startswith("Ahlen, Stadt has no Leitweg-ID")


def test_a_final_line_shows_the_approved_rate_and_the_exact_basis(ready, registry):
    for month in (1, 2):
        billing_run_issue(actor=None, run=prepare(registry, period=month, billing_date=dt.date(2026, month, 5)))
    run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    line = run.invoices.get(member=registry["telgte"]).lines.get(product_number="AP-100", kind="actual")
    assert line.unit_price == D("1266.6667")
    assert "Jahresmenge 40 Arbeitsplätze (Σ Tage × Menge 14.600 / 365 Tage)" in line.description
    assert "genehmigter Preis 1.266,6667 € je Einheit und Jahr" in line.description


def test_final_settlement_bills_the_imported_actual_usage_of_metered_products(ready, registry):
    """Issue #18: where the post-calculation has imported actual usage of a metered product for a member, the final
    settlement bills it instead of the contract folder's quantity; without an import nothing changes."""
    from verbund.closing import imports
    from verbund.closing import services as closing
    from verbund.closing.tests.conftest import USAGE_CSV, read_csv

    def actual_lines():
        run = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
        return {
            (line.invoice.member_id, line.product_number): line
            for line in InvoiceLine.objects.filter(invoice__run=run, kind="actual").select_related("invoice")
        }

    telgte, ahlen = registry["telgte"].pk, registry["ahlen"].pk
    before = actual_lines()
    assert before[(telgte, "AP-100")].quantity == D(40)  # the contract folder's quantities
    assert before[(ahlen, "AP-100")].quantity == D(110)
    post_calculation = closing.closing_create(actor=None, plan=ready)
    closing.actual_usage_replace(
        actor=None,
        closing=post_calculation,
        figures=imports.parse_usage(post_calculation, read_csv(USAGE_CSV, imports.USAGE)),
    )
    after = actual_lines()
    rate = D("1266.6667")
    assert (after[(telgte, "AP-100")].quantity, after[(telgte, "AP-100")].net) == (D(45), round_money(45 * rate))
    assert (after[(ahlen, "AP-100")].quantity, after[(ahlen, "AP-100")].net) == (D(120), round_money(120 * rate))
    assert "actual usage of the post-calculation" in str(after[(telgte, "AP-100")].trace)
    for member in (telgte, ahlen):  # OZ-200 is shared by a key: no usage, unchanged
        assert after[(member, "OZ-200")].net == before[(member, "OZ-200")].net
