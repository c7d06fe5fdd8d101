"""The API's rate limit: at most API_RATE_LIMIT requests (Flask-Limiter's syntax, "600 per
minute") from one client address to any address under /api/. Every API answer tells where the
client stands with the IETF draft's headers — `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds until the window starts again) — and a request beyond the limit is
refused with 429, `Retry-After` and the API's JSON error (`errors`).

Anonymous API answers are mostly sent from their kept render by `render_cache.KeptPages`, in
front of Flask, where no Flask hook runs. So the counting is one function, `count`, that
this layer and the Flask hooks below both call — once per request, its result kept in the
WSGI environ — on Flask-Limiter's own storage (memory, or Redis with RATELIMIT_STORAGE_URI,
so that every worker and every app server counts together; its in-memory fallback when Redis
is down). A refused request is never sent a kept render: it reaches Flask, which answers 429.

The windows are fixed and follow the clock (a one-minute limit counts from each minute's
start), so a count is one increment of one key — one round trip to Redis — and the time to
the next window is known without asking: a kept answer stays cheap.

CORS preflights (OPTIONS) are not counted: a browser sends one before a request it then
makes, and a refused preflight would hide the real answer's 429 from the page's script.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from ..wording import N_
from .security import limiter

log = logging.getLogger(__name__)

_COUNTED = "tracker.api_rate_limit"  # this request's `Count`, in the WSGI environ
_NOT_COUNTED = "OPTIONS"

REFUSED = N_(
    "Too many requests from your address (at most %(amount)s in %(period)s seconds). Try again in %(seconds)s seconds."
)

# The headers `count` sends: kept renders must never keep them (they are one client's, now).
HEADERS = ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After")


@dataclass(frozen=True)
class Count:
    """A request counted: whether it is within the limit, and the headers that say so."""

    allowed: bool
    limit: RateLimitItem
    reset: int  # seconds until the window starts again
    headers: tuple[tuple[str, str], ...]


def under_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


@functools.lru_cache(maxsize=8)
def parsed(setting: str) -> RateLimitItem:
    """The limit a setting names ("600 per minute"); a setting with several names the first."""
    return parse(setting)


def count(app: Flask, environ) -> Count | None:
    """Count this request against its client address's limit, once (later calls for the same
    request give the same answer). None when it is not counted: not under /api/, a preflight,
    or no limit configured — or the limiter's storage failing (the API stays open)."""
    if _COUNTED in environ:
        return environ[_COUNTED]
    setting = app.config.get("API_RATE_LIMIT")
    if (
        not under_api(environ.get("PATH_INFO", ""))
        or not setting
        or not app.config.get("RATELIMIT_ENABLED", True)
        or environ.get("REQUEST_METHOD") == _NOT_COUNTED
    ):
        environ[_COUNTED] = None
        return None
    item = parsed(setting)
    period = item.get_expiry()  # the window, in seconds
    now = time.time()
    window = int(now // period)
    address = environ.get("REMOTE_ADDR") or "127.0.0.1"
    key = item.key_for(app.config.get("RATELIMIT_KEY_PREFIX", ""), "api", address, str(window))
    try:
        hits = limiter.limiter.storage.incr(key, period)
    except Exception as exc:  # Redis down or slow: not counted, not refused
        log.warning("API rate limit: storage unavailable (%s); request not counted", exc)
        environ[_COUNTED] = None
        return None
    environ[_COUNTED] = counted = _counted(item, hits, max(1, math.ceil((window + 1) * period - now)))
    return counted


def _counted(item: RateLimitItem, hits: int, reset: int) -> Count:
    allowed = hits <= item.amount
    headers = [
        ("RateLimit-Limit", str(item.amount)),
        ("RateLimit-Remaining", str(max(0, item.amount - hits))),
        ("RateLimit-Reset", str(reset)),
    ]
    if not allowed:
        headers.append(("Retry-After", str(reset)))
    return Count(allowed, item, reset, tuple(headers))


def refuse_beyond_the_limit() -> None:
    """Before any API view: count the request (unless `KeptPages` did), refuse it beyond the limit."""
    counted = count(current_app, request.environ)
    if counted is not None and not counted.allowed:
        limit = counted.limit
        raise TooManyRequests(_(REFUSED, amount=limit.amount, period=limit.get_expiry(), seconds=counted.reset))


def tell_the_limit(response):
    """After any API answer: where its client stands."""
    counted = request.environ.get(_COUNTED)
    if counted is not None:
        for name, value in counted.headers:
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    if app.config.get("API_RATE_LIMIT"):
        parsed(app.config["API_RATE_LIMIT"])  # a mistyped setting stops the app at start, not each request
    app.before_request(refuse_beyond_the_limit)
    app.after_request(tell_the_limit)
