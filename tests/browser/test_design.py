"""The tracker's look (docs/design.md), in real Chromium with the demo data: the site bar is
one row at 1280 px for everyone who uses it, states are written in words with an icon that
screen readers skip, and the palette is the tracker's own, not Bootstrap's default blue."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

TRACKER_BLUE = "rgb(11, 79, 138)"  # --tracker-blue
BOOTSTRAP_BLUE = "rgb(13, 110, 253)"


def _log_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").first).to_contain_text("Logged in as")


@pytest.mark.parametrize(
    "email", [None, "staff.arc@example.org", "cochair.au@example.org", "cochair.id@example.org", "admin@example.org"]
)
def test_the_site_bar_is_one_row_at_1280_px_for_everyone(page: Page, email):
    page.set_viewport_size({"width": 1280, "height": 900})
    if email:
        _log_in(page, email)
    page.goto("/pledges")
    bar = page.locator(".site-bar")
    brand = bar.locator(".navbar-brand").bounding_box()
    links = bar.locator(".site-menu-wide").bounding_box()
    assert brand and links
    assert abs(links["y"] - brand["y"]) < brand["height"], "the menu's links fell below the name of the site"
    assert bar.bounding_box()["height"] < 70
    # Every link is there, on screen, not cut off at the bar's edge.
    for link in bar.locator(".site-menu-wide a, .site-menu-wide summary").all():
        box = link.bounding_box()
        assert box and box["x"] + box["width"] <= 1280, link.inner_text()


def test_a_state_is_words_with_an_icon_screen_readers_skip(page: Page):
    page.goto("/pledges/regional-protection")
    badge = page.locator("article header .badge.state")
    expect(badge).to_have_text("In progress")
    expect(badge.locator("svg")).to_have_attribute("aria-hidden", "true")
    expect(badge).to_have_class("badge state state-in_progress")


def test_overdue_is_flagged_in_words_and_in_red_beside_the_state(page: Page):
    page.goto("/roundtables/bali-process-government-civil-society-roundtable-2018")
    overdue = page.locator(".recommendation-card .badge.flag-alert", has_text="Overdue")
    expect(overdue).to_have_count(1)
    colour = overdue.evaluate("element => getComputedStyle(element).color")
    assert colour == "rgb(164, 38, 44)"  # --tracker-red, 6.2:1 on its tint


def test_links_and_primary_buttons_are_the_trackers_blue(page: Page):
    page.goto("/pledges")
    search = page.get_by_role("button", name="Search")
    assert search.evaluate("element => getComputedStyle(element).backgroundColor") == TRACKER_BLUE
    link = page.locator(".pledge-list a").first
    assert link.evaluate("element => getComputedStyle(element).color") == TRACKER_BLUE
    assert BOOTSTRAP_BLUE not in (
        search.evaluate("element => getComputedStyle(element).borderColor"),
        link.evaluate("element => getComputedStyle(element).color"),
    )


@pytest.mark.parametrize(
    "email, path",
    [
        ("staff.arc@example.org", "/pledges/regional-protection/actions/new"),
        ("staff.arc@example.org", "/pledges/new"),
        ("cochair.au@example.org", "/roundtables/review"),
        (None, "/pledges"),
    ],
)
def test_controls_are_thumb_sized_on_a_phone(page: Page, email, path):
    """At 390 px every button, field, menu and tick in the page's main part is at least
    44 px tall to press (a tick with its label row)."""
    page.set_viewport_size({"width": 390, "height": 844})
    if email:
        _log_in(page, email)
    page.goto(path)
    small = page.evaluate(
        """() => [...document.querySelectorAll(
                'main .btn:not(.btn-link), main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main select, main textarea, main .form-check')]
            .filter(e => e.offsetParent !== null && !e.closest('[hidden]'))
            .filter(e => e.getBoundingClientRect().height < 44)
            .map(e => (e.outerHTML.slice(0, 90)) + ' ' + Math.round(e.getBoundingClientRect().height) + 'px')"""
    )
    assert small == []
