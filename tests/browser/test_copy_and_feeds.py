"""Copying an address, in real Chromium (issue 20): the feed page and an admin's set-password
link each have a Copy button that puts the address on the clipboard and says so; without
JavaScript the button is not offered and the address stays selectable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]


def _clipboard(page: Page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def test_the_feed_page_copies_its_address(browser, base_url):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_role("link", name="Follow new actions (feed)").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Follow new actions")
        address = page.get_by_label("The feed’s address (Atom)")
        expect(address).to_have_value(f"{base_url}/actions.atom")
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("status")).to_have_text("Copied: paste it into your message.")
        assert _clipboard(page) == f"{base_url}/actions.atom"
        assert_accessible(page)
    finally:
        context.close()


def test_without_javascript_no_copy_button_is_offered(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/feeds?pledge=regional-protection")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Regional Protection")
        expect(page.get_by_label("The feed’s address (Atom)")).to_have_value(
            f"{base_url}/pledges/regional-protection/actions.atom"
        )
        expect(page.get_by_role("button", name="Copy")).to_be_hidden()
    finally:
        context.close()


def test_an_admin_copies_a_set_password_link(browser, base_url):
    context = browser.new_context(base_url=base_url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        log_in(page, "admin@example.org")
        page.goto("/admin/users")
        page.get_by_role("link", name="Ana Demo").first.click()
        page.get_by_role("button", name="Make a new set-password link").click()
        link = page.get_by_label("Copy this link and send it to the person", exact=False)
        page.get_by_role("button", name="Copy").click()
        expect(page.locator("#set-password-link-copied")).to_have_text("Copied: paste it into your message.")
        assert _clipboard(page) == link.input_value() and "/auth/set-password/" in link.input_value()
        assert_accessible(page)
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_outcomes_move_up_and_down_with_or_without_a_reload(browser, base_url, javascript):
    """(Issue 20, item 6.) With JavaScript an outcome moves in place, the focus staying on its
    button; without it the same button is a form that reloads the page. Either way one
    quiet row of tools per outcome: a single primary action."""
    from .test_roundtable_accessibility import ID_CO_CHAIR, ROUNDTABLE

    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    page = context.new_page()
    try:
        log_in(page, ID_CO_CHAIR)
        page.goto(f"{ROUNDTABLE}/outcomes")
        first_group = page.locator(".outcome-group").first
        outcomes = first_group.locator("ol.outcomes-editor > li > p.mb-1:not(.row-tools)")
        before = outcomes.all_text_contents()
        assert len(before) >= 2
        expect(page.locator(".outcomes-editor .btn-primary")).to_have_count(0)  # no bright button per row
        if javascript:
            page.evaluate("window.notReloaded = true")
        first_group.get_by_role("button", name="Move down outcome 1.1").click()
        expect(outcomes.first).to_have_text(before[1])
        assert outcomes.all_text_contents()[:2] == [before[1], before[0]]
        if javascript:
            assert page.evaluate("window.notReloaded === true")
            focused = page.evaluate("document.activeElement.closest('li').querySelector('p').textContent")
            assert focused == before[0]
            expect(page.locator("#move-status")).to_have_text("Moved down.")
        first_group.get_by_role("button", name="Move up outcome 1.2").click()  # put it back
        expect(outcomes.first).to_have_text(before[0])
        if javascript:  # (axe runs in the page: it needs JavaScript)
            assert_accessible(page)
    finally:
        context.close()
