"""The outbox: nothing lost, nothing twice.

A message is written in the transaction of the change that causes it, so a rolled-back
change sends nothing; a mail server that is down or refuses for now leaves it queued with
its answer, and it is delivered exactly once when the server takes it; a permanent refusal
fails at once and an admin may retry it; and two workers at once never send one message
twice (real processes, on both databases).
"""

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.accounts import mails
from tracker.accounts import operations as accounts
from tracker.accounts.models import Role
from tracker.core.changes import OperationRefused
from tracker.core.columns import utcnow
from tracker.core.extensions import db
from tracker.notifications import operations as notifications
from tracker.notifications import outbox
from tracker.notifications.models import MailStatus, OutgoingMail

from .databases import own_database
from .factories import Factories
from .mail import SMTPServer

ROOT = Path(__file__).resolve().parent.parent


def _mails():
    db.session.expire_all()
    return db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()


def _invite(admin, email="invited@example.org"):
    return accounts.invite_user(admin, email=email, name="Invited Person", role=Role.ADMIN, organisation=None)


def test_a_rolled_back_change_sends_nothing(make, smtp_server, deliver):
    admin = make.admin()
    db.session.commit()
    _invite(admin)
    db.session.flush()
    assert len(db.session.scalars(sa.select(OutgoingMail)).all()) == 1  # queued, in this transaction

    db.session.rollback()

    assert _mails() == []
    assert deliver().handled == 0 and smtp_server.messages == []


def test_a_committed_change_is_sent_once_however_often_the_worker_runs(make, smtp_server, deliver):
    admin = make.admin()
    _invite(admin)
    db.session.commit()

    assert deliver().sent == 1
    assert deliver().handled == 0 and deliver().handled == 0
    assert len(smtp_server.messages) == 1
    [mail] = _mails()
    assert mail.status is MailStatus.SENT and mail.attempts == 1 and mail.sent_at is not None


def test_without_a_mail_server_each_message_is_written_to_the_console_as_it_reads(app, make, deliver, capsys):
    """`make run` has no mail server: a message is written out as its reader would read it
    (to whom, the subject, the text with its links), not as MIME source."""
    from config import Config

    app.extensions["mailman"].backend = Config.MAIL_BACKEND  # a server's, without MAIL_SERVER
    _invite(make.admin())
    db.session.commit()

    assert deliver().sent == 1
    written = capsys.readouterr().out
    assert "To: Invited Person <invited@example.org>\nSubject: Your account on Pledge Tracker" in written
    assert "https://pledges.example.org/" in written  # the link to follow, as the text gives it
    assert "Content-Type" not in written and "<html" not in written


def test_smtp_down_keeps_the_message_queued_and_it_is_delivered_once_when_it_returns(make, smtp_server, deliver):
    admin = make.admin()
    _invite(admin)
    db.session.commit()
    smtp_server.stop()

    now = utcnow()
    tally = deliver(now=now)
    assert (tally.sent, tally.retrying, tally.failed) == (0, 1, 0)
    [mail] = _mails()
    assert mail.status is MailStatus.QUEUED and mail.attempts == 1
    assert "could not be reached" in mail.last_answer
    assert mail.next_attempt_at == now + outbox.wait_after(1)

    smtp_server.start()
    assert deliver(now=now + dt.timedelta(seconds=30)).handled == 0  # not due yet: no hammering
    assert smtp_server.messages == []
    later = now + outbox.wait_after(1)
    assert deliver(now=later).sent == 1
    assert deliver(now=later + dt.timedelta(hours=1)).handled == 0
    assert len(smtp_server.messages) == 1
    [mail] = _mails()
    assert mail.status is MailStatus.SENT and mail.attempts == 2


def test_a_temporary_refusal_is_recorded_retried_later_and_delivered_once(make, smtp_server, deliver):
    admin = make.admin()
    _invite(admin)
    db.session.commit()
    smtp_server.answer = "451 4.3.0 Mailbox busy, try again later"

    now = utcnow()
    assert deliver(now=now).retrying == 1
    [mail] = _mails()
    assert mail.status is MailStatus.QUEUED and mail.last_answer == "451 4.3.0 Mailbox busy, try again later"

    assert deliver(now=now + outbox.wait_after(1)).retrying == 1  # still refusing: waits twice as long
    [mail] = _mails()
    assert mail.attempts == 2 and mail.next_attempt_at == now + outbox.wait_after(1) + outbox.wait_after(2)
    assert outbox.wait_after(2) == 2 * outbox.wait_after(1)

    smtp_server.answer = None
    assert deliver(now=mail.next_attempt_at).sent == 1
    assert len(smtp_server.messages) == 1


def test_after_the_last_attempt_the_message_is_failed(app, make, smtp_server, deliver):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    _invite(make.admin())
    db.session.commit()
    smtp_server.answer = "421 4.7.0 Too many connections"
    now = utcnow()
    for _ in range(3):
        deliver(now=now)
        now += outbox.LONGEST_WAIT
    [mail] = _mails()
    assert mail.status is MailStatus.FAILED and mail.attempts == 3
    smtp_server.answer = None
    assert deliver(now=now + dt.timedelta(days=1)).handled == 0 and smtp_server.messages == []


