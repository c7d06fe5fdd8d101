"""Renders of public pages, kept to be sent again until the data version moves.

A public page is the same for every anonymous visitor: it depends on the records (the data
version), today's date and its address, nothing else (see `conditional`). So its render is
kept under a key made of exactly those — the version's generation and number, the day and
the full URL — and sent again as long as they match. Nothing is ever invalidated: a commit
moves the version (pinned at once on the version board, `version_board`), and from the very
next request on every key is new, so the next visitor gets a fresh render.

Two tiers:
- this process's memory: the fastest, no I/O at all; bounded in bytes (least recently used
  out first) and emptied whenever the version moves;
- a store every gunicorn worker shares, Redis when REDIS_URL is configured: a page rendered
  by one worker is sent by all. Without Redis each worker keeps its own.

A response is kept only if it is a plain, complete 200 with no cookie and no CSRF token
(which belongs to one visitor's session) and is not larger than RENDER_CACHE_MAX_ITEM_BYTES.
Redis being slow or down is not an error: the page is rendered, as if nothing were kept.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import redis
from flask import Flask, Response, current_app, g, request

from . import clock
from .data_version import Version

log = logging.getLogger(__name__)

KEY_PREFIX = "tracker:page:"
# Sent again as the view returned them; validators and security headers are added per response.
_NOT_KEPT = {"content-length", "set-cookie", "date"}


@dataclass(frozen=True)
class Render:
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def of(cls, response: Response) -> Render:
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_KEPT)
        return cls(headers, response.get_data())

    def response(self) -> Response:
        return current_app.response_class(self.body, status=200, headers=list(self.headers))

    def to_bytes(self) -> bytes:
        return json.dumps(self.headers).encode() + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> Render:
        headers, _, body = data.partition(b"\n")
        return cls(tuple(tuple(pair) for pair in json.loads(headers)), body)


class _LocalRenders:
    """This process's renders of one data version, least recently used out first."""

    def __init__(self, max_bytes: int):
        self._max_bytes = max_bytes
        self._renders: OrderedDict[str, Render] = OrderedDict()
        self._bytes = 0
        self._version: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def get(self, version: Version, key: str) -> Render | None:
        with self._lock:
            self._forget_older(version)
            render = self._renders.get(key)
            if render is not None:
                self._renders.move_to_end(key)
            return render

    def put(self, version: Version, key: str, render: Render) -> None:
        with self._lock:
            self._forget_older(version)
            if key in self._renders:
                return
            self._renders[key] = render
            self._bytes += len(render.body)
            while self._bytes > self._max_bytes and self._renders:
                _, dropped = self._renders.popitem(last=False)
                self._bytes -= len(dropped.body)

    def _forget_older(self, version: Version) -> None:
        seen = (version.generation, version.number)
        if seen != self._version:
            self._renders.clear()
            self._bytes = 0
            self._version = seen


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
        return Render.from_bytes(data) if data is not None else None

    def put(self, key: str, render: Render) -> None:
        try:
            self._client.set(key, render.to_bytes(), ex=self._timeout)
        except redis.RedisError as exc:
            log.warning("Render cache: Redis unavailable (%s); render not shared", exc)


class RenderCache:
    def __init__(self, app: Flask):
        self.enabled = app.config["RENDER_CACHE"]
        self.max_item_bytes = app.config["RENDER_CACHE_MAX_ITEM_BYTES"]
        self._local = _LocalRenders(app.config["RENDER_CACHE_LOCAL_BYTES"])
        url = app.config.get("REDIS_URL")
        self._shared = _SharedRenders(url, app.config["RENDER_CACHE_TIMEOUT"]) if url else None

    def send(self, version: Version, render: Callable[[], Response]) -> Response:
        """The page's kept render for this version, else `render()` (kept if it may be)."""
        if not self.enabled:
            return render()
        key = _key(version)
        kept = self._local.get(version, key)
        if kept is None and self._shared is not None:
            kept = self._shared.get(key)
            if kept is not None:
                self._local.put(version, key, kept)
        if kept is not None:
            return kept.response()
        response = render()
        if self._may_keep(response):
            kept = Render.of(response)
            self._local.put(version, key, kept)
            if self._shared is not None:
                self._shared.put(key, kept)
        return response

    def _may_keep(self, response: Response) -> bool:
        return (
            response.status_code == 200
            and not response.is_streamed
            and "Set-Cookie" not in response.headers
            and "csrf_token" not in g  # a form's token belongs to one visitor's session
            and len(response.get_data()) <= self.max_item_bytes
        )


def _key(version: Version) -> str:
    address = hashlib.sha256(request.url.encode()).hexdigest()
    return f"{KEY_PREFIX}{version.generation}:{version.number}:{clock.today().isoformat()}:{address}"


def init_app(app: Flask) -> None:
    app.extensions["render_cache"] = RenderCache(app)


def render_cache() -> RenderCache:
    return current_app.extensions["render_cache"]
