"""Reports as PDF (issue 19, item 5): a forum's progress report, in the spirit of the Red
Cross and Red Crescent conference's mid-term review — its pledges as a whole, then each with
its completion and latest actions — downloaded as PDF and read back as text."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from tracker.core.extensions import db
from tracker.data.demo import load_demo

CONFERENCE = "33rd-international-conference-of-the-red-cross-and-red-crescent-2019"


@pytest.fixture
def demo(app):
    load_demo(today=dt.date(2026, 11, 22))
    db.session.commit()


def text_of_pdf(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_forums_progress_report_downloads_as_pdf_naming_its_pledges_and_their_completion(client, demo):
    page = client.get(f"/forums/{CONFERENCE}").get_data(as_text=True)
    assert re.search(
        rf'<a href="/forums/{CONFERENCE}/report.pdf">(<svg[^>]*>.*?</svg> ?)?Progress report \(PDF\)</a>', page
    )
    response = client.get(f"/forums/{CONFERENCE}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{CONFERENCE}-progress-')
    text = text_of_pdf(response.data)
    assert "33rd International Conference of the Red Cross and Red Crescent, 2019: progress report" in text
    assert "1 published pledge 0 completed 1 with at least one action taken 10 actions taken" in text
    assert "Regional Protection State: In progress Implementation completion: No" in text
    assert "Signatories: Australian Red Cross (lead); Department of Foreign Affairs and Trade" in text
    assert "10 actions taken; the latest:" in text


def test_a_done_pledge_reads_done_in_its_forums_report_with_what_changed_and_a_draft_never_appears(client, make):
    from tests.factories import take_transition
    from tracker.pledges.operations import rate_outcome
    from tracker.taxonomy.models import Forum, ForumKind

    forum = Forum(name="34th International Conference", kind=ForumKind.CONFERENCE, year=2024)
    db.session.add(forum)
    db.session.flush()
    done = make.pledge_in_progress(title="Disaster law in the Pacific", forum_id=forum.id)
    staff = make.staff(organisation=done.lead_signatory)
    make.action(done, author=staff, summary="Three laws reviewed.")
    take_transition(done, "complete", staff)
    rate_outcome(done, staff, rating="some", justification="Laws amended in Samoa.")
    make.pledge(title="Unpublished plan", forum_id=forum.id)
    db.session.commit()
    text = text_of_pdf(client.get(f"/forums/{forum.slug}/report.pdf").data)
    assert "1 published pledge 1 completed 1 with at least one action taken 1 action taken" in text
    assert "Disaster law in the Pacific State: Done Implementation completion: Yes" in text
    assert "What changed: Some change — Laws amended in Samoa." in text
    assert "Three laws reviewed." in text and "Unpublished plan" not in text
    assert client.get("/forums/no-such-forum/report.pdf").status_code == 404


def test_a_roundtables_follow_through_report_downloads_as_pdf_for_its_co_chairs(client, auth, demo):
    slug = "bali-process-government-civil-society-roundtable-2018"
    auth.login("staff.arc@example.org")
    assert client.get(f"/roundtables/{slug}/report.pdf").status_code == 403  # an owner, not a co-chair
    auth.logout()
    auth.login("cochair.id@example.org")
    page = client.get(f"/roundtables/{slug}/report").get_data(as_text=True)
    assert re.search(rf'href="/roundtables/{slug}/report.pdf">(<svg[^>]*>.*?</svg>)?Download as PDF</a>', page)
    response = client.get(f"/roundtables/{slug}/report.pdf?overdue=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = text_of_pdf(response.data)
    assert "Follow-through report" in text and "Bali Process Government and Civil Society Roundtable" in text
    assert "overdue" in text and "Skip to main content" not in text  # the site's menus are left out
