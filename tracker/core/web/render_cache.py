"""Renders of public pages, kept to be sent again until the data version moves.

A public page is the same for every anonymous visitor: it depends on the records (the data
version), today's date and its address, nothing else (see `conditional`). So its render is
kept under a key made of exactly those — the version's generation and number, the day and
the address — and sent again as long as they match. Nothing is ever invalidated: a commit
moves the version (pinned at once on the version board, `version_board`), and from the very
next request on every key is new, so the next visitor gets a fresh render.

What is kept is the whole response as it left the app (validators and security headers
included), so a visitor without a log-in cookie is answered by `KeptPages`, a WSGI layer in
front of Flask, without building a request at all: from the kept render, or with 304 when
their copy is current. An API answer sent so still counts towards its client's rate limit
(`api_rate_limit`), whose headers are added to each answer and never kept. Every other public request reaches the `cacheable` view, which may
send the kept render too (an anonymous visitor with a session cookie) and decides whether a
fresh render may be kept — `offer` — which `KeptPages` then does once it has the response.

Two tiers:
- this process's memory: the fastest, no I/O at all; bounded in bytes (least recently used
  out first) and emptied whenever the version moves;
- a store every gunicorn worker shares, Redis when REDIS_URL is configured: a page rendered
  by one worker is sent by all. Without Redis each worker keeps its own.

A response is kept only if it is a complete 200 to a GET, with no cookie and no CSRF token
(which belongs to one visitor's session), no larger than RENDER_CACHE_MAX_ITEM_BYTES.
Redis being slow or down is not an error: the page is rendered, as if nothing were kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import redis
from flask import Flask, Response, current_app, g, request, session
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie, parse_date, unquote_etag

from .. import clock, data_version
from . import api_rate_limit, conditional
from .i18n import current_language, environ_language

log = logging.getLogger(__name__)

KEY_PREFIX = "tracker:page:"
_KEEP_AS = "tracker.render_cache.keep_as"  # set in the WSGI environ by `offer`
# Never kept: one visitor's cookie, the moment's date, and where one client stands with the
# API's rate limit (`api_rate_limit` adds them again to each answer).
_NOT_KEPT = {"set-cookie", "date", "server", *(name.lower() for name in api_rate_limit.HEADERS)}
# Not repeated in a 304: what describes the body, and a list's Link to its next page (the
# client has it, in its copy's `next`; RFC 9110 §15.4.5 asks only for the validators and
# caching headers) — as the 304 Flask makes (`conditional`) has no Link either.
_NOT_IN_304 = {"content-type", "content-length", "content-disposition", "link"}


@dataclass(frozen=True)
class Render:
    """A response as it left the app: a 200 with its headers and body."""

    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, headers, body: bytes) -> Render:
        return cls(tuple((k, v) for k, v in headers if k.lower() not in _NOT_KEPT), body)

    def _header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    @functools.cached_property
    def validators(self) -> tuple[str, dt.datetime | None]:
        etag, _weak = unquote_etag(self._header("etag") or "")
        return etag or "", parse_date(self._header("last-modified"))

    def send(self, environ, start_response, also: tuple[tuple[str, str], ...] = ()):
        """Answer a WSGI request with this render (and the headers `also`): 304 if the
        visitor's copy is current."""
        etag, last_modified = self.validators
        if etag and conditional.is_current(environ, etag, last_modified):
            conditional.KEPT_RENDERS.labels("not_modified").inc()
            headers = [(k, v) for k, v in self.headers if k.lower() not in _NOT_IN_304]
            start_response("304 Not Modified", [*headers, *also])
            return []
        conditional.KEPT_RENDERS.labels("sent").inc()
        start_response("200 OK", [*self.headers, *also])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [self.body]

    def response(self) -> Response:
        conditional.KEPT_RENDERS.labels("sent").inc()
        return current_app.response_class(self.body, status=200, headers=list(self.headers))

    def to_bytes(self) -> bytes:
        return json.dumps(self.headers).encode() + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> Render:
        headers, _, body = data.partition(b"\n")
        return cls(tuple(tuple(pair) for pair in json.loads(headers)), body)


