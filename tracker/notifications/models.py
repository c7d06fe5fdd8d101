"""The outbox of e-mail, and each person's choice of what reaches them.

A message is a row of `outgoing_mail`, written in the same transaction as the change that
causes it (a rolled-back change sends nothing), and delivered later by the worker
(`flask --app wsgi notifications deliver`). The row keeps the *kind* of message and the
context its templates need, never its rendered text: the worker renders it at delivery,
so a secret such as a password-reset token is made then, and never stored.

Recipients are named by their address (and their account's id, when they have one): the
callers — accounts, pledges, roundtables — decide who gets what; this area only carries it.

The notification centre: a `Notification` per person and event (its kind, the same JSON
context as the e-mail, created and read times), written beside the e-mail by one `notify`
(`operations`), which reads `NotificationSetting` for the e-mail half only: immediately (an
`OutgoingMail` now), in a daily digest (the row is kept for it; `Digest` records the one
digest a person gets a day), or off. The bell counts the unread rows. `SentReminder` records
each reminder sent, so that one is never sent twice however often `remind` runs.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa
from babel.support import LazyProxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.columns import choice, utcnow
from ..core.extensions import Base
from ..core.i18n import _l

ANSWER_LENGTH = 1000  # what is kept of a mail server's answer


class MailStatus(enum.Enum):
    QUEUED = "queued"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a worker, which is handing it to the mail server now
    SENT = "sent"  # the mail server took it
    FAILED = "failed"  # refused for good, or not taken after every attempt: an admin may retry

    @property
    def label(self) -> LazyProxy:
        """In the reader's language, when shown."""
        return {
            "queued": _l("Queued"),
            "sending": _l("Sending"),
            "sent": _l("Sent"),
            "failed": _l("Failed"),
        }[self.value]


class EmailChoice(enum.Enum):
    """How a person wants a kind of notification by e-mail."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"  # gathered into one e-mail a day (`digest`)
    OFF = "off"

    @property
    def label(self) -> LazyProxy:
        """In the reader's language, when shown."""
        return {"immediately": _l("Immediately"), "daily": _l("In a daily digest"), "off": _l("Off")}[self.value]


class Recipient(Protocol):
    """Who a notification is for: an account (`tracker.accounts.models.User`), named rather
    than imported — the accounts area sits above this one."""

    id: int
    email: str
    name: str
    active: bool
    language: str | None


class OutgoingMail(Base):
    """One e-mail to one person, from the moment it is queued until it is sent or given up."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        # What the worker asks for: the queued ones that are due, oldest first.
        sa.Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    # The account it is for, when the person has one (what an unsubscribe link turns off).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str | None] = mapped_column(sa.String(200))
    # What the kind's templates need (ids, names, slugs): no secret, no rendered text.
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The language it is written in when sent: the account's, or for someone without one
    # (a follower, a new address) the language of the page they asked from; None: English.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    status: Mapped[MailStatus] = mapped_column(choice(MailStatus, "mail_status"), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The worker's pass that holds it while sending: two workers never hold one message.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(36))
    claimed_at: Mapped[dt.datetime | None]
    # The mail server's last answer (or why it could not be reached).
    last_answer: Mapped[str | None] = mapped_column(sa.String(ANSWER_LENGTH))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]

    # No public page shows the outbox: queuing a message does not make them stale.
    moves_data_version: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id} {self.kind} {self.status.value}>"


class NotificationSetting(Base):
    """A person's choice for one kind of notification; without a row, the kind's default."""

    __tablename__ = "notification_settings"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    email: Mapped[EmailChoice] = mapped_column(choice(EmailChoice, "email_choice"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    moves_data_version: ClassVar[bool] = False


class Digest(Base):
    """The daily digest a person was sent on a day: one a day at most, whatever the runs."""

    __tablename__ = "notification_digests"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    day: Mapped[dt.date]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    moves_data_version: ClassVar[bool] = False


class Notification(Base):
    """Something that happened for one person: the bell counts it until it is read. It
    holds every notification, whatever the person chose for its e-mail."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The bell's count, and a person's list (newest first).
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        sa.Index("ix_notifications_user_newest", "user_id", "id"),
        # What the next digests gather.
        sa.Index("ix_notifications_for_digest", "kept_for_digest", "digest_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(50))
    # What the kind's summary and link need (ids, names, excerpts): nothing the person may
    # not read on the site.
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]
    # The person wants this kind in a daily digest: kept for it until `digest_id` says which.
    kept_for_digest: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    digest_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notification_digests.id", ondelete="SET NULL"))

    user: Mapped[Recipient] = relationship("User")

    moves_data_version: ClassVar[bool] = False

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} for {self.user_id}>"


class SentReminder(Base):
    """One reminder sent to one person about one record at one milestone ("due in 30 days
    of 1 January 2030"): the unique constraint makes `remind` send each at most once, even
    when two runs overlap."""

    __tablename__ = "sent_reminders"
    __table_args__ = (sa.UniqueConstraint("subject", "subject_id", "milestone", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(sa.String(40))  # what the record is ("recommendation")
    subject_id: Mapped[int]
    milestone: Mapped[str] = mapped_column(sa.String(60))
    sent_on: Mapped[dt.date]  # the app's today when it was sent
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    moves_data_version: ClassVar[bool] = False
