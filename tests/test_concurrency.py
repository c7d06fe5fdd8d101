"""Two people pressing the same button at once produce exactly one transition.

Each thread has its own app context, so its own session and database connection: on
PostgreSQL these are truly concurrent transactions (`make test` runs this file on both).
"""
import threading

import sqlalchemy as sa

from tracker.extensions import db
from tracker.models import HistoryEntry, Pledge, Recommendation, User
from tracker.operations import REFUSALS, take_transition

RACERS = 8


def race(app, model, record_id, actor_ids, event, **rule_data):
    """Every thread loads the record, waits for the others, then fires `event` and commits.
    Returns (successes, refusal messages)."""
    barrier = threading.Barrier(len(actor_ids))
    successes, refusals, errors = [], [], []

    def press_the_button(actor_id):
        with app.app_context():
            try:
                record = db.session.get(model, record_id)
                actor = db.session.get(User, actor_id)
                record.workflow  # noqa: B018  (everything read before the race)
                _ = record.signatories if model is Pledge else (record.owners, record.roundtable.co_chairs)
                barrier.wait(timeout=10)
                take_transition(record, event, actor, **rule_data)
                db.session.commit()
                successes.append(actor_id)
            except REFUSALS as refusal:
                db.session.rollback()
                refusals.append(str(refusal))
            except Exception as error:  # noqa: BLE001  (reported below, failing the test)
                db.session.rollback()
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press_the_button, args=(a,)) for a in actor_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return successes, refusals


def history_count(record_id, event):
    return db.session.scalar(
        sa.select(sa.func.count(HistoryEntry.id)).where(HistoryEntry.record_id == record_id, HistoryEntry.event == event)
    )


def test_concurrent_starts_of_one_pledge_start_it_exactly_once(app, make):
    pledge = make.pledge()
    staff_ids = [make.staff(organisation=pledge.lead_signatory).id for _ in range(RACERS)]
    db.session.commit()

    successes, refusals = race(app, Pledge, pledge.id, staff_ids, "start")

    assert len(successes) == 1
    assert len(refusals) == RACERS - 1
    # All racers read the draft before anyone wrote, so every refusal is the version lock's.
    assert all(m.startswith("Someone else changed this pledge at the same moment") for m in refusals), refusals
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == "in_progress"
    assert history_count(pledge.id, "start") == 1


def test_concurrent_verifications_verify_exactly_once(app, make):
    recommendation = make.recommendation()
    co_chair_org = recommendation.roundtable.co_chairs[0]
    owner = make.staff(organisation=recommendation.lead_owner)
    co_chair_ids = [make.co_chair(organisation=co_chair_org).id for _ in range(RACERS)]
    take_transition(recommendation, "agree", db.session.get(User, co_chair_ids[0]))
    take_transition(recommendation, "complete", owner, what_was_done="SOPs adopted.")
    db.session.commit()

    successes, refusals = race(app, Recommendation, recommendation.id, co_chair_ids, "verify")

    assert len(successes) == 1 and len(refusals) == RACERS - 1
    assert all(m.startswith("Someone else changed this recommendation") for m in refusals), refusals
    db.session.expire_all()
    assert db.session.get(Recommendation, recommendation.id).status == "verified"
    assert history_count(recommendation.id, "verify") == 1


def test_verify_racing_send_back_lets_exactly_one_win(app, make):
    recommendation = make.recommendation()
    co_chair_org = recommendation.roundtable.co_chairs[0]
    owner = make.staff(organisation=recommendation.lead_owner)
    verifier, sender = (make.co_chair(organisation=co_chair_org) for _ in range(2))
    take_transition(recommendation, "agree", verifier)
    take_transition(recommendation, "complete", owner, what_was_done="SOPs adopted.")
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = {}

    def review(actor_id, event, **data):
        with app.app_context():
            record = db.session.get(Recommendation, recommendation.id)
            actor = db.session.get(User, actor_id)
            _ = record.owners, record.roundtable.co_chairs
            barrier.wait(timeout=10)
            try:
                take_transition(record, event, actor, **data)
                db.session.commit()
                outcomes[event] = "won"
            except REFUSALS:
                db.session.rollback()
                outcomes[event] = "refused"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=review, args=(verifier.id, "verify")),
        threading.Thread(target=review, args=(sender.id, "send_back"), kwargs={"reason": "Not yet in use."}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes.values()) == ["refused", "won"]
    db.session.expire_all()
    final = db.session.get(Recommendation, recommendation.id)
    winner = next(event for event, outcome in outcomes.items() if outcome == "won")
    assert final.status == {"verify": "verified", "send_back": "in_progress"}[winner]
    assert history_count(recommendation.id, "verify") + history_count(recommendation.id, "send_back") == 1
