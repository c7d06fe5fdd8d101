"""`flask --app wsgi notifications remind`, run as cron runs it, day after day on the app's
clock (TODAY), with a real SMTP server reading what arrives: the owners' staff are reminded
30 days and 7 days before a recommendation is due and the day after it was due, then every
week while it stays overdue; the co-chairs when one marked done has awaited their
verification for 7 days. Each reminder goes once per recommendation, person and milestone,
however many times the command runs; nothing is sent on the days in between."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tests.factories import Factories, take_transition
from tracker import create_app
from tracker.accounts.models import OrganisationKind
from tracker.core.extensions import db
from tracker.notifications.models import EmailChoice, Notification, SentReminder
from tracker.notifications.operations import set_email_choice
from tracker.roundtables import mails
from tracker.roundtables.operations import create_recommendation, edit_recommendation

from .databases import own_database
from .mail import html_links, text_of

DUE = dt.date(2030, 3, 1)
BASE = "https://pledges.example.org/"


class Inbox:
    """What the SMTP server received since the last look."""

    def __init__(self, server):
        self.server = server
        self.seen = 0

    def new(self):
        messages = self.server.messages[self.seen :]
        self.seen += len(messages)
        return messages


@pytest.fixture
def inbox(smtp_server):
    return Inbox(smtp_server)


@pytest.fixture
def remind(app, runner, deliver, inbox):
    """`remind` on `day` as cron runs it, then the outbox's worker: {address: [subjects]}."""

    def run(day):
        app.config["TODAY"] = day
        db.session.commit()
        with app.app_context():  # a process of its own: its own database session
            result = runner.invoke(args=["notifications", "remind"])
        assert result.exit_code == 0, result.output
        deliver()
        received = {}
        for message in inbox.new():
            received.setdefault(message["To"].addresses[0].addr_spec, []).append(str(message["Subject"]))
        return received

    return run


@pytest.fixture
def owned(app, make, deliver, inbox):
    """A recommendation due on DUE, agreed, owned by an organisation with two active staff
    (and one deactivated); its roundtable's co-chair; an outsider and another roundtable's
    co-chair. The e-mails of its agreement are delivered and set aside."""
    app.config["TODAY"] = dt.date(2029, 6, 1)
    government = make.organisation("Government of Australia", kind=OrganisationKind.GOVERNMENT)
    owner = make.organisation("Australian Red Cross")
    people = {
        "co_chair": make.co_chair(organisation=government),
        "staff": make.staff(organisation=owner),
        "colleague": make.staff(organisation=owner),
        "deactivated": make.staff(organisation=owner, active=False),
        "outsider": make.staff(),
        "elsewhere": make.co_chair(),
    }
    make.roundtable(co_chairs=[people["elsewhere"].organisation])
    roundtable = make.roundtable(co_chairs=[government], title="Bali Process Roundtable")
    recommendation = create_recommendation(
        roundtable, people["co_chair"], text="Formalise coordination.", owners=[owner], due_date=DUE
    )
    take_transition(recommendation, "agree", people["co_chair"])
    db.session.commit()
    deliver()
    inbox.new()
    addresses = {name: person.email for name, person in people.items()}
    return recommendation, people, addresses


def owners(addresses):
    return {addresses["staff"], addresses["colleague"]}


def test_nothing_the_day_before_30_days_then_the_owners_staff_on_the_day(owned, remind):
    _recommendation, _people, addresses = owned

    assert remind(DUE - dt.timedelta(days=31)) == {}
    received = remind(DUE - dt.timedelta(days=30))

    assert set(received) == owners(addresses)
    assert received[addresses["staff"]] == ["Pledge Tracker: a recommendation your organisation owns is due in 30 days"]


def test_run_twice_the_same_day_the_second_run_sends_nothing(owned, remind, runner):
    recommendation, _people, addresses = owned
    day = DUE - dt.timedelta(days=30)

    assert set(remind(day)) == owners(addresses)
    assert remind(day) == {}
    assert remind(day) == {}
    rows = db.session.scalars(sa.select(SentReminder).where(SentReminder.subject_id == recommendation.id)).all()
    assert len(rows) == 2 and {row.milestone for row in rows} == {"due_30:2030-03-01"}


def test_seven_days_before_the_due_date_and_not_the_day_before(owned, remind):
    _recommendation, _people, addresses = owned
    remind(DUE - dt.timedelta(days=30))

    assert remind(DUE - dt.timedelta(days=8)) == {}
    received = remind(DUE - dt.timedelta(days=7))

    assert set(received) == owners(addresses)
    assert received[addresses["colleague"]] == [
        "Pledge Tracker: a recommendation your organisation owns is due in 7 days"
    ]


