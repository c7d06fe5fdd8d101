"""Notifying people and queuing messages, and what people and admins change about them:
each person's choice per kind (and the unsubscribe of one), reading notifications, and an
admin's retry of a failed message.

`notify` and `queue_mail` only add rows to the caller's session: they are written by the
caller's COMMIT, with the change that caused them, or not at all (a refused or rolled-back
change notifies no one). The worker (`outbox`, `delivery`) sends the e-mail afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from ..core import access, i18n, settings
from ..core.changes import OperationRefused
from ..core.columns import utcnow
from ..core.extensions import db
from ..core.i18n import _l
from . import kinds
from .models import EmailChoice, MailStatus, Notification, NotificationSetting, OutgoingMail, Recipient


def notify(
    kind: str, recipients: Iterable[Recipient], context: Mapping[str, Any], *, actor: Any = None
) -> list[Notification]:
    """Tell each of `recipients` that `kind` happened, in the caller's transaction: a
    notification in the app for each, and by e-mail as each chose for this kind — now
    (queued in the outbox), kept for their daily digest, or not at all.

    The callers choose who may hear of it; this leaves out the deactivated, anyone named
    twice, and `actor` (no one is told of what they did themselves)."""
    declared = kinds.get(kind)
    if not declared.choosable:
        raise ValueError(f"{kind!r} is not a kind of notification")
    context = dict(context)
    json.dumps(context)  # what cannot be stored fails here, in the caller
    actor_id = getattr(actor, "id", None)
    people = {person.id: person for person in recipients if person.active and person.id != actor_id}
    choices = email_choices(list(people), kind)
    made = []
    for person in people.values():
        choice = choices[person.id]
        kept = choice is EmailChoice.DAILY
        made.append(Notification(user_id=person.id, kind=kind, context=dict(context), kept_for_digest=kept))
        if choice is EmailChoice.IMMEDIATELY:
            _queue(
                kind, person.email, user_id=person.id, to_name=person.name, context=context, language=person.language
            )
    db.session.add_all(made)
    return made


def queue_mail(
    kind: str,
    to_address: str,
    *,
    user_id: int | None = None,
    to_name: str | None = None,
    context: Mapping[str, Any],
    language: str | None = None,
) -> OutgoingMail | None:
    """Queue one message of `kind` to `to_address` (the account `user_id`'s, if it has one),
    in the caller's transaction, in `language` when the caller knows the recipient's (someone
    without an account, who chose it when they asked). For a notification kind, None unless
    the person wants it immediately (`notify` is how notifications are sent: it keeps the
    digest's too)."""
    declared = kinds.get(kind)
    if declared.notification and user_id is not None and email_choice(user_id, kind) is not EmailChoice.IMMEDIATELY:
        return None
    return _queue(kind, to_address, user_id=user_id, to_name=to_name, context=context, language=language)


# The accounts' table, named rather than imported (the accounts area sits above this one).
_ACCOUNTS = sa.table("users", sa.column("id"), sa.column("language"))


def _queue(
    kind: str,
    to_address: str,
    *,
    user_id: int | None,
    to_name: str | None,
    context: Mapping[str, Any],
    language: str | None = None,
) -> OutgoingMail:
    """The message, in the recipient's language: their account's choice, else (someone
    without an account, or with no choice made) the language they are reading now."""
    json.dumps(dict(context))  # what cannot be stored fails here, in the caller, not in the worker
    if language is None and user_id is not None:
        language = db.session.scalar(sa.select(_ACCOUNTS.c.language).where(_ACCOUNTS.c.id == user_id))
    mail = OutgoingMail(
        language=language or i18n.reading_language(),
        kind=kind,
        user_id=user_id,
        to_address=to_address,
        to_name=to_name,
        context=dict(context),
        status=MailStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(mail)
    return mail


# --- each person's choice per kind --------------------------------------------------------------


def email_choice(user_id: int, kind: str) -> EmailChoice:
    """How `user_id` gets `kind` by e-mail: their choice, or the kind's default."""
    return email_choices([user_id], kind)[user_id]


def email_choices(user_ids: Collection[int], kind: str) -> dict[int, EmailChoice]:
    """{user id: how they get `kind` by e-mail}, in one query."""
    chosen: dict[int, EmailChoice] = {}
    if user_ids:
        rows = db.session.execute(
            sa.select(NotificationSetting.user_id, NotificationSetting.email).where(
                NotificationSetting.user_id.in_(list(user_ids)), NotificationSetting.kind == kind
            )
        )
        chosen = {row.user_id: row.email for row in rows}
    default = kinds.get(kind).default
    return {user_id: chosen.get(user_id, default) for user_id in user_ids}


def wants_email(user_id: int, kind: str) -> bool:
    return email_choice(user_id, kind) is not EmailChoice.OFF


def set_email_choice(user_id: int, kind: str, choice: EmailChoice) -> None:
    """Set how `user_id` gets `kind` by e-mail (the unsubscribe link turns it off). Turning
    the daily digest off turns off every kind the person gets in it."""
    declared = kinds.get(kind)
    if not declared.notification:
        raise OperationRefused(_l("Account e-mails cannot be turned off."))
    if declared.digest:
        if choice is not EmailChoice.OFF:
            raise OperationRefused(_l("Choose, kind by kind, what comes in the daily digest."))
        for gathered in kinds.declared():
            if gathered.choosable and email_choice(user_id, gathered.name) is EmailChoice.DAILY:
                set_email_choice(user_id, gathered.name, EmailChoice.OFF)
        return
    setting = db.session.scalar(
        sa.select(NotificationSetting).where(NotificationSetting.user_id == user_id, NotificationSetting.kind == kind)
    )
    if setting is None:
        db.session.add(NotificationSetting(user_id=user_id, kind=kind, email=choice))
    else:
        setting.email = choice
    db.session.flush()


# --- the notification centre ---------------------------------------------------------------------


def mark_read(notification: Notification, actor: Any) -> None:
    """`actor` has read `notification` (their own: no one else's)."""
    access.require(actor, "mark_read", notification)
    if notification.read_at is None:
        notification.read_at = utcnow()
    db.session.flush()


def mark_all_read(actor: Any) -> int:
    """Every unread notification of `actor`'s is read now; how many there were."""
    access.require(actor, "read_notifications")
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- one-click unsubscribe ---------------------------------------------------------------------


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key(), salt="unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    """The token of a message's unsubscribe link: it names the person and the kind, signed,
    and lasts (an old e-mail's link must still work)."""
    return _unsubscribe_serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, kinds.Kind] | None:
    """(user id, kind) an unsubscribe link names, or None if it is not one of ours."""
    try:
        user_id, name = _unsubscribe_serializer().loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(name, str):
        return None
    try:
        kind = kinds.get(name)
    except LookupError:
        return None
    return (user_id, kind) if kind.notification else None


# --- admins ------------------------------------------------------------------------------------


def retry(mail: OutgoingMail, actor: Any) -> None:
    """An admin sends a failed message again: queued now, with every attempt ahead of it."""
    access.require(actor, "administer")
    if mail.status is not MailStatus.FAILED:
        raise OperationRefused(_l("Only a failed message can be retried; this one is already queued or sent."))
    mail.status = MailStatus.QUEUED
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    mail.claimed_by = None
    mail.claimed_at = None
    db.session.flush()
