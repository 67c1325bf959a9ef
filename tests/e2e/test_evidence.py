"""Evidence in a real browser: a controller imports a staff file on the evidence page; a file with a wrong line
writes nothing and names the line and column; the good file's posts appear in the list, and the occupancy figure
links to them."""

import pytest
from playwright.sync_api import expect

from verbund.evidence.tests.conftest import STAFF_CSV, controller  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _upload(page, name, text):
    page.select_option("#id_kind", "staff")
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    with page.expect_navigation():
        page.click("#import-button")


def test_controller_imports_a_staff_file_and_sees_the_posts(live_server, page, login, controller, registry):  # noqa: F811
    from verbund.evidence.models import Post

    citeq = registry["citeq"].pk
    login(page, "carla", "x-Passwort-123")
    page.goto(f"{live_server.url}/nachweise/?provider={citeq}&year=2025")
    expect(page.locator("#figure-evidenceoccupancy_rate")).to_contain_text("keine Daten importiert")

    _upload(page, "falsch.csv", "post;title;planned_fte;filled_fte\nST-1;X;1;zwei\n")
    expect(page.locator("body")).to_contain_text("Zeile 2, Spalte filled_fte")
    assert not Post.objects.exists()

    page.goto(f"{live_server.url}/nachweise/?provider={citeq}&year=2025")
    _upload(page, "stellen.csv", STAFF_CSV)
    expect(page.locator("body")).to_contain_text("4 Zeilen importiert")
    expect(page.locator("#figure-evidenceoccupancy_rate")).to_contain_text("71,4 %")
    with page.expect_navigation():
        page.locator("#figure-evidenceoccupancy_rate a").click()
    expect(page.locator("#posts tbody tr")).to_have_count(4)
    expect(page.locator("#post-st-2")).to_contain_text("Netzwerk")
    page.check("input[name=vacant]")
    with page.expect_navigation():
        page.click("#filter-form button[type=submit]")
    expect(page.locator("#posts tbody tr")).to_have_count(1)
    expect(page.locator("#post-st-3")).to_contain_text("Service Desk")
