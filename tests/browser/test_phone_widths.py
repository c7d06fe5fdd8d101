"""Every kind of page on a small phone (360 px) and on a laptop (1280 px), in real Chromium,
as each kind of person meets it: nothing makes the page scroll sideways — tables stack,
long names wrap, the menu sits behind one button — and axe finds no violation at either
width. A page that scrolls sideways hides half of every line from someone holding a phone,
so each page type is asked, with the demo data, logged in as who uses it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tracker.core.extensions import db

from .test_pledge_pages import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def demo_addresses() -> dict:
    """The demo data's records, as the values of the page addresses below (in an app
    context): also used by tests/test_languages.py and docs/screenshots.py."""
    from tracker.pledges.models import ActionTaken, Pledge
    from tracker.roundtables.models import Recommendation, Roundtable
    from tracker.taxonomy.models import Forum

    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "regional-protection"))
    return {
        "pledge": pledge.slug,
        "action": db.session.scalars(sa.select(ActionTaken.id).where(ActionTaken.pledge_id == pledge.id)).first(),
        "roundtable": db.session.scalars(sa.select(Roundtable.slug)).first(),
        "recommendation": db.session.scalars(
            sa.select(Recommendation.id).where(Recommendation.status == "in_progress").order_by(Recommendation.id)
        ).first(),
        "forum": db.session.get(Forum, pledge.forum_id).slug,
    }


@pytest.fixture(scope="module")
def addresses(live_app, demo_data):
    """The demo data's records, as the addresses of their pages."""
    with live_app.app_context():
        found = demo_addresses()
        db.session.remove()
    return found


PUBLIC = [
    "/",
    "/pledges",
    "/pledges?state=in_progress&sort=newest",
    "/pledges/{pledge}",
    "/forums/{forum}",
    "/roundtables",
    "/roundtables/{roundtable}",
    "/recommendations/{recommendation}",
    "/open-data",
    "/auth/login",
    "/auth/forgot-password",
    "/pledges/{pledge}/follow",
]
STAFF = [
    "/pledges/mine",
    "/pledges/invitations",
    "/pledges/new",
    "/pledges/{pledge}/edit",
    "/pledges/{pledge}/actions/new",
    "/pledges/{pledge}/actions/{action}/edit",
    "/pledges/{pledge}/indicators",
    "/pledges/{pledge}/history",
    "/recommendations/mine",
    "/notifications",
    "/account/notifications",
]
CO_CHAIR = [
    "/roundtables/follow-through",
    "/roundtables/{roundtable}/follow-through",
    "/roundtables/review",
    "/roundtables/{roundtable}/report",
    "/roundtables/{roundtable}/outcomes",
    "/roundtables/{roundtable}/edit",
    "/roundtables/new",
    "/recommendations/{recommendation}",
    "/recommendations/{recommendation}/edit",
    "/recommendations/{recommendation}/history",
]
ADMIN = [
    "/admin/",
    "/admin/users",
    "/admin/organisations",
    "/admin/forums",
    "/admin/themes",
    "/admin/countries",
    "/admin/import",
    "/admin/outgoing-mail",
    "/admin/audit",
]
WHO = {
    "public": (None, PUBLIC),
    "staff": ("staff.arc@example.org", STAFF),
    "co-chair": ("cochair.au@example.org", CO_CHAIR),
    "admin": ("admin@example.org", ADMIN),
}


def _sideways(page: Page) -> list[str]:
    """What sticks out to the right of the screen (the widest few), if anything does."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            // A table in a scrolling box hides its right-hand columns as surely: it must stack.
            const scrolled = [...document.querySelectorAll('.table-responsive, .overflow-auto')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => 'a table scrolling sideways ' + e.scrollWidth + 'px: ' + (e.querySelector('caption') || e).textContent.trim().slice(0, 60));
            if (scrolled.length) return scrolled;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                     + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
                .slice(0, 8);
        }"""
    )


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["360px", "1280px"])
@pytest.mark.parametrize("who", list(WHO))
def test_every_page_type_fits_and_passes_axe(browser, base_url, addresses, who, viewport):
    email, paths = WHO[who]
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    try:
        if email:
            page.goto("/auth/login")
            page.get_by_label("E-mail").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("status").first).to_contain_text("Logged in as")
        problems = {}
        for path in paths:
            address = path.format(**addresses)
            response = page.goto(address)
            assert response is not None and response.status == 200, f"{address}: {response and response.status}"
            sticking_out = _sideways(page)
            if sticking_out:
                problems[address] = sticking_out
            page.mouse.move(0, 0)
            page.emulate_media(reduced_motion="reduce")
            found = Axe().run(page)
            if found.violations_count:
                problems[address] = [found.generate_report()]
        assert problems == {}, f"At {viewport['width']} px these pages scroll sideways or fail axe ({who}): {problems}"
    finally:
        context.close()


def test_the_menu_opens_behind_one_button_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        main_menu = page.get_by_role("navigation", name="Main")
        expect(main_menu).to_have_count(0)  # closed; the wide screen's row is hidden, not merely off-screen
        page.locator("summary", has_text="Menu").click()
        expect(main_menu).to_have_count(1)  # one menu for a screen reader
        expect(main_menu.get_by_role("link", name="Pledges")).to_be_visible()
        expect(main_menu.get_by_role("link", name="Log in")).to_be_visible()
        header = page.locator(".site-header").bounding_box()
        assert header is not None and header["height"] < 80  # the bar stays one row; the menu opens below it
    finally:
        context.close()
