"""Indicators with targets in real Chromium (issue 19, item 1): a signatory's staff say what
their pledge promised in numbers, an action's figure counts towards it, the pledge page shows
how far it has got (in words, as a progress bar and as values over time), and marking it done
short of target keeps the shortfall and the explanation in its history. The same pages on a
phone, and axe on the editor, the pledge page and a recommendation reporting a figure.

Each test works on a pledge of its own (its own title); the recommendation is the demo
roundtable's, given an indicator once for the module.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ARC_STAFF = "staff.arc@example.org"
ID_CO_CHAIR = "cochair.id@example.org"
MY_PLEDGES = "My organisation’s pledges"
# The demo roundtable's recommendation led by the Australian Red Cross, in progress.
IN_PROGRESS_ARC = "Supporting CSOs as an invaluable asset"
PHONE = {"width": 390, "height": 844}


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def workspace(page: Page):
    return page.get_by_role("region", name="Work on this pledge")


def indicators_panel(page: Page):
    return page.get_by_role("region", name="Indicators")


def indicator(page: Page, name: str):
    """One indicator of the panel, found by its name (its heading)."""
    return indicators_panel(page).get_by_role("article").filter(has=page.get_by_role("heading", name=name))


def indicator_rows(page: Page):
    """The editor's rows, one fieldset per indicator."""
    return page.locator("fieldset.indicator-row")


def transition_form(page: Page, button: str):
    return workspace(page).locator("form.transition-form").filter(has=page.get_by_role("button", name=button))


