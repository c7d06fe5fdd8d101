"""The staff workspace in real Chromium: staff of one organisation write a pledge naming
another, which accepts the invitation to sign; they publish it, record what they did and
mark it done, and the public reads the result — never an organisation that did not sign.

Each test works on a pledge of its own (its own title), so none depends on another's
leftovers in the module's shared demo database.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ARC_STAFF = "staff.arc@example.org"
PRC_STAFF = "staff.prc@example.org"
MY_PLEDGES = "My organisation’s pledges"


def go_to_my_pledges(page: Page):
    page.get_by_role("navigation", name="Main").get_by_role("link", name=MY_PLEDGES).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MY_PLEDGES)


def actions_taken(page: Page):
    return page.get_by_role("region", name="Actions taken")


def action_item(page: Page, summary: str):
    """One action of the timeline, found by its summary."""
    return actions_taken(page).locator("ol.timeline > li").filter(has_text=summary)


def completion(page: Page):
    return page.locator("dt:has-text('Implementation completion') + dd")


def workspace(page: Page):
    return page.get_by_role("region", name="Work on this pledge")


def fill_action(page: Page, date: str, summary: str):
    page.get_by_label("Date", exact=True).fill(date)
    page.get_by_label("What was done").fill(summary)


def record_action(page: Page, date: str, summary: str):
    """From the pledge page: record an action with just a date and a summary."""
    workspace(page).get_by_role("link", name="Record an action taken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an action taken")
    fill_action(page, date, summary)
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_role("status")).to_contain_text("Action recorded.")
    expect(action_item(page, summary)).to_be_visible()


def signatories(page: Page):
    return page.locator("dt:has-text('Signatories') + dd li")


def invited(page: Page):
    """The organisations asked to sign (or that declined): shown to the signatories' staff only."""
    return page.locator("ul.invitations > li")


def anonymous_page(new_context) -> Page:
    return new_context().new_page()


