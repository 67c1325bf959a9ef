"""The foundation flow in a real browser: log in, switch language, search, access limits, keyboard.

Runs against pytest-django's live server with Debian's chromium (see conftest.py). German is the default UI.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns that STATIC_ROOT is missing without `collectstatic`; its finders serve the files.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# The test writes its screenshot under var/ so that a test run never changes a tracked file; copy it to
# docs/screenshot.png by hand when the README's picture should change (docs/development.md, "Browser tests").
# One file per database, as `make test` runs the SQLite and PostgreSQL suites side by side.
VAR = Path(__file__).resolve().parents[2] / "var"

# The other municipalities of Kreis Warendorf, so that the README screenshot shows a realistic list
# (Telgte and Ahlen come from the shared `registry` fixture). Source: Statistisches Bundesamt (Destatis),
# Gemeindeverzeichnis GV100AD, status 30.11.2023, Datenlizenz Deutschland - Namensnennung - Version 2.0.
WARENDORF_MUNICIPALITIES = [
    ("Beckum, Stadt", "05570008", 37333, "111.46"),
    ("Beelen", "05570012", 6247, "31.35"),
    ("Drensteinfurt, Stadt", "05570016", 15874, "106.60"),
    ("Ennigerloh, Stadt", "05570020", 19757, "125.56"),
    ("Everswinkel", "05570024", 9733, "69.06"),
    ("Oelde, Stadt", "05570028", 29644, "102.77"),
    ("Ostbevern", "05570032", 11500, "89.65"),
    ("Sassenberg, Stadt", "05570036", 14455, "78.08"),
    ("Sendenhorst, Stadt", "05570040", 13671, "96.95"),
    ("Wadersloh", "05570048", 12863, "117.03"),
    ("Warendorf, Stadt", "05570052", 37616, "176.88"),
]

ALL_ORGANISATIONS = 6 + len(WARENDORF_MUNICIPALITIES)  # the `registry` fixture holds six organisations


def _add_warendorf_municipalities(kreis):
    from verbund.registry.choices import OrganizationKind
    from verbund.registry.services import organization_create

    for name, ags, population, area in WARENDORF_MUNICIPALITIES:
        # ARS without an association: Kreis + "0" + Gemeinde + Gemeinde (like Telgte's 055700044044)
        ars = ags[:5] + "0" + ags[5:] + ags[5:]
        organization_create(
            actor=None,
            name=name,
            kind=OrganizationKind.MUNICIPALITY,
            ags=ags,
            ars=ars,
            parent=kreis,
            population=population,
            area_km2=Decimal(area),
        )


def _complete_warendorf_figures(registry):
    """Official areas of the fixture towns and the district totals, so that the picture has no empty cells."""
    from verbund.registry.services import organization_update

    organization_update(actor=None, organization=registry["telgte"], area_km2=Decimal("90.90"))
    organization_update(actor=None, organization=registry["ahlen"], area_km2=Decimal("123.13"))
    towns = [*WARENDORF_MUNICIPALITIES, ("Telgte", "", 20222, "90.90"), ("Ahlen", "", 53348, "123.13")]
    organization_update(
        actor=None,
        organization=registry["kreis"],
        population=sum(town[2] for town in towns),
        area_km2=sum(Decimal(town[3]) for town in towns),
    )


def _switch_language(page, code):
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.click("form.language-form button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", code)


def _result_rows(page):
    return page.locator("#results table.data-table tbody tr")


def test_admin_logs_in_switches_language_and_finds_organisation(
    live_server, page, login, password, registry, admin_user
):
    _add_warendorf_municipalities(registry["kreis"])
    login(page, "anna", password)

    # German is the default: <html lang="de"> and the overview heading in German.
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("h1")).to_have_text("Übersicht")

    _switch_language(page, "en")
    assert page.url == f"{live_server.url}/"  # set_language returns to the page it came from
    expect(page.locator("h1")).to_have_text("Overview")
    _switch_language(page, "de")
    expect(page.locator("h1")).to_have_text("Übersicht")

    # Search the registry; the filter form swaps the results in place (htmx) and pushes the URL.
    page.goto(f"{live_server.url}/organisationen/")
    expect(_result_rows(page)).to_have_count(ALL_ORGANISATIONS)
    page.fill("#id_q", "Telgte")
    page.click("form.filter-form button[type=submit]")
    expect(_result_rows(page)).to_have_count(1)
    expect(_result_rows(page).first).to_contain_text("Telgte, Stadt")
    expect(page).to_have_url(re.compile(r"[?&]q=Telgte(&|$)"))

    with page.expect_navigation():
        page.locator("#results").get_by_role("link", name="Telgte, Stadt").click()
    assert page.url == f"{live_server.url}/organisationen/{registry['telgte'].pk}/"
    expect(page.locator("h1")).to_have_text("Telgte, Stadt")
    expect(page.locator("dl.facts code").first).to_have_text("05570044")
    history = page.locator("section[aria-labelledby=history-heading]")
    expect(history.locator("h2")).to_be_visible()
    expect(history.locator("tbody tr")).to_have_count(1)  # the creation, recorded by the fixture

    # The README screenshot: the organisation list as the provider admin sees it, German UI.
    _complete_warendorf_figures(registry)
    page.goto(f"{live_server.url}/organisationen/")
    expect(_result_rows(page)).to_have_count(ALL_ORGANISATIONS)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    screenshot = VAR / f"screenshot-{connection.vendor}.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000


def test_member_contact_sees_only_her_own_organisation(live_server, page, login, password, registry, alice, bob):
    login(page, "alice", password)

    response = page.goto(f"{live_server.url}/organisationen/{registry['ahlen'].pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Ahlen")

    page.goto(f"{live_server.url}/organisationen/")
    expect(_result_rows(page)).to_have_count(1)
    expect(_result_rows(page).first).to_contain_text("Telgte, Stadt")
    expect(page.locator("#results")).not_to_contain_text("Ahlen")

    response = page.goto(f"{live_server.url}/organisationen/{registry['telgte'].pk}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("Telgte, Stadt")


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(live_server, page, admin_user):
    login_url = f"{live_server.url}/accounts/anmelden/"
    page.goto(login_url)
    page.fill("#id_username", "anna")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")

    assert page.url == login_url
    expect(page.locator("form.login-form [role=alert]")).to_be_visible()
    expect(page.locator("form.login-form [role=alert]")).not_to_be_empty()
    expect(page.locator("#id_username")).to_have_value("anna")
    expect(page.locator("#id_password")).to_have_value("")
    expect(page.locator("nav.main-nav")).to_have_count(0)  # not logged in

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/anmelden/\?next=/$"))


def test_skip_link_is_the_first_focusable_element(live_server, page):
    page.goto(f"{live_server.url}/ueber/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    expect(page.locator("a.skip-link")).to_be_focused()
    expect(page.locator("a.skip-link")).to_be_visible()  # visible while focused

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