def horizontal_overflow(page: Page) -> int:
    """How far the page is wider than the window: 0 when nothing scrolls sideways — measured
    once the page has loaded with its stylesheets (a busy machine may otherwise measure the
    page before its CSS applies: a failure seen once in CI)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def pledge_with_indicator(live_app, signed_pledge):
    """A factory: an in-progress pledge of the Australian Red Cross that promised 500
    volunteers trained by the end of 2027, with two actions whose figures (40, then 80)
    count towards it, written through the operations as its staff would. Its slug."""
    import sqlalchemy as sa

    from tracker.accounts.models import User
    from tracker.core.extensions import db
    from tracker.data import demo
    from tracker.pledges.models import Pledge
    from tracker.pledges.operations import record_action, set_indicators

    def make(title: str) -> str:
        slug = signed_pledge(title, state="in_progress")
        with live_app.app_context():
            staff = db.session.scalar(sa.select(User).where(User.email == demo.ARC_STAFF))
            pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == slug))
            set_indicators(
                pledge,
                staff,
                [
                    {
                        "name": "Volunteers trained",
                        "unit": "people",
                        "target_value": "500",
                        "target_date": dt.date(2027, 12, 31),
                    }
                ],
            )
            for day, value in ((dt.date(2023, 6, 1), 40), (dt.date(2024, 3, 1), 80)):
                record_action(
                    pledge,
                    staff,
                    date=day,
                    summary=f"Trained {value} volunteers in disaster response.",
                    organisations=[staff.organisation],
                    figures=[{"value": value, "indicator": "Volunteers trained"}],
                )
            db.session.commit()
            db.session.remove()
        return slug

    return make


@pytest.fixture(scope="module")
def recommendation_with_figure(live_app, demo_data):
    """The demo recommendation the Australian Red Cross leads, given an indicator by its
    co-chairs (40 civil society organisations consulted) and a progress update of its staff
    reporting 12 of them, through the operations: its address."""
    import sqlalchemy as sa

    from tracker.accounts.models import User
    from tracker.core.extensions import db
    from tracker.roundtables.models import Recommendation
    from tracker.roundtables.operations import post_progress_update, set_indicators

    with live_app.app_context():
        recommendation = db.session.scalar(
            sa.select(Recommendation).where(Recommendation.text.startswith(IN_PROGRESS_ARC))
        )
        co_chair = db.session.scalar(sa.select(User).where(User.email == ID_CO_CHAIR))
        staff = db.session.scalar(sa.select(User).where(User.email == ARC_STAFF))
        set_indicators(
            recommendation,
            co_chair,
            [
                {
                    "name": "Civil society organisations consulted",
                    "unit": "organisations",
                    "target_value": "40",
                    "target_date": dt.date(2027, 6, 30),
                }
            ],
        )
        post_progress_update(
            recommendation,
            staff,
            text="Held consultations with civil society organisations in Jakarta.",
            date=dt.date(2024, 5, 1),
            indicator="Civil society organisations consulted",
            value="12",
        )
        db.session.commit()
        url = f"/recommendations/{recommendation.id}"
        db.session.remove()
    return url


# --- the journey -------------------------------------------------------------------------------


def test_staff_set_an_indicator_report_towards_it_and_complete_the_pledge_short_of_target(page: Page, signed_pledge):
    title = "Volunteers for disaster response"
    signed_pledge(title, state="in_progress")
    log_in(page, ARC_STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=MY_PLEDGES).click()
    page.get_by_role("link", name=title).click()
    expect(heading(page)).to_have_text(title)
    expect(indicators_panel(page)).to_contain_text("No indicators: nothing promised in numbers has been set.")

    indicators_panel(page).get_by_role("link", name="Add indicators").click()
    expect(heading(page)).to_have_text("Indicators")
    expect(indicator_rows(page)).to_have_count(1)
    first = indicator_rows(page).nth(0)
    first.get_by_label("What is counted").fill("Volunteers trained")
    first.get_by_label("Unit").fill("people")
    first.get_by_label("Target", exact=True).fill("500")
    first.get_by_label("Target day").fill("2027-12-31")

    # A second row with a unit but nothing named: refused, and nothing typed is lost.
    page.get_by_role("button", name="Add another indicator").click()
    expect(indicator_rows(page)).to_have_count(2)
    expect(first.get_by_label("What is counted")).to_have_value("Volunteers trained")
    second = indicator_rows(page).nth(1)
    second.get_by_label("Unit").fill("shelters")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Save the indicators").click()
    assert posted.value.status == 422
    expect(heading(page)).to_have_text("Indicators")
    unnamed = second.get_by_label("What is counted")
    expect(unnamed).to_have_attribute("aria-invalid", "true")
    expect(unnamed).to_have_accessible_description(re.compile("Name what is counted"))
    expect(page.get_by_role("alert")).to_contain_text("The indicators are not saved yet")
    expect(second.get_by_label("Unit")).to_have_value("shelters")
    expect(first.get_by_label("What is counted")).to_have_value("Volunteers trained")
    expect(first.get_by_label("Unit")).to_have_value("people")
    expect(first.get_by_label("Target", exact=True)).to_have_value("500")
    expect(first.get_by_label("Target day")).to_have_value("2027-12-31")
    expect(first.get_by_label("What is counted")).not_to_have_attribute("aria-invalid", "true")

    second.get_by_label("Unit").fill("")  # an empty row is left out
    page.get_by_role("button", name="Save the indicators").click()
    expect(page.get_by_role("status")).to_contain_text("Indicators saved.")
    expect(heading(page)).to_have_text(title)
    expect(page).to_have_url(re.compile(r"#indicators$"))
    trained = indicator(page, "Volunteers trained")
    expect(indicators_panel(page).get_by_role("article")).to_have_count(1)  # not the empty row
    expect(trained.get_by_role("heading")).to_have_text("Volunteers trained (people)")
    expect(trained.locator(".indicator-standing")).to_have_text("No figures yet — 0% of target")
    expect(trained.locator(".indicator-facts")).to_contain_text("Target500 by 31 December 2027")
    expect(indicators_panel(page).get_by_role("link", name="Change the indicators")).to_be_visible()

    # An action whose figure counts towards it: its name and unit come from the indicator.
    summary = "Trained 120 volunteers in disaster response in three states."
    workspace(page).get_by_role("link", name="Record an action taken").click()
    page.get_by_label("Date", exact=True).fill("14 May 2024")
    page.get_by_label("What was done").fill(summary)
    figure = page.get_by_role("group", name="Figure 1")
    figure.get_by_label("Counts towards").select_option(label="Volunteers trained (people)")
    figure.get_by_label("Number").fill("120")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("status")).to_contain_text("Action recorded.")
    action = page.get_by_role("region", name="Actions taken").locator("ol.timeline > li").filter(has_text=summary)
    expect(action.locator(".action-figures li")).to_have_text(
        "Volunteers trained: 120 people — counts towards its target"
    )

    # The page says how far it has got: in words, as a bar, and figure by figure.
    expect(trained.locator(".indicator-standing")).to_have_text("120 of 500 people — 24% of target")
    bar = trained.get_by_role("progressbar", name="Volunteers trained")
    expect(bar).to_have_attribute("value", "24")
    expect(bar).to_have_attribute("max", "100")
    figures = trained.get_by_role("table", name="Figures reported for Volunteers trained")
    expect(figures).to_be_hidden()
    trained.get_by_text("The figures").click()
    expect(figures).to_be_visible()
    expect(figures.locator("thead th")).to_have_text(["Date", "Figure", "Total"])
    expect(figures.locator("tbody tr")).to_have_count(1)
    expect(figures.locator("tbody tr td")).to_have_text(["14 May 2024", "120", "120"])

    # Marking it done: the form lists what falls short and asks for a word of explanation.
    done = transition_form(page, "Mark as done")
    expect(done).to_contain_text("Not every indicator has reached its target:")
    expect(done.locator(".short-of-target li")).to_have_text(["Volunteers trained: 120 of 500 people (24%)"])
    explanation = "The second round of courses moved to 2028 when the funding was cut."
    done.get_by_label("Comment").fill(explanation)
    done.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("The pledge is marked done.")
    expect(page.locator("article header .badge")).to_have_text("Done")
    expect(page.locator("dt:has-text('Implementation completion') + dd")).to_have_text("Yes")
    expect(trained.locator(".indicator-standing")).to_have_text("120 of 500 people — 24% of target")

    workspace(page).get_by_role("link", name="History").click()
    completed = page.locator(".history-entry").filter(has_text="Done short of target")
    expect(completed).to_have_count(1)
    expect(completed.locator(".history-comment")).to_have_text(f"“{explanation}”")
    expect(completed.locator(".history-changes dd")).to_contain_text("Volunteers trained: 120 of 500 people (24%)")
    indicators_set = page.locator(".history-entry").filter(has_text="Indicators changed")
    expect(indicators_set).to_have_count(1)  # the refused form wrote nothing
    expect(indicators_set).to_contain_text("Volunteers trained (people): — → 500 by 2027-12-31, added up")


# --- on a phone --------------------------------------------------------------------------------


def test_the_indicator_editor_and_panel_fit_a_phone(page: Page, pledge_with_indicator, recommendation_with_figure):
    slug = pledge_with_indicator("Volunteers trained, read on a phone")
    log_in(page, ARC_STAFF)
    page.set_viewport_size(PHONE)

    page.goto(f"/pledges/{slug}/indicators")
    expect(heading(page)).to_have_text("Indicators")
    assert horizontal_overflow(page) <= 0
    # As it looks refused, errors beside the fields.
    page.get_by_role("button", name="Add another indicator").click()
    new = indicator_rows(page).nth(1)
    new.get_by_label("Unit").fill("shelters")
    new.get_by_label("Target", exact=True).fill("a dozen")
    page.get_by_role("button", name="Save the indicators").click()
    expect(new.get_by_label("What is counted")).to_have_attribute("aria-invalid", "true")
    expect(new.get_by_label("Target", exact=True)).to_have_attribute("aria-invalid", "true")
    assert horizontal_overflow(page) <= 0
    save = page.get_by_role("button", name="Save the indicators")
    box = save.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    page.goto(f"/pledges/{slug}")
    trained = indicator(page, "Volunteers trained")
    expect(trained.locator(".indicator-standing")).to_have_text("120 of 500 people — 24% of target")
    trained.get_by_text("The figures").click()
    expect(trained.get_by_role("table")).to_be_visible()
    assert horizontal_overflow(page) <= 0
    for part in (
        indicators_panel(page),
        trained.get_by_role("progressbar"),
        trained.locator("svg"),
        trained.get_by_role("table"),
    ):
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], part

    # A recommendation's panel, and its update form with the figure's fields, fit too.
    page.goto(recommendation_with_figure)
    consulted = indicator(page, "Civil society organisations consulted")
    expect(consulted.locator(".indicator-standing")).to_have_text("12 of 40 organisations — 30% of target")
    expect(page.get_by_role("form", name="Post a progress update").get_by_label("Figure reported for")).to_be_visible()
    consulted.get_by_text("The figures").click()
    assert horizontal_overflow(page) <= 0


# --- axe -----------------------------------------------------------------------------------------


def test_refused_indicator_editor_has_no_accessibility_violations(page: Page, pledge_with_indicator):
    slug = pledge_with_indicator("Volunteers trained, an accessible editor")
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}")
    indicators_panel(page).get_by_role("link", name="Change the indicators").click()
    expect(heading(page)).to_have_text("Indicators")
    saved = indicator_rows(page).nth(0)
    expect(saved.get_by_label("What is counted")).to_have_value("Volunteers trained")
    expect(saved.get_by_label("Remove this indicator")).to_be_visible()
    assert_accessible(page)

    # Refused beside the fields: a row with no name and a target that is not a number.
    new = indicator_rows(page).nth(1)
    new.get_by_label("Unit").fill("shelters")
    new.get_by_label("Target", exact=True).fill("twelve")
    page.get_by_role("button", name="Save the indicators").click()
    expect(new.get_by_label("What is counted")).to_have_attribute("aria-invalid", "true")
    expect(new.get_by_label("Target", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(new.get_by_label("Target", exact=True)).to_have_value("twelve")
    assert_accessible(page)

    # Refused as a whole, at the top of the form: a baseline after the target's day.
    saved.get_by_label("Baseline day").fill("2028-01-01")
    new.get_by_label("What is counted").fill("Shelters built")
    new.get_by_label("Target", exact=True).fill("12")
    page.get_by_role("button", name="Save the indicators").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Indicator “Volunteers trained”: The target's day must come after the baseline's."
    )
    expect(saved.get_by_label("Baseline day")).to_have_value("2028-01-01")
    expect(new.get_by_label("What is counted")).to_have_value("Shelters built")
    assert_accessible(page)


def test_pledge_page_with_an_indicator_and_its_figures_has_no_accessibility_violations(
    page: Page, new_context, pledge_with_indicator
):
    slug = pledge_with_indicator("Volunteers trained, an accessible page")
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}")
    trained = indicator(page, "Volunteers trained")
    expect(trained.locator(".indicator-standing")).to_have_text("120 of 500 people — 24% of target")
    expect(trained.get_by_role("progressbar")).to_have_attribute("value", "24")
    expect(transition_form(page, "Mark as done").locator(".short-of-target")).to_be_visible()
    trained.get_by_text("The figures").click()
    # Values over time: the running total after each figure, in date order.
    expect(trained.get_by_role("table").locator("tbody tr")).to_have_text(
        [re.compile(r"1 June 2023\s*40\s*40"), re.compile(r"1 March 2024\s*80\s*120")]
    )
    assert_accessible(page)

    public = new_context().new_page()
    public.goto(f"/pledges/{slug}")
    trained = indicator(public, "Volunteers trained")
    expect(trained.locator(".indicator-standing")).to_have_text("120 of 500 people — 24% of target")
    expect(indicators_panel(public).get_by_role("link", name="Change the indicators")).to_have_count(0)
    trained.get_by_text("The figures").click()
    assert_accessible(public)


def test_recommendation_reporting_a_figure_has_no_accessibility_violations(
    page: Page, new_context, recommendation_with_figure
):
    log_in(page, ARC_STAFF)
    page.goto(recommendation_with_figure)
    consulted = indicator(page, "Civil society organisations consulted")
    expect(consulted.locator(".indicator-standing")).to_have_text("12 of 40 organisations — 30% of target")
    expect(consulted.get_by_role("progressbar")).to_have_attribute("value", "30")
    update = page.locator(".update-figure")
    expect(update).to_have_text("Civil society organisations consulted: 12 organisations")
    update_form = page.get_by_role("form", name="Post a progress update")
    expect(update_form.get_by_label("Figure reported for").locator("option")).to_have_text(
        ["— No figure —", "Civil society organisations consulted (organisations)"]
    )
    expect(update_form.get_by_label("Figure", exact=True)).to_be_visible()
    consulted.get_by_text("The figures").click()
    expect(consulted.get_by_role("table").locator("tbody td")).to_have_text(["1 May 2024", "12", "12"])
    assert_accessible(page)

    public = new_context().new_page()
    public.goto(recommendation_with_figure)
    expect(indicator(public, "Civil society organisations consulted").locator(".indicator-standing")).to_have_text(
        "12 of 40 organisations — 30% of target"
    )
    expect(public.locator(".update-figure")).to_have_text("Civil society organisations consulted: 12 organisations")
    assert_accessible(public)