def test_staff_of_two_signatories_write_publish_act_on_and_complete_a_pledge(page: Page, new_context):
    title = "Restoring family links along migration routes"
    arc_summary = "Trained Red Cross volunteers in restoring family links in three states."

    # Australian Red Cross writes the pledge, with the Philippine Red Cross as co-signatory.
    log_in(page, ARC_STAFF)
    go_to_my_pledges(page)
    page.get_by_role("link", name="Write a new pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a new pledge")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Pledge text").fill(
        "We will **train volunteers** to help separated families.\n\n- in Australia\n- in the Philippines"
    )
    page.get_by_label("The text is written in").select_option("markdown")  # (plain text unless chosen)
    lead = page.get_by_label("Lead signatory")
    expect(lead.locator("option:checked")).to_have_text("Australian Red Cross (ARC)")
    page.get_by_label("Philippine Red Cross (PRC)", exact=True).check()
    page.get_by_label("Migration", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_role("status")).to_contain_text("Pledge saved as a draft.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("article header .badge")).to_have_text("Draft")
    expect(page.get_by_role("note")).to_contain_text("This pledge is not published")
    expect(page.locator(".pledge-text strong")).to_have_text("train volunteers")
    # Naming the Philippine Red Cross does not sign in its name: it is invited.
    expect(signatories(page)).to_have_text(["Australian Red Cross (ARC) Lead"])
    expect(invited(page)).to_have_text(
        ["Philippine Red Cross — asked to sign, no answer yet Withdraw the invitation to Philippine Red Cross"]
    )
    pledge_url = page.url
    assert re.search(r"/pledges/restoring-family-links-along-migration-routes$", pledge_url)

    # A draft is not there for the public: not even its address answers.
    public = anonymous_page(new_context)
    assert public.goto(pledge_url).status == 404

    workspace(page).get_by_role("button", name="Start and publish").click()
    expect(page.get_by_role("status")).to_contain_text("The pledge is in progress and published")
    expect(page.locator("article header .badge")).to_have_text("In progress")

    workspace(page).get_by_role("link", name="Record an action taken").click()
    fill_action(page, "May 2020", arc_summary)
    expect(page.get_by_label("Australian Red Cross (ARC)", exact=True)).to_be_checked()
    figure = page.get_by_role("group", name="Figure 1")
    figure.get_by_label("What was counted").fill("people trained")
    figure.get_by_label("Number").fill("2,037")
    figure.get_by_label("Unit").fill("people")
    figure.get_by_label("Year").fill("2020")
    link = page.get_by_role("group", name="Link 1")
    link.get_by_label("Web address").fill("https://example.org/report")
    link.get_by_label("Title of the page or document").fill("Restoring family links: 2020 report")
    page.get_by_role("button", name="Save action").click()

    expect(page.get_by_role("status")).to_contain_text("Action recorded. It is on the pledge's public page.")
    expect(action_item(page, arc_summary).locator("time")).to_have_text("May 2020")

    workspace(page).get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("The pledge is marked done.")
    expect(page.locator("article header .badge")).to_have_text("Done")

    # The public reads what was done, and that it is complete.
    public.goto(pledge_url)
    expect(public.get_by_role("heading", level=1)).to_have_text(title)
    action = action_item(public, arc_summary)
    expect(action.locator("time")).to_have_attribute("datetime", "2020-05")
    expect(action.locator(".action-figures li")).to_have_text("people trained: 2,037 people (2020)")
    evidence = action.get_by_role("link", name="Restoring family links: 2020 report")
    expect(evidence).to_have_attribute("href", "https://example.org/report")
    expect(completion(public)).to_have_text("Yes")
    expect(workspace(public)).to_have_count(0)
    expect(signatories(public)).to_have_text(["Australian Red Cross (ARC) Lead"])  # not the one only invited
    expect(invited(public)).to_have_count(0)

    # The Philippine Red Cross's staff find the invitation in their menu and accept it.
    prc = new_context().new_page()
    log_in(prc, PRC_STAFF)
    menu = prc.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Invitations to sign 1 waiting")).to_be_visible()
    menu.get_by_role("link", name="Invitations to sign").click()
    invitation = prc.locator(".invitations > li").filter(has_text=title)
    expect(invitation).to_contain_text("invited your organisation to sign this pledge")
    invitation.get_by_role("button", name="Accept and sign").click()
    expect(prc.get_by_role("status")).to_contain_text("Philippine Red Cross now signs this pledge")
    expect(prc.get_by_role("heading", level=1)).to_have_text(title)
    expect(signatories(prc)).to_have_text(["Australian Red Cross (ARC) Lead", "Philippine Red Cross (PRC)"])
    expect(menu.get_by_role("link", name="Invitations to sign")).to_have_text("Invitations to sign")
    public.goto(pledge_url)
    expect(signatories(public)).to_have_text(["Australian Red Cross (ARC) Lead", "Philippine Red Cross (PRC)"])

    # Now a signatory, the Philippine Red Cross records its own action on the same pledge.
    prc_summary = "Reunited 14 families separated by typhoon displacement with their relatives abroad."
    go_to_my_pledges(prc)
    prc.get_by_role("link", name=title).click()
    expect(prc.get_by_role("heading", level=1)).to_have_text(title)
    record_action(prc, "14 June 2021", prc_summary)

    expect(actions_taken(prc).locator(".action-summary")).to_have_text([arc_summary, prc_summary])
    own = action_item(prc, prc_summary)
    expect(own.get_by_role("link", name="Edit this action")).to_be_visible()
    expect(own.get_by_role("link", name="Withdraw this action")).to_be_visible()
    theirs = action_item(prc, arc_summary)
    expect(theirs.get_by_role("link", name="Edit this action")).to_have_count(0)
    expect(theirs.get_by_role("link", name="Withdraw this action")).to_have_count(0)


def test_a_pledge_with_no_actions_cannot_be_marked_done(page: Page, signed_pledge):
    slug = signed_pledge("Nothing recorded yet", state="in_progress")
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}")

    workspace(page).get_by_role("button", name="Mark as done").click()

    expect(workspace(page).get_by_role("alert")).to_have_text(
        "Record at least one action taken before marking this pledge done."
    )
    expect(page.locator("article header .badge")).to_have_text("In progress")
    expect(completion(page)).to_have_text("No")
    page.goto(f"/pledges/{slug}")  # and nothing changed behind the refusal
    expect(page.locator("article header .badge")).to_have_text("In progress")


def test_reopening_a_done_pledge_needs_a_reason(page: Page, signed_pledge):
    slug = signed_pledge("Done too soon", state="done", actions=["Held a first training session."])
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}")
    expect(completion(page)).to_have_text("Yes")

    workspace(page).get_by_role("button", name="Reopen").click()
    expect(workspace(page).get_by_role("alert")).to_have_text("Give a reason for reopening this pledge.")
    expect(page.locator("article header .badge")).to_have_text("Done")

    workspace(page).get_by_label("Reason for reopening").fill("The second training session is still to come.")
    workspace(page).get_by_role("button", name="Reopen").click()
    expect(page.get_by_role("status")).to_contain_text("The pledge is in progress again.")
    expect(page.locator("article header .badge")).to_have_text("In progress")
    expect(completion(page)).to_have_text("No")

    workspace(page).get_by_role("link", name="History").click()
    reopened = page.locator(".history-entry").filter(has_text="Reopened")
    expect(reopened).to_contain_text("“The second training session is still to come.”")


