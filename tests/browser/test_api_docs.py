"""The API's documentation page in real Chromium, as a developer meets it: inside the site's
own layout (its menu, footer and language switcher), with Swagger UI drawn from the OpenAPI
document under the Content-Security-Policy, in the language picked, and its "Try it out"
showing the headers the API sends (the next page's Link, the CORS and caching headers)."""

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]


def _violations(page: Page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: "Content Security Policy" in message.text and found.append(message.text))
    return found


def test_the_docs_page_is_in_the_sites_layout_and_draws_the_api(page: Page):
    violations = _violations(page)
    assert page.goto("/api/v1/docs").status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Pledge Tracker API: documentation")
    menu = page.locator("header.site-header nav.site-menu-wide")
    expect(menu.get_by_role("link", name="Pledges", exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Roundtables", exact=True)).to_be_visible()
    footer = page.locator("footer.site-footer")
    expect(footer.get_by_role("navigation", name="Language")).to_be_visible()
    expect(footer.get_by_role("link", name="Open data")).to_be_visible()
    # Swagger UI, started by its script file, draws every operation from the document.
    expect(page.get_by_text("/api/v1/pledges/{slug}", exact=True).first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/roundtables", exact=True).first).to_be_visible()
    assert violations == []
    assert_accessible(page)


def test_the_language_switcher_keeps_the_docs_page(page: Page):
    page.goto("/api/v1/docs")
    page.locator("footer").get_by_role("link", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pledge Tracker API")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Pledge Tracker API: documentation")
    expect(page.get_by_text("/api/v1/pledges/{slug}", exact=True).first).to_be_visible(timeout=15_000)
    # Swagger UI's own words are English: marked so for a screen reader.
    expect(page.locator("#swagger-ui")).to_have_attribute("lang", "en")


def test_trying_the_pledge_list_shows_its_link_and_cors_headers(page: Page):
    page.goto("/api/v1/docs")
    operation = page.locator("#operations-Pledges-get_api_v1_pledges")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("input[placeholder='per_page']").fill("2")
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table")
    expect(answer).to_contain_text('rel="next"', timeout=15_000)
    expect(answer).to_contain_text("access-control-allow-origin: *")
    expect(answer).to_contain_text("etag:")
