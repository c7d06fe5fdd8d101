"""Two people pressing the same button at once produce exactly one transition.

Each thread has its own app context, so its own session and database connection: on
PostgreSQL these are truly concurrent transactions (`make test` runs this file on both).
"""

import threading
import traceback

import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.factories import take_transition
from tracker.accounts.models import OrganisationKind, User
from tracker.core.changes import REFUSALS
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges.models import ActionTaken, Pledge
from tracker.roundtables.models import Recommendation

from .factories import PASSWORD

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
            except Exception as error:
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
        sa.select(sa.func.count(HistoryEntry.id)).where(
            HistoryEntry.record_id == record_id, HistoryEntry.event == event
        )
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


# --- sixteen people at once, through the site --------------------------------------------------

THREADS = 16


class Crowd:
    """Sixteen browsers (each its own test client, so its own requests, sessions and
    database connections), logged in as different people, released together by a barrier."""

    def __init__(self, app):
        self.app = app
        self.barrier = threading.Barrier(THREADS)
        self.responses = []  # (who, what, status, page)
        self.errors = []
        self.lock = threading.Lock()

    def person(self, email, work):
        def run():
            client = FlaskClient(self.app, self.app.response_class, use_cookies=True)
            try:
                assert client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code == 302
                self.barrier.wait(timeout=30)
                for what, url, data in work(client):
                    response = client.post(url, data=data)
                    with self.lock:
                        self.responses.append((email, what, response.status_code, response.get_data(as_text=True)))
            except Exception:
                self.errors.append(traceback.format_exc())

        return threading.Thread(target=run, name=email)

    def run(self, threads):
        assert len(threads) == THREADS
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        stuck = [t.name for t in threads if t.is_alive()]
        assert not stuck, f"threads never finished (a deadlock?): {stuck}"
        assert not self.errors, self.errors
        server_errors = [(who, what, status) for who, what, status, _ in self.responses if status >= 500]
        assert not server_errors, server_errors

    def statuses(self, what):
        return sorted(status for _, kind, status, _ in self.responses if kind == what)


def _events(event, **where):
    query = sa.select(HistoryEntry).where(HistoryEntry.event == event)
    for name, value in where.items():
        query = query.where(getattr(HistoryEntry, name) == value)
    return db.session.scalars(query).all()