def test_a_withdrawn_action_leaves_the_public_page_and_stays_in_the_history(page: Page, new_context, signed_pledge):
    summary = "Recorded on the wrong pledge by mistake."
    slug = signed_pledge("Withdrawing an action", state="in_progress", actions=[summary])
    public = anonymous_page(new_context)
    public.goto(f"/pledges/{slug}")
    expect(action_item(public, summary)).to_be_visible()

    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}")
    action_item(page, summary).get_by_role("link", name="Withdraw this action").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw this action?")
    page.get_by_label("Why is it withdrawn?").fill("Recorded on the wrong pledge.")
    page.get_by_role("button", name="Withdraw this action").click()
    expect(page.get_by_role("status")).to_contain_text("Action withdrawn.")
    expect(action_item(page, summary)).to_have_count(0)

    public.reload()
    expect(actions_taken(public)).not_to_contain_text(summary)
    expect(actions_taken(public)).to_contain_text("No actions have been recorded yet.")

    workspace(page).get_by_role("link", name="History").click()
    withdrawn = page.locator(".history-entry").filter(has_text="Action withdrawn")
    expect(withdrawn).to_have_count(1)
    expect(withdrawn).to_contain_text("“Recorded on the wrong pledge.”")


def test_add_another_figure_keeps_what_was_typed(page: Page, signed_pledge):
    slug = signed_pledge("Counting what was done", state="in_progress")
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}/actions/new")
    fill_action(page, "2021", "Ran first-aid courses in community centres.")
    page.get_by_label("Details", exact=True).fill("Courses ran **every month**.")
    page.get_by_label("The details are written in").select_option("markdown")
    first = page.get_by_role("group", name="Figure 1")
    first.get_by_label("What was counted").fill("courses held")
    first.get_by_label("Number").fill("1 204")
    page.get_by_role("group", name="Link 1").get_by_label("Web address").fill("https://example.org/courses")

    page.get_by_role("button", name="Add another figure").click()

    second = page.get_by_role("group", name="Figure 2")
    expect(second.get_by_label("What was counted")).to_have_value("")
    expect(page.get_by_label("Date", exact=True)).to_have_value("2021")
    expect(page.get_by_label("What was done")).to_have_value("Ran first-aid courses in community centres.")
    expect(page.get_by_label("Details", exact=True)).to_have_value("Courses ran **every month**.")
    expect(page.get_by_label("The details are written in")).to_have_value("markdown")
    expect(first.get_by_label("What was counted")).to_have_value("courses held")
    expect(first.get_by_label("Number")).to_have_value("1 204")
    expect(page.get_by_role("group", name="Link 1").get_by_label("Web address")).to_have_value(
        "https://example.org/courses"
    )
    expect(page.get_by_role("alert")).to_have_count(0)  # nothing refused: nothing was submitted

    second.get_by_label("What was counted").fill("people trained")
    second.get_by_label("Number").fill("310")
    page.get_by_role("button", name="Save action").click()
    figures = action_item(page, "Ran first-aid courses in community centres.").locator(".action-figures li")
    expect(figures).to_have_text(["courses held: 1,204", "people trained: 310"])


def test_enter_in_a_figure_saves_the_action_with_its_evidence_file(page: Page, signed_pledge, tmp_path):
    """(Issue 20.) Enter in a field saves, as in any form — it used to add a figure row
    ("Add another figure" came first) — and a file chosen goes with it."""
    from tests.evidence import pdf_bytes

    slug = signed_pledge("Pressing Enter", state="in_progress")
    log_in(page, ARC_STAFF)
    page.goto(f"/pledges/{slug}/actions/new")
    fill_action(page, "2022", "Trained branch volunteers in first aid.")
    report = tmp_path / "Attendance sheet.pdf"
    report.write_bytes(pdf_bytes())
    page.get_by_label("Attach files").set_input_files([report])
    first = page.get_by_role("group", name="Figure 1")
    first.get_by_label("What was counted").fill("volunteers trained")
    first.get_by_label("Number").fill("48")
    first.get_by_label("Number").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Action recorded.")
    item = action_item(page, "Trained branch volunteers in first aid.")
    expect(item.locator(".action-figures li")).to_have_text(["volunteers trained: 48"])
    with page.expect_download() as download:
        item.get_by_role("link", name="Attendance sheet.pdf").click()
    assert download.value.suggested_filename == "Attendance sheet.pdf"
    assert download.value.path().read_bytes() == pdf_bytes()


