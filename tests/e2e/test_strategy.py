"""The strategy flow in a real browser: a member records its inventory, sees the potential (a catalogue product
for a service not online yet, with its fee) and orders the product from there."""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.strategy.tests.conftest import small_catalogue  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

GEBURT, EHE = "99027002012000", "99059001104000"


def test_inventory_then_potential_then_order(
    live_server,
    page,
    login,
    password,
    registry,
    alice,
    catalogue,  # noqa: F811
    small_catalogue,  # noqa: F811
):
    from verbund.orders.models import Order
    from verbund.strategy.models import InventoryEntry
    from verbund.strategy.services import product_tag_add

    product = catalogue["ozg"]  # OZ-200 OZG-Basisdienste, per inhabitant, 0,35 €
    product_tag_add(actor=None, product=product, leika=small_catalogue["services"][EHE])
    telgte = registry["telgte"]

    login(page, "alice", password)
    page.goto(f"{live_server.url}/strategie/")
    assert page.url == f"{live_server.url}/strategie/{telgte.pk}/", page.url
    expect(page.locator("#funnel")).to_contain_text("0 von 4")

    # (1) inventory: Geburtsurkunde is online with an own solution
    with page.expect_navigation():
        page.get_by_role("link", name="Bestand", exact=True).click()
    page.fill("#id_new-leika", GEBURT)
    page.check("#id_new-online")
    page.select_option("#id_new-solution_kind", "own")
    with page.expect_navigation():
        page.click("#entry-form button[type=submit]")
    expect(page.locator("#inventory")).to_contain_text("Geburtsurkunde Ausstellung")
    assert InventoryEntry.objects.get().organization == telgte

    # (2) potential: Eheschließung is not online here, the provider's catalogue has a product for it
    with page.expect_navigation():
        page.get_by_role("link", name="Potenzial", exact=True).click()
    row = page.locator("#potential tbody tr", has_text="Eheschließung Anmeldung")
    expect(row).to_contain_text("Katalogprodukt des Dienstleisters")
    expect(row).to_contain_text("OZ-200")
    expect(row).to_contain_text("0,35")
    expect(page.locator("#potential")).not_to_contain_text("Geburtsurkunde")  # online already

    # (3) order from the potential page
    with page.expect_navigation():
        row.get_by_role("link", name="Dieses Produkt bestellen").click()
    assert page.url == f"{live_server.url}/bestellungen/neu/{product.pk}/", page.url
    expect(page.locator("#id_member")).to_have_value(str(telgte.pk))
    with page.expect_navigation():
        page.click("#order-form button[type=submit]")
    order = Order.objects.get()
    assert (order.member, order.product) == (telgte, product)
