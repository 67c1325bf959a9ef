"""The ordering flow in a real browser: a member orders, the provider confirms, the contract folder shows it.

Runs against pytest-django's live server with Debian's chromium (see conftest.py). German is the default UI,
so the checks use the German labels (verbund/locale/de/LC_MESSAGES/django.po).
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT is missing without `collectstatic`; its finders serve the files.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SUBMITTED = "eingereicht"  # msgid "submitted"
CONFIRMED = "bestätigt"  # msgid "confirmed"
AMOUNT = "3.600,00 €"  # 3 workstations × 1.200,00 € per year, net


def _order_count():
    from verbund.orders.models import Order

    return Order.objects.count()


def _open_order_form(page, live_server, product):
    """Catalogue → search → product page → order link, the way a member gets there."""
    page.goto(f"{live_server.url}/katalog/")
    page.fill("#id_q", "Arbeitsplatz")
    with page.expect_response(lambda r: "/katalog/" in r.url and "q=Arbeitsplatz" in r.url):
        page.click("form.filter-form button[type=submit]")
    rows = page.locator("#results table.data-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("AP-100")
    expect(page).to_have_url(re.compile(r"[?&]q=Arbeitsplatz(&|$)"))

    with page.expect_navigation():
        page.locator("#results").get_by_role("link", name="Standard-Arbeitsplatz").click()
    assert page.url == f"{live_server.url}{product.get_absolute_url()}", page.url
    expect(page.locator("h1 code")).to_have_text("AP-100")

    with page.expect_navigation():
        page.locator("a.button", has_text="Dieses Produkt bestellen").click()
    assert page.url == f"{live_server.url}/bestellungen/neu/{product.pk}/", page.url
    expect(page.locator("#order-form")).to_be_visible()


def _fill_order(page, quantity, start):
    """Type quantity and start date; returns once the fee preview has answered for exactly these values."""
    page.fill("#id_quantity", quantity)
    with page.expect_response(
        lambda r: (
            "/bestellungen/vorschau/" in r.url
            and f"quantity={quantity}" in r.url
            and f"start_date={start.isoformat()}" in r.url
        )
    ):
        page.fill("#id_start_date", start.isoformat())


def test_member_orders_provider_confirms_and_folder_shows_the_subscription(
    live_server,
    browser,
    page,
    login,
    password,
    registry,
    alice,
    admin_user,
    catalogue,  # noqa: F811
):
    from verbund.orders.models import Order, Subscription

    workplace = catalogue["workplace"]
    start = timezone.localdate() + dt.timedelta(days=7)

    # (1) alice finds the product and orders three workstations; the htmx preview shows the fee first.
    login(page, "alice", password)
    _open_order_form(page, live_server, workplace)
    expect(page.locator("#id_member")).to_have_value(str(registry["telgte"].pk))
    _fill_order(page, "3", start)
    expect(page.locator("#fee-preview [data-testid=preview-net]")).to_have_text(AMOUNT)
    expect(page.locator("#fee-preview .field-error")).to_have_count(0)

    with page.expect_navigation():
        page.click("#order-form button[type=submit]")
    order = Order.objects.get()
    assert page.url == f"{live_server.url}/bestellungen/{order.pk}/", page.url
    expect(page.locator("[data-testid=order-status]")).to_have_text(SUBMITTED)
    expect(page.locator("h1")).to_contain_text(order.number)
    assert order.member == registry["telgte"]
    assert order.product == workplace
    assert order.quantity == 3
    assert order.effective_date == start

    # (2) anna, in her own browser context, confirms the order from the inbox.
    admin_context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
    admin_context.set_default_timeout(10_000)
    try:
        admin_page = admin_context.new_page()
        login(admin_page, "anna", password)
        admin_page.goto(f"{live_server.url}/bestellungen/")
        expect(admin_page.locator("h1")).to_have_text("Bestelleingang")
        with admin_page.expect_navigation():
            admin_page.get_by_role("link", name=order.number).click()
        assert admin_page.url == f"{live_server.url}/bestellungen/{order.pk}/", admin_page.url
        expect(admin_page.locator("[data-testid=order-status]")).to_have_text(SUBMITTED)
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Bestellung bestätigen").click()
        assert admin_page.url == f"{live_server.url}/bestellungen/{order.pk}/", admin_page.url
        expect(admin_page.locator("[data-testid=order-status]")).to_have_text(CONFIRMED)
        expect(admin_page.get_by_role("button", name="Bestellung bestätigen")).to_have_count(0)
    finally:
        admin_context.close()

    order.refresh_from_db()
    assert order.status == "confirmed"
    subscription = Subscription.objects.get(member=registry["telgte"], product=workplace)

    # alice sees the new status too.
    page.reload()
    expect(page.locator("[data-testid=order-status]")).to_have_text(CONFIRMED)

    # (3) The contract folder: /vertragsmappe/ leads to Telgte's; today the line starts later (no fee yet) …
    folder_url = f"{live_server.url}/vertragsmappe/{registry['telgte'].pk}/"
    page.goto(f"{live_server.url}/vertragsmappe/")
    assert page.url == folder_url, page.url
    line = page.locator(f"#sub-{subscription.pk}")
    expect(line).to_contain_text("AP-100")
    expect(line).to_contain_text("beginnt später")
    expect(page.locator("[data-testid=annual-net]")).to_have_text("0,00 €")

    # … and on the start date it is in force: three workstations, 3.600,00 € a year.
    page.goto(f"{folder_url}?as_of={start.isoformat()}")
    line = page.locator(f"#sub-{subscription.pk}")
    expect(line.locator("td").first).to_contain_text("AP-100")
    expect(line.locator("td").first).not_to_contain_text("beginnt später")
    expect(line.locator("td").nth(3)).to_have_text("3")
    expect(line.locator("td").nth(6)).to_have_text(AMOUNT.removesuffix(" €"))
    expect(page.locator("[data-testid=annual-net]")).to_have_text(AMOUNT)

    pdf_link = page.get_by_role("link", name="PDF herunterladen")
    href = pdf_link.get_attribute("href")
    assert href is not None
    assert href.endswith(f"?as_of={start.isoformat()}"), href
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_quantity_zero_is_refused_next_to_the_field_and_creates_no_order(
    live_server,
    page,
    login,
    password,
    registry,
    alice,
    catalogue,  # noqa: F811
):
    workplace = catalogue["workplace"]
    start = timezone.localdate() + dt.timedelta(days=7)
    before = _order_count()

    login(page, "alice", password)
    _open_order_form(page, live_server, workplace)
    _fill_order(page, "0", start)
    with page.expect_navigation():
        page.click("#order-form button[type=submit]")

    # The form comes back (no redirect) with the error under the quantity field and the input kept.
    assert page.url == f"{live_server.url}/bestellungen/neu/{workplace.pk}/", page.url
    quantity_field = page.locator("#order-form .field", has=page.locator("#id_quantity"))
    expect(quantity_field).to_have_class(re.compile(r"\bhas-error\b"))
    error = quantity_field.locator("#id_quantity_error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#order-form .field-error[id$=_error]")).to_have_count(1)  # only the quantity is wrong
    expect(page.locator("#id_quantity")).to_have_value("0")
    expect(page.locator("#id_start_date")).to_have_value(start.isoformat())
    expect(page.locator("ul.messages")).to_have_count(0)  # no "Order … was submitted." message

    assert _order_count() == before == 0


def test_order_form_asks_before_complaining_and_explains_in_german(
    live_server,
    page,
    login,
    password,
    registry,
    alice,
    catalogue,  # noqa: F811
):
    """Issue #10, 18/19: no error before anything is typed; a fraction of a workstation is refused in German,
    naming the quantity; the fee and its calculation are shown with German numbers and words."""
    workplace = catalogue["workplace"]
    start = timezone.localdate() + dt.timedelta(days=7)
    login(page, "alice", password)
    with page.expect_response(lambda r: "/bestellungen/vorschau/" in r.url):
        page.goto(f"{live_server.url}/bestellungen/neu/{workplace.pk}/")  # the preview loads with the page
    preview = page.locator("#fee-preview")
    expect(preview).to_contain_text("Geben Sie eine Menge ein, um das Entgelt zu sehen.")
    expect(preview.locator(".field-error")).to_have_count(0)
    expect(page.locator(".field-error")).to_have_count(0)

    page.fill("#id_start_date", start.isoformat())
    with page.expect_response(lambda r: "/bestellungen/vorschau/" in r.url and "quantity=2%2C5" in r.url):
        page.fill("#id_quantity", "2,5")
    expect(preview.locator(".field-error")).to_have_text(
        "Die Menge muss eine ganze Zahl sein: Dieses Produkt wird je Arbeitsplatz abgerechnet."
    )

    _fill_order(page, "3", start)
    expect(preview.locator("[data-testid=preview-net]")).to_have_text(AMOUNT)
    expect(preview.locator(".field-error")).to_have_count(0)
    preview.locator("summary", has_text="So wird das Entgelt berechnet").click()
    trace = preview.locator("[data-testid=preview-trace]")
    expect(trace).to_contain_text("netto = 3 × 1.200 = 3.600 → 3.600,00 (auf den Cent gerundet)")
    expect(trace).not_to_contain_text("rounded")

    # Submitting 2,5 anyway is refused at the field, and nothing is saved.
    page.fill("#id_quantity", "2,5")
    with page.expect_navigation():
        page.click("#order-form button[type=submit]")
    expect(page.locator("#order-form")).to_contain_text("Die Menge muss eine ganze Zahl sein")
    assert _order_count() == 0
