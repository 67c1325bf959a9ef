"""Invoice runs end to end: prepare, issue (numbers, XML, validation), re-runs, problems, host city, final."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from verbund.billing.choices import InvoiceStatus, RunStatus
from verbund.billing.models import Invoice, InvoiceLine, InvoiceRun
from verbund.billing.selectors import billing_inputs
from verbund.billing.services import billing_run_issue, billing_run_prepare, seller_profile_save
from verbund.core.models import AppendOnlyError, NumberSequence
from verbund.core.money import round_money
from verbund.costing.models import MemberFee
from verbund.registry.models import AgreementParty

D = Decimal
BILLING_DATE = dt.date(2026, 1, 5)


def prepare(registry, kind="instalment", period=1, actor=None, billing_date=BILLING_DATE):
    return billing_run_prepare(
        actor=actor, provider=registry["citeq"], kind=kind, year=2026, period=period, billing_date=billing_date
    )


def fee(member, number):
    return MemberFee.objects.get(member=member, product_plan__product__number=number).fee


def lines_by_product(invoice):
    return {line.product_number: line for line in invoice.lines.all()}


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def test_instalment_run_bills_a_twelfth_of_the_planned_fee_per_member_and_product(ready, registry, clerk):
    run = prepare(registry, actor=clerk)
    assert run.status == RunStatus.DRAFT and run.problems == []
    invoices = {i.member.name: i for i in run.invoices.all()}
    assert set(invoices) == {"Telgte, Stadt", "Ahlen, Stadt"}
    for key in ("telgte", "ahlen"):
        invoice = invoices[registry[key].name]
        assert invoice.status == InvoiceStatus.DRAFT and invoice.number == "" and invoice.type_code == "380"
        lines = lines_by_product(invoice)
        assert set(lines) == {"AP-100", "OZ-200"}
        for number, line in lines.items():
            annual = fee(registry[key], number)
            assert line.net == round_money(annual / 12)  # January: round(fee × 1/12)
            assert (line.vat_category, line.vat_rate) == ("S", D("19.00"))
            assert (line.period_start, line.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 1, 31))
            assert line.trace
        net = sum(line.net for line in lines.values())
        assert invoice.net_total == net
        assert invoice.tax_total == round_money(net * D("0.19"))
        assert invoice.gross_total == invoice.net_total + invoice.tax_total
    workplace = lines_by_product(invoices["Telgte, Stadt"])["AP-100"]
    assert (workplace.quantity, workplace.unit_code) == (D(40), "C62")
    assert round_money(workplace.quantity * workplace.unit_price) == workplace.net


def test_instalments_of_all_months_add_up_to_the_annual_fee(ready, registry):
    from verbund.billing import drafts, engine

    inputs = billing_inputs(provider=registry["citeq"], year=2026)
    telgte = registry["telgte"]
    total = D(0)
    for month in range(1, 13):
        result = drafts.build_drafts(
            inputs,
            kind="instalment",
            period=engine.period_of(2026, "monthly", month),
            frequency="monthly",
            host_settlement_internal=True,
        )
        (invoice,) = [i for i in result.invoices if i.member == telgte]
        total += invoice.net
    assert total == fee(telgte, "AP-100") + fee(telgte, "OZ-200")


def test_issue_numbers_gap_free_copies_the_parties_and_stores_valid_xml(ready, registry, clerk):
    from verbund.billing.xrechnung import validate_ubl

    run = billing_run_issue(actor=clerk, run=prepare(registry, actor=clerk))
    assert run.status == RunStatus.ISSUED and run.issued_at is not None
    invoices = list(run.invoices.order_by("number"))
    assert [i.number for i in invoices] == ["RE-2026-000001", "RE-2026-000002"]
    assert [i.member.name for i in invoices] == ["Ahlen, Stadt", "Telgte, Stadt"]  # numbered in member order
    for invoice in invoices:
        assert invoice.status == InvoiceStatus.ISSUED and invoice.issue_date == BILLING_DATE
        assert invoice.due_date == BILLING_DATE + dt.timedelta(days=30)
        assert invoice.seller_snapshot["iban"] == "DE89370400440532013000"
        assert invoice.buyer_snapshot["leitweg_id"] == invoice.member.leitweg_id == invoice.leitweg_id
        xml = bytes(invoice.xml)
        assert invoice.xml_sha256 == hashlib.sha256(xml).hexdigest()
        assert f"<cbc:ID>{invoice.number}</cbc:ID>".encode() in xml
        assert f"<cbc:BuyerReference>{invoice.leitweg_id}</cbc:BuyerReference>".encode() in xml
        report = validate_ubl(xml)
        assert report.valid, [(f.rule, f.message) for f in report.findings]


def test_an_issued_invoice_cannot_be_changed_or_deleted(ready, registry):
    run = billing_run_issue(actor=None, run=prepare(registry))
    invoice = run.invoices.first()
    invoice.net_total = D("1.00")
    with pytest.raises(AppendOnlyError):
        invoice.save()
    with pytest.raises(AppendOnlyError):
        invoice.delete()
    with pytest.raises(AppendOnlyError):
        Invoice.objects.filter(pk=invoice.pk).update(number="X")
    with pytest.raises(AppendOnlyError):
        InvoiceLine.objects.filter(invoice=invoice).first().save()


def test_the_database_refuses_changes_of_issued_invoices(ready, registry):
    run = billing_run_issue(actor=None, run=prepare(registry))
    invoice = run.invoices.first()
    for sql in (
        "UPDATE billing_invoice SET number = 'RE-2026-999999' WHERE id = %s",
        "UPDATE billing_invoice SET status = 'draft' WHERE id = %s",
        "UPDATE billing_invoiceline SET net = 0 WHERE invoice_id = %s",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [invoice.pk])
    invoice.refresh_from_db()
    assert invoice.number.startswith("RE-2026-")


def test_preparing_again_rebuilds_the_drafts_and_an_issued_run_stays_as_it_is(ready, registry):
    first = prepare(registry)
    ids = set(first.invoices.values_list("id", flat=True))
    again = prepare(registry)
    assert again.pk == first.pk and InvoiceRun.objects.count() == 1
    assert again.invoices.count() == 2 and not ids & set(again.invoices.values_list("id", flat=True))
    issued = billing_run_issue(actor=None, run=again)
    numbers = sorted(issued.invoices.values_list("number", flat=True))
    with pytest.raises(ValidationError):  # issue #10: an issued run is not "prepared" again
        prepare(registry)
    after = InvoiceRun.objects.get()
    assert after.pk == issued.pk and after.status == RunStatus.ISSUED
    assert sorted(after.invoices.values_list("number", flat=True)) == numbers
    assert Invoice.objects.count() == 2
    assert billing_run_issue(actor=None, run=after).status == RunStatus.ISSUED  # issuing again: no change
    assert NumberSequence.objects.get(series="RE", year=2026).last == 2


def test_the_run_is_unique_per_provider_kind_year_and_period(ready, registry):
    prepare(registry)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceRun.objects.create(
            provider=registry["citeq"], kind="instalment", year=2026, period=1, billing_date=BILLING_DATE
        )
    final = prepare(registry, kind="final", period=None, billing_date=dt.date(2027, 1, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceRun.objects.create(
            provider=registry["citeq"], kind="final", year=2026, period=None, billing_date=dt.date(2027, 1, 15)
        )
    assert final.period is None


def test_a_member_without_leitweg_id_blocks_the_run(ready, registry):
    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["ahlen"], leitweg_id="")
    run = prepare(registry)
    (problem,) = run.blocking_problems
    assert problem["code"] == "leitweg_missing" and problem["member"] == "Ahlen, Stadt"
    assert "Ahlen, Stadt" in problem["message"]
    with pytest.raises(ValidationError) as info:
        billing_run_issue(actor=None, run=run)
    assert "Ahlen, Stadt" in " ".join(info.value.messages)
    assert not Invoice.objects.exclude(status=InvoiceStatus.DRAFT).exists()


def test_an_invalid_leitweg_id_blocks_the_run(ready, registry):
    Organization = type(registry["telgte"])
    Organization.objects.filter(pk=registry["telgte"].pk).update(leitweg_id="05570044-ITDL-00")  # wrong check digits
    run = prepare(registry)
    assert [p["code"] for p in run.blocking_problems] == ["leitweg_invalid"]


def test_a_fatal_validation_finding_issues_nothing_and_uses_no_number(ready, registry, seller):
    seller_profile_save(actor=None, provider=registry["citeq"], contact_name="", contact_phone="", contact_email="")
    run = prepare(registry)
    with pytest.raises(ValidationError) as info:
        billing_run_issue(actor=None, run=run)
    text = " ".join(info.value.messages)
    assert "BR-DE-2" in text and "Ahlen, Stadt" in text and "Telgte, Stadt" in text
    assert not Invoice.objects.exclude(status=InvoiceStatus.DRAFT).exists()
    assert not Invoice.objects.exclude(number="").exists()
    assert not NumberSequence.objects.filter(series="RE", year=2026, last__gt=0).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT
    assert {r for i in run.summary["last_refusal"]["invoices"] for r in i["rules"]} >= {"BR-DE-2"}
    draft = run.invoices.first()
    assert "BR-DE-2" in {f["rule"] for f in draft.validation_findings}
    # Fixed: the same run issues, starting at number 1.
    seller_profile_save(
        actor=None,
        provider=registry["citeq"],
        contact_name="Fakturierung",
        contact_phone="+49 251 4921800",
        contact_email="rechnung@example.org",
    )
    issued = billing_run_issue(actor=None, run=run)
    assert sorted(issued.invoices.values_list("number", flat=True)) == ["RE-2026-000001", "RE-2026-000002"]


def test_host_city_is_settled_internally_without_vat_and_without_e_invoice(ready, registry):
    AgreementParty.objects.filter(organization=registry["ahlen"]).update(role="host")
    run = billing_run_issue(actor=None, run=prepare(registry))
    ahlen = run.invoices.get(member=registry["ahlen"])
    assert ahlen.internal and ahlen.number == "IV-2026-000001" and ahlen.xml is None and ahlen.xml_sha256 == ""
    assert ahlen.tax_total == D("0.00") and ahlen.gross_total == ahlen.net_total
    assert set(ahlen.lines.values_list("vat_category", flat=True)) == {""}
    telgte = run.invoices.get(member=registry["telgte"])
    assert not telgte.internal and telgte.number == "RE-2026-000001" and telgte.tax_total > 0


def test_host_city_without_internal_settlement_gets_an_e_invoice(ready, registry, seller):
    AgreementParty.objects.filter(organization=registry["ahlen"]).update(role="host")
    seller_profile_save(actor=None, provider=registry["citeq"], host_settlement_internal=False)
    run = prepare(registry)
    assert not run.invoices.filter(internal=True).exists()


def test_not_taxable_services_go_to_a_separate_invoice(ready, registry, catalogue):
    from verbund.catalog.models import PriceRevision

    PriceRevision.objects.filter(product=catalogue["ozg"]).update(
        vat_treatment="not_taxable_2b", vat_rate=D("0.00"), vat_exemption_reason=""
    )
    run = billing_run_issue(actor=None, run=prepare(registry))
    telgte = run.invoices.filter(member=registry["telgte"])
    assert telgte.count() == 2
    not_subject = telgte.get(vat_group="not_subject")
    assert set(not_subject.lines.values_list("product_number", flat=True)) == {"OZ-200"}
    assert not_subject.tax_total == D("0.00") and "nicht steuerbar" in not_subject.title
    xml = bytes(not_subject.xml)
    assert b"<cbc:ID>O</cbc:ID>" in xml and b"DE123456788" not in xml  # BR-O-02: no seller VAT id
    assert b"VATEX-EU-O" in xml


def test_quarterly_instalments_are_a_quarter_of_the_fee(ready, registry, seller):
    seller_profile_save(actor=None, provider=registry["citeq"], invoice_frequency="quarterly")
    run = prepare(registry, period=2)
    telgte = run.invoices.get(member=registry["telgte"])
    line = lines_by_product(telgte)["AP-100"]
    annual = fee(registry["telgte"], "AP-100")
    assert line.net == round_money(annual / 2) - round_money(annual / 4)
    with pytest.raises(ValidationError):
        prepare(registry, period=5)


def test_a_subscription_ending_inside_the_period_is_pro_rated(ready, registry):
    from verbund.orders.models import Subscription

    Subscription.objects.filter(member=registry["telgte"], product__number="AP-100").update(
        end_date=dt.date(2026, 1, 10)
    )
    run = prepare(registry)
    line = lines_by_product(run.invoices.get(member=registry["telgte"]))["AP-100"]
    assert line.net == round_money(fee(registry["telgte"], "AP-100") / 12 * 10 / 31)
    assert "anteilig 10 von 31 Tagen" in line.description


def test_without_an_approved_plan_prices_times_quantities_are_billed(plan, seller, members, registry):
    run = prepare(registry)
    assert run.summary["plan"] is None
    telgte = run.invoices.get(member=registry["telgte"])
    lines = lines_by_product(telgte)
    assert lines["AP-100"].net == D("4000.00")  # 40 × 1,200.00 / 12
    assert lines["OZ-200"].net == round_money(D("20222") * D("0.35") / 12)


def test_a_member_with_nothing_to_bill_is_skipped_and_noted(ready, registry):
    from verbund.orders.models import Subscription

    Subscription.objects.filter(member=registry["ahlen"]).update(
        start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31)
    )
    run = prepare(registry)
    assert list(run.invoices.values_list("member__name", flat=True)) == ["Telgte, Stadt"]
    notes = [p for p in run.problems if p["code"] == "nothing_to_bill"]
    assert notes and notes[0]["member"] == "Ahlen, Stadt" and notes[0]["severity"] == "info"
    assert run.summary["skipped"] == ["Ahlen, Stadt"]


def test_inputs_load_with_a_fixed_number_of_queries(ready, registry, django_assert_num_queries):
    with django_assert_num_queries(8):  # 7 before the plan's rates were read once per product (sliced runs)
        inputs = billing_inputs(provider=registry["citeq"], year=2026)
    assert len(inputs.members) == 2 and inputs.plan is not None
    with django_assert_num_queries(11):  # 10 before the final settlement read the actual usage (issue #18)
        billing_inputs(provider=registry["citeq"], year=2026, with_instalments=True)


def test_prepare_needs_a_seller_profile_and_billing_staff(approved_plan, registry, alice, members):
    with pytest.raises(ValidationError):
        prepare(registry)  # no seller profile
    seller_profile_save(actor=None, provider=registry["citeq"], **_seller())
    with pytest.raises(ValidationError):
        prepare(registry, actor=alice)  # a member contact cannot bill


def test_the_seller_profile_is_validated(registry):
    values = _seller()
    values["iban"] = "DE89370400440532013001"
    with pytest.raises(ValidationError) as info:
        seller_profile_save(actor=None, provider=registry["citeq"], **values)
    assert "iban" in info.value.message_dict
    values = _seller()
    values["vat_id"] = "DE123456789"  # wrong check digit
    with pytest.raises(ValidationError):
        seller_profile_save(actor=None, provider=registry["citeq"], **values)


def _seller():
    from verbund.billing.tests.conftest import SELLER

    return dict(SELLER)
