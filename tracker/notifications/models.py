"""The outbox of e-mail, and each person's choice of what reaches them.

A message is a row of `outgoing_mail`, written in the same transaction as the change that
causes it (a rolled-back change sends nothing), and delivered later by the worker
(`flask --app wsgi notifications deliver`). The row keeps the *kind* of message and the
context its templates need, never its rendered text: the worker renders it at delivery,
so a secret such as a password-reset token is made then, and never stored.

Recipients are named by their address (and their account's id, when they have one): the
callers — accounts, pledges, roundtables — decide who gets what; this area only carries it.

Next (the notification centre): an in-app `Notification` per person (user id, kind, the same
JSON context, created and read times) written beside the e-mail by one `notify(kind, users,
context)`, which consults `NotificationSetting` (immediately / daily digest / off) for the
e-mail half only; the bell counts unread rows. Kinds and context are shared, so the in-app
list renders from the same declarations.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import choice, utcnow
from ..core.extensions import Base

ANSWER_LENGTH = 1000  # what is kept of a mail server's answer


class MailStatus(enum.Enum):
    QUEUED = "queued"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a worker, which is handing it to the mail server now
    SENT = "sent"  # the mail server took it
    FAILED = "failed"  # refused for good, or not taken after every attempt: an admin may retry

    @property
    def label(self) -> str:
        return {"queued": "Queued", "sending": "Sending", "sent": "Sent", "failed": "Failed"}[self.value]


class EmailChoice(enum.Enum):
    """How a person wants a kind of notification by e-mail (a daily digest comes later)."""

    IMMEDIATELY = "immediately"
    OFF = "off"


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
