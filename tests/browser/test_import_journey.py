"""An admin imports real records from the browser (issue 18): uploads a conference's published
pledges and their progress reports (tests/data/corpus/), reads the preview — what would be
created, what is derived — confirms, and the public pages show the records as their sources
have them. In real Chromium, axe on every page, the upload page on a phone too."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_pledge_pages import assert_accessible, log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

ADMIN = "admin@example.org"
CORPUS = Path(__file__).parent.parent / "data" / "corpus"


def test_an_admin_uploads_reads_the_preview_confirms_and_the_public_reads_the_records(page: Page):
    log_in(page, ADMIN)
    page.set_viewport_size({"width": 390, "height": 844})  # the upload page on a phone
    page.goto("/admin/")
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import pledges, recommendations and what was done")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Files to import").set_input_files([CORPUS / "pledges.csv", CORPUS / "actions.csv"])
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import: what would be written")
    expect(page.get_by_role("status")).to_contain_text("No errors.")
    expect(page.get_by_role("heading", name="Not in the tracker yet: created by the import")).to_be_visible()
    expect(page.get_by_role("heading", name="Derived by the import")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 47 pledges and 32 actions")

    # A French pledge of the 32nd Conference, as its source has it.
    log_out(page)
    page.goto("/pledges?q=autorités+françaises")
    page.get_by_role("link", name="Les autorités françaises et la Croix-Rouge française", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "fr")
    expect(page.get_by_text("The source gives this pledge no title")).to_be_visible()
    expect(page.locator(".pledge-text")).to_contain_text("Les autorités françaises et la Croix-Rouge française")
    assert_accessible(page)


def test_an_admin_imports_a_review_s_recommendations_and_the_public_reads_them_as_published(page: Page):
    """35 real recommendations: Slovenia's third Universal Periodic Review (numbers, recommending
    States, responses) and Bali Process ministerial texts addressed to "members"."""
    log_in(page, ADMIN)
    page.goto("/admin/import")
    page.get_by_label("Files to import").set_input_files([CORPUS / "recommendations.csv"])
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("status")).to_contain_text("No errors.")
    expect(page.get_by_role("heading", name="5 meetings and reviews")).to_be_visible()
    expect(page.get_by_role("heading", name="35 recommendations")).to_be_visible()
    expect(page.get_by_role("cell", name="Universal Periodic Review of Slovenia, third cycle").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 5 meetings and 35 recommendations")

    log_out(page)
    page.goto("/roundtables")
    page.get_by_role("link", name="Universal Periodic Review of Slovenia, third cycle").click()
    expect(page.locator(".meeting-kind")).to_have_text("Review")
    card = page.locator(".recommendation-card").filter(
        has_text="Ratify the International Convention for the Protection"
    )
    expect(card.first).to_contain_text("Recommendation 121.1:")
    expect(card.first).to_contain_text("Recommended by France, Lithuania · Supported (14 November 2019)")
    expect(card.first).to_contain_text("Owner: Slovenia")
    assert_accessible(page)
    card.first.get_by_role("link", name="Ratify the International Convention", exact=False).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation 121.1")
    expect(page.locator("dd.response")).to_have_text("Supported, 14 November 2019")
    assert_accessible(page)
