"""Every page of the staff workspace and the admin pages, checked with axe in real Chromium:
as they first load, and as they look when something was refused (errors beside the
fields, a conflict, a refused workflow button). Zero violations is the bar."""

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import assert_accessible, log_in, open_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ARC_STAFF = "staff.arc@example.org"
ADMIN = "admin@example.org"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def workspace(page: Page):
    return page.get_by_role("region", name="Work on this pledge")


@pytest.fixture
def staff_page(page: Page) -> Page:
    log_in(page, ARC_STAFF)
    return page


# --- my organisation's pledges ------------------------------------------------------------


def test_my_pledges_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    page.get_by_role("link", name="My organisation’s pledges").first.click()
    expect(heading(page)).to_have_text("My organisation’s pledges")
    assert_accessible(page)


def test_my_pledges_filtered_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    page.goto("/pledges/mine")
    page.get_by_label("State", exact=True).select_option(label="In progress")
    page.get_by_label("Forum", exact=True).select_option(
        label="33rd International Conference of the Red Cross and Red Crescent, 2019"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Show all")).to_be_visible()
    assert_accessible(page)


def test_my_pledges_filtered_to_nothing_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    page.goto("/pledges/mine?state=done&forum=999999")
    expect(page.get_by_text("None of your organisation’s pledges match these filters.")).to_be_visible()
    assert_accessible(page)


# --- the pledge editor ----------------------------------------------------------------------


def test_new_pledge_form_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    page.goto("/pledges/new")
    expect(heading(page)).to_have_text("Write a new pledge")
    assert_accessible(page)


def test_refused_new_pledge_form_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    page.goto("/pledges/new")
    page.get_by_label("Period: first year").fill("2023")
    page.get_by_label("Period: last year").fill("2019")
    page.get_by_label("Budget amount").fill("80000")
    page.get_by_label("Contact e-mail").fill("not an address")
    page.get_by_role("button", name="Save as draft").click()  # no title either
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Period: last year")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_edit_pledge_form_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("Accessible editor", state="in_progress", actions=["Trained twelve volunteers."])
    page = staff_page
    page.goto(f"/pledges/{slug}")
    workspace(page).get_by_role("link", name="Edit the pledge").click()
    expect(heading(page)).to_have_text("Edit the pledge")
    assert_accessible(page)


def test_edit_conflict_page_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("Edited in two tabs", state="in_progress")
    first = staff_page
    second = first.context.new_page()  # the same person, a second tab
    for tab in (first, second):
        tab.goto(f"/pledges/{slug}/edit")
    first.get_by_label("Region").fill("Asia-Pacific")
    first.get_by_role("button", name="Save changes").click()
    expect(first.get_by_role("status")).to_contain_text("Pledge saved.")

    second.get_by_label("Region").fill("South-East Asia")
    second.get_by_label("Pledge text").fill("Train volunteers in restoring family links, in every state.")
    with second.expect_response(lambda response: response.request.method == "POST") as posted:
        second.get_by_role("button", name="Save changes").click()
    assert posted.value.status == 409
    expect(
        second.get_by_role("heading", name="Someone else saved this pledge after you opened the form")
    ).to_be_visible()
    expect(second.get_by_role("table")).to_contain_text("South-East Asia")
    assert_accessible(second)


# --- actions taken --------------------------------------------------------------------------


def test_record_action_form_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("Accessible action form", state="in_progress")
    page = staff_page
    page.goto(f"/pledges/{slug}")
    workspace(page).get_by_role("link", name="Record an action taken").click()
    expect(heading(page)).to_have_text("Record an action taken")
    assert_accessible(page)
    page.get_by_role("button", name="Add another link").click()
    expect(page.get_by_role("group", name="Link 2")).to_be_visible()
    assert_accessible(page)


def test_refused_action_form_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("Refused action form", state="in_progress")
    page = staff_page
    page.goto(f"/pledges/{slug}/actions/new")
    page.get_by_label("Date", exact=True).fill("05/06/2020")
    page.get_by_label("Australian Red Cross (ARC)", exact=True).uncheck()
    figure = page.get_by_role("group", name="Figure 1")
    figure.get_by_label("Unit").fill("people")  # a figure with no label or number
    page.get_by_role("group", name="Link 1").get_by_label("Title of the page or document").fill("Annual report")
    page.get_by_role("button", name="Save action").click()  # and no summary
    expect(page.get_by_label("What was done")).to_have_attribute("aria-invalid", "true")
    expect(figure.get_by_label("What was counted")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_edit_action_form_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    summary = "Trained thirty volunteers in psychological first aid."
    slug = signed_pledge("Accessible action editor", state="in_progress", actions=[summary])
    page = staff_page
    page.goto(f"/pledges/{slug}")
    page.locator("ol.timeline > li").filter(has_text=summary).get_by_role("link", name="Edit this action").click()
    expect(heading(page)).to_have_text("Edit an action taken")
    assert_accessible(page)


def test_withdraw_action_page_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    summary = "Recorded twice by mistake."
    slug = signed_pledge("Accessible withdrawal", state="in_progress", actions=[summary])
    page = staff_page
    page.goto(f"/pledges/{slug}")
    page.locator("ol.timeline > li").filter(has_text=summary).get_by_role("link", name="Withdraw this action").click()
    expect(heading(page)).to_have_text("Withdraw this action?")
    assert_accessible(page)


# --- the pledge page as its staff see it, and its history -----------------------------------


@pytest.mark.parametrize("state", ["draft", "in_progress", "done"])
def test_pledge_page_with_workflow_buttons_has_no_accessibility_violations(staff_page: Page, signed_pledge, state):
    slug = signed_pledge(f"Workflow buttons when {state}", state=state, actions=["Held a training session."])
    page = staff_page
    page.goto(f"/pledges/{slug}")
    expect(workspace(page).get_by_role("button")).not_to_have_count(0)
    assert_accessible(page)


def test_pledge_page_with_a_refused_button_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("A refused reopening", state="done", actions=["Held a training session."])
    page = staff_page
    page.goto(f"/pledges/{slug}")
    workspace(page).get_by_role("button", name="Reopen").click()
    expect(workspace(page).get_by_role("alert")).to_be_visible()
    assert_accessible(page)


def test_history_page_has_no_accessibility_violations(staff_page: Page, signed_pledge):
    slug = signed_pledge("Accessible history", state="done", actions=["Held a training session."])
    page = staff_page
    page.goto(f"/pledges/{slug}/edit")
    page.get_by_label("Region").fill("Asia-Pacific")
    page.get_by_label("Note about this change").fill("Add the region.")
    page.get_by_role("button", name="Save changes").click()  # an "edited" entry with old → new
    workspace(page).get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of “Accessible history”")
    assert_accessible(page)


# --- the account -----------------------------------------------------------------------------


def test_password_page_has_no_accessibility_violations(staff_page: Page):
    page = staff_page
    open_account(page).get_by_role("link", name="Password").click()
    expect(heading(page)).to_have_text("Change your password")
    assert_accessible(page)
    page.get_by_label("Current password").fill("not-the-password")
    page.get_by_role("button", name="Change password").click()  # refused: errors beside the fields
    expect(page.get_by_label("New password", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


# --- the admin pages ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/organisations",
        "/admin/users",
        "/admin/users/new",
        "/admin/forums",
        "/admin/themes",
        "/admin/audit",
    ],
)
def test_admin_page_has_no_accessibility_violations(page: Page, path):
    log_in(page, ADMIN)
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert_accessible(page)


# --- invitations to sign ----------------------------------------------------------------------


@pytest.fixture
def invitation(live_app):
    """A draft the Philippine Red Cross's staff wrote, inviting the Australian Red Cross to
    sign and lead it: its slug."""
    import sqlalchemy as sa

    from tracker.accounts.models import Organisation, User
    from tracker.core.extensions import db
    from tracker.data import demo
    from tracker.pledges.operations import create_pledge

    with live_app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == demo.PRC_STAFF))
        arc = db.session.scalar(sa.select(Organisation).where(Organisation.name == demo.ARC))
        pledge = create_pledge(
            author, title="Family links in the Pacific", lead=arc, co_signatories=[author.organisation]
        )
        db.session.commit()
        slug = pledge.slug
        db.session.remove()
    return slug


def test_invitations_to_sign_have_no_accessibility_violations(staff_page: Page, invitation):
    page = staff_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations to sign").click()
    expect(heading(page)).to_have_text("Invitations to sign")
    page.get_by_text("Decline…").first.click()
    assert_accessible(page)


def test_an_invitation_on_the_pledge_page_has_no_accessibility_violations(staff_page: Page, invitation):
    page = staff_page
    page.goto(f"/pledges/{invitation}")
    answer = page.get_by_role("region", name="Invitation to sign")
    answer.get_by_text("Decline…").click()
    expect(answer.get_by_label("A word to the signatories (optional)")).to_be_visible()
    assert_accessible(page)


def test_the_invitations_a_signatory_sees_on_its_pledge_have_no_accessibility_violations(page: Page, invitation):
    log_in(page, "staff.prc@example.org")
    page.goto(f"/pledges/{invitation}")
    expect(page.locator("ul.invitations > li")).to_contain_text(["Australian Red Cross — asked to sign and lead"])
    assert_accessible(page)
