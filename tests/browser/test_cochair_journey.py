"""Roundtable follow-through in real Chromium, with CSRF on: a co-chair agrees a
recommendation from one of the roundtable's outcomes, its owner's staff report progress and
mark it done, a co-chair sends it back with a reason, the owner does more and completes it
again, and a co-chair verifies it. After each step the follow-through dashboard and the
public roundtable page (read by someone not logged in) say where it stands.

Each test works on a recommendation of its own (its own words), so none depends on
another's leftovers in the module's shared demo database; dashboard figures are compared
with what they were just before each step.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from tests.factories import take_transition
from tracker.roundtables.operations import create_recommendation

from .test_pledge_pages import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ARC_STAFF = "staff.arc@example.org"
AU_CO_CHAIR = "cochair.au@example.org"
ID_CO_CHAIR = "cochair.id@example.org"
ROUNDTABLE = "/roundtables/bali-process-government-civil-society-roundtable-2018"
DASHBOARD = f"{ROUNDTABLE}/follow-through"
ARC = "Australian Red Cross (ARC)"

IN_PROGRESS = "In progress"
DONE = "Done, awaiting verification"
VERIFIED = "Done, verified"
STATES = ("Draft", IN_PROGRESS, DONE, VERIFIED)

SEND_BACK_REASON = "Say which National Societies joined the network and how they share referrals."
REASON_LABEL = "Reason for sending it back (required; the owners will see it)"
PUBLIC_LABEL = "Show this on the public page"


# --- reading the pages ----------------------------------------------------------------------


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def status(page: Page):
    return page.get_by_role("status")


def badge(page: Page):
    """The recommendation page's state badge."""
    return page.locator("article.recommendation header .badge").first


def workspace(page: Page):
    return page.get_by_role("region", name="Work on this recommendation")


