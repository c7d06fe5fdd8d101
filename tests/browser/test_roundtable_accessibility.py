"""Every page type of roundtables and recommendations, checked with axe in real Chromium
on the demo roundtable: as the public, the owners' staff and the co-chairs meet them, and as
they look when something was refused. Zero violations is the bar. The report page also
prints without the site's header and menus."""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import account_button, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ARC_STAFF = "staff.arc@example.org"
PRC_STAFF = "staff.prc@example.org"
ID_CO_CHAIR = "cochair.id@example.org"
SLUG = "bali-process-government-civil-society-roundtable-2018"
ROUNDTABLE = f"/roundtables/{SLUG}"

# The demo roundtable's recommendations, by how their text starts.
DRAFT = "Increase capacity for knowledge building"  # IFRC (lead) and ARC
IN_PROGRESS_ARC = "Supporting CSOs as an invaluable asset"  # ARC (lead) and IFRC
OVERDUE_ARC = "Build opportunities to form both formal and informal networks"
SENT_BACK_PRC = "Formalising national coordination mechanisms"
DONE_ARC = "Participants agreed to share contact details"  # awaiting verification
VERIFIED_DFAT = "Governments play a convening role"


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def workspace(page: Page):
    return page.get_by_role("region", name="Work on this recommendation")


@pytest.fixture(scope="module")
def recommendation_url(live_app, demo_data):
    """The address of the demo recommendation whose text starts with the words given."""
    import sqlalchemy as sa

    from tracker.core.extensions import db
    from tracker.roundtables.models import Recommendation

    with live_app.app_context():
        ids = {text: id_ for id_, text in db.session.execute(sa.select(Recommendation.id, Recommendation.text))}
        db.session.remove()

    def url(starts_with: str) -> str:
        (found,) = [id_ for text, id_ in ids.items() if text.startswith(starts_with)]
        return f"/recommendations/{found}"

    return url


@pytest.fixture
def co_chair(page: Page) -> Page:
    log_in(page, ID_CO_CHAIR)
    expect(heading(page)).to_have_text("Follow-through of your roundtables")
    return page


@pytest.fixture
def arc_staff(page: Page) -> Page:
    log_in(page, ARC_STAFF)
    expect(account_button(page)).to_be_visible()
    return page


# --- what the public reads --------------------------------------------------------------------


