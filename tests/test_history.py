"""History is append-only and tells who changed what, when, and why."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from tracker.core.changes import OperationRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry, HistoryIsAppendOnly, timeline_query
from tracker.pledges.operations import edit_pledge


def test_creating_a_pledge_is_the_first_entry_of_its_timeline(make):
    staff = make.staff()
    pledge = make.pledge(author=staff)
    [entry] = db.session.scalars(timeline_query(pledge)).all()
    assert (entry.event, entry.actor_id, entry.to_state) == ("created", staff.id, "draft")


def test_an_edit_records_each_changed_field_with_old_and_new_values(make):
    pledge = make.pledge(title="Regional Protection")
    staff = make.staff(organisation=pledge.lead_signatory)
    edit_pledge(
        pledge,
        staff,
        title="Regional Protection of Migrants",
        region="Asia Pacific",
        text=pledge.text,
        comment="Clearer title",
    )
    entry = db.session.scalars(timeline_query(pledge)).all()[-1]
    assert entry.event == "edited"
    assert entry.changes == {
        "title": ["Regional Protection", "Regional Protection of Migrants"],
        "region": [None, "Asia Pacific"],
    }
    assert entry.comment == "Clearer title"


def test_an_edit_that_changes_nothing_writes_no_history(make):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    before = db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)))
    edit_pledge(pledge, staff, title=pledge.title)
    assert db.session.scalar(sa.select(sa.func.count(HistoryEntry.id))) == before


def test_actions_appear_on_their_pledges_timeline(make):
    pledge = make.pledge_in_progress()
    action = make.action(pledge, summary="Co-hosted a regional roundtable.")
    events = [(e.record_type, e.event) for e in db.session.scalars(timeline_query(pledge))]
    assert events == [("pledge", "created"), ("pledge", "start"), ("action_taken", "action_recorded")]
    assert db.session.scalars(timeline_query(pledge)).all()[-1].record_id == action.id


def test_the_orm_refuses_to_change_or_delete_history(make):
    make.pledge()
    db.session.commit()
    entry = db.session.scalars(sa.select(HistoryEntry)).first()
    entry.comment = "rewritten"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()

    entry = db.session.scalars(sa.select(HistoryEntry)).first()
    db.session.delete(entry)
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", ["UPDATE history SET comment = 'rewritten'", "DELETE FROM history"])
def test_the_database_refuses_to_change_or_delete_history(make, statement):
    make.pledge()
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(sa.text(statement))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(HistoryEntry.id))) == 1


def test_a_repeated_signatory_or_owner_is_kept_once_not_a_database_error(make):
    lead, other = make.organisation(), make.organisation()
    pledge = make.pledge(lead=lead, co_signatories=[other, other, lead])
    assert [s.organisation for s in pledge.signatories] == [lead, other]
    recommendation = make.recommendation(owners=[other, other])
    assert recommendation.owner_organisations == [other]


def test_a_recommendation_cannot_come_from_another_roundtables_outcome(make):
    from tracker.roundtables.models import Outcome, OutcomeGroup

    elsewhere = make.roundtable()
    group = OutcomeGroup(roundtable=elsewhere, heading="Root causes", outcomes=[Outcome(text="Share knowledge.")])
    db.session.add(group)
    db.session.flush()
    with pytest.raises(OperationRefused, match="belongs to another roundtable"):
        make.recommendation(outcome=group.outcomes[0])
