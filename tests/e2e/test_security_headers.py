"""The strict Content-Security-Policy breaks nothing: the main pages load, htmx works, charts draw, and the
browser reports no CSP violation (issue #10 item 8)."""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.costing.tests.conftest import plan  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Registered before any page script runs (through the DevTools protocol, which the page's CSP does not govern).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber
  );
});
"""


def _violations(page, console):
    return [*page.evaluate("window.__csp || []"), *console]


def test_main_pages_have_no_csp_violation(live_server, page, login, password, admin_user, plan):  # noqa: F811
    from verbund.costing import services

    services.plan_version_calculate(actor=admin_user, plan=plan)
    page.set_default_timeout(60_000)  # the first chart imports matplotlib; the test machine may be busy
    console: list[str] = []
    page.on(
        "console",
        lambda message: console.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, "anna", password)

    paths = [
        "/",
        "/organisationen/",
        "/organisationen/vereinbarungen/",
        "/katalog/",
        "/kostenrechnung/",
        f"/kostenrechnung/{plan.pk}/",
        "/gremien/",
        "/gremien/beschluesse/",
        "/abrechnung/rechnungen/",
        "/ueber/",
        "/gibt-es-nicht/",
        "/api/v1/docs",
    ]
    seen = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
        page.wait_for_load_state("networkidle")
        seen[path] = _violations(page, console)
        console.clear()

    # htmx still works under the policy: the live search swaps in results.
    page.goto(f"{live_server.url}/organisationen/")
    page.fill("#id_q", "Telgte")
    expect(page.locator("#results")).to_contain_text("Telgte")
    seen["htmx search"] = _violations(page, console)

    # The chart is drawn (inline SVG without style attributes).
    page.goto(f"{live_server.url}/kostenrechnung/{plan.pk}/")
    expect(page.locator("svg.chart")).to_be_visible()
    assert page.locator("svg.chart").bounding_box()["height"] > 50
    seen["chart"] = _violations(page, console)

    assert {path: found for path, found in seen.items() if found} == {}