def test_overdue_the_day_after_the_due_date_not_on_it(owned, remind):
    _recommendation, _people, addresses = owned
    remind(DUE - dt.timedelta(days=7))

    assert remind(DUE - dt.timedelta(days=1)) == {}
    assert remind(DUE) == {}
    received = remind(DUE + dt.timedelta(days=1))

    assert set(received) == owners(addresses)
    assert received[addresses["staff"]] == [
        "Pledge Tracker: a recommendation your organisation owns is overdue by 1 day"
    ]


def test_every_week_while_it_stays_overdue(owned, remind):
    _recommendation, _people, addresses = owned
    remind(DUE + dt.timedelta(days=1))

    for day in range(2, 8):
        assert remind(DUE + dt.timedelta(days=day)) == {}, day
    second = remind(DUE + dt.timedelta(days=8))
    assert second[addresses["staff"]] == [
        "Pledge Tracker: a recommendation your organisation owns is overdue by 8 days"
    ]
    assert remind(DUE + dt.timedelta(days=8)) == {}
    assert remind(DUE + dt.timedelta(days=14)) == {}
    assert set(remind(DUE + dt.timedelta(days=15))) == owners(addresses)


def test_a_reminder_reaches_the_owners_active_staff_and_no_one_else(owned, remind, smtp_server):
    recommendation, _people, addresses = owned

    received = remind(DUE - dt.timedelta(days=30))

    assert set(received) == owners(addresses)
    for other in ("deactivated", "outsider", "co_chair", "elsewhere"):
        assert addresses[other] not in received
    message = smtp_server.messages[-1]
    assert html_links(message)["Open the recommendation"] == BASE + f"recommendations/{recommendation.id}"
    text = text_of(message)
    assert "Formalise coordination." in text and "1 March 2030" in text
    assert "You receive this because your organisation owns this recommendation" in text


def test_a_missed_run_sends_the_latest_milestone_only(owned, remind):
    _recommendation, _people, addresses = owned

    received = remind(DUE - dt.timedelta(days=5))  # no run at 30 days: not sent late

    assert received[addresses["staff"]] == ["Pledge Tracker: a recommendation your organisation owns is due in 5 days"]
    assert remind(DUE - dt.timedelta(days=4)) == {}


def test_a_new_due_date_has_milestones_of_its_own(owned, remind):
    recommendation, people, addresses = owned
    remind(DUE - dt.timedelta(days=7))
    later = DUE + dt.timedelta(days=60)
    edit_recommendation(recommendation, people["co_chair"], due_date=later)
    db.session.commit()

    assert remind(DUE + dt.timedelta(days=1)) == {}  # not overdue any more
    assert set(remind(later - dt.timedelta(days=30))) == owners(addresses)


def test_done_and_draft_recommendations_are_not_reminded_of_their_due_date(owned, make, remind):
    recommendation, people, addresses = owned
    take_transition(recommendation, "complete", people["staff"], what_was_done="Signed.")
    create_recommendation(
        recommendation.roundtable,
        people["co_chair"],
        text="A draft.",
        owners=[people["staff"].organisation],
        due_date=DUE,
    )
    db.session.commit()
    remind(dt.date(2029, 6, 1))  # (the "marked done" e-mails)

    received = remind(DUE + dt.timedelta(days=1))

    assert not owners(addresses) & set(received)  # the co-chairs are, that it awaits verification
    assert all("overdue" not in subject for subjects in received.values() for subject in subjects)


def test_someone_who_turned_reminders_off_keeps_them_in_the_app(owned, remind):
    _recommendation, people, addresses = owned
    set_email_choice(people["colleague"].id, mails.DUE, EmailChoice.OFF)
    db.session.commit()

    received = remind(DUE - dt.timedelta(days=30))

    assert set(received) == {addresses["staff"]}
    kept = db.session.scalars(sa.select(Notification).where(Notification.kind == mails.DUE)).all()
    assert {n.user_id for n in kept} == {people["staff"].id, people["colleague"].id}


def test_the_co_chairs_are_reminded_once_after_seven_days_awaiting_verification(owned, make, app, remind, deliver):
    recommendation, people, addresses = owned
    other_co_chair = make.co_chair(organisation=people["co_chair"].organisation)
    done_on = dt.date(2029, 7, 1)
    app.config["TODAY"] = done_on
    take_transition(recommendation, "complete", people["staff"], what_was_done="Decree signed.")
    db.session.commit()
    remind(done_on)  # (the "marked done" e-mails)

    assert remind(done_on + dt.timedelta(days=6)) == {}
    received = remind(done_on + dt.timedelta(days=7))

    assert set(received) == {addresses["co_chair"], other_co_chair.email}
    assert received[addresses["co_chair"]] == [
        "Pledge Tracker: a recommendation has awaited your verification for 7 days"
    ]
    assert remind(done_on + dt.timedelta(days=7)) == {}
    assert remind(done_on + dt.timedelta(days=30)) == {}


