"""Queuing messages, and what people and admins change about them: the unsubscribe of one
kind, and an admin's retry of a failed message.

`queue_mail` only adds a row to the caller's session: it is written by the caller's COMMIT,
with the change that caused it, or not at all (a refused or rolled-back change sends
nothing). The worker (`outbox`, `delivery`) sends it afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from ..core import access, settings
from ..core.changes import OperationRefused
from ..core.columns import utcnow
from ..core.extensions import db
from . import kinds
from .models import EmailChoice, MailStatus, NotificationSetting, OutgoingMail


def queue_mail(
    kind: str, to_address: str, *, user_id: int | None = None, to_name: str | None = None, context: Mapping[str, Any]
) -> OutgoingMail | None:
    """Queue one message of `kind` to `to_address` (the account `user_id`'s, if it has one),
    in the caller's transaction. None when the person turned this kind of e-mail off."""
    declared = kinds.get(kind)
    if declared.notification and user_id is not None and not wants_email(user_id, kind):
        return None
    json.dumps(dict(context))  # what cannot be stored fails here, in the caller, not in the worker
    mail = OutgoingMail(
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


def email_choice(user_id: int, kind: str) -> EmailChoice:
    setting = db.session.scalar(
        sa.select(NotificationSetting.email).where(
            NotificationSetting.user_id == user_id, NotificationSetting.kind == kind
        )
    )
    return setting or EmailChoice.IMMEDIATELY


def wants_email(user_id: int, kind: str) -> bool:
    return email_choice(user_id, kind) is not EmailChoice.OFF


def set_email_choice(user_id: int, kind: str, choice: EmailChoice) -> None:
    """Set how `user_id` gets `kind` by e-mail (the unsubscribe link turns it off)."""
    if not kinds.get(kind).notification:
        raise OperationRefused("Account e-mails cannot be turned off.")
    setting = db.session.scalar(
        sa.select(NotificationSetting).where(NotificationSetting.user_id == user_id, NotificationSetting.kind == kind)
    )
    if setting is None:
        db.session.add(NotificationSetting(user_id=user_id, kind=kind, email=choice))
    else:
        setting.email = choice
    db.session.flush()


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
        raise OperationRefused("Only a failed message can be retried; this one is already queued or sent.")
    mail.status = MailStatus.QUEUED
    mail.attempts = 0
    mail.next_attempt_at = utcnow()
    mail.claimed_by = None
    mail.claimed_at = None
    db.session.flush()