def test_sixteen_people_at_once_record_everything_exactly_once(app, make):
    """Six staff record three actions each on one pledge, four owners post three updates
    each on one recommendation, four staff race to start the same draft and then to edit
    the same action from the same version, and two co-chairs race to verify and send back
    the same recommendation, all at the same moment. Every action and update is recorded
    exactly once, each contested transition and edit happens once (the others are refused
    with a reason, the edit's loser keeping what they typed), history matches the records,
    nothing deadlocks and nothing fails with a server error."""
    org = make.organisation("Australian Red Cross")
    pledge = make.pledge_in_progress(lead=org, title="Regional protection")
    draft = make.pledge(lead=org, title="A draft about to start")
    contested = make.action(pledge, summary="The original summary.")
    australia = make.organisation("Government of Australia", kind=OrganisationKind.GOVERNMENT)
    roundtable = make.roundtable(co_chairs=[australia])
    owner = make.organisation("Owner organisation")
    for_updates = make.recommendation(roundtable=roundtable, owners=[owner])
    to_review = make.recommendation(roundtable=roundtable, owners=[owner])
    reviewers = [make.co_chair(organisation=australia) for _ in range(2)]
    owner_staff = [make.staff(organisation=owner) for _ in range(4)]
    for recommendation in (for_updates, to_review):
        take_transition(recommendation, "agree", reviewers[0])
    take_transition(to_review, "complete", owner_staff[0], what_was_done="Adopted the procedures.")
    recorders = [make.staff(organisation=org) for _ in range(6)]
    racers = [make.staff(organisation=org) for _ in range(4)]
    db.session.commit()
    # Read before the threads start: they have no app context to load records with.
    action_version, org_id, pledge_slug, draft_slug = contested.version, org.id, pledge.slug, draft.slug
    contested_id, for_updates_id, to_review_id = contested.id, for_updates.id, to_review.id
    crowd = Crowd(app)

    def record_actions(n):
        def work(_client):
            for i in range(3):
                data = {"date": "14 May 2020", "summary": f"Action {n}.{i}", "organisations": [str(org_id)]}
                yield "action", f"/pledges/{pledge_slug}/actions/new", data

        return work

    def post_updates(n):
        def work(_client):
            for i in range(3):
                data = {"update-date": "2020-01-01", "update-text": f"Update {n}.{i}"}
                yield "update", f"/recommendations/{for_updates_id}/updates", data

        return work

    def start_then_edit(n):
        def work(_client):
            yield "start", f"/pledges/{draft_slug}/transitions/start", {"start-comment": f"Started by racer {n}"}
            data = {"date": "14 May 2020", "summary": f"Edited by racer {n}", "organisations": [str(org_id)],
                    "version": str(action_version)}  # fmt: skip
            yield "edit", f"/pledges/{pledge_slug}/actions/{contested_id}/edit", data

        return work

    def review(event, words):
        def work(_client):
            yield "review", f"/recommendations/{to_review_id}/transitions/{event}", {f"{event}-words": words}

        return work

    threads = (
        [crowd.person(u.email, record_actions(n)) for n, u in enumerate(recorders)]
        + [crowd.person(u.email, post_updates(n)) for n, u in enumerate(owner_staff)]
        + [crowd.person(u.email, start_then_edit(n)) for n, u in enumerate(racers)]
        + [crowd.person(reviewers[0].email, review("verify", "")),
           crowd.person(reviewers[1].email, review("send_back", "Not yet in use."))]
    )  # fmt: skip
    crowd.run(threads)
    db.session.expire_all()

    # Actions: 18 recorded, each once, each with its one history entry.
    assert crowd.statuses("action") == [302] * 18
    summaries = [a.summary for a in db.session.get(Pledge, pledge.id).actions if a.id != contested.id]
    assert sorted(summaries) == sorted(f"Action {n}.{i}" for n in range(6) for i in range(3))
    recorded = _events("action_recorded", timeline_type="pledge", timeline_id=pledge.id)
    assert sorted(e.record_id for e in recorded) == sorted(a.id for a in db.session.get(Pledge, pledge.id).actions)

    # Updates: 12 posted, each once, each with its history entry.
    assert crowd.statuses("update") == [302] * 12
    updates = db.session.get(Recommendation, for_updates.id).updates
    assert sorted(u.text for u in updates) == sorted(f"Update {n}.{i}" for n in range(4) for i in range(3))
    assert sorted(e.record_id for e in _events("update_posted")) == sorted(u.id for u in updates)

    # One start of the draft; the others are told why they were refused.
    assert crowd.statuses("start") == [302] + [422] * 3
    assert db.session.get(Pledge, draft.id).status == "in_progress"
    assert len(_events("start", record_id=draft.id, record_type="pledge")) == 1

    # One edit of the action from the version everyone read. The others are refused: 409
    # (the winner had committed before they read) or 422 (they wrote at the same moment),
    # each with the form still holding what they typed.
    edits = crowd.statuses("edit")
    assert edits[0] == 302 and all(status in (409, 422) for status in edits[1:]) and len(edits) == 4
    final = db.session.get(ActionTaken, contested.id)
    [edited] = _events("action_edited", record_id=contested.id)
    assert edited.changes["summary"] == ["The original summary.", final.summary]
    losers = [(who, page) for who, what, status, page in crowd.responses if what == "edit" and status != 302]
    for who, page in losers:
        n = [u.email for u in racers].index(who)
        assert f"Edited by racer {n}" in page and "Someone else" in page

    # Verify against send back: exactly one wins.
    assert crowd.statuses("review") == [302, 422]
    reviewed = db.session.get(Recommendation, to_review.id)
    assert reviewed.status in ("verified", "in_progress")
    assert len(_events("verify", record_id=to_review.id)) + len(_events("send_back", record_id=to_review.id)) == 1


def test_sixteen_actions_recorded_at_once_on_one_pledge_each_take_their_own_place(app, make):
    """Sixteen staff press *Save action* on one pledge at the same instant: every action gets
    a place of its own in the pledge's list (the order the page and actions.csv give), so the
    list exports and imports back as it was."""
    org = make.organisation("Philippine Red Cross")
    pledge = make.pledge_in_progress(lead=org, title="Restoring family links")
    make.action(pledge, summary="Recorded before the crowd came.")
    recorders = [make.staff(organisation=org) for _ in range(THREADS)]
    db.session.commit()
    slug, org_id = pledge.slug, org.id
    crowd = Crowd(app)

    def record(n):
        def work(_client):
            data = {"date": "14 May 2020", "summary": f"Action by recorder {n}", "organisations": [str(org_id)]}
            yield "action", f"/pledges/{slug}/actions/new", data

        return work

    crowd.run([crowd.person(u.email, record(n)) for n, u in enumerate(recorders)])
    assert crowd.statuses("action") == [302] * THREADS
    db.session.expire_all()
    positions = [action.position for action in db.session.get(Pledge, pledge.id).actions]
    assert sorted(positions) == list(range(THREADS + 1))
