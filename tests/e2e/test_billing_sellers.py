"""The providers' seller data in a real browser (#14): a billing clerk goes from the invoices to citeq's seller
data, enters a wrong IBAN, reads the error at the field, corrects it and sees the change in the history."""

import pytest
from playwright.sync_api import expect

from verbund.billing.tests.conftest import clerk, seller  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_clerk_corrects_the_seller_data(live_server, page, login, clerk, seller):  # noqa: F811
    login(page, "fatma", "Correct-Horse-Battery-9")
    page.goto(f"{live_server.url}/abrechnung/rechnungen/")
    with page.expect_navigation():
        page.get_by_role("link", name="Rechnungsstellerdaten der IT-Dienstleister").click()
    with page.expect_navigation():
        page.get_by_role("link", name="citeq").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Rechnungsstellerdaten ändern").click()

    iban = page.get_by_label("IBAN")
    iban.fill("DE02 1203 0000 0000 2020 50")  # one check digit off
    with page.expect_navigation():
        page.get_by_role("button", name="Rechnungsstellerdaten speichern").click()
    expect(page.get_by_role("alert")).to_contain_text("nicht gespeichert")
    expect(iban).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_iban_error")).to_contain_text("keine gültige IBAN")

    iban.fill("DE02 1203 0000 0000 2020 51")
    with page.expect_navigation():
        page.get_by_role("button", name="Rechnungsstellerdaten speichern").click()
    expect(page.locator("main")).to_contain_text("wurden gespeichert")
    expect(page.locator("main")).to_contain_text("DE02120300000000202051")
    expect(page.locator("main")).to_contain_text("Version 2")
    seller.refresh_from_db()
    assert seller.iban == "DE02120300000000202051" and seller.version == 2
