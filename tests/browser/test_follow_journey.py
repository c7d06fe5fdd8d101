"""Following a pledge by e-mail and changing one's e-mail address, in real Chromium with a real
SMTP server: a visitor asks on the pledge's page, opens the e-mail's link and confirms; a
person asks for a new address, opens the link sent there, and logs in with it. Each page
checked with axe; the follow form on a phone's screen too."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.mail import html_links
from tracker.core.extensions import db
from tracker.pledges.models import Pledge, PledgeFollower

from .test_password_reset_journey import deliver, mail_to, smtp  # noqa: F401 (the fixture)
from .test_pledge_pages import PASSWORD, account_button, assert_accessible, log_in, log_out, open_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

FOLLOWER = "lena.hartmann@example.net"
PERSON = "staff.dfat@example.org"
NEW_ADDRESS = "consular.desk@example.org"


def _a_published_pledge(live_app) -> tuple[str, str]:
    with live_app.app_context():
        pledge = db.session.scalars(sa.select(Pledge).where(Pledge.status == "in_progress").order_by(Pledge.id)).first()
        found = pledge.slug, pledge.title
        db.session.remove()
    return found


def test_a_visitor_follows_a_pledge_and_confirms_from_the_email(page: Page, live_app, smtp):  # noqa: F811
    slug, title = _a_published_pledge(live_app)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"/pledges/{slug}")
    page.get_by_role("link", name="by e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow a pledge by e-mail")
    assert_accessible(page)
    page.get_by_label("Your e-mail address").fill(FOLLOWER)
    page.get_by_role("button", name="Follow by e-mail").click()
    expect(page.get_by_role("status")).to_contain_text("Check your inbox")

    deliver(live_app)
    message = mail_to(smtp, FOLLOWER, "confirm that you want to follow")
    link = html_links(message)["Confirm and follow the pledge"]
    page.goto(link)
    expect(page.get_by_text(title)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Yes, follow this pledge").click()
    expect(page.get_by_role("status")).to_contain_text("You follow")
    with live_app.app_context():
        assert db.session.scalar(sa.select(PledgeFollower.confirmed_at)) is not None
        db.session.remove()


def test_a_new_email_address_takes_effect_from_the_link_sent_to_it(page: Page, live_app, smtp):  # noqa: F811
    log_in(page, PERSON)
    open_account(page).get_by_role("link", name="Password").click()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="E-mail address").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your e-mail address")
    assert_accessible(page)
    page.get_by_label("New e-mail address").fill(NEW_ADDRESS)
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Send the confirmation link").click()
    expect(page.get_by_role("status")).to_contain_text(f"We sent a link to {NEW_ADDRESS}")

    deliver(live_app)
    link = html_links(mail_to(smtp, NEW_ADDRESS, "Confirm your new e-mail address"))["Confirm the new address"]
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name=f"Use {NEW_ADDRESS}").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Your e-mail address is now {NEW_ADDRESS}")
    log_out(page)
    log_in(page, NEW_ADDRESS)
    expect(account_button(page)).to_be_visible()
    deliver(live_app)
    assert "it is now" in mail_to(smtp, PERSON, "was changed").get_body(preferencelist=("plain",)).get_content()