def test_roundtables_list_has_no_accessibility_violations(page: Page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Roundtables").click()
    expect(heading(page)).to_have_text("Roundtables")
    expect(page.get_by_role("link", name="Bali Process Government and Civil Society Roundtable")).to_be_visible()
    assert_accessible(page)


def test_public_roundtable_page_has_no_accessibility_violations(page: Page):
    page.goto(ROUNDTABLE)
    expect(heading(page)).to_have_text("Bali Process Government and Civil Society Roundtable")
    expect(page.locator(".recommendation-card")).to_have_count(6)  # the agreed ones, not the draft
    page.locator(".recommendation-card details summary").first.click()  # a progress list open
    assert_accessible(page)


def test_roundtable_page_as_co_chair_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(ROUNDTABLE)
    expect(page.get_by_role("region", name="Work on this roundtable")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("which", [SENT_BACK_PRC, VERIFIED_DFAT])
def test_recommendation_page_for_the_public_has_no_accessibility_violations(page: Page, recommendation_url, which):
    page.goto(recommendation_url(which))
    expect(heading(page)).to_have_text("Recommendation")
    expect(workspace(page)).to_have_count(0)
    assert_accessible(page)


# --- the owners' staff ------------------------------------------------------------------------


def test_my_recommendations_has_no_accessibility_violations(arc_staff: Page):
    page = arc_staff
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Recommendations we own").click()
    expect(heading(page)).to_have_text("Recommendations my organisation owns")
    assert_accessible(page)


def test_my_recommendations_filtered_has_no_accessibility_violations(arc_staff: Page):
    page = arc_staff
    page.goto("/recommendations/mine")
    page.get_by_label("State", exact=True).select_option(label="Done, verified")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No agreed recommendations match.")).to_be_visible()
    assert_accessible(page)


def test_recommendation_page_as_owner_staff_has_no_accessibility_violations(arc_staff: Page, recommendation_url):
    page = arc_staff
    page.goto(recommendation_url(IN_PROGRESS_ARC))
    expect(page.get_by_role("form", name="Post a progress update")).to_be_visible()
    expect(workspace(page).get_by_role("button", name="Mark as done")).to_be_visible()
    assert_accessible(page)


def test_recommendation_page_with_refused_forms_has_no_accessibility_violations(arc_staff: Page, recommendation_url):
    page = arc_staff
    page.goto(recommendation_url(OVERDUE_ARC))
    update_form = page.get_by_role("form", name="Post a progress update")
    update_form.get_by_label("Date", exact=True).fill("")
    update_form.get_by_role("button", name="Post update").click()  # no date, no words
    update_form = page.get_by_role("form", name="Post a progress update")
    expect(update_form.get_by_label("What has happened")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    workspace(page).get_by_role("button", name="Mark as done").click()  # without saying what was done
    expect(workspace(page).get_by_role("alert")).to_contain_text("Say in “What was done” what was done")
    assert_accessible(page)


def test_sent_back_recommendation_as_its_owner_has_no_accessibility_violations(page: Page, recommendation_url):
    log_in(page, PRC_STAFF)
    page.goto(recommendation_url(SENT_BACK_PRC))
    expect(page.locator("#sent-back").get_by_role("heading")).to_have_text("Sent back by the co-chairs")
    assert_accessible(page)


# --- the co-chairs ----------------------------------------------------------------------------


def test_done_recommendation_with_review_buttons_has_no_accessibility_violations(co_chair: Page, recommendation_url):
    page = co_chair
    page.goto(recommendation_url(DONE_ARC))
    expect(workspace(page).get_by_role("button", name="Verify")).to_be_visible()
    expect(workspace(page).get_by_role("button", name="Send back")).to_be_visible()
    assert_accessible(page)
    workspace(page).get_by_role("button", name="Send back").click()  # no reason: refused
    expect(workspace(page).get_by_role("alert")).to_contain_text("Give a reason")
    assert_accessible(page)


def test_draft_recommendation_as_co_chair_has_no_accessibility_violations(co_chair: Page, recommendation_url):
    page = co_chair
    page.goto(recommendation_url(DRAFT))
    expect(page.get_by_role("note")).to_contain_text("Draft.")
    expect(workspace(page).get_by_role("button", name="Agree")).to_be_visible()
    assert_accessible(page)


def test_outcomes_editor_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(ROUNDTABLE)
    page.get_by_role("link", name="Outcomes and recommendations").click()
    expect(heading(page)).to_have_text("Outcomes and recommendations")
    assert_accessible(page)


def test_outcomes_editor_with_refused_forms_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("button", name="Add heading").click()  # empty
    expect(page.get_by_role("region", name="Add a heading").get_by_label("Heading")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert_accessible(page)


def test_new_recommendation_from_an_outcome_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("link", name="Make a recommendation from outcome 2.1").click()
    expect(heading(page)).to_have_text("New recommendation")
    expect(page.locator(".outcome-quote")).to_be_visible()
    assert_accessible(page)


def test_refused_recommendation_form_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("link", name="Make a recommendation from outcome 3.2").click()
    page.get_by_label("Recommendation", exact=True).fill("")
    page.get_by_role("group", name="Other owners").get_by_label("Philippine Red Cross (PRC)", exact=True).check()
    # (with no lead owner)
    page.get_by_label("Contact e-mail").fill("not an address")
    page.get_by_role("button", name="Save and agree").click()
    expect(page.get_by_label("Recommendation", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Contact e-mail")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_edit_recommendation_form_has_no_accessibility_violations(co_chair: Page, recommendation_url):
    page = co_chair
    page.goto(recommendation_url(IN_PROGRESS_ARC))
    workspace(page).get_by_role("link", name="Edit the recommendation").click()
    expect(heading(page)).to_have_text("Edit the recommendation")
    assert_accessible(page)


def test_new_roundtable_form_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto("/roundtables")
    page.get_by_role("link", name="Record a roundtable").click()
    expect(heading(page)).to_have_text("Record a roundtable")
    assert_accessible(page)
    page.get_by_role("button", name="Save roundtable").click()  # nothing filled in
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)


def test_edit_roundtable_form_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(ROUNDTABLE)
    page.get_by_role("link", name="Edit the roundtable").click()
    expect(heading(page)).to_have_text("Edit the roundtable")
    expect(page.get_by_label("Title")).to_have_value("Bali Process Government and Civil Society Roundtable")
    assert_accessible(page)


def test_edit_heading_form_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("link", name="Edit heading 3").click()
    expect(heading(page)).to_have_text("Edit the heading")
    expect(page.get_by_label("Heading")).to_have_value("On the challenges of effective collaboration:")
    assert_accessible(page)


def test_edit_outcome_form_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("link", name="Edit outcome 4.2").click()
    expect(heading(page)).to_have_text("Edit the outcome")
    expect(page.get_by_label("Outcome")).to_have_value("Strong networks")
    assert_accessible(page)


def test_roundtable_dashboard_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(ROUNDTABLE)
    page.get_by_role("link", name="Follow-through dashboard").click()
    expect(heading(page)).to_have_text("Follow-through: Bali Process Government and Civil Society Roundtable")
    assert_accessible(page)


def test_dashboard_across_roundtables_has_no_accessibility_violations(co_chair: Page):
    page = co_chair  # co-chairs land on it
    expect(page.get_by_role("region", name="By roundtable")).to_be_visible()
    assert_accessible(page)


def test_filtered_dashboard_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/follow-through")
    page.get_by_label("State", exact=True).select_option(label="In progress")
    page.get_by_label("Owner", exact=True).select_option(label="Australian Red Cross")
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Show all")).to_be_visible()
    expect(page.locator("#list .recommendations-table tbody tr")).to_have_count(1)
    assert_accessible(page)


def test_dashboard_figure_link_leads_to_the_list_it_counts(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/follow-through")
    page.get_by_role("link", name="1 stale: show them").click()
    expect(page).to_have_url(re.compile(r"stale=1"))
    rows = page.locator("#list .recommendations-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(OVERDUE_ARC)
    assert_accessible(page)


def test_dashboard_filtered_to_nothing_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/follow-through?state=draft&overdue=1")
    expect(page.get_by_text("No recommendations match these filters.")).to_be_visible()
    assert_accessible(page)


def test_review_queue_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.get_by_role("link", name=re.compile(r"^Review queue")).click()
    expect(heading(page)).to_have_text("Review queue")
    expect(page.locator(".review-item")).to_have_count(1)
    assert_accessible(page)


def test_report_has_no_accessibility_violations_and_prints_without_the_menus(co_chair: Page):
    page = co_chair
    page.goto(f"{ROUNDTABLE}/follow-through")
    page.get_by_role("link", name="Report for the next meeting").click()
    expect(heading(page)).to_have_text("Bali Process Government and Civil Society Roundtable")
    expect(page.locator(".report-table tbody tr")).to_have_count(7)
    assert_accessible(page)

    main_nav = page.get_by_role("navigation", name="Main")
    expect(main_nav).to_be_visible()
    page.emulate_media(media="print")
    expect(main_nav).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the same rows as CSV")).to_be_hidden()
    expect(heading(page)).to_be_visible()
    expect(page.locator(".report-table")).to_be_visible()
    page.emulate_media(media="screen")
    expect(main_nav).to_be_visible()


def test_report_csv_has_the_same_rows(co_chair: Page, base_url):
    response = co_chair.request.get(f"{base_url}{ROUNDTABLE}/report.csv")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = [line for line in response.text().splitlines() if line.strip()]
    assert len(lines) == 1 + 7  # a header row and the seven recommendations, drafts included


def test_roundtable_history_has_no_accessibility_violations(co_chair: Page):
    page = co_chair
    page.goto(ROUNDTABLE)
    page.get_by_role("region", name="Work on this roundtable").get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of “Bali Process Government and Civil Society Roundtable”")
    assert_accessible(page)


def test_recommendation_history_has_no_accessibility_violations(co_chair: Page, recommendation_url):
    page = co_chair
    page.goto(recommendation_url(SENT_BACK_PRC))  # created, agreed, completed, sent back
    workspace(page).get_by_role("link", name="History").click()
    expect(heading(page)).to_have_text("History of a recommendation")
    expect(page.locator(".history-entry")).not_to_have_count(0)
    assert_accessible(page)


def test_follow_through_pages_read_on_a_phone(co_chair: Page, recommendation_url):
    """Nothing wider than a phone's screen (WCAG reflow): the co-chairs' longer menu wraps,
    wide tables scroll inside themselves."""
    page = co_chair
    width = 390
    page.set_viewport_size({"width": width, "height": 844})
    for path in [
        ROUNDTABLE,
        f"{ROUNDTABLE}/outcomes",
        f"{ROUNDTABLE}/follow-through",
        "/roundtables/follow-through",
        "/roundtables/review",
        f"{ROUNDTABLE}/report",
        recommendation_url(DONE_ARC),
        "/recommendations/mine",
    ]:
        assert page.goto(path).status == 200, path
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