class _LocalRenders:
    """This process's renders, least recently used out first. Their keys name the version
    they were made at, so a render of a version gone is never asked for again: it waits
    its turn to be dropped."""

    def __init__(self, max_bytes: int):
        self._max_bytes = max_bytes
        self._renders: OrderedDict[str, Render] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Render | None:
        with self._lock:
            render = self._renders.get(key)
            if render is not None:
                self._renders.move_to_end(key)
            return render

    def put(self, key: str, render: Render) -> None:
        with self._lock:
            if key in self._renders:
                return
            self._renders[key] = render
            self._bytes += len(render.body)
            while self._bytes > self._max_bytes and self._renders:
                _, dropped = self._renders.popitem(last=False)
                self._bytes -= len(dropped.body)


class _SharedRenders:
    """Renders in Redis, shared by every worker; a failure there reads as a miss."""

    def __init__(self, url: str, timeout_seconds: int):
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._timeout = timeout_seconds

    def get(self, key: str) -> Render | None:
        try:
            data = self._client.get(key)
        except redis.RedisError as exc:
            log.warning("Render cache: Redis unavailable (%s); rendering instead", exc)
            return None
        return Render.from_bytes(cast(bytes, data)) if data is not None else None

    def put(self, key: str, render: Render) -> None:
        try:
            self._client.set(key, render.to_bytes(), ex=self._timeout)
        except redis.RedisError as exc:
            log.warning("Render cache: Redis unavailable (%s); render not shared", exc)


class RenderCache:
    def __init__(self, app: Flask):
        self.enabled = app.config["RENDER_CACHE"]
        self.max_item_bytes = app.config["RENDER_CACHE_MAX_ITEM_BYTES"]
        self._config = app.config
        self._local = _LocalRenders(app.config["RENDER_CACHE_LOCAL_BYTES"])
        url = app.config.get("REDIS_URL")
        self._shared = _SharedRenders(url, app.config["RENDER_CACHE_TIMEOUT"]) if url else None

    def key(self, version: data_version.Version, environ, visitor: tuple = ()) -> str:
        """The render's key: the version, the day, the address (host, path and query), the
        language the visitor reads (`?lang=`, cookie, `Accept-Language`) and, for a
        logged-in person's page, who they are and their own language (`visitor`)."""
        address = "{}://{}{}{}?{}|{}{}".format(
            environ.get("wsgi.url_scheme", "http"),
            environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ_language(environ),
            "".join(f"|{part}" for part in visitor),
        )
        digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
        return f"{KEY_PREFIX}{version.generation}:{version.tag}:{clock.today(self._config).isoformat()}:{digest}"

    def get(self, version: data_version.Version, environ, visitor: tuple = ()) -> Render | None:
        if not self.enabled:
            return None
        key = self.key(version, environ, visitor)
        kept = self._local.get(key)
        if kept is None and self._shared is not None:
            kept = self._shared.get(key)
            if kept is not None:
                self._local.put(key, kept)
        return kept

    def offer(self, version: data_version.Version, response: Response) -> None:
        """A fresh render of a public page for an anonymous visitor: keep it (once it has
        left the app, see `KeptPages`) if it may be."""
        if (
            self.enabled
            and request.method == "GET"
            and response.status_code == 200
            and not response.is_streamed
            and "csrf_token" not in g  # a form's token belongs to one visitor's session
        ):
            request.environ[_KEEP_AS] = self.key(version, request.environ)

    def keep(self, key: str, render: Render) -> None:
        if len(render.body) > self.max_item_bytes:
            return
        self._local.put(key, render)
        if self._shared is not None:
            self._shared.put(key, render)


