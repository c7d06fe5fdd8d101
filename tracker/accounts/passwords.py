"""Passwords and log-ins: the one password policy, set-password links (an invitation, or a
reset by an admin), changing one's own password, and the audit of log-in attempts.

Passwords never reach history: entries say *that* a password was set, not what it became.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from zxcvbn import zxcvbn

from ..core import access, settings
from ..core.changes import InvalidField, OperationRefused
from ..core.extensions import db
from ..core.history import record_history
from ..core.i18n import _l, _n
from ..core.wording import N_, Message
from . import logins
from .models import User

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1000  # hashing a megabyte on every login attempt is a denial of service

# What a dead link's page says: in English here (`N_`), in the reader's language shown (`_l`).
LINK_NOT_VALID = N_("This set-password link has expired or has already been used. Ask an admin to send you a new one.")


# --- passwords ---------------------------------------------------------------------------


# zxcvbn's score: 3 is "safely unguessable: moderate protection from an offline attack".
# Below it are the common passwords (password1234), keyboard walks (qwertyuiop12),
# repeats (aaaaaaaaaaaa) and the person's own name or e-mail.
PASSWORD_MIN_STRENGTH = 3
_STRENGTH_CHECKED_LENGTH = 72  # zxcvbn's own bound: beyond it, a password is long enough


def password_problem(password: str, personal: tuple[str, ...] = ()) -> Message | None:
    """What is wrong with `password` as a new password, or None: the one password policy.
    `personal` are the person's name and e-mail, which a password must not lean on."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _n("Use at least %(num)s character.", "Use at least %(num)s characters.", PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _n("Use at most %(num)s character.", "Use at most %(num)s characters.", PASSWORD_MAX_LENGTH)
    strength = zxcvbn(password[:_STRENGTH_CHECKED_LENGTH], user_inputs=[p for p in personal if p])
    if strength["score"] < PASSWORD_MIN_STRENGTH:
        warning = strength["feedback"]["warning"]
        if not warning:
            return _l("This password is too easy to guess. Add a few more unrelated words.")
        # (zxcvbn's own reason, which it says in English.)
        reason = f"{warning[:1].lower()}{warning[1:].rstrip('.')}"
        return _l("This password is too easy to guess: %(reason)s. Add a few more unrelated words.", reason=reason)
    return None


def _check_new_password(user: User, password: str, field: str) -> None:
    problem = password_problem(password, personal=(user.name, user.email, user.email.partition("@")[0]))
    if problem:
        raise InvalidField(field, problem)


def change_password(user: User, current: str, new: str) -> None:
    """`user` changes their own password, proving they know the current one. Every login of
    the account ends (the caller starts a new one for the browser it was changed in)."""
    if not user.check_password(current):
        raise InvalidField("current_password", _l("Your current password is not right."))
    _check_new_password(user, new, "new_password")
    user.set_password(new)
    logins.end_all(user)
    db.session.flush()
    record_history(user, "password_changed", user)


audit_log = logging.getLogger("tracker.audit")

LOGIN_EVENTS = ("logged_in", "login_failed")


def record_login_attempt(user: User | None, address: str | None, *, succeeded: bool) -> None:
    """The audit of a log-in: an entry in the account's history (who, when, from where), and
    a line in the `tracker.audit` log, which also hears of attempts on unknown e-mails."""
    if user is None:
        audit_log.warning("Failed log-in for an unknown e-mail from %s", address)
        return
    event = "logged_in" if succeeded else "login_failed"
    record_history(user, event, user if succeeded else None, changes={"address": address})
    if succeeded:
        audit_log.info("Log-in: %s (user %s) from %s", user.email, user.id, address)
    else:
        audit_log.warning("Failed log-in for %s (user %s) from %s", user.email, user.id, address)


# Set-password links (an invitation, an admin's reset) and reset links (the person's own
# "Forgot password?") are signed with different salts: one cannot stand for the other, and
# each has its own lifetime. Both name the password they replace (its fingerprint), so a
# link dies once a new password is set with it — or any other way.
_SET_PASSWORD = ("set-password", "SET_PASSWORD_LINK_MAX_AGE")
_RESET_PASSWORD = ("reset-password", "PASSWORD_RESET_LINK_MAX_AGE")
RESET_LINK_NOT_VALID = N_(
    "This password reset link has expired or has already been used. "
    "Ask for a new one with “Forgot your password?” on the log-in page."
)


def _serializer(salt: str = _SET_PASSWORD[0]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key(), salt=salt)


def set_password_token(user: User) -> str:
    """A signed token for the set-password link: valid until the password changes or it
    is older than `SET_PASSWORD_LINK_MAX_AGE`."""
    return _serializer().dumps([user.id, user.password_fingerprint])


def reset_password_token(user: User) -> str:
    """A signed token for a self-service reset link: valid until the password changes or
    it is older than `PASSWORD_RESET_LINK_MAX_AGE` (an hour)."""
    return _serializer(_RESET_PASSWORD[0]).dumps([user.id, user.password_fingerprint])


def user_for_set_password_token(token: str, max_age: int | None = None, *, reset: bool = False) -> User | None:
    """The active user whose current password `token` may replace, or None."""
    salt, lifetime = _RESET_PASSWORD if reset else _SET_PASSWORD
    if max_age is None:
        max_age = settings.setting(lifetime)
    try:
        user_id, fingerprint = _serializer(salt).loads(token, max_age=max_age)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not hmac.compare_digest(fingerprint, user.password_fingerprint):
        return None
    return user


def set_password_from_token(token: str, password: str, *, max_age: int | None = None, reset: bool = False) -> User:
    """Set the password of the user a set-password link was made for (an invitation or a
    reset by an admin), or a reset link (`reset`). The link then no longer works, and every
    login of the account ends."""
    user = user_for_set_password_token(token, max_age, reset=reset)
    if user is None:
        raise OperationRefused(_l(RESET_LINK_NOT_VALID if reset else LINK_NOT_VALID))
    _check_new_password(user, password, "password")
    user.set_password(password)
    logins.end_all(user)
    db.session.flush()
    record_history(user, "password_reset" if reset else "password_set", user)
    return user


def issue_set_password_link(user: User, actor: Any) -> str:
    """An admin's new set-password link for `user` (a lost password, a lost invitation).
    The current password keeps working until the link is used."""
    access.require(actor, "administer")
    if not user.active:
        raise OperationRefused(_l("This account is deactivated. Reactivate it before sending a set-password link."))
    record_history(user, "set_password_link_issued", actor)
    return set_password_token(user)
