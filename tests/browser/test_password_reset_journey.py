"""Forgot password, in real Chromium, with a real SMTP server: ask for a link on the log-in
page, open the e-mail's link, choose a new password, and be logged in. And the new pages
(forgot password, reset, unsubscribe, Administration › Outgoing mail) checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from tests.mail import SMTPServer, html_links
from tracker.accounts import mails
from tracker.core.extensions import db
from tracker.notifications import delivery

from .test_pledge_pages import account_button, assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

PERSON = "staff.dfat@example.org"
ADMIN = "admin@example.org"
NEW_PASSWORD = "lighthouse orchard violin 2026"


@pytest.fixture
def smtp(live_app):
    """The live app's mail goes to a real SMTP server for this test, with links to the live app."""
    server = SMTPServer()
    server.start()
    saved = {key: live_app.config.get(key) for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "PUBLIC_BASE_URL")}
    server.configure(live_app)
    live_app.config["PUBLIC_BASE_URL"] = live_app.config["LIVE_URL"]
    yield server
    live_app.config.update(saved)
    delivery.init_app(live_app)
    server.stop()


def deliver(live_app):
    with live_app.app_context():
        delivery.deliver_due()
        db.session.remove()


def mail_to(server, address, subject_word):
    found = [m for m in server.messages if address in str(m["To"]) and subject_word in str(m["Subject"])]
    assert len(found) == 1, [(str(m["To"]), str(m["Subject"])) for m in server.messages]
    return found[0]


def ask_for_a_link(page: Page, email: str):
    page.goto("/auth/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account has the address you typed")


def test_forgot_password_then_the_emails_link_then_a_new_password_logs_in(page: Page, live_app, smtp):
    ask_for_a_link(page, PERSON)
    assert_accessible(page)
    deliver(live_app)
    link = html_links(mail_to(smtp, PERSON, "Reset"))["Choose a new password"]
    assert link.startswith(live_app.config["LIVE_URL"] + "/auth/reset-password/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page.get_by_role("status").first).to_contain_text("Your new password is set, and you are logged in")
    expect(account_button(page)).to_be_visible()
    log_out(page)
    log_in(page, PERSON, NEW_PASSWORD)
    expect(account_button(page)).to_be_visible()

    page.goto(link)  # used: it says so, and where to ask again
    expect(page.get_by_text("has expired or has already been used")).to_be_visible()
    assert_accessible(page)


def test_forgot_password_page_has_no_accessibility_violations(page: Page):
    page.goto("/auth/forgot-password")
    assert_accessible(page)
    page.get_by_label("E-mail").fill("not an address")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("Invalid email address.")).to_be_visible()
    assert_accessible(page)


def test_reset_page_refusing_a_weak_password_has_no_accessibility_violations(page: Page, live_app, smtp):
    ask_for_a_link(page, "staff.ahrc@example.org")
    deliver(live_app)
    page.goto(html_links(mail_to(smtp, "staff.ahrc@example.org", "Reset"))["Choose a new password"])
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill("password1234")
    page.get_by_label("New password again").fill("password1234")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("This password is too easy to guess").first).to_be_visible()
    assert_accessible(page)


def test_unsubscribe_pages_have_no_accessibility_violations(page: Page, live_app, smtp, signed_pledge):
    signed_pledge("Pledge that invites the Philippine Red Cross")
    deliver(live_app)
    invitation = next(m for m in smtp.messages if "invites" in str(m["Subject"]))
    link = " ".join(str(invitation["List-Unsubscribe"]).split()).strip("<>")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop e-mails")
    assert_accessible(page)
    page.get_by_role("button", name="Stop these e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mails turned off")
    assert_accessible(page)


def test_outgoing_mail_page_has_no_accessibility_violations(page: Page, live_app, smtp):
    with live_app.app_context():
        mails.request_password_reset("cochair.id@example.org")
        db.session.commit()
        db.session.remove()
    smtp.answer = "550 5.1.1 No such mailbox here"
    deliver(live_app)  # refused for good: a Retry button
    log_in(page, ADMIN)
    page.goto("/admin/")
    page.get_by_role("link", name="Outgoing mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outgoing mail")
    assert_accessible(page)
    page.get_by_role("link", name="Failed").click()
    expect(page.get_by_text("550 5.1.1 No such mailbox here").first).to_be_visible()
    page.get_by_role("button", name="Retry").first.click()
    expect(page.get_by_role("status").first).to_contain_text("is queued again")
    assert_accessible(page)