# What else a logged-in person's page shows of them alone, by name: areas file it here (the
# notifications area, the bell's unread count), and a kept render is keyed by it too.
_PERSONAL_PARTS: dict[str, Callable[[], object]] = {}


def also_keyed_by(name: str, part: Callable[[], object]) -> None:
    """A kept personal page also depends on `part()` (asked of the logged-in person)."""
    _PERSONAL_PARTS[name] = part


def kept_for_each_person(view):
    """For a logged-in person's page that depends only on the records, the day, the address
    and who is looking (a co-chair's dashboard): keep their render until the data version
    moves. The key names the account (with its password fingerprint), its role and
    organisation — what decides what they may see —, the session's CSRF secret, which
    the page's forms carry, and what areas filed with `also_keyed_by` (the bell's count). Put it inside `login_required`; the view still checks access
    on every render, and a kept render is only ever sent to the person it was made for."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        cache = render_cache()
        if request.method != "GET" or not cache.enabled or not current_user.is_authenticated or session.get("_flashes"):
            return view(*args, **kwargs)
        version = data_version.current()
        visitor = (
            current_user.get_id(),
            current_user.role.value,
            current_user.organisation_id,
            current_user.name,
            current_language(),
            session.get("csrf_token"),
            *(part() for part in _PERSONAL_PARTS.values()),
        )
        kept = cache.get(version, request.environ, visitor)
        if kept is not None:
            response = kept.response()
        else:
            conditional.KEPT_RENDERS.labels("rendered").inc()
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code == 200 and not response.is_streamed:
                kept = Render.of(response.headers.items(), response.get_data())
                cache.keep(cache.key(version, request.environ, visitor), kept)
        response.cache_control.private = True  # theirs alone: no shared cache may keep it
        response.cache_control.no_cache = True
        return response

    return wrapper


class KeptPages:
    """WSGI layer: answers anonymous GETs from kept renders, and keeps what was offered."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._login_cookies = {
            app.config["SESSION_COOKIE_NAME"],
            app.config.get("REMEMBER_COOKIE_NAME", "remember_token"),
        }

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] in ("GET", "HEAD") and not self._has_login_cookie(environ):
            version = data_version.pinned(self.app, self._scope(environ))
            if version is not None:
                kept = self.app.extensions["render_cache"].get(version, environ)
                if kept is not None:
                    # An API answer counts towards its client's rate limit; one beyond it
                    # goes on to Flask, which refuses it.
                    counted = api_rate_limit.count(self.app, environ)
                    if counted is None or counted.allowed:
                        return kept.send(environ, start_response, counted.headers if counted else ())
        return self._answer(environ, start_response)

    def _scope(self, environ) -> str | None:
        """The scope of the page at this address, if its view names one (`cacheable`'s
        `scope`): what the view itself will key its render by."""
        try:
            endpoint, args = self.app.url_map.bind_to_environ(environ).match()
        except HTTPException:
            return None
        scope = getattr(self.app.view_functions.get(endpoint), "version_scope", None)
        return scope(args) if scope is not None else None

    def _has_login_cookie(self, environ) -> bool:
        cookies = environ.get("HTTP_COOKIE")
        return bool(cookies) and not self._login_cookies.isdisjoint(parse_cookie(cookies))

    def _answer(self, environ, start_response):
        answered: list[Any] = []

        def noting(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, noting)
        offered = environ.get(_KEEP_AS)
        if offered is None:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        status, headers = answered
        if status.startswith("200 ") and not any(k.lower() == "set-cookie" for k, _ in headers):
            self.app.extensions["render_cache"].keep(offered, Render.of(headers, data))
        return [data]


def init_app(app: Flask) -> None:
    app.extensions["render_cache"] = RenderCache(app)
    app.wsgi_app = KeptPages(app.wsgi_app, app)  # type: ignore[method-assign]  # a WSGI layer in front


def render_cache() -> RenderCache:
    return current_app.extensions["render_cache"]
