"""The pledge pages in real Chromium, as staff and the public meet them, with the demo data."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

STAFF_EMAIL = "staff.arc@example.org"
PASSWORD = "demo-password"
NARROW_BELOW = 1280  # px; tracker.css shows the Menu instead of the bar's links below this
FIRST_ACTION = (
    "Australian Red Cross, Department of Foreign Affairs and Trade (DFAT) and Home Affairs "
    "have organised three roundtables"
)


def log_in(page: Page, email=STAFF_EMAIL, password=PASSWORD):
    page.goto("/")
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def open_account(page: Page):
    """The person's account menu — their name in the bar, or below 1280 px the Menu — opened.

    Which one shows is decided by the window's width (the stylesheet's breakpoint), not by
    asking what is visible: asked while a page is still loading, before its stylesheet
    applies, both are.
    """
    viewport = page.viewport_size
    narrow = viewport is not None and viewport["width"] < NARROW_BELOW
    menu = page.locator("details.site-menu-narrow" if narrow else "details.account-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").first.click()
    return menu


def account_button(page: Page):
    """The bar's account button, which says who is logged in."""
    return page.locator("details.account-menu > summary")


def log_out(page: Page):
    open_account(page).get_by_role("button", name="Log out").click()


def open_regional_protection(page: Page):
    page.goto("/pledges")
    page.get_by_role("link", name="Regional Protection", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional Protection")


def assert_accessible(page: Page):
    # Measure colours at rest: a pointer left over a button (where the one just clicked
    # was) would catch Bootstrap's hover transition half-way and make contrast flaky.
    page.mouse.move(0, 0)
    page.emulate_media(reduced_motion="reduce")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_staff_log_in_and_read_the_actions_taken_on_regional_protection(page: Page):
    log_in(page)
    expect(page.get_by_role("status")).to_contain_text("Logged in as")
    expect(account_button(page)).to_be_visible()

    open_regional_protection(page)
    actions = page.get_by_role("region", name="Actions taken")
    summaries = actions.locator(".action-summary")
    expect(summaries.filter(has_text=FIRST_ACTION)).to_have_count(1)
    # The bullet starts with the action, as on the Red Cross page (its date is above it).
    expect(summaries.filter(has_text=FIRST_ACTION)).to_have_text(re.compile("^" + re.escape(FIRST_ACTION)))
    expect(page.locator("dt", has_text="Implementation completion")).to_have_text("Implementation completion:")
    expect(page.locator("dt:has-text('Implementation completion') + dd")).to_have_text("No")


def test_logging_out_is_a_protected_post(page: Page):
    log_in(page)
    log_out(page)
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, base_url):
    response = page.request.post(f"{base_url}/auth/login", form={"email": STAFF_EMAIL, "password": PASSWORD})
    assert response.status == 400
    assert "The form had expired" in response.text()


def test_a_refused_login_keeps_the_e_mail_and_says_why(page: Page):
    log_in(page, password="not-the-password")
    expect(page.get_by_role("alert")).to_have_text("E-mail or password is not right, or the account is not active.")
    expect(page.get_by_label("E-mail")).to_have_value(STAFF_EMAIL)
    expect(page.get_by_label("Password")).to_have_value("")


def test_everything_works_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    log_in(page)
    open_regional_protection(page)
    expect(page.get_by_role("region", name="Actions taken")).to_contain_text(FIRST_ACTION)
    log_out(page)
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")


def test_the_skip_link_is_the_first_stop_and_becomes_visible(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


@pytest.mark.parametrize("who", ["public", "staff"])
def test_home_page_has_no_accessibility_violations(page: Page, who):
    if who == "staff":
        log_in(page)  # adds drafts, the log-out button and a flash message
    page.goto("/")
    assert_accessible(page)


def test_login_page_has_no_accessibility_violations(page: Page):
    page.goto("/auth/login")
    assert_accessible(page)
    page.get_by_role("button", name="Log in").click()  # empty: errors beside the fields
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_pledge_page_has_no_accessibility_violations(page: Page):
    open_regional_protection(page)
    assert_accessible(page)


def test_error_page_has_no_accessibility_violations(page: Page):
    response = page.goto("/pledges/no-such-pledge")
    assert response.status == 404
    assert_accessible(page)


@pytest.mark.parametrize("width, height, path", [(1280, 900, "/tmp/pledge.png"), (390, 844, "/tmp/pledge-phone.png")])
def test_pledge_page_reads_on_a_desktop_and_a_phone(page: Page, width, height, path):
    page.set_viewport_size({"width": width, "height": height})
    open_regional_protection(page)
    page.screenshot(path=path, full_page=True)
    # Nothing wider than the screen: a phone reader never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