def test_a_refused_pledge_keeps_what_was_typed_and_says_why_beside_the_field(page: Page):
    log_in(page, ARC_STAFF)
    page.goto("/pledges/new")
    page.get_by_label("Pledge text").fill("Keep these words when the title is missing.")
    page.get_by_label("Region").fill("Asia-Pacific")
    page.get_by_label("Migration", exact=True).check()

    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_role("alert").first).to_contain_text("The pledge is not saved yet")
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_accessible_description(re.compile("Give the pledge a title."))
    expect(page.locator("#title-error")).to_have_text("Give the pledge a title.")
    expect(page.get_by_label("Pledge text")).to_have_value("Keep these words when the title is missing.")
    expect(page.get_by_label("Region")).to_have_value("Asia-Pacific")
    expect(page.get_by_label("Migration", exact=True)).to_be_checked()
    expect(page.get_by_label("Lead signatory").locator("option:checked")).to_have_text("Australian Red Cross (ARC)")


def test_an_organisation_that_declines_never_shows_and_its_word_reaches_the_signatories(page: Page, new_context):
    title = "Human rights training for border officials"
    note = "We cannot commit to this before our 2027 plan is agreed."
    # The Australian Red Cross names the Australian Human Rights Commission as its lead.
    log_in(page, ARC_STAFF)
    page.goto("/pledges/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Pledge text").fill("Train border officials in the rights of migrants.")
    page.get_by_label("Lead signatory").select_option(label="Australian Human Rights Commission (AHRC)")
    page.get_by_label("Australian Red Cross (ARC)", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(signatories(page)).to_have_text(["Australian Red Cross (ARC) Lead"])
    expect(invited(page)).to_have_text(
        [
            (
                "Australian Human Rights Commission — asked to sign and lead, no answer yet "
                "Withdraw the invitation to Australian Human Rights Commission"
            )
        ]
    )
    workspace(page).get_by_role("button", name="Start and publish").click()
    pledge_url = page.url

    # Its staff read the invitation on the pledge page and decline it, with a word.
    ahrc = new_context().new_page()
    log_in(ahrc, "staff.ahrc@example.org")
    ahrc.goto(pledge_url)
    answer = ahrc.get_by_role("region", name="Invitation to sign")
    expect(answer).to_contain_text("invited your organisation to sign this pledge and to lead it")
    answer.get_by_text("Decline…").click()
    answer.get_by_label("A word to the signatories (optional)").fill(note)
    answer.get_by_role("button", name="Decline to sign").click()
    expect(ahrc.get_by_role("status")).to_contain_text("Invitation declined.")
    expect(ahrc.get_by_role("heading", level=1)).to_have_text("Invitations to sign")
    expect(ahrc.locator(".invitations > li").filter(has_text=title)).to_have_count(0)

    # The public never sees it: not on the page, nor in the register's organisation filter.
    public = anonymous_page(new_context)
    public.goto(pledge_url)
    expect(signatories(public)).to_have_text(["Australian Red Cross (ARC) Lead"])
    expect(public.get_by_text("Australian Human Rights Commission")).to_have_count(0)
    expect(public.get_by_text(note)).to_have_count(0)

    # The writer's staff read the answer where the invitation was.
    page.reload()
    expect(invited(page)).to_contain_text(["Australian Human Rights Commission — declined on"])
    expect(invited(page).first).to_contain_text(note)


def test_staff_say_what_a_done_pledge_changed_and_the_public_reads_it(page: Page):
    """(Issue 19.) Beyond "Implementation completion: Yes": what changed, with why — a
    refusal keeps what was typed; axe on the page with the form, and as the public reads it."""
    from .test_pledge_pages import assert_accessible

    log_in(page, "staff.ahrc@example.org")
    page.goto("/pledges/lao-pdr-australia-2017-21-hrtcp")
    form = page.locator("form.outcome-form")
    expect(form.get_by_role("heading")).to_have_text("Say what changed")
    assert_accessible(page)
    form.get_by_label("How you know").fill("Two laws drafted with the Department of Treaties and Law.")
    form.get_by_role("button", name="Save the rating").click()  # no rating chosen
    expect(page.get_by_text("Choose how much changed.")).to_be_visible()
    expect(page.get_by_label("How you know")).to_have_value("Two laws drafted with the Department of Treaties and Law.")
    page.get_by_label("What changed", exact=True).select_option(value="some")
    page.get_by_role("button", name="Save the rating").click()
    expect(page.locator(".outcome-rating")).to_have_text("Some change")
    log_out(page)
    page.goto("/pledges/lao-pdr-australia-2017-21-hrtcp")
    expect(completion(page)).to_have_text("Yes")
    expect(page.locator(".outcome-justification")).to_have_text(
        "Two laws drafted with the Department of Treaties and Law."
    )
    expect(page.locator("form.outcome-form")).to_have_count(0)
    assert_accessible(page)
