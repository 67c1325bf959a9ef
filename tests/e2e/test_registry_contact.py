"""Correcting a district's address and Leitweg-ID in a real browser: the link on the detail page, a refused
postcode, the saved values, and the entry in the history. Members see no link and get 403."""

import pytest
from playwright.sync_api import expect

from verbund.registry.keys import make_leitweg_id

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]


def test_provider_admin_corrects_the_address_of_a_district(page, live_server, login, registry, admin_user, password):
    kreis = registry["kreis"]
    login(page, admin_user.username, password)
    page.goto(f"{live_server.url}{kreis.get_absolute_url()}")
    page.get_by_test_id("edit-contact").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anschrift und Leitweg-ID")

    page.get_by_label("Straße und Hausnummer").fill("Waldenburger Straße 2")
    page.get_by_label("Postleitzahl").fill("4823")
    page.get_by_label("Ort").fill("Warendorf")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".field-error")).to_contain_text("fünf Ziffern")
    expect(page.get_by_label("Straße und Hausnummer")).to_have_value("Waldenburger Straße 2")

    leitweg = make_leitweg_id("05570", "ITDL")
    page.get_by_label("Postleitzahl").fill("48231")
    page.get_by_label("Leitweg-ID").fill(leitweg)
    page.get_by_role("button", name="Speichern").click()
    assert page.url == f"{live_server.url}{kreis.get_absolute_url()}", page.url
    expect(page.locator("dl.facts")).to_contain_text("Waldenburger Straße 2, 48231 Warendorf")
    expect(page.locator("dl.facts")).to_contain_text(leitweg)
    expect(page.locator("ul.messages")).to_contain_text("gespeichert")
    kreis.refresh_from_db()
    assert (kreis.postcode, kreis.leitweg_id) == ("48231", leitweg)


def test_a_member_contact_sees_no_link_and_may_not_open_the_form(page, live_server, login, registry, alice, password):
    telgte = registry["telgte"]
    login(page, alice.username, password)
    page.goto(f"{live_server.url}{telgte.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(telgte.name)
    expect(page.get_by_test_id("edit-contact")).to_have_count(0)
    response = page.goto(f"{live_server.url}/organisationen/{telgte.pk}/anschrift/")
    assert response is not None and response.status == 403
