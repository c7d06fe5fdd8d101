"""Every transition of both workflows: allowed, and refused by state, by person and by
rule — each refusal with its message — and history written exactly once."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.access import PermissionDenied
from tracker.core.changes import ConcurrentChange, TransitionRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.roundtables import follow_through
from tracker.roundtables.models import ProgressUpdate


def history_of(record, event):
    return db.session.scalars(
        sa.select(HistoryEntry).where(HistoryEntry.record_id == record.id, HistoryEntry.event == event)
    ).all()


# --- pledges ---------------------------------------------------------------------------


def test_staff_of_a_signatory_starts_a_pledge_which_publishes_it(make):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)

    take_transition(pledge, "start", staff, comment="Agreed at the board meeting")

    assert pledge.status == "in_progress"
    assert pledge.is_published and pledge.published_at is not None
    [entry] = history_of(pledge, "start")
    assert (entry.actor_id, entry.from_state, entry.to_state) == (staff.id, "draft", "in_progress")
    assert entry.comment == "Agreed at the board meeting"


def test_co_signatory_staff_may_move_a_joint_pledge(make):
    co_signatory = make.organisation(name="Department of Home Affairs")
    pledge = make.pledge(co_signatories=[co_signatory])
    take_transition(pledge, "start", make.staff(organisation=co_signatory))
    assert pledge.status == "in_progress"


@pytest.mark.parametrize(
    "missing, message",
    [
        ({"title": " "}, "it needs a title."),
        ({"text": ""}, "it needs the pledge text."),
    ],
)
def test_start_is_refused_until_the_pledge_has_title_and_text(make, missing, message):
    pledge = make.pledge()
    for field, value in missing.items():
        setattr(pledge, field, value)
    with pytest.raises(TransitionRefused, match=message):
        take_transition(pledge, "start", make.staff(organisation=pledge.lead_signatory))
    assert pledge.status == "draft"
    assert history_of(pledge, "start") == []


def test_start_is_refused_without_a_lead_signatory(make):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    pledge.signatories[0].is_lead = False
    with pytest.raises(TransitionRefused, match="it needs a lead signatory"):
        take_transition(pledge, "start", staff)


def test_staff_of_another_organisation_cannot_start_a_pledge(make):
    pledge = make.pledge()
    outsider = make.staff()
    with pytest.raises(PermissionDenied, match="Only staff of a signatory organisation can change this pledge"):
        take_transition(pledge, "start", outsider)
    assert pledge.status == "draft"


@pytest.mark.parametrize("who", ["anonymous", "admin", "co_chair_of_other_org", "deactivated_signatory_staff"])
def test_only_active_signatory_staff_move_pledges(make, who):
    from flask_login import AnonymousUserMixin

    pledge = make.pledge()
    actor = {
        "anonymous": lambda: AnonymousUserMixin(),
        "admin": lambda: make.admin(),
        "co_chair_of_other_org": lambda: make.co_chair(),
        "deactivated_signatory_staff": lambda: make.staff(organisation=pledge.lead_signatory, active=False),
    }[who]()
    with pytest.raises(PermissionDenied):
        take_transition(pledge, "start", actor)
    assert pledge.status == "draft"


def test_complete_is_refused_until_an_action_is_recorded(make):
    pledge = make.pledge_in_progress()
    staff = make.staff(organisation=pledge.lead_signatory)
    with pytest.raises(TransitionRefused) as refused:
        take_transition(pledge, "complete", staff)
    assert str(refused.value) == "Record at least one action taken before marking this pledge done."
    assert pledge.status == "in_progress"


def test_withdrawn_actions_do_not_count_towards_completion(make):
    pledge = make.pledge_in_progress()
    action = make.action(pledge)
    action.withdrawn_at = dt.datetime(2020, 1, 1)
    with pytest.raises(TransitionRefused, match="Record at least one action"):
        take_transition(pledge, "complete", make.staff(organisation=pledge.lead_signatory))


def test_complete_with_an_action_marks_the_pledge_done(make):
    pledge = make.pledge_in_progress()
    make.action(pledge)
    staff = make.staff(organisation=pledge.lead_signatory)

    take_transition(pledge, "complete", staff)

    assert pledge.status == "done" and pledge.is_complete and pledge.completed_at is not None
    assert len(history_of(pledge, "complete")) == 1


def test_reopen_needs_a_reason_which_history_keeps(make):
    pledge = make.pledge_in_progress()
    make.action(pledge)
    staff = make.staff(organisation=pledge.lead_signatory)
    take_transition(pledge, "complete", staff)

    with pytest.raises(TransitionRefused) as refused:
        take_transition(pledge, "reopen", staff, reason="   ")
    assert str(refused.value) == "Give a reason for reopening this pledge."
    assert pledge.status == "done"

    take_transition(pledge, "reopen", staff, reason="The 2021 activities were not finished.")
    assert pledge.status == "in_progress" and pledge.completed_at is None
    [entry] = history_of(pledge, "reopen")
    assert entry.comment == "The 2021 activities were not finished."
    assert (entry.from_state, entry.to_state) == ("done", "in_progress")


@pytest.mark.parametrize(
    "state, event, message",
    [
        ("draft", "complete", "This pledge is still a draft, so it cannot be marked done."),
        ("draft", "reopen", "This pledge is still a draft, so it cannot be reopened."),
        ("in_progress", "start", "This pledge is in progress, so it cannot be started."),
        ("in_progress", "reopen", "This pledge is in progress, so it cannot be reopened."),
        ("done", "start", "This pledge is done, so it cannot be started."),
        ("done", "complete", "This pledge is done, so it cannot be marked done."),
    ],
)
def test_pledge_transitions_from_the_wrong_state_say_why(make, state, event, message):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    if state != "draft":
        take_transition(pledge, "start", staff)
    if state == "done":
        make.action(pledge)
        take_transition(pledge, "complete", staff)
    entries_before = db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)))

    with pytest.raises(TransitionRefused) as refused:
        take_transition(pledge, event, staff, reason="because")

    assert str(refused.value) == message
    assert pledge.status == state
    assert db.session.scalar(sa.select(sa.func.count(HistoryEntry.id))) == entries_before


def test_unknown_event_is_refused_not_crashing(make):
    pledge = make.pledge()
    with pytest.raises(LookupError):
        take_transition(pledge, "verify", make.staff(organisation=pledge.lead_signatory))


def test_a_stale_copy_cannot_repeat_a_transition(make, app):
    """The version lock: a second writer that read the old state gets ConcurrentChange."""
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    db.session.commit()
    pledge_id, staff_id = pledge.id, staff.id

    # A second session reads the pledge while it is still a draft…
    from sqlalchemy.orm import Session

    from tracker.accounts.models import User
    from tracker.pledges.models import Pledge

    with Session(db.engine) as other:
        stale = other.get(Pledge, pledge_id)
        stale_actor = other.get(User, staff_id)
        assert stale.status == "draft"
        stale.signatories  # noqa: B018  (load while fresh)
        # …then the first one starts it and commits.
        take_transition(pledge, "start", staff)
        db.session.commit()

        # The stale copy still believes the pledge is a draft; its write matches no row.
        from unittest import mock

        with (
            mock.patch.object(db, "session", other),
            pytest.raises(ConcurrentChange, match="Someone else changed this pledge at the same moment"),
        ):
            take_transition(stale, "start", stale_actor)
        other.rollback()

    assert len(history_of(pledge, "start")) == 1


# --- recommendations --------------------------------------------------------------------


@pytest.fixture
def rec(make):
    """A draft recommendation with a lead owner and a due date, plus its people."""
    recommendation = make.recommendation()
    recommendation.co_chair = make.co_chair(organisation=recommendation.roundtable.co_chairs[0])
    recommendation.owner_staff = make.staff(organisation=recommendation.lead_owner)
    return recommendation


def _to_done(rec):
    take_transition(rec, "agree", rec.co_chair)
    take_transition(rec, "complete", rec.owner_staff, what_was_done="Referral SOPs adopted.")


def test_co_chair_agrees_a_recommendation(rec):
    take_transition(rec, "agree", rec.co_chair)
    assert rec.status == "in_progress"
    assert len(history_of(rec, "agree")) == 1


def test_agree_needs_a_lead_owner_or_the_addressee_in_words(rec):
    rec.owners = []
    with pytest.raises(
        TransitionRefused, match=r"it needs a lead owner \(or its addressee, as its source states it\)\."
    ):
        take_transition(rec, "agree", rec.co_chair)
    assert rec.status == "draft"
    rec.addressee_note = "Members"  # a ministerial text addresses its members, naming none
    take_transition(rec, "agree", rec.co_chair)
    assert rec.status == "in_progress"


def test_a_recommendation_without_a_due_date_is_agreed_and_never_overdue_but_goes_stale(rec):
    rec.due_date = None
    take_transition(rec, "agree", rec.co_chair, today=dt.date(2026, 1, 5))
    assert rec.status == "in_progress"
    later = dt.date(2026, 6, 1)
    assert not follow_through.is_overdue(rec, later)
    assert follow_through.is_stale(rec, later)


def test_owner_staff_cannot_agree_and_co_chair_of_another_roundtable_cannot_either(rec, make):
    with pytest.raises(PermissionDenied, match="Only a co-chair of this roundtable"):
        take_transition(rec, "agree", rec.owner_staff)
    with pytest.raises(PermissionDenied, match="Only a co-chair of this roundtable"):
        take_transition(rec, "agree", make.co_chair())
    assert rec.status == "draft"


def test_staff_of_a_co_chair_government_is_not_a_co_chair(rec, make):
    """Co-chairing is a role: a staff member of the co-chairing government may not review."""
    staff = make.staff(organisation=rec.roundtable.co_chairs[0])
    with pytest.raises(PermissionDenied):
        take_transition(rec, "agree", staff)


def test_owner_completes_with_what_was_done_which_becomes_an_update(rec):
    take_transition(rec, "agree", rec.co_chair)
    take_transition(
        rec, "complete", rec.owner_staff, what_was_done="National referral SOPs adopted.", today=dt.date(2024, 3, 1)
    )
    assert rec.status == "done"
    [update] = db.session.scalars(sa.select(ProgressUpdate).where(ProgressUpdate.recommendation_id == rec.id)).all()
    assert (update.text, update.date, update.organisation_id, update.author_id) == (
        "National referral SOPs adopted.",
        dt.date(2024, 3, 1),
        rec.lead_owner.id,
        rec.owner_staff.id,
    )
    assert len(history_of(rec, "complete")) == 1


def test_complete_without_saying_what_was_done_is_refused(rec):
    take_transition(rec, "agree", rec.co_chair)
    with pytest.raises(TransitionRefused) as refused:
        take_transition(rec, "complete", rec.owner_staff, what_was_done="  ")
    assert str(refused.value) == "Say in “What was done” what was done before marking this recommendation done."
    assert rec.status == "in_progress"
    assert rec.updates == []


def test_non_owner_cannot_complete(rec, make):
    take_transition(rec, "agree", rec.co_chair)
    with pytest.raises(PermissionDenied, match="Only staff of an organisation that owns this recommendation"):
        take_transition(rec, "complete", make.staff(), what_was_done="Done.")
    with pytest.raises(PermissionDenied):
        take_transition(rec, "complete", rec.co_chair, what_was_done="Done.")


def test_co_chair_verifies_done_work(rec):
    _to_done(rec)
    take_transition(rec, "verify", rec.co_chair)
    assert rec.status == "verified"
    assert rec.verified_by_id == rec.co_chair.id and rec.verified_at is not None
    assert len(history_of(rec, "verify")) == 1


def test_only_a_co_chair_of_that_roundtable_verifies(rec, make):
    _to_done(rec)
    for outsider in (make.co_chair(), rec.owner_staff, make.admin()):
        with pytest.raises(PermissionDenied, match="Only a co-chair of this roundtable"):
            take_transition(rec, "verify", outsider)
    assert rec.status == "done"


def test_send_back_needs_a_reason_the_owner_can_read(rec):
    _to_done(rec)
    with pytest.raises(TransitionRefused, match="Give a reason for sending this recommendation back"):
        take_transition(rec, "send_back", rec.co_chair, reason="")
    assert rec.status == "done"

    take_transition(rec, "send_back", rec.co_chair, reason="The SOPs are not yet in use by police.")
    assert rec.status == "in_progress"
    assert rec.sent_back_reason == "The SOPs are not yet in use by police."
    assert rec.sent_back_by_id == rec.co_chair.id
    [entry] = history_of(rec, "send_back")
    assert entry.comment == "The SOPs are not yet in use by police."


@pytest.mark.parametrize(
    "state, event, message",
    [
        ("draft", "complete", "This recommendation is still a draft, so it cannot be marked done."),
        ("draft", "verify", "This recommendation is still a draft, so it cannot be verified."),
        ("in_progress", "verify", "This recommendation is in progress, so it cannot be verified."),
        ("in_progress", "send_back", "This recommendation is in progress, so it cannot be sent back."),
        ("done", "agree", "This recommendation is done, so it cannot be agreed."),
        ("verified", "send_back", "This recommendation is done and verified, so it cannot be sent back."),
        ("verified", "verify", "This recommendation is done and verified, so it cannot be verified."),
    ],
)
def test_recommendation_transitions_from_the_wrong_state_say_why(rec, state, event, message):
    if state in ("in_progress", "done", "verified"):
        take_transition(rec, "agree", rec.co_chair)
    if state in ("done", "verified"):
        take_transition(rec, "complete", rec.owner_staff, what_was_done="Done.")
    if state == "verified":
        take_transition(rec, "verify", rec.co_chair)
    actor = rec.owner_staff if event == "complete" else rec.co_chair

    with pytest.raises(TransitionRefused) as refused:
        take_transition(rec, event, actor, reason="why", what_was_done="what")

    assert str(refused.value) == message
    assert rec.status == state


def test_what_was_done_is_the_comment_of_the_completion_in_history(rec):
    take_transition(rec, "agree", rec.co_chair)
    take_transition(rec, "complete", rec.owner_staff, what_was_done="Referral SOPs adopted in all provinces.")
    [entry] = history_of(rec, "complete")
    assert entry.comment == "Referral SOPs adopted in all provinces."


def test_start_names_everything_missing_at_once_in_one_sentence(make):
    pledge = make.pledge()
    staff = make.staff(organisation=pledge.lead_signatory)
    pledge.title, pledge.text = " ", ""
    with pytest.raises(TransitionRefused) as two:
        take_transition(pledge, "start", staff)
    assert str(two.value) == "Before this pledge can be started (and published) it needs a title and the pledge text."
    pledge.signatories[0].is_lead = False
    with pytest.raises(TransitionRefused) as three:
        take_transition(pledge, "start", staff)
    assert str(three.value) == (
        "Before this pledge can be started (and published) it needs a title, the pledge text and a lead signatory."
    )
