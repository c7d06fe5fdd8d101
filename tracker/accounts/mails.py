"""The accounts' e-mails: the invitation with its set-password link, and the self-service
password reset. Both are account mails, which always arrive (no unsubscribe).

Each is queued in the transaction that causes it, holding only who it is for; the worker
makes the link's token when it sends the message (`prepare`), so no token waits in the
outbox, and a link is valid from the moment it leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from ..core import settings
from ..core.extensions import db
from ..core.history import record_history
from ..core.i18n import _l
from ..notifications import kinds
from ..notifications.operations import queue_mail
from . import passwords
from .models import User

INVITATION = "account_invitation"
PASSWORD_RESET = "password_reset"


def _recipient(context: Mapping[str, Any]) -> User:
    user = db.session.get(User, context["user_id"])
    if user is None or not user.active:
        raise kinds.NotDeliverable(_l("the account is deactivated."))
    return user


def _invitation_link(context: Mapping[str, Any]) -> Mapping[str, Any]:
    user = _recipient(context)
    if user.password_hash:  # set with the link the admin was shown: nothing left to invite to
        raise kinds.NotDeliverable(_l("the person had set their password before it could be sent."))
    days = int(settings.setting("SET_PASSWORD_LINK_MAX_AGE") or 0) // 86400
    return {"token": passwords.set_password_token(user), "link_days": days}


def _reset_link(context: Mapping[str, Any]) -> Mapping[str, Any]:
    user = _recipient(context)
    minutes = int(settings.setting("PASSWORD_RESET_LINK_MAX_AGE") or 0) // 60
    return {"token": passwords.reset_password_token(user), "link_minutes": minutes}


kinds.declare(
    kinds.Kind(
        INVITATION,
        subject=_l("Your account on %(site_name)s: set your password"),
        label=_l("about your account"),
        notification=False,
        prepare=_invitation_link,
    )
)
kinds.declare(
    kinds.Kind(
        PASSWORD_RESET,
        subject=_l("Reset your password on %(site_name)s"),
        label=_l("about your account"),
        notification=False,
        prepare=_reset_link,
    )
)


def queue_invitation(user: User, actor: User) -> None:
    """E-mail an invited person their set-password link (with the admin's invitation)."""
    context = {
        "user_id": user.id,
        "email": user.email,
        "invited_by": actor.name,
        "organisation": user.organisation.name if user.organisation else None,
    }
    queue_mail(INVITATION, user.email, user_id=user.id, to_name=user.name, context=context)


def request_password_reset(email: str) -> None:
    """Someone asks for a reset link for `email`: the active account with that address is
    sent one; any other address, nothing. The caller answers the same either way."""
    user = db.session.scalar(sa.select(User).where(User.email == User.normalise_email(email)))
    if user is None or not user.active:
        passwords.audit_log.info("Password reset asked for an address with no active account")
        return
    queue_mail(
        PASSWORD_RESET,
        user.email,
        user_id=user.id,
        to_name=user.name,
        context={"user_id": user.id, "email": user.email},
    )
    record_history(user, "password_reset_requested", None)
