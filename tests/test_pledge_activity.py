"""A pledge's activity is kept on its row (tracker/pledges/activity.py): the date of its
latest current action — the register's "Latest action first" and the quiet-pledge reminder
read it — and when anything on its page last changed — the API's `updated_at`. Every way
an action is written moves them: recorded, edited, withdrawn; and the pledge's own edits."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tracker.core.extensions import db
from tracker.pledges.models import Pledge
from tracker.pledges.operations import edit_action, edit_pledge, withdraw_action


def _row(pledge: Pledge) -> tuple[dt.date | None, dt.datetime]:
    """What the database holds, not what the session remembers."""
    db.session.commit()
    return tuple(
        db.session.execute(sa.select(Pledge.last_action_on, Pledge.changed_at).where(Pledge.id == pledge.id)).one()
    )


def _count(pledge: Pledge) -> int:
    db.session.commit()
    return db.session.scalar(sa.select(Pledge.actions_count).where(Pledge.id == pledge.id))


def test_each_action_recorded_edited_or_withdrawn_moves_the_pledges_activity(make):
    pledge = make.pledge_in_progress(title="Family links in Mindanao")
    last_action, changed = _row(pledge)
    assert last_action is None

    first = make.action(pledge, date=dt.date(2021, 3, 2), summary="Phone charging stations opened.")
    last_action, after_first = _row(pledge)
    assert last_action == dt.date(2021, 3, 2) and after_first >= changed
    assert pledge.last_action_on == dt.date(2021, 3, 2)  # the object in memory reads the row again

    second = make.action(pledge, date=dt.date(2022, 7, 9), summary="Tracing requests answered.")
    assert _row(pledge)[0] == dt.date(2022, 7, 9)
    older = make.action(pledge, date=dt.date(2020, 1, 15), summary="Volunteers trained.")
    assert _row(pledge)[0] == dt.date(2022, 7, 9)  # an older action is not the latest
    assert _count(pledge) == 3

    author = make.staff(organisation=pledge.lead_signatory)
    edit_action(second, author, date=dt.date(2021, 1, 5), summary=second.summary, organisations=[author.organisation])
    last_action, after_edit = _row(pledge)
    assert last_action == dt.date(2021, 3, 2) and after_edit >= after_first  # moved back by an edit

    withdraw_action(first, author, reason="Recorded twice.")
    last_action, after_withdrawal = _row(pledge)
    assert last_action == dt.date(2021, 1, 5) and after_withdrawal >= after_edit
    assert older.withdrawn_at is None
    assert _count(pledge) == 2 == pledge.actions_count


def test_the_pledges_own_edit_moves_when_its_page_changed_but_not_its_last_action(make):
    pledge = make.pledge_in_progress(title="Family links in Mindanao")
    make.action(pledge, date=dt.date(2021, 3, 2))
    last_action, before = _row(pledge)
    edit_pledge(pledge, make.staff(organisation=pledge.lead_signatory), title="Restoring family links in Mindanao")
    db.session.commit()
    assert _row(pledge) == (last_action, pledge.updated_at)
    assert pledge.updated_at >= before


def test_the_register_sorts_by_the_kept_last_action(client, make):
    quiet = make.pledge_in_progress(title="Quiet pledge Numbat")
    busy = make.pledge_in_progress(title="Busy pledge Quokka")
    make.action(quiet, date=dt.date(2019, 2, 1))
    make.action(busy, date=dt.date(2023, 5, 1))
    db.session.commit()
    page = client.get("/pledges?sort=last_action").get_data(as_text=True)
    assert page.index("Busy pledge Quokka") < page.index("Quiet pledge Numbat")
    make.action(quiet, date=dt.date(2024, 8, 30), summary="Radio messages sent to families.")
    db.session.commit()
    page = client.get("/pledges?sort=last_action").get_data(as_text=True)
    assert page.index("Quiet pledge Numbat") < page.index("Busy pledge Quokka")


def test_the_home_page_counts_current_actions_of_published_pledges_only(client, make):
    published = make.pledge_in_progress(title="Counted pledge")
    draft = make.pledge(title="Draft pledge")
    for day in (1, 2, 3):
        make.action(published, date=dt.date(2022, 5, day), summary=f"Action {day}.")
    make.action(draft, date=dt.date(2022, 5, 4), summary="Draft's action.")
    withdrawn = make.action(published, date=dt.date(2022, 5, 5), summary="Withdrawn action.")
    withdraw_action(withdrawn, make.staff(organisation=published.lead_signatory), reason="Recorded by mistake.")
    db.session.commit()
    page = " ".join(client.get("/").get_data(as_text=True).split())
    assert "<strong>3</strong> actions taken" in page
