"""What changed, beyond being done (issue 19, item 2): once a pledge is done its signatories
rate what changed — no change yet, some, substantial, transformative — with why. The public
reads it beside "Implementation completion", filters the register by it, and a forum's page
and the API count it."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.access import PermissionDenied
from tracker.core.changes import InvalidField
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges.operations import rate_outcome
from tracker.taxonomy.models import Forum, ForumKind

from .factories import PASSWORD


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def done(make):
    """A done pledge made at a conference, with its signatory's staff."""
    forum = Forum(name="34th International Conference", kind=ForumKind.CONFERENCE)
    db.session.add(forum)
    db.session.flush()
    pledge = make.pledge_in_progress(title="Disaster law in the Pacific", forum_id=forum.id)
    staff = make.staff(organisation=pledge.lead_signatory)
    make.action(pledge, author=staff)
    take_transition(pledge, "complete", staff)
    db.session.commit()
    return pledge, staff


def test_only_a_done_pledges_signatories_rate_it_with_a_reason(done, make):
    pledge, staff = done
    with pytest.raises(PermissionDenied, match=r"Only staff of a signatory organisation can change this pledge\."):
        rate_outcome(pledge, make.staff(), rating="some", justification="Seen it.")
    in_progress = make.pledge_in_progress(title="Not done yet")
    with pytest.raises(PermissionDenied, match=r"What changed is rated once the pledge is done\."):
        rate_outcome(in_progress, make.staff(organisation=in_progress.lead_signatory), rating="some", justification="x")
    with pytest.raises(InvalidField, match="Choose how much changed: No change yet, Some change, Substantial"):
        rate_outcome(pledge, staff, rating="huge", justification="Seen it.")
    with pytest.raises(InvalidField, match="Say what changed"):
        rate_outcome(pledge, staff, rating="some", justification="  ")
    assert pledge.outcome_rating is None

    rate_outcome(pledge, staff, rating="some", justification="Two laws passed.")
    entry = rate_outcome(pledge, staff, rating="substantial", justification="Three laws passed; 40 officials trained.")
    assert (pledge.outcome_rating, pledge.outcome_rated_by_id) == ("substantial", staff.id)
    assert entry.event == "outcome_rated" and entry.changes["outcome_rating"] == ["some", "substantial"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(HistoryEntry).where(HistoryEntry.event == "outcome_rated")
        )
        == 2
    )


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def test_the_public_reads_what_changed_beside_completion_and_a_refusal_keeps_what_was_typed(client, done):
    pledge, staff = done
    _login(client, staff)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "Say what changed" in page and 'name="rating"' in page
    refused = client.post(f"/pledges/{pledge.slug}/outcome", data={"rating": "", "justification": "Kept words"})
    assert refused.status_code == 422
    assert "Choose how much changed." in text_of(refused) and "Kept words</textarea>" in text_of(refused)
    saved = client.post(
        f"/pledges/{pledge.slug}/outcome", data={"rating": "substantial", "justification": "Three laws passed."}
    )
    assert saved.status_code == 302
    client.post("/auth/logout")
    public = " ".join(text_of(client.get(f"/pledges/{pledge.slug}")).split())
    assert "<dt>Implementation completion:</dt> <dd>Yes</dd>" in public
    assert '<strong class="outcome-rating">Substantial change</strong> —' in public and "Three laws passed." in public
    assert 'name="rating"' not in public  # the form is its signatories' only
    api = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    assert api["outcome"] == {
        "rating": "substantial",
        "label": "Substantial change",
        "justification": "Three laws passed.",
    }


def test_others_cannot_rate_it(client, done, make):
    pledge, _staff = done
    _login(client, make.staff())
    assert (
        client.post(f"/pledges/{pledge.slug}/outcome", data={"rating": "some", "justification": "x"}).status_code == 403
    )
    db.session.expire_all()
    assert pledge.outcome_rating is None


def test_the_register_filters_by_what_changed_and_a_forum_page_counts_it(client, done, make):
    pledge, staff = done
    rate_outcome(pledge, staff, rating="transformative", justification="The law changed.")
    other = make.pledge_in_progress(title="Another", forum_id=pledge.forum_id)
    other_staff = make.staff(organisation=other.lead_signatory)
    make.action(other, author=other_staff)
    take_transition(other, "complete", other_staff)
    rate_outcome(other, other_staff, rating="no_change", justification="Not yet.")
    db.session.commit()
    listed = text_of(client.get("/pledges?outcome=transformative"))
    assert "Disaster law in the Pacific" in listed and "Another" not in listed and "of 1 pledge" in listed
    assert '<option value="transformative">Transformative change (1)</option>' in text_of(client.get("/pledges"))
    forum = " ".join(text_of(client.get(f"/forums/{pledge.forum.slug}")).split())
    chart = re.search(r'id="chart-outcome".*?</figure>', forum).group(0)
    rows = re.findall(
        r'<a href="([^"]+)"><bdi>([^<]+)</bdi></a></th> <td class="text-end chart-count">(\d+)</td>', chart
    )
    assert [(label, count) for _url, label, count in rows] == [("No change yet", "1"), ("Transformative change", "1")]
    for url, _label, count in rows:
        assert f"of {count} pledge" in text_of(client.get(url.replace("&amp;", "&")))


def test_the_follow_through_report_counts_what_changed_and_carries_it_in_its_csv(client, make):
    from tracker.roundtables import operations as roundtables

    co_chair = make.co_chair()
    roundtable = make.roundtable(co_chairs=[co_chair.organisation], slug="bali-2018")
    owner = make.organisation()
    staff = make.staff(organisation=owner)
    ratings = ["substantial", "some", "substantial", None]
    for n, rating in enumerate(ratings):
        recommendation = make.recommendation(roundtable=roundtable, owners=[owner], text=f"Recommendation {n}")
        take_transition(recommendation, "agree", co_chair)
        take_transition(recommendation, "complete", staff, what_was_done="Done.")
        take_transition(recommendation, "verify", co_chair)
        if rating:
            roundtables.rate_outcome(recommendation, co_chair, rating=rating, justification="Seen in practice.")
    make.recommendation(roundtable=roundtable, owners=[owner], text="Still a draft")
    db.session.commit()
    _login(client, co_chair)
    report = " ".join(text_of(client.get("/roundtables/bali-2018/report")).split())
    assert (
        "What changed, as the co-chairs rated the 4 verified: <strong>1</strong> some change; "
        "<strong>2</strong> substantial change; <strong>1</strong> not rated yet." in report
    )
    rows = list(csv.DictReader(io.StringIO(text_of(client.get("/roundtables/bali-2018/report.csv")).lstrip("\ufeff"))))
    assert [row["what changed"] for row in rows if row["state"] == "Done, verified"] == [
        "Substantial change",
        "Some change",
        "Substantial change",
        "",
    ]
