"""Request security that is the same for every page: response headers, the size limit's
proxy set-up, and login throttling.

- Every response carries a Content-Security-Policy that allows scripts, styles, fonts and
  images from this site only (no inline script anywhere: the site's pages have no script
  at all, the API docs load theirs from files), refuses framing, and keeps Referer headers
  to this site. One small `after_request` hook, so the policy can be read in one place.
- Log-ins are throttled with Flask-Limiter per (account, address), per address, and — far
  more slowly — per account: a stranger's wrong guesses make the stranger wait, not the
  account's owner, who logs in from another address. Only *failed* attempts count, so a
  person who types the right password is never slowed down; the refusal says the same
  whether or not the e-mail belongs to an account. The password page's check of the
  current password is throttled per account the same way. The counters live in Redis when
  REDIS_URL is set (shared by every gunicorn worker), in memory otherwise (see config.py).
- In production, browsers are told to come back over HTTPS only (Strict-Transport-Security).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from ..wording import N_

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # Bootstrap draws its form controls' arrows and ticks with data: SVG images.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors' older spelling, for older browsers
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

# The refusals below are English (`N_`), told in the reader's language (`_limit`).

# Told after the limit is reached, whatever the e-mail: it must not reveal whether an
# account exists, nor whether the password was nearly right.
LOGIN_THROTTLED = N_(
    "Too many failed log-in attempts. Wait a few minutes, then try again; "
    "an admin can send you a set-password link if you have forgotten your password."
)

limiter = Limiter(key_func=get_remote_address)


# Told after too many wrong current passwords on the password page.
PASSWORD_CHECK_THROTTLED = N_("Too many wrong current passwords. Wait a few minutes, then try again.")

# Set by a view when what was refused was the password typed (see `throttle_password_check`).
_WRONG_PASSWORD = "tracker_wrong_password"


def _typed_email() -> str:
    """The account an attempt is on; attempts with no e-mail share one counter."""
    return (request.form.get("email") or "").strip().lower() or "(no e-mail)"


def _typed_email_and_address() -> str:
    return f"{_typed_email()}|{get_remote_address()}"


def _failed_login(response: Any) -> bool:
    """The login page answers a refused attempt with 422 (a success redirects)."""
    return bool(response.status_code == 422)


def _limit(setting: str, key: Callable[[], str], scope: str, message: str, counted: Callable[[Any], bool]) -> Any:
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key,
        methods=["POST"],
        deduct_when=counted,
        error_message=lambda: _(message),  # in the reader's language
        scope=scope,
    )


def throttle_login(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate the login view: at most LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS failed attempts
    on one typed e-mail from one address, LOGIN_LIMIT_PER_ADDRESS from one address, and
    LOGIN_LIMIT_PER_ACCOUNT on one e-mail from everywhere."""
    limits = (
        _limit(
            "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
            _typed_email_and_address,
            "login-account-address",
            LOGIN_THROTTLED,
            _failed_login,
        ),
        _limit("LOGIN_LIMIT_PER_ADDRESS", get_remote_address, "login-address", LOGIN_THROTTLED, _failed_login),
        _limit("LOGIN_LIMIT_PER_ACCOUNT", _typed_email, "login-account", LOGIN_THROTTLED, _failed_login),
    )
    for limit in limits:
        view = limit(view)
    return view


def wrong_password_typed() -> None:
    """A view says: the password typed was not right (counted by `throttle_password_check`)."""
    setattr(g, _WRONG_PASSWORD, True)


def _wrong_password(_response: Any) -> bool:
    return bool(getattr(g, _WRONG_PASSWORD, False))


def _account() -> str:
    """The logged-in account (the view behind this limit requires one)."""
    return f"user:{getattr(current_user, 'id', None)}"


def throttle_password_check(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view that checks the logged-in person's current password: at most
    PASSWORD_CHECK_LIMIT wrong ones per account (a stolen session must not become a way to
    guess the password)."""
    return _limit("PASSWORD_CHECK_LIMIT", _account, "password-check", PASSWORD_CHECK_THROTTLED, _wrong_password)(view)


# Told when too many reset links were asked for: the same whatever the address typed.
PASSWORD_RESET_THROTTLED = N_("Too many password reset links were asked for. Wait a while, then try again.")


def _every_request(_response: Any) -> bool:
    return True


def throttle_password_reset(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate the "Forgot password?" view: every request for a link counts, whether or not
    the address has an account (so the limit tells nothing either) — at most
    PASSWORD_RESET_LIMIT_PER_ACCOUNT for one typed e-mail from everywhere (an inbox is not
    flooded) and PASSWORD_RESET_LIMIT_PER_ADDRESS from one address."""
    limits = (
        _limit(
            "PASSWORD_RESET_LIMIT_PER_ACCOUNT", _typed_email, "reset-account", PASSWORD_RESET_THROTTLED, _every_request
        ),
        _limit(
            "PASSWORD_RESET_LIMIT_PER_ADDRESS",
            get_remote_address,
            "reset-address",
            PASSWORD_RESET_THROTTLED,
            _every_request,
        ),
    )
    for limit in limits:
        view = limit(view)
    return view


# Told when one network asked to follow too many pledges by e-mail.
FOLLOW_THROTTLED = N_("Too many requests to follow pledges came from your network. Wait a while, then try again.")


def throttle_follow(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate "Follow by e-mail": at most FOLLOW_LIMIT_PER_ADDRESS requests from one client
    address, whatever was typed (each address typed also gets at most one link an hour)."""
    return _limit("FOLLOW_LIMIT_PER_ADDRESS", get_remote_address, "follow-address", FOLLOW_THROTTLED, _every_request)(
        view
    )


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_PROXIES"):
        # Behind N reverse proxies, the client's address and scheme come from their
        # X-Forwarded-* headers; without this every visitor would share the proxy's address.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    limiter.init_app(app)

    headers = dict(SECURITY_HEADERS)
    if app.config.get("STRICT_TRANSPORT_SECURITY"):
        headers["Strict-Transport-Security"] = app.config["STRICT_TRANSPORT_SECURITY"]

    @app.after_request
    def security_headers(response: Any) -> Any:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
