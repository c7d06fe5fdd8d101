"""HTTP caching of public pages and the API: ETag and Last-Modified on every response,
and 304 Not Modified for a conditional request whose copy is still current — decided
before the page is rendered, from the data version alone.

What a public page shows depends on three things only: the records (the data version),
today's date (overdue and due-soon flags) and the address. So the validator is the data
version and the day; the address is the resource the validator belongs to. Pages seen by
a logged-in person carry their buttons and name, so they get no validators (and are
marked private); nor do responses that show a one-off message (a flash).

The version is read from the version board, not the database, and an anonymous visitor's
page is sent from its kept render when there is one (`render_cache`): a public page
that has not changed costs no database round trip at all.
"""
from __future__ import annotations

import datetime as dt
import functools

from flask import current_app, request, session
from flask_login import current_user
from werkzeug.datastructures import ETags

from . import clock, data_version
from .render_cache import render_cache


def _validators(version: data_version.Version) -> tuple[str, dt.datetime]:
    today = clock.today()
    etag = f"v{version.number}-{today.isoformat()}"
    # A new day can change a page (a recommendation becomes overdue) without any edit.
    start_of_today = dt.datetime.combine(today, dt.time())
    last_modified = max(version.changed_at, start_of_today).replace(microsecond=0, tzinfo=dt.UTC)
    return etag, last_modified


def _personal() -> bool:
    return bool(getattr(current_user, "is_authenticated", False)) or bool(session.get("_flashes"))


def cacheable(view):
    """Give a public view's responses validators, and answer 304 when the visitor's copy
    is current. Logged-in visitors always get a fresh, private page."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(*args, **kwargs)
        if _personal():
            response = current_app.make_response(view(*args, **kwargs))
            response.cache_control.private = True
            response.cache_control.no_cache = True
            return response
        version = data_version.current()
        etag, last_modified = _validators(version)
        if _is_current(etag, last_modified):
            response = current_app.response_class(status=304)
        else:
            response = render_cache().send(version, lambda: current_app.make_response(view(*args, **kwargs)))
            if response.status_code != 200:
                return response
        response.set_etag(etag, weak=True)
        response.last_modified = last_modified
        # Caches may keep it, but must ask (cheaply, with the validators) before reusing it.
        response.cache_control.public = True
        response.cache_control.no_cache = True
        return response

    return wrapper


def _is_current(etag: str, last_modified: dt.datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since otherwise."""
    if request.if_none_match:
        return _matches(request.if_none_match, etag)
    since = request.if_modified_since
    return since is not None and last_modified <= since


def _matches(sent: ETags, etag: str) -> bool:
    return sent.star_tag or sent.contains_weak(etag)
