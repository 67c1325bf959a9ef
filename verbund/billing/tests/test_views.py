"""Billing pages: run list and wizard (prepare, preview, issue, ZIP), invoice list and detail, credit notes."""

import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from verbund.billing.models import Invoice, InvoiceRun
from verbund.billing.services import billing_run_issue, billing_run_prepare


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ready(approved_plan, seller, members):
    return approved_plan


def _prepare(registry, period=1):
    return billing_run_prepare(
        actor=None,
        provider=registry["citeq"],
        kind="instalment",
        year=2026,
        period=period,
        billing_date=dt.date(2026, period, 5),
    )


def _confirmed(run):
    return {"confirm": "yes", "prepared": run.prepared_at.isoformat()}


@pytest.fixture
def issued(ready, registry):
    return billing_run_issue(actor=None, run=_prepare(registry))


def test_clerk_prepares_previews_issues_and_downloads(ready, clerk):
    client = _client(clerk)
    assert client.get("/abrechnung/laeufe/").status_code == 200
    response = client.post(
        "/abrechnung/laeufe/", {"kind": "instalment", "year": "2026", "period": "1", "billing_date": "2026-01-05"}
    )
    run = InvoiceRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/abrechnung/laeufe/{run.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Telgte, Stadt" in html and "Ahlen, Stadt" in html and 'id="issue-form"' in html
    response = client.post(f"/abrechnung/laeufe/{run.pk}/ausstellen/", _confirmed(run), follow=True)
    run.refresh_from_db()
    assert run.status == "issued"
    assert "RE-2026-000001" in response.content.decode()
    response = client.get(f"/abrechnung/laeufe/{run.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "RE-2026-000001.xml" in names and "RE-2026-000001.pdf" in names


def test_bad_run_form_is_shown_again(ready, clerk):
    response = _client(clerk).post(
        "/abrechnung/laeufe/", {"kind": "weekly", "year": "2026", "period": "1", "billing_date": "2026-01-05"}
    )
    assert response.status_code == 400 and not InvoiceRun.objects.exists()


def test_issue_refused_shows_rule_ids(ready, registry, clerk, monkeypatch):
    from verbund.billing.services import common, issue

    run = _prepare(registry)

    def failing(prepared):
        finding = {"rule": "BR-DE-15", "severity": "fatal", "message": "Buyer reference missing", "location": "/"}
        raise common.ValidationFailed([common.Failure(prepared[0][0], [finding])])

    monkeypatch.setattr(issue, "build_and_validate", failing)
    response = _client(clerk).post(f"/abrechnung/laeufe/{run.pk}/ausstellen/", _confirmed(run), follow=True)
    assert "BR-DE-15" in response.content.decode()
    run.refresh_from_db()
    assert run.status == "draft"


def test_members_cannot_use_runs(ready, registry, alice):
    run = _prepare(registry)
    client = _client(alice)
    assert client.post(f"/abrechnung/laeufe/{run.pk}/ausstellen/").status_code == 403
    assert client.get(f"/abrechnung/laeufe/{run.pk}/").status_code == 404
    run.refresh_from_db()
    assert run.status == "draft"


def test_a_member_sees_only_its_own_invoices(issued, registry, alice):
    _prepare(registry, period=2)  # drafts: not shown to members
    client = _client(alice)
    response = client.get("/abrechnung/rechnungen/")
    html = response.content.decode()
    own = Invoice.objects.get(member=registry["telgte"], status="issued")
    other = Invoice.objects.get(member=registry["ahlen"], status="issued")
    assert own.number in html and other.number not in html
    assert client.get("/abrechnung/rechnungen/?year=2026&status=issued").content.decode().count(own.number) >= 1
    assert own.number not in client.get("/abrechnung/rechnungen/?year=2025").content.decode()
    assert client.get(f"/abrechnung/rechnungen/{other.pk}/").status_code == 404
    assert client.get(f"/abrechnung/rechnungen/{other.pk}/xml/").status_code == 404
    assert client.get(f"/abrechnung/rechnungen/{other.pk}/cii/").status_code == 404
    detail = client.get(f"/abrechnung/rechnungen/{own.pk}/")
    assert detail.status_code == 200 and 'id="credit-form"' not in detail.content.decode()
    xml = client.get(f"/abrechnung/rechnungen/{own.pk}/xml/")
    assert xml.status_code == 200 and xml.content.startswith(b"<?xml")
    assert client.post(f"/abrechnung/rechnungen/{own.pk}/gutschrift/", {"reason": "x"}).status_code == 403


def test_invoice_list_and_run_page_query_counts_do_not_grow(issued, registry, clerk):
    client = _client(clerk)
    with CaptureQueriesContext(connection) as one:
        client.get("/abrechnung/rechnungen/")
    _prepare(registry, period=2)
    _prepare(registry, period=3)
    with CaptureQueriesContext(connection) as three:
        client.get("/abrechnung/rechnungen/")
    assert len(three) == len(one)


def test_detail_and_credit_note(issued, registry, clerk):
    client = _client(clerk)
    invoice = Invoice.objects.get(member=registry["telgte"])
    response = client.get(f"/abrechnung/rechnungen/{invoice.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="invoice-lines"' in html and 'data-testid="vat-breakdown"' in html and "credit-form" in html
    response = client.post(f"/abrechnung/rechnungen/{invoice.pk}/gutschrift/", {"reason": "Menge falsch"})
    credit = Invoice.objects.get(type_code="381")
    assert response["Location"] == f"/abrechnung/rechnungen/{credit.pk}/"
    invoice.refresh_from_db()
    assert invoice.status == "cancelled"
    assert client.get(f"/abrechnung/rechnungen/{invoice.pk}/pdf/").content.startswith(b"%PDF")


def test_detail_page_links_ubl_and_cii_and_the_cii_downloads(issued, registry, alice):
    from verbund.billing.xrechnung import validate_cii

    client = _client(alice)
    own = Invoice.objects.get(member=registry["telgte"])
    html = client.get(f"/abrechnung/rechnungen/{own.pk}/").content.decode()
    assert f'id="download-xml" href="/abrechnung/rechnungen/{own.pk}/xml/"' in html
    assert f'id="download-cii" href="/abrechnung/rechnungen/{own.pk}/cii/"' in html
    assert html.index('id="download-xml"') < html.index('id="download-cii"') < html.index('id="download-pdf"')
    response = client.get(f"/abrechnung/rechnungen/{own.pk}/cii/")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == f'attachment; filename="{own.number}-cii.xml"'
    assert validate_cii(response.content).valid


def test_no_cii_link_or_download_without_an_e_invoice(ready, registry, clerk):
    client = _client(clerk)
    draft = _prepare(registry).invoices.first()
    html = client.get(f"/abrechnung/rechnungen/{draft.pk}/").content.decode()
    assert 'id="download-cii"' not in html and 'id="download-pdf"' in html
    assert client.get(f"/abrechnung/rechnungen/{draft.pk}/cii/").status_code == 404


def test_cii_that_fails_validation_is_not_handed_out(issued, registry, clerk, monkeypatch):
    import dataclasses

    from verbund.billing.xrechnung import cii

    real = cii.build_cii
    monkeypatch.setattr(cii, "build_cii", lambda doc: real(dataclasses.replace(doc, buyer_reference="")))
    invoice = Invoice.objects.get(member=registry["telgte"])
    response = _client(clerk).get(f"/abrechnung/rechnungen/{invoice.pk}/cii/", follow=True)
    assert response.redirect_chain == [(f"/abrechnung/rechnungen/{invoice.pk}/", 302)]
    html = response.content.decode()
    assert invoice.number in html and "BR-DE-15, VB-LEITWEG" in html


def test_issuing_needs_the_confirmation_of_the_current_preview(ready, registry, clerk):
    run = _prepare(registry)
    client = _client(clerk)
    page = client.get(f"/abrechnung/laeufe/{run.pk}/").content.decode()
    assert 'name="confirm"' in page and f'value="{run.prepared_at.isoformat()}"' in page
    response = client.post(f"/abrechnung/laeufe/{run.pk}/ausstellen/", {"prepared": run.prepared_at.isoformat()})
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == "draft"
    stale = _confirmed(run)
    _prepare(registry)  # prepared again by someone else: the confirmed preview is gone
    response = client.post(f"/abrechnung/laeufe/{run.pk}/ausstellen/", stale, follow=True)
    run.refresh_from_db()
    assert run.status == "draft" and not Invoice.objects.exclude(number="").exists()
    client.post(f"/abrechnung/laeufe/{run.pk}/ausstellen/", _confirmed(run))
    run.refresh_from_db()
    assert run.status == "issued"


def test_preparing_an_issued_period_again_says_so_and_keeps_the_billing_date(issued, clerk):
    response = _client(clerk).post(
        "/abrechnung/laeufe/", {"kind": "instalment", "year": "2026", "period": "1", "billing_date": "2026-01-20"}
    )
    assert response.status_code == 400
    assert "05.01.2026" in response.content.decode()
    issued.refresh_from_db()
    assert issued.billing_date == dt.date(2026, 1, 5)


def test_a_final_settlement_in_december_is_refused_on_the_page(ready, clerk):
    response = _client(clerk).post(
        "/abrechnung/laeufe/",
        {"kind": "final", "year": str(timezone.localdate().year + 1), "billing_date": "2100-01-10"},
    )
    assert response.status_code == 400 and not InvoiceRun.objects.exists()


def test_the_run_page_shows_credit_notes_apart_and_dates_in_the_local_format(ready, registry, clerk):
    from verbund.orders.models import Subscription

    for month in (1, 2):
        billing_run_issue(actor=None, run=_prepare(registry, period=month))
    Subscription.objects.filter(member=registry["telgte"]).update(end_date=dt.date(2026, 1, 15))
    run = billing_run_prepare(
        actor=None, provider=registry["citeq"], kind="final", year=2026, period=None,
        billing_date=dt.date(2027, 1, 15),
    )  # fmt: skip
    html = _client(clerk).get(f"/abrechnung/laeufe/{run.pk}/").content.decode()
    assert "01.01.2026" in html and "2026-01-01" not in html
    assert 'data-testid="run-balance-net"' in html and "Gutschriften" in html


def test_the_plan_approval_price_corrects_the_catalogue_price_and_the_page_says_so(approved_plan, admin_user):
    from verbund.catalog.models import PriceRevision, Product

    workplace = Product.objects.get(number="AP-100")
    prices = PriceRevision.objects.filter(product=workplace, valid_from=dt.date(2026, 1, 1), status="approved")
    plan_price = prices.exclude(supersedes=None).get()
    assert plan_price.supersedes in prices
    html = _client(admin_user).get(workplace.get_absolute_url()).content.decode()
    assert 'data-testid="price-rule"' in html and "01.01.2026" in html


def _lines_table(html):
    start = html.index('data-testid="invoice-lines"')
    return html[start : html.index("</table>", start)]


def test_the_invoice_page_shows_units_in_words_the_product_code_once_and_the_vat_rate(issued, registry, clerk):
    invoice = issued.invoices.get(member=registry["telgte"])
    table = _lines_table(_client(clerk).get(f"/abrechnung/rechnungen/{invoice.pk}/").content.decode())
    assert "C62" not in table and ">LS<" not in table and " LS" not in table
    assert table.count("AP-100") == 1 and table.count("OZ-200") == 1
    assert "40 Arbeitsplätze" in table  # the quantity with its unit word
    assert "19\u00a0%" in table and "(S)" not in table
    assert "Abschlag 01/2026" in table  # the line text explains the amount


def test_a_lump_sum_line_still_shows_the_quantity_billed(ready, registry, clerk):
    from verbund.billing.models import InvoiceLine

    run = _prepare(registry)
    line = InvoiceLine.objects.get(invoice__run=run, invoice__member=registry["telgte"], product_number="AP-100")
    assert line.basis_quantity == 40
    InvoiceLine.objects.filter(pk=line.pk).update(unit_code="LS", quantity=1, unit_price=line.net)
    table = _lines_table(_client(clerk).get(f"/abrechnung/rechnungen/{line.invoice_id}/").content.decode())
    assert "40 Arbeitsplätze" in table and "pauschal" in table


def test_english_pages_show_english_titles_and_the_document_stays_german(issued, registry, clerk):
    from django.conf import settings

    invoice = issued.invoices.get(member=registry["telgte"])
    assert invoice.title == "Abschlagsrechnung 01/2026"  # the issued document's own (German) text
    client = _client(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/abrechnung/rechnungen/{invoice.pk}/").content.decode()
    assert "Instalment invoice 01/2026" in html and "Abschlagsrechnung" not in html
    listing = client.get(f"/abrechnung/laeufe/{issued.pk}/").content.decode()
    assert "Instalment invoice 01/2026" in listing and "Abschlagsrechnung" not in listing


def test_german_invoice_list_heads_the_number_column_invoice_number(issued, clerk):
    html = _client(clerk).get("/abrechnung/rechnungen/").content.decode()
    assert '<th scope="col">Rechnungsnummer</th>' in html and '<th scope="col">Anzahl</th>' not in html


def test_form_errors_name_the_field_by_its_label(ready, clerk):
    response = _client(clerk).post(
        "/abrechnung/laeufe/", {"kind": "instalment", "year": "2026", "period": "13", "billing_date": "2026-01-05"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Zeitraum:" in html and "period:" not in html


def test_the_run_zip_is_named_in_the_readers_language(issued, clerk):
    from django.conf import settings

    client = _client(clerk)
    german = client.get(f"/abrechnung/laeufe/{issued.pk}/download/")["Content-Disposition"]
    assert f"rechnungslauf-{issued.pk}-abschlag-2026-01.zip" in german
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/abrechnung/laeufe/{issued.pk}/download/")["Content-Disposition"]
    assert f"invoice-run-{issued.pk}-instalment-2026-01.zip" in english


def test_the_pdf_footer_is_a_proper_css_string_and_amounts_keep_their_euro(issued, registry):
    from verbund.billing.pdf import css_string, invoice_html

    invoice = issued.invoices.get(member=registry["telgte"])
    html = invoice_html(invoice)
    assert "u002D" not in html
    assert 'content: "citeq – Informations-Technologie für Kommunen"' in html
    assert "\u00a0€" in html.split('class="totals"')[1].split("</table>")[0]  # "19 % auf 1.234,56 €" never splits
    assert str(css_string('a"b\\c</style>')) == '"a\\22 b\\5C c\\3C /style\\3E "'
