"""Billing in a real browser: a billing clerk prepares the January instalment run, checks the preview, issues it,
opens an invoice and downloads its XRechnung."""

import pytest
from playwright.sync_api import expect

from verbund.billing.tests.conftest import approved_plan, clerk, members, seller  # noqa: F401
from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.costing.tests.conftest import plan  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_clerk_prepares_issues_and_downloads(
    live_server,
    page,
    login,
    password,
    clerk,  # noqa: F811
    approved_plan,  # noqa: F811
    seller,  # noqa: F811
    members,  # noqa: F811
):
    from verbund.billing.models import Invoice, InvoiceRun

    login(page, "fatma", "Correct-Horse-Battery-9")
    page.goto(f"{live_server.url}/abrechnung/laeufe/")
    page.select_option("#id_kind", "instalment")
    page.fill("#id_year", "2026")
    page.fill("#id_period", "1")
    page.fill("#id_billing_date", "2026-01-05")
    with page.expect_navigation():
        page.click("#run-form button[type=submit]")
    run = InvoiceRun.objects.get()
    assert page.url == f"{live_server.url}/abrechnung/laeufe/{run.pk}/", page.url

    # The preview: one draft per member, with totals.
    rows = page.locator("[data-testid=run-invoices] tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("[data-testid=run-invoices]")).to_contain_text("Telgte, Stadt")
    expect(page.locator("[data-testid=run-invoices]")).to_contain_text("€")

    page.check("#id_confirm")  # issuing binds numbers: the clerk confirms the checked preview
    with page.expect_navigation():
        page.click("#issue-form button[type=submit]")
    expect(page.locator("[data-testid=run-invoices]")).to_contain_text("RE-2026-000001")
    expect(page.locator("a[href$='/download/']")).to_be_visible()

    invoice = Invoice.objects.get(number="RE-2026-000001")
    with page.expect_navigation():
        page.click(f"#invoice-{invoice.pk} a")
    expect(page.locator("[data-testid=invoice-lines] tbody tr")).to_have_count(2)
    href = page.locator("#download-xml").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.body().startswith(b"<?xml")