def test_a_permanent_refusal_fails_at_once_and_an_admin_retries_it(client, auth, make, smtp_server, deliver):
    admin = make.admin()
    _invite(admin)
    db.session.commit()
    smtp_server.answer = "550 5.1.1 No such mailbox here"
    assert deliver().failed == 1
    [mail] = _mails()
    assert mail.status is MailStatus.FAILED and mail.last_answer == "550 5.1.1 No such mailbox here"

    auth.login(admin.email)
    page = client.get("/admin/outgoing-mail?status=failed").get_data(as_text=True)
    assert "invited@example.org" in page and "550 5.1.1 No such mailbox here" in page and "Retry" in page
    assert client.post(f"/admin/outgoing-mail/{mail.id}/retry").status_code == 302
    [mail] = _mails()
    assert mail.status is MailStatus.QUEUED and mail.attempts == 0

    smtp_server.answer = None
    assert deliver().sent == 1 and len(smtp_server.messages) == 1
    # Retrying what is not failed changes nothing.
    response = client.post(f"/admin/outgoing-mail/{mail.id}/retry", follow_redirects=True)
    assert "Only a failed message can be retried" in response.get_data(as_text=True)
    assert _mails()[0].status is MailStatus.SENT


def test_the_outgoing_mail_page_lists_every_state_a_page_at_a_time(client, auth, make, smtp_server, deliver):
    admin = make.admin()
    for n in range(25):
        _invite(admin, email=f"person{n}@example.org")
    db.session.commit()
    auth.login(admin.email)
    first = client.get("/admin/outgoing-mail").get_data(as_text=True)
    assert "person24@example.org" in first and "person4@example.org" not in first  # newest first, 20 a page
    assert "person4@example.org" in client.get("/admin/outgoing-mail?page=2").get_data(as_text=True)
    assert client.get("/admin/outgoing-mail?status=sent").get_data(as_text=True).count("@example.org</bdi>") == 0
    assert client.get("/admin/outgoing-mail?status=nonsense&page=x").status_code == 200


def test_the_deliver_command_reports_what_it_did(runner, make, smtp_server):
    _invite(make.admin())
    db.session.commit()
    result = runner.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 0, result.output
    assert "Sent 1; to retry later 0; failed 0." in result.output
    assert len(smtp_server.messages) == 1


def test_the_deliver_command_needs_the_public_address(app, runner):
    app.config["PUBLIC_BASE_URL"] = None
    result = runner.invoke(args=["notifications", "deliver"])
    assert result.exit_code == 1 and "Set PUBLIC_BASE_URL" in result.output


def test_a_pass_claims_at_most_its_batch_oldest_first(make):
    admin = make.admin()
    for n in range(5):
        _invite(admin, email=f"person{n}@example.org")
    db.session.commit()
    now = utcnow()
    first = outbox.claim_due("first", now, 2)
    second = outbox.claim_due("second", now, 10)
    db.session.commit()
    assert [m.to_address for m in first] == ["person0@example.org", "person1@example.org"]
    assert [m.to_address for m in second] == [f"person{n}@example.org" for n in range(2, 5)]
    assert outbox.claim_due("third", now, 10) == []


def test_a_worker_that_died_mid_send_leaves_its_claims_to_be_sent_later(make, smtp_server, deliver):
    _invite(make.admin())
    db.session.commit()
    now = utcnow()
    outbox.claim_due("a worker that dies now", now, 10)
    db.session.commit()
    assert deliver(now=now).handled == 0  # claimed by another: not sent twice

    assert deliver(now=now + outbox.SENDING_TIMEOUT + dt.timedelta(seconds=1)).sent == 1
    assert len(smtp_server.messages) == 1


# --- two workers at once, as real processes ---------------------------------------------------

MESSAGES = 120


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "notifications", "deliver", "--loop", "--batch", "3",
         "--interval", "0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _queued_left(url) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(sa.text("SELECT count(*) FROM outgoing_mail WHERE status IN ('queued', 'sending')"))
    finally:
        engine.dispose()


def _fill(url):
    """MESSAGES reset mails, to as many people, queued in one commit."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        make = Factories()
        for n in range(MESSAGES):
            mails.request_password_reset(make.staff(email=f"person{n}@example.org").email)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_workers_at_once_deliver_each_message_exactly_once(tmp_path):
    server = SMTPServer()
    server.handler.delay = 0.01
    server.start()
    with own_database(tmp_path, "tracker_outbox") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        env = {**os.environ, **server.environment(), "DATABASE_URL": url, "TRACKER_ENV": "development",
               "PUBLIC_BASE_URL": "https://pledges.example.org", "DATA_VERSION_BOARD": "off"}  # fmt: skip
        workers = [_worker(env) for _ in range(2)]
        outputs = []
        try:
            for worker in workers:  # both running (and polling) before anything is queued
                assert "Delivering every" in worker.stderr.readline()
            _fill(url)
            deadline = time.monotonic() + 120
            while _queued_left(url) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                outputs.append(worker.communicate(timeout=30))
        server.stop()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            statuses = conn.execute(sa.text("SELECT status, count(*) FROM outgoing_mail GROUP BY status")).all()
        engine.dispose()
    assert statuses == [("sent", MESSAGES)], outputs
    recipients = [str(m["To"]) for m in server.messages]
    assert len(recipients) == MESSAGES and len(set(recipients)) == MESSAGES, outputs  # each exactly once
    sent_by = [sum(int(n) for n in re.findall(r"^Sent (\d+);", out, flags=re.MULTILINE)) for out, _ in outputs]
    assert sum(sent_by) == MESSAGES and all(sent_by), f"both workers must have sent some: {sent_by} {outputs}"


def test_only_a_failed_message_is_retried_and_the_refusal_says_why(make, smtp_server, deliver):
    admin = make.admin()
    _invite(admin)
    db.session.commit()
    [mail] = _mails()
    with pytest.raises(OperationRefused) as refused:
        notifications.retry(mail, admin)
    assert str(refused.value) == "Only a failed message can be retried; this one is already queued or sent."
    assert deliver().sent == 1 and len(smtp_server.messages) == 1
