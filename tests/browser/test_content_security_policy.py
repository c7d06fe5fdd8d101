"""The Content-Security-Policy in real Chromium: every kind of page, the API's Swagger UI
(the only page with script) included, renders with no violation of the policy, and a
page of the site cannot be framed by another."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

PAGES = [
    "/",
    "/pledges?q=trafficking",
    "/pledges/regional-protection",
    "/roundtables",
    "/roundtables/bali-process-government-civil-society-roundtable-2018",
    "/open-data",
    "/auth/login",
    "/no-such-page",
]


def _violations(page: Page) -> list[str]:
    """Collects every policy violation the browser reports for `page`."""
    found = []
    page.on("console", lambda message: "Content Security Policy" in message.text and found.append(message.text))
    return found


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_without_a_policy_violation(page: Page, path):
    violations = _violations(page)
    page.goto(path)
    page.wait_for_load_state("load")
    expect(page.locator("footer")).to_be_visible()
    # The site's stylesheet applied (a blocked stylesheet would leave the navbar unstyled).
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
    assert violations == []


def test_the_api_docs_run_their_script_under_the_policy(page: Page):
    violations = _violations(page)
    page.goto("/api/v1/docs")
    expect(page.get_by_text("/pledges/{slug}").first).to_be_visible(timeout=15_000)
    assert violations == []


def test_no_page_can_be_framed(page: Page):
    """frame-ancestors 'none' (and X-Frame-Options: DENY): not even this site may frame its
    pages, so no other site can overlay them to trick a click (clickjacking)."""
    page.goto("/auth/login")
    page.evaluate(
        """() => new Promise(resolve => {
            const frame = document.createElement('iframe');
            frame.id = 'frame';
            frame.src = '/pledges';
            frame.onload = resolve;
            document.body.append(frame);
        })"""
    )
    assert page.frame_locator("#frame").locator("footer").count() == 0
