"""The bell, in real Chromium: it says how many notifications are unread (in words a screen
reader reads out), the list shows them, and marking one read, then all, clears it. The
notification pages and the settings page checked with axe."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tracker.accounts.models import User
from tracker.core.extensions import db
from tracker.data import demo
from tracker.notifications.models import Notification
from tracker.notifications.operations import notify
from tracker.pledges.mails import SIGNATURE_INVITATION

from .test_pledge_pages import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

PERSON = demo.AHRC_STAFF


@pytest.fixture
def three_new(live_app):
    """Whatever the demo told the person is read; then three invitations to sign arrive."""
    with live_app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == PERSON))
        db.session.execute(
            sa.update(Notification).where(Notification.user_id == person.id).values(read_at=sa.func.now())
        )
        for title in ("Safe shelters", "Family links", "Hotline"):
            context = {"pledge_title": title, "organisation": "AHRC", "inviting": "Australian Red Cross"}
            notify(SIGNATURE_INVITATION, [person], context)
        db.session.commit()
        db.session.remove()


def bell(page: Page):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications", exact=False)


def test_the_bell_counts_and_clears(page: Page, three_new):
    log_in(page, PERSON)
    expect(bell(page)).to_have_accessible_name("Notifications, 3 unread")

    bell(page).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name="Australian Red Cross invites AHRC to sign “Hotline”")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Mark read: Australian Red Cross invites AHRC to sign “Hotline”").click()
    expect(bell(page)).to_have_accessible_name("Notifications, 2 unread")

    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status").first).to_contain_text("2 notifications marked read.")
    expect(bell(page)).to_have_accessible_name("Notifications")
    assert_accessible(page)


def test_the_settings_page_has_no_accessibility_violations(page: Page):
    log_in(page, PERSON)
    page.goto("/notifications")
    page.get_by_role("link", name="Choose which reach you by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    assert_accessible(page)
    page.get_by_role("group", name="By e-mail when your organisation is invited to sign a pledge").get_by_label(
        "In a daily digest"
    ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Your notification settings are saved.")
    expect(
        page.get_by_role("group", name="By e-mail when your organisation is invited to sign a pledge").get_by_label(
            "In a daily digest"
        )
    ).to_be_checked()
    assert_accessible(page)
