"""The outbox's bookkeeping, for the worker: claiming the messages that are due, and
recording what the mail server answered.

**Never twice.** A worker claims messages before it sends them: an UPDATE moves them from
"queued" to "sending" under a claim of its own (`WHERE status = 'queued'`), and commits;
only then does it send. Two workers never claim one message: on PostgreSQL the rows are
picked with `SELECT … FOR UPDATE SKIP LOCKED` (a row another worker is claiming is skipped,
not waited for); SQLite has one writer at a time, and the UPDATE's status test refuses a
row another claimed first. Each message's outcome is committed as soon as the server answers.

**Nothing lost.** A message the server does not take — unreachable, or a temporary refusal
(4xx) — goes back to the queue with its attempts counted, its next attempt later and later
(`MAIL_RETRY_AFTER` seconds, doubled each time) and the server's answer kept; after
`MAIL_MAX_ATTEMPTS` tries, or at once when refused for good (5xx), it is "failed", which
admins see and may retry. A worker that dies mid-send leaves its claims "sending": after
`SENDING_TIMEOUT` they are queued again (the one case in which a message may arrive twice:
the server took it, and the worker died before it could say so).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from ..core import settings
from ..core.columns import table_of
from ..core.extensions import db
from ..core.i18n import _l
from .models import ANSWER_LENGTH, MailStatus, OutgoingMail

SENDING_TIMEOUT = dt.timedelta(minutes=15)
DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_RETRY_AFTER = 60  # seconds
LONGEST_WAIT = dt.timedelta(hours=6)

# Kept as the message's last answer (admins read it on Administration › Outgoing mail).
INTERRUPTED = _l("The worker stopped while sending this message; it is queued again.")


@dataclass
class Tally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def new_claim() -> str:
    return uuid.uuid4().hex


def requeue_interrupted(now: dt.datetime) -> int:
    """Queue again what a worker claimed and never finished (it died or was killed)."""
    outbox = table_of(OutgoingMail)
    result = db.session.execute(
        sa.update(outbox)
        .where(outbox.c.status == MailStatus.SENDING, outbox.c.claimed_at < now - SENDING_TIMEOUT)
        .values(status=MailStatus.QUEUED, claimed_by=None, claimed_at=None, last_answer=str(INTERRUPTED))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def claim_due(claim: str, now: dt.datetime, limit: int) -> list[OutgoingMail]:
    """Claim up to `limit` queued messages that are due, oldest first, for `claim` (a new
    one per pass); the caller commits before sending them."""
    outbox = table_of(OutgoingMail)
    due = (
        sa.select(outbox.c.id)
        .where(outbox.c.status == MailStatus.QUEUED, outbox.c.next_attempt_at <= now)
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Locked until this transaction commits; rows another worker holds are skipped. (Not a
        # subquery of the UPDATE: PostgreSQL may run that more than once, past the LIMIT.)
        due = due.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(due))
    if not ids:
        return []
    # The status test makes the claim safe on SQLite too, where nothing is locked by the
    # SELECT: a message another worker claimed in between is no longer "queued".
    db.session.execute(
        sa.update(outbox)
        .where(outbox.c.id.in_(ids), outbox.c.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING, claimed_by=claim, claimed_at=now)
    )
    claimed = db.session.scalars(
        sa.select(OutgoingMail)
        .where(OutgoingMail.claimed_by == claim, OutgoingMail.status == MailStatus.SENDING)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .execution_options(populate_existing=True)
    ).all()
    return list(claimed)


def record_sent(mail: OutgoingMail, now: dt.datetime, answer: str | None = None) -> None:
    mail.status = MailStatus.SENT
    mail.attempts += 1
    mail.sent_at = now
    mail.last_answer = _kept(answer)
    mail.claimed_by = None


def record_failure(mail: OutgoingMail, now: dt.datetime, answer: str, *, permanent: bool, tally: Tally) -> None:
    """Not sent this time: queued again for later, or failed for good."""
    mail.attempts += 1
    mail.last_answer = _kept(answer)
    mail.claimed_by = None
    if permanent or mail.attempts >= max_attempts():
        mail.status = MailStatus.FAILED
        tally.failed += 1
    else:
        mail.status = MailStatus.QUEUED
        mail.next_attempt_at = now + wait_after(mail.attempts)
        tally.retrying += 1


def max_attempts() -> int:
    return int(settings.setting("MAIL_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def wait_after(attempts: int) -> dt.timedelta:
    """How long a message waits after its `attempts`-th failed attempt: doubling each time."""
    first = dt.timedelta(seconds=int(settings.setting("MAIL_RETRY_AFTER", DEFAULT_RETRY_AFTER)))
    wait: dt.timedelta = first * 2 ** (attempts - 1)
    return min(wait, LONGEST_WAIT)


def _kept(answer: str | None) -> str | None:
    if answer is None:
        return None
    answer = " ".join(answer.split())
    return answer[: ANSWER_LENGTH - 1] + "…" if len(answer) > ANSWER_LENGTH else answer
