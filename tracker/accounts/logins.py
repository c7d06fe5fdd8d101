"""Logins, ended on the server: each browser that logs in gets a login of its own, whose token
its session and keep-me-logged-in cookies carry (in `User.get_id()`). A log-out ends that
login; a new password or a deactivation ends them all. A cookie of an ended login — copied,
stolen, or kept in a browser's history — then logs no one in.

(Flask-Session was weighed: its SQLAlchemy store commits the request's own database session
and defines its table anew for every app, and a keep-me-logged-in cookie would still outlive
a log-out. One table of logins answers both cookies.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core import settings
from ..core.columns import utcnow
from ..core.extensions import db
from .models import User, UserLogin

DEFAULT_LIFETIME = dt.timedelta(days=14)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, remembered: bool) -> str:
    """A new login for `user` (logins past their time are cleared away); `user.get_id()`
    now names it. Returns its token."""
    now = utcnow()
    lifetime = settings.setting("REMEMBER_COOKIE_DURATION") or DEFAULT_LIFETIME
    db.session.execute(sa.delete(UserLogin).where(UserLogin.user_id == user.id, UserLogin.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserLogin(
            user_id=user.id,
            token_digest=_digest(token),
            remembered=remembered,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    user.login_token = token
    return token


def user_of(session_id: str) -> User | None:
    """The active user whose login `session_id` (`User.get_id()`, from a session or a
    keep-me-logged-in cookie) names, if that login has not ended; with their organisation,
    in one query."""
    user_id, fingerprint, token = _parts(session_id)
    if user_id is None or not token:
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(UserLogin, UserLogin.user_id == User.id)
        .where(User.id == user_id, UserLogin.token_digest == _digest(token), UserLogin.expires_at > utcnow())
        .options(joinedload(User.organisation))
    )
    if user is None or not user.active or not fingerprint_matches(user, fingerprint):
        return None
    user.login_token = token
    return user


def end(session_id: str) -> None:
    """End the login `session_id` names (a log-out)."""
    user_id, _fingerprint, token = _parts(session_id)
    if user_id is not None and token:
        db.session.execute(
            sa.delete(UserLogin).where(UserLogin.user_id == user_id, UserLogin.token_digest == _digest(token))
        )


def end_all(user: User) -> None:
    """End every login of `user` (a new password, a deactivation)."""
    db.session.execute(sa.delete(UserLogin).where(UserLogin.user_id == user.id))
    user.login_token = ""


def fingerprint_matches(user: User, fingerprint: str) -> bool:
    """Does a session's password fingerprint match the password now?"""
    return bool(fingerprint) and hmac.compare_digest(fingerprint, user.password_fingerprint)


def _parts(session_id: str) -> tuple[int | None, str, str]:
    user_id, _, rest = (session_id or "").partition(":")
    fingerprint, _, token = rest.partition(":")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) < 10):
        return None, "", ""
    return int(user_id), fingerprint, token