def test_marked_done_again_after_a_send_back_is_a_new_wait(owned, app, remind):
    recommendation, people, addresses = owned
    first = dt.date(2029, 7, 1)
    app.config["TODAY"] = first
    take_transition(recommendation, "complete", people["staff"], what_was_done="Decree signed.")
    db.session.commit()
    remind(first + dt.timedelta(days=7))
    app.config["TODAY"] = second = dt.date(2029, 8, 1)
    take_transition(recommendation, "send_back", people["co_chair"], reason="Attach the decree.")
    take_transition(recommendation, "complete", people["staff"], what_was_done="Decree attached.")
    db.session.commit()
    remind(second)

    assert remind(second + dt.timedelta(days=6)) == {}
    assert set(remind(second + dt.timedelta(days=7))) == {addresses["co_chair"]}


def test_remind_says_what_it_sent(owned, app, runner):
    app.config["TODAY"] = DUE - dt.timedelta(days=30)
    db.session.commit()

    with app.app_context():
        result = runner.invoke(args=["notifications", "remind"])

    assert result.exit_code == 0
    assert "Reminders of recommendations due soon or overdue: 2." in result.output
    assert "Reminders of recommendations awaiting verification: 0." in result.output


# --- two runs at once, as real processes ------------------------------------------------------------

RECOMMENDATIONS = 40
ROOT = Path(__file__).resolve().parent.parent


def _remind_process(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "remind", "--no-digest"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _fill(url, due):
    """RECOMMENDATIONS agreed recommendations due on `due`, each owned by an organisation
    with two staff."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        make = Factories()
        for _ in range(RECOMMENDATIONS):
            owner = make.organisation()
            make.staff(organisation=owner)
            make.staff(organisation=owner)
            recommendation = make.recommendation(owners=[owner], due_date=due)
            take_transition(recommendation, "agree", make.co_chair(organisation=recommendation.roundtable.co_chairs[0]))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_remind_runs_at_once_send_each_reminder_once(tmp_path):
    """Cron started it twice (or two machines run it): each person is reminded once."""
    with own_database(tmp_path, "tracker_remind") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        _fill(url, due=dt.date.today() + dt.timedelta(days=30))
        env = {**os.environ, "DATABASE_URL": url, "TRACKER_ENV": "development",
               "PUBLIC_BASE_URL": "https://pledges.example.org", "DATA_VERSION_BOARD": "off"}  # fmt: skip
        runs = [_remind_process(env) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            reminded = conn.execute(sa.text("SELECT count(*), count(DISTINCT user_id) FROM sent_reminders")).one()
            told = conn.scalar(sa.text("SELECT count(*) FROM notifications WHERE kind = 'recommendation_due'"))
            queued = conn.scalar(sa.text("SELECT count(*) FROM outgoing_mail WHERE kind = 'recommendation_due'"))
        engine.dispose()
    assert [run.returncode for run in runs] == [0, 0], outputs
    expected = 2 * RECOMMENDATIONS
    assert tuple(reminded) == (expected, expected) and told == expected and queued == expected, outputs
    said = [int(n) for out, _ in outputs for n in re.findall(r"due soon or overdue: (\d+)\.", out)]
    assert sum(said) == expected, outputs


def test_a_reminder_reads_whole_in_its_recipients_language_and_plural(owned, remind, inbox, smtp_server):
    """(Issue 21: the reminder glued an English "is due in 5 days" into translated sentences.)"""
    _recommendation, people, addresses = owned
    people["staff"].language, people["colleague"].language = "fr", "ar"
    db.session.commit()
    received = {
        address: [subject.strip() for subject in subjects]
        for address, subjects in remind(DUE - dt.timedelta(days=2)).items()
    }
    assert received[addresses["staff"]] == [
        "Pledge Tracker\u00a0: une recommandation dont votre organisation est responsable arrive à échéance dans 2 jours"
    ]
    assert received[addresses["colleague"]] == [
        "Pledge Tracker: توصية تتولى منظمتكم مسؤوليتها يحل موعد استحقاقها بعد يومين"
    ]
    french = text_of([m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == addresses["staff"]][-1])
    assert "arrive à échéance dans 2 jours (1 mars 2030)" in french and "is due" not in french
    assert "Échéance\u00a0: 1 mars 2030" in french
    remind(DUE + dt.timedelta(days=1))
    to_staff = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == addresses["staff"]]
    assert "en retard de 1 jour" in text_of(to_staff[-1])


def test_a_reminder_queued_before_the_days_were_kept_still_arrives(owned, deliver, inbox):
    """A reminder waiting in the outbox when the tracker was upgraded keeps its English words."""
    from tracker.notifications.operations import notify

    recommendation, people, _addresses = owned
    context = mails.context_of(recommendation) | {"when": "is overdue by 3 days", "due_in": "Overdue by 3 days"}
    context.pop("due_on")
    notify(mails.DUE, [people["staff"]], context)
    db.session.commit()
    deliver()
    (message,) = inbox.new()
    assert str(message["Subject"]) == "Pledge Tracker: a recommendation your organisation owns is overdue by 3 days"