def by_state(page: Page) -> dict[str, int]:
    """The per-roundtable dashboard's "By state" table, as {state: number}."""
    page.goto(DASHBOARD)
    expect(heading(page)).to_have_text(re.compile("^Follow-through: "))
    table = page.get_by_role("table", name="Recommendations by state, with the share of all of them")
    counts = {}
    for row in table.locator("tbody tr").all():
        counts[row.locator("th").inner_text().strip()] = int(row.locator("td").first.inner_text().split()[0])
    assert set(counts) == set(STATES), counts
    return counts


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Only the states whose number changed, and by how much."""
    return {state: after[state] - before[state] for state in STATES if after[state] != before[state]}


def dashboard_row(page: Page, text: str):
    """The recommendation's row in the dashboard's list (the page must be on the dashboard)."""
    return page.locator("#list .recommendations-table tbody tr").filter(has_text=text)


def public_card(public: Page, text: str):
    public.goto(ROUNDTABLE)
    expect(heading(public)).to_have_text("Bali Process Government and Civil Society Roundtable")
    return public.locator(".recommendation-card").filter(has_text=text)


def expect_dashboard_and_public_page(co_chair: Page, public: Page, text: str, state: str, before, change):
    """The dashboard's state counts moved by `change` since `before`, the dashboard lists the
    recommendation in `state`, and so does the public page. Returns the counts now."""
    after = by_state(co_chair)
    assert changed(before, after) == change
    expect(dashboard_row(co_chair, text).locator(".badge").first).to_have_text(state)
    card = public_card(public, text)
    expect(card).to_have_count(1)
    expect(card.locator(".badge")).to_have_text(state)
    return after


def public_workspace_is_absent(public: Page):
    expect(public.get_by_role("region", name="Work on this recommendation")).to_have_count(0)
    expect(public.get_by_role("region", name="Work on this roundtable")).to_have_count(0)


def future_day(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)


# --- the journey ----------------------------------------------------------------------------


def test_a_recommendation_is_agreed_followed_through_sent_back_and_verified(page: Page, new_context):
    text = "Set up a network of National Society focal points on trafficking referrals (journey)."
    outcome_text = "Strong networks"
    first_update = "Invited six National Societies to name a focal point; four have done so."
    first_done = "The network of focal points met for the first time and agreed its terms of reference."
    second_update = "Bangladesh Red Crescent and Nepal Red Cross joined; referrals go through the APMN portal."
    second_done = "All six National Societies now share referrals through the network."
    verify_comment = "Thank you: the network is working and its referrals are being tracked."
    contact_name, contact_email = "Ayu Lestari", "ayu.lestari@example.org"
    due = future_day(200)

    co_chair = page
    public = new_context().new_page()

    # 1. The Indonesian co-chair agrees a recommendation from an outcome, owned by the ARC.
    log_in(co_chair, ID_CO_CHAIR)
    expect(heading(co_chair)).to_have_text("Follow-through of your roundtables")  # where co-chairs land
    before = by_state(co_chair)

    co_chair.goto(ROUNDTABLE)
    co_chair.get_by_role("region", name="Work on this roundtable").get_by_role(
        "link", name="Outcomes and recommendations"
    ).click()
    expect(heading(co_chair)).to_have_text("Outcomes and recommendations")
    co_chair.get_by_role("link", name="Make a recommendation from outcome 4.2").click()
    expect(heading(co_chair)).to_have_text("New recommendation")
    expect(co_chair.locator(".outcome-quote blockquote")).to_have_text(outcome_text)
    expect(co_chair.get_by_label("Recommendation", exact=True)).to_have_value(outcome_text)
    expect(co_chair.get_by_label("Heading").locator("option:checked")).to_have_text(
        "Examples of good practices includes:"
    )
    co_chair.get_by_label("Recommendation", exact=True).fill(text)
    co_chair.get_by_label("Lead owner").select_option(label=ARC)
    co_chair.get_by_label("Due date").fill(due.isoformat())
    co_chair.get_by_label("Contact person", exact=True).fill(contact_name)
    co_chair.get_by_label("Contact e-mail").fill(contact_email)
    co_chair.get_by_role("button", name="Save and agree").click()

    expect(status(co_chair)).to_contain_text("Recommendation agreed.")
    expect(heading(co_chair)).to_have_text("Recommendation")
    expect(co_chair.locator(".recommendation-text")).to_have_text(text)
    expect(badge(co_chair)).to_have_text(IN_PROGRESS)
    recommendation_url = co_chair.url
    assert re.search(r"/recommendations/\d+$", recommendation_url)
    facts = co_chair.locator("dl.facts")
    expect(facts).to_contain_text(outcome_text)
    expect(facts).to_contain_text(contact_email)  # the co-chairs see the contact person

    counts = expect_dashboard_and_public_page(co_chair, public, text, IN_PROGRESS, before, {IN_PROGRESS: +1})
    card = public.locator(".recommendation-card").filter(has_text=text)
    # Under the outcome it was made from, with its owner and due date; never the contact person.
    expect(
        public.locator("ul.outcomes > li").filter(has_text=outcome_text).locator(".recommendation-card")
    ).to_contain_text(text)
    expect(card).to_contain_text("Owner: Australian Red Cross")
    expect(card.locator("time")).to_have_attribute("datetime", due.isoformat())
    expect(card.locator("details")).to_have_count(0)  # no progress yet
    expect(public.locator("main")).not_to_contain_text(contact_name)
    expect(public.locator("main")).not_to_contain_text(contact_email)
    public.goto(recommendation_url)
    expect(badge(public)).to_have_text(IN_PROGRESS)
    expect(public.locator("main")).not_to_contain_text(contact_email)
    public_workspace_is_absent(public)

    # 2. The Australian Red Cross sees it among what it owns, reports progress and marks it done.
    owner = new_context().new_page()
    log_in(owner, ARC_STAFF)
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Recommendations we own").click()
    expect(heading(owner)).to_have_text("Recommendations my organisation owns")
    owner.get_by_role("region", name="All of them").get_by_role("link", name=text).click()
    expect(owner.locator(".recommendation-text")).to_have_text(text)
    update_form = owner.get_by_role("form", name="Post a progress update")
    # Today, with its month in words: a day no one reads the wrong way round (never 12/05 or 05/12).
    today = dt.date.today()
    expect(update_form.get_by_label("Date", exact=True)).to_have_value(f"{today.day} {today:%B} {today.year}")
    update_form.get_by_label("What has happened").fill(first_update)
    update_form.get_by_role("button", name="Post update").click()
    expect(status(owner)).to_contain_text("Progress update posted.")
    expect(owner.get_by_role("region", name="Progress updates")).to_contain_text(first_update)

    workspace(owner).get_by_label("What was done (required)").fill(first_done)
    workspace(owner).get_by_role("button", name="Mark as done").click()
    expect(status(owner)).to_contain_text("Marked as done.")
    expect(badge(owner)).to_have_text(DONE)
    expect(owner.get_by_role("region", name="Progress updates").locator("ol.timeline > li").first).to_contain_text(
        first_done
    )

    counts = expect_dashboard_and_public_page(co_chair, public, text, DONE, counts, {IN_PROGRESS: -1, DONE: +1})
    card = public.locator(".recommendation-card").filter(has_text=text)
    card.locator("summary").click()
    expect(card.locator("summary")).to_have_text("Progress updates (2)")
    expect(card.locator(".updates li")).to_have_count(2)
    expect(card.locator(".updates li").first).to_contain_text(f"Australian Red Cross: {first_done}")
    expect(card.locator(".updates")).to_contain_text(first_update)

    # 3. The Australian co-chair sends it back from the review queue, with a reason kept private.
    reviewer = new_context().new_page()
    log_in(reviewer, AU_CO_CHAIR)
    reviewer.goto("/roundtables/review")
    expect(heading(reviewer)).to_have_text("Review queue")
    item = reviewer.locator(".review-item").filter(has_text=text)
    expect(item).to_have_count(1)
    assert reviewer.locator(".review-item").count() >= 2  # the demo's one too: ids stay unique
    assert_accessible(reviewer)
    expect(item).to_contain_text(f"What was done ({dt.date.today():%-d %B %Y}): {first_done}")
    item.get_by_label(REASON_LABEL).fill(SEND_BACK_REASON)
    expect(item.locator("form").filter(has_text=REASON_LABEL).get_by_label(PUBLIC_LABEL)).not_to_be_checked()
    item.get_by_role("button", name=re.compile("^Send back")).click()
    expect(status(reviewer)).to_contain_text("Sent back to its owners with your reason.")
    expect(heading(reviewer)).to_have_text("Review queue")
    expect(reviewer.locator(".review-item").filter(has_text=text)).to_have_count(0)

    counts = expect_dashboard_and_public_page(co_chair, public, text, IN_PROGRESS, counts, {DONE: -1, IN_PROGRESS: +1})
    expect(public.locator("main")).not_to_contain_text(SEND_BACK_REASON)  # not marked public
    expect(dashboard_row(co_chair, text)).to_contain_text("Sent back")
    public.goto(recommendation_url)
    expect(badge(public)).to_have_text(IN_PROGRESS)
    expect(public.locator("main")).not_to_contain_text(SEND_BACK_REASON)
    expect(public.locator("#sent-back")).to_have_count(0)

    # 4. The owner sees the reason, reports more, and completes it again.
    owner.get_by_role("navigation", name="Main").get_by_role("link", name="Recommendations we own").click()
    sent_back = owner.get_by_role("region", name=re.compile("^Sent back by the co-chairs"))
    expect(sent_back).to_contain_text(SEND_BACK_REASON)
    sent_back.get_by_role("link", name=text).click()
    note = owner.locator("#sent-back")
    expect(note.get_by_role("heading")).to_have_text("Sent back by the co-chairs")
    expect(note).to_contain_text(f"“{SEND_BACK_REASON}”")
    expect(badge(owner)).to_have_text(IN_PROGRESS)

    update_form = owner.get_by_role("form", name="Post a progress update")
    update_form.get_by_label("What has happened").fill(second_update)
    update_form.get_by_role("button", name="Post update").click()
    expect(status(owner)).to_contain_text("Progress update posted.")
    workspace(owner).get_by_label("What was done (required)").fill(second_done)
    workspace(owner).get_by_role("button", name="Mark as done").click()
    expect(status(owner)).to_contain_text("Marked as done.")
    expect(badge(owner)).to_have_text(DONE)
    expect(owner.locator("#sent-back")).to_have_count(0)  # no longer waiting on the owner
    expect(owner.get_by_role("region", name="Progress updates").locator("ol.timeline > li")).to_have_count(4)

    counts = expect_dashboard_and_public_page(co_chair, public, text, DONE, counts, {IN_PROGRESS: -1, DONE: +1})
    expect(public.locator("main")).not_to_contain_text(SEND_BACK_REASON)

    # 5. A co-chair verifies it from its page, and lets the public read the comment.
    co_chair.goto(recommendation_url)
    verify_form = workspace(co_chair).locator("form").filter(has=co_chair.get_by_role("button", name="Verify"))
    verify_form.get_by_label("Comment (optional)").fill(verify_comment)
    verify_form.get_by_label(PUBLIC_LABEL).check()
    verify_form.get_by_role("button", name="Verify").click()
    expect(status(co_chair)).to_contain_text("Verified.")
    expect(badge(co_chair)).to_have_text(VERIFIED)
    # Verified is final: no workflow button is left, only saying what changed (issue 19).
    expect(workspace(co_chair).get_by_role("button")).to_have_text(["Save the rating"])

    expect_dashboard_and_public_page(co_chair, public, text, VERIFIED, counts, {DONE: -1, VERIFIED: +1})
    card = public.locator(".recommendation-card").filter(has_text=text)
    expect(card).to_contain_text(f"Verified by the co-chairs: “{verify_comment}”")
    expect(public.locator("main")).not_to_contain_text(SEND_BACK_REASON)
    expect(public.locator("main")).not_to_contain_text(contact_email)

    # Every step is in the recommendation's history, the private reason included.
    co_chair.goto(recommendation_url)
    workspace(co_chair).get_by_role("link", name="History").click()
    expect(heading(co_chair)).to_contain_text("History")
    history = co_chair.locator("main")
    expect(history).to_contain_text(SEND_BACK_REASON)
    expect(history).to_contain_text(second_done)


@pytest.fixture
def done_recommendation(live_app, demo_data):
    """A factory: a recommendation of the demo roundtable owned by the Australian Red Cross,
    agreed and marked done through `operations` as its co-chair and staff would; returns its
    address. A test then starts from the review instead of clicking its way there."""
    import sqlalchemy as sa

    from tracker.accounts.models import User
    from tracker.core.extensions import db
    from tracker.data import demo
    from tracker.roundtables.models import Roundtable

    def make(text: str, what_was_done: str) -> str:
        with live_app.app_context():
            users = {u.email: u for u in db.session.scalars(sa.select(User))}
            roundtable = db.session.scalar(sa.select(Roundtable).where(Roundtable.slug == demo.BALI_ROUNDTABLE_SLUG))
            co_chair, staff = users[AU_CO_CHAIR], users[ARC_STAFF]
            recommendation = create_recommendation(
                roundtable,
                co_chair,
                text=text,
                owners=[staff.organisation],
                due_date=future_day(120),
                contact_name="Private Person",
                contact_email="private.person@example.org",
            )
            take_transition(recommendation, "agree", co_chair)
            take_transition(recommendation, "complete", staff, what_was_done=what_was_done)
            db.session.commit()
            address = f"/recommendations/{recommendation.id}"
            db.session.remove()
        return address

    return make


def test_a_reason_marked_public_is_on_the_public_page_and_a_missing_reason_is_refused(
    page: Page, new_context, done_recommendation
):
    text = "Publish a directory of referral contacts for trafficking cases (public reason)."
    reason = "The directory still lists two contacts who have left; update it before it is verified."
    address = done_recommendation(text, "Published the directory on the APMN website.")
    public = new_context().new_page()
    card = public_card(public, text)
    expect(card.locator(".badge")).to_have_text(DONE)
    expect(card).not_to_contain_text("Private Person")

    log_in(page, ID_CO_CHAIR)
    page.goto(address)
    send_back = workspace(page).locator("form").filter(has=page.get_by_role("button", name="Send back"))

    # No reason: refused beside the field, nothing changed.
    send_back.get_by_label(PUBLIC_LABEL).check()
    send_back.get_by_role("button", name="Send back").click()
    expect(workspace(page).get_by_role("alert")).to_contain_text("Give a reason for sending this recommendation back")
    expect(badge(page)).to_have_text(DONE)
    send_back = workspace(page).locator("form").filter(has=page.get_by_role("button", name="Send back"))
    expect(send_back.get_by_label(PUBLIC_LABEL)).to_be_checked()  # what was chosen is kept
    expect(public_card(public, text).locator(".badge")).to_have_text(DONE)

    send_back.get_by_label(REASON_LABEL).fill(reason)
    send_back.get_by_role("button", name="Send back").click()
    expect(status(page)).to_contain_text("Sent back to its owners with your reason.")
    expect(badge(page)).to_have_text(IN_PROGRESS)
    expect(page.locator("dl.facts")).to_contain_text(f"“{reason}” (public)")

    card = public_card(public, text)
    expect(card.locator(".badge")).to_have_text(IN_PROGRESS)
    expect(card).to_contain_text(f"Sent back by the co-chairs: “{reason}”")
    public.goto(address)
    expect(public.locator("dl.facts")).to_contain_text(reason)
    expect(public.locator("main")).not_to_contain_text("private.person@example.org")


def test_a_refused_recommendation_keeps_what_was_typed_and_says_why(page: Page):
    text = "Share a catalogue of innovative identification approaches between CSOs (refused first)."
    outcome_text = "Innovative approaches to address shared challenges"
    log_in(page, ID_CO_CHAIR)
    page.goto(f"{ROUNDTABLE}/outcomes")
    page.get_by_role("link", name="Make a recommendation from outcome 4.1").click()
    page.get_by_label("Recommendation", exact=True).fill(text)
    page.get_by_label("Lead owner").select_option(label=ARC)
    others = page.get_by_role("group", name="Other owners")
    others.get_by_label("Philippine Red Cross (PRC)", exact=True).check()
    page.get_by_label("Contact person", exact=True).fill("Dewi Sartika")
    page.get_by_label("Contact e-mail").fill("dewi.sartika@example.org")
    page.get_by_label("Its number in the source").fill("4.1.a")
    page.get_by_label("Day of the response").fill("2026-01-05")  # but no response

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Save and agree").click()

    assert posted.value.status == 422
    expect(page.get_by_text("Choose the response too, or leave its day empty.")).to_be_visible()
    expect(page.get_by_label("Day of the response")).to_have_attribute("aria-invalid", "true")
    expect(heading(page)).to_have_text("New recommendation")
    expect(page.locator(".outcome-quote blockquote")).to_have_text(outcome_text)
    expect(page.get_by_label("Recommendation", exact=True)).to_have_value(text)
    expect(page.get_by_label("Heading").locator("option:checked")).to_have_text("Examples of good practices includes:")
    expect(page.get_by_label("Lead owner").locator("option:checked")).to_have_text(ARC)
    expect(others.get_by_label("Philippine Red Cross (PRC)", exact=True)).to_be_checked()
    expect(page.get_by_label("Its number in the source")).to_have_value("4.1.a")
    expect(page.get_by_label("Day of the response")).to_have_value("2026-01-05")
    expect(page.get_by_label("Contact person", exact=True)).to_have_value("Dewi Sartika")
    expect(page.get_by_label("Contact e-mail")).to_have_value("dewi.sartika@example.org")
    expect(page.get_by_label("Due date")).to_have_value("")

    # Nothing was half-written: no draft was left behind by the refusal.
    outcomes = page.context.new_page()
    outcomes.goto(f"{ROUNDTABLE}/outcomes")
    expect(outcomes.locator(".recommendation-links li").filter(has_text=text)).to_have_count(0)

    due = future_day(365)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Response of the addressee").select_option(label="Supported")
    page.get_by_role("button", name="Save and agree").click()
    expect(status(page)).to_contain_text("Recommendation agreed.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 4.1.a")
    expect(page.locator("dd.response")).to_contain_text("Supported, 5 January 2026")
    expect(badge(page)).to_have_text(IN_PROGRESS)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(outcome_text)
    expect(facts).to_contain_text("Australian Red Cross (lead), Philippine Red Cross")
    expect(facts.locator("dt:text-is('Due') + dd time")).to_have_attribute("datetime", due.isoformat())

    outcomes.reload()
    expect(outcomes.locator(".recommendation-links li").filter(has_text=text)).to_have_count(1)
