"""The CLI (`billing-run`, `invoices-export`), the PDF and the ZIP of a run."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from verbund.billing.exports import run_zip
from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.pdf import invoice_html, invoice_pdf


def run_cli(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def test_billing_run_prepares_and_prints_the_summary(ready):
    out, _err = run_cli(
        "billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--billing-date", "2026-01-05"
    )
    assert "2 invoices for 2 members" in out and "status draft" in out
    assert not Invoice.objects.exclude(number="").exists()


def test_billing_run_issue_prints_the_numbers(ready):
    out, _err = run_cli(
        "billing-run",
        "--kind",
        "instalment",
        "--year",
        "2026",
        "--period",
        "1",
        "--issue",
        "--billing-date",
        "2026-01-05",
    )
    assert "RE-2026-000001" in out and "RE-2026-000002" in out and "Issued run" in out
    again, _err = run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    assert "already issued" in again and Invoice.objects.count() == 2


def test_billing_run_exits_non_zero_with_the_problems(ready, registry):
    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["telgte"], leitweg_id="")
    with pytest.raises(CommandError):
        run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    out, _err = run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1")
    assert "leitweg_missing" in out and "Telgte, Stadt" in out and "block issuing" in out


def test_billing_run_prints_the_rule_ids_when_validation_fails(ready, registry):
    from verbund.billing.services import seller_profile_save

    seller_profile_save(actor=None, provider=registry["citeq"], contact_name="", contact_phone="", contact_email="")
    err = io.StringIO()
    with pytest.raises(CommandError, match="not issued"):
        call_command(
            "billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue",
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert "BR-DE-2" in err.getvalue()


def test_billing_run_refuses_bad_arguments(ready):
    with pytest.raises(CommandError):
        run_cli("billing-run", "--kind", "final", "--year", "2026", "--period", "3")
    with pytest.raises(CommandError):
        run_cli("billing-run", "--kind", "instalment", "--year", "2026")


def test_invoices_export_writes_one_file_per_invoice(ready, tmp_path):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    run = InvoiceRun.objects.get()
    out, _err = run_cli("invoices-export", "--run", "latest", "--format", "xrechnung-ubl", "--out", str(tmp_path / "x"))
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["RE-2026-000001.xml", "RE-2026-000002.xml"]
    assert "2 file(s)" in out
    invoice = run.invoices.get(number="RE-2026-000001")
    assert (tmp_path / "x" / "RE-2026-000001.xml").read_bytes() == bytes(invoice.xml)
    run_cli("invoices-export", "--run", str(run.pk), "--format", "pdf", "--out", str(tmp_path / "p"))
    pdfs = sorted((tmp_path / "p").iterdir())
    assert [p.name for p in pdfs] == ["RE-2026-000001.pdf", "RE-2026-000002.pdf"]
    assert pdfs[0].read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError):
        run_cli("invoices-export", "--run", "999", "--format", "pdf", "--out", str(tmp_path))


def test_invoices_export_of_a_draft_run_has_no_xml(ready, tmp_path):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1")
    run = InvoiceRun.objects.get()
    with pytest.raises(CommandError):
        run_cli("invoices-export", "--run", str(run.pk), "--format", "xrechnung-ubl", "--out", str(tmp_path))


def test_pdf_shows_german_amounts_leitweg_id_iban_and_vat(ready, registry):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    invoice = Invoice.objects.get(member=registry["ahlen"])
    html = invoice_html(invoice)
    assert invoice.leitweg_id in html and "DE89 3704 0044 0532 0130 00" in html
    gross = f"{invoice.gross_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert gross in html  # 1.234,56
    assert "19" in html and "Rechnung" in html
    assert invoice_pdf(invoice).startswith(b"%PDF")


def test_pdf_of_a_draft_is_marked_as_preview(ready, registry):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1")
    html = invoice_html(Invoice.objects.filter(member=registry["telgte"]).first())
    assert "Entwurf" in html


def test_zip_of_a_run_holds_xml_and_pdf_of_every_invoice(ready):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    with zipfile.ZipFile(io.BytesIO(run_zip(InvoiceRun.objects.get()))) as archive:
        assert sorted(archive.namelist()) == [
            "RE-2026-000001.pdf",
            "RE-2026-000001.xml",
            "RE-2026-000002.pdf",
            "RE-2026-000002.xml",
        ]


def test_billing_date_defaults_to_today(ready):
    from django.utils import timezone

    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1")
    assert InvoiceRun.objects.get().billing_date == timezone.localdate()
    assert isinstance(InvoiceRun.objects.get().billing_date, dt.date)


def test_invoices_export_cii_writes_one_validated_file_per_e_invoice(ready, tmp_path):
    from verbund.billing.documents import issued_invoice_document
    from verbund.billing.tests.fixtures.xrechnung_terms import cii_terms, ubl_terms
    from verbund.billing.xrechnung import build_ubl, validate_cii

    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    out, _err = run_cli("invoices-export", "--run", "latest", "--format", "xrechnung-cii", "--out", str(tmp_path / "c"))
    files = sorted((tmp_path / "c").iterdir())
    assert [p.name for p in files] == ["RE-2026-000001-cii.xml", "RE-2026-000002-cii.xml"]
    assert "2 file(s)" in out
    for path in files:
        invoice = Invoice.objects.get(number=path.name.removesuffix("-cii.xml"))
        cii = path.read_bytes()
        report = validate_cii(cii)
        assert report.valid and report.findings == () and "cen" in report.checks
        # The same business terms as the stored UBL, the document of record ...
        assert cii_terms(cii) == ubl_terms(bytes(invoice.xml))
        # ... because the frozen data rebuilds exactly that record.
        assert build_ubl(issued_invoice_document(invoice)) == bytes(invoice.xml)


def test_invoices_export_cii_writes_nothing_when_one_invoice_fails(ready, tmp_path, monkeypatch):
    import dataclasses

    from verbund.billing.xrechnung import cii

    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    real = cii.build_cii

    def without_leitweg_id(doc):  # as if the Leitweg-ID had been lost for one invoice
        return real(dataclasses.replace(doc, buyer_reference="") if doc.number == "RE-2026-000002" else doc)

    monkeypatch.setattr(cii, "build_cii", without_leitweg_id)
    with pytest.raises(CommandError) as failure:
        run_cli("invoices-export", "--run", "latest", "--format", "xrechnung-cii", "--out", str(tmp_path / "c"))
    message = str(failure.value)
    assert "RE-2026-000002 (BR-DE-15, VB-LEITWEG)" in message and "RE-2026-000001" not in message
    assert not (tmp_path / "c").exists()


def test_invoices_export_cii_skips_internal_settlements(ready, registry, tmp_path):
    from verbund.registry.choices import PartyRole
    from verbund.registry.models import AgreementParty

    AgreementParty.objects.filter(organization=registry["telgte"]).update(role=PartyRole.HOST)
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    run = InvoiceRun.objects.get()
    internal = run.invoices.get(internal=True)
    e_invoice = run.invoices.get(internal=False)
    run_cli("invoices-export", "--run", str(run.pk), "--format", "xrechnung-cii", "--out", str(tmp_path / "c"))
    assert [p.name for p in (tmp_path / "c").iterdir()] == [f"{e_invoice.number}-cii.xml"]
    assert internal.number and internal.xml is None


def test_invoices_export_cii_of_a_draft_run_is_refused(ready, tmp_path):
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1")
    run = InvoiceRun.objects.get()
    with pytest.raises(CommandError, match="no issued e-invoices"):
        run_cli("invoices-export", "--run", str(run.pk), "--format", "xrechnung-cii", "--out", str(tmp_path / "c"))
    assert not (tmp_path / "c").exists()


def test_invoices_export_shows_a_progress_bar_like_the_other_cli_jobs(ready, tmp_path, monkeypatch):
    import contextlib
    import importlib

    command = importlib.import_module("verbund.billing.management.commands.invoices-export")
    reports = []

    @contextlib.contextmanager
    def recording(description="", **kwargs):
        yield lambda done, total, message="", **params: reports.append((done, total, message % params))

    monkeypatch.setattr(command, "cli_progress", recording)
    run_cli("billing-run", "--kind", "instalment", "--year", "2026", "--period", "1", "--issue")
    for fmt in ("xrechnung-ubl", "xrechnung-cii", "pdf", "zip"):
        reports.clear()
        run_cli("invoices-export", "--run", "latest", "--format", fmt, "--out", str(tmp_path / fmt))
        assert reports and reports[-1][0] == reports[-1][1] == 2, (fmt, reports)
        assert [done for done, _total, _message in reports] == sorted(done for done, _t, _m in reports)
    assert any("RE-2026-000002" in message for _done, _total, message in reports)  # the ZIP names each invoice
