"""The satisfaction survey in a real browser: an office worker answers on a phone-sized viewport without a login
(first a missing answer is pointed out, then the draft is kept, then the survey is submitted, and the link
cannot be used twice), and a member contact opens its member's results with the charts."""

import pytest
from playwright.sync_api import expect

from verbund.catalog.tests.conftest import catalogue  # noqa: F401
from verbund.surveys.tests.conftest import closed_wave, open_wave, questionnaire  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_answer_a_survey_on_a_phone(live_server, browser, open_wave, registry):  # noqa: F811
    from verbund.surveys.models import Response

    token = open_wave.tokens[(registry["telgte"].pk, "Bauamt")]
    context = browser.new_context(
        locale="en-GB", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/umfragen/antwort/{token}/")
        expect(page.locator("h1")).to_have_text("Befragung 2026")
        # No horizontal scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # Submitting without the required question: the error summary links to the question.
        with page.expect_navigation():
            page.click("button[value=submit]")
        expect(page.locator("#error-summary")).to_contain_text("Please answer this question.")
        expect(page.locator("#q_overall")).to_have_attribute("aria-describedby", "q_overall-error")
        # A draft is kept for the same link.
        page.get_by_label("4 – satisfied").first.check()
        with page.expect_navigation():
            page.click("button[value=draft]")
        expect(page.locator("#q_overall-4")).to_be_checked()
        page.locator("#q_recommend-9").check()
        page.fill("#q_comment", "Mehr Schulungen bitte")
        with page.expect_navigation():
            page.click("button[value=submit]")
        expect(page.locator("#answer-message")).to_contain_text("Thank you")
        page.goto(f"{live_server.url}/umfragen/antwort/{token}/")
        expect(page.locator("#answer-message")).to_contain_text("already answered")
    finally:
        context.close()
    assert Response.objects.filter(wave=open_wave, member=registry["telgte"], office="Bauamt").count() == 1


def test_a_member_opens_its_results(live_server, page, login, alice, closed_wave, registry, password):  # noqa: F811
    login(page, "alice", password)
    page.goto(f"{live_server.url}/umfragen/")
    with page.expect_navigation():
        page.locator(f"#wave-{closed_wave.pk} a").first.click()
    expect(page.locator("h1")).to_contain_text("Befragung 2025")
    expect(page.locator("#survey-results-chart")).to_be_visible()
    expect(page.locator("#survey-member-chart")).to_be_visible()
    expect(page.locator("#results-table")).to_contain_text(registry["telgte"].name)
    expect(page.locator("body")).not_to_contain_text(registry["ahlen"].name)
