"""HTTP caching of public pages and the API: ETag and Last-Modified on every response,
and 304 Not Modified for a conditional request whose copy is still current — decided
before the page is rendered, from the data version alone.

What a public page shows depends on four things only: the records (the data version),
today's date (overdue and due-soon flags), the language it is read in and the address. So
the validator is the data version, the day and the language; the address is the resource
the validator belongs to. Pages seen by
a logged-in person carry their buttons and name, so they get no validators (and are
marked private); nor do responses that show a one-off message (a flash).

The version is read from the version board, not the database, and an anonymous visitor's
page is sent from its kept render when there is one (`render_cache`): a public page
that has not changed costs no database round trip at all.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_login import current_user
from prometheus_client import Counter
from werkzeug.http import parse_date, parse_etags

from .. import clock, data_version
from .i18n import current_language

# How cacheable pages were answered: "sent" (a kept render, `render_cache`), "not_modified"
# (304), "rendered" (nothing kept would do). In /metrics (tracker/monitoring): the hit ratio.
KEPT_RENDERS = Counter("tracker_kept_renders", "Cacheable pages by how they were answered", ["outcome"], registry=None)


def _validators(version: data_version.Version) -> tuple[str, dt.datetime]:
    today = clock.today()
    etag = f"v{version.tag}-{today.isoformat()}-{current_language()}"  # each language its own copy
    # A new day can change a page (a recommendation becomes overdue) without any edit.
    start_of_today = dt.datetime.combine(today, dt.time())
    last_modified = max(version.changed_at, start_of_today).replace(microsecond=0, tzinfo=dt.UTC)
    return etag, last_modified


def _personal() -> bool:
    return bool(getattr(current_user, "is_authenticated", False)) or bool(session.get("_flashes"))


def cacheable(view=None, *, scope: Callable[[dict[str, Any]], str] | None = None):
    """Give a public view's responses validators, and answer 304 when the visitor's copy
    is current. Logged-in visitors always get a fresh, private page.

    `scope`: for a page that shows one scope's records alone (a pledge's page), what names
    the scope from the address's arguments (`data_version.scoped`): its validators and kept
    render then move only with changes to that scope or to the whole site."""
    if view is None:
        return functools.partial(cacheable, scope=scope)

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(*args, **kwargs)
        if _personal():
            response = current_app.make_response(view(*args, **kwargs))
            response.cache_control.private = True
            response.cache_control.no_cache = True
            return response
        version = data_version.current(scope(request.view_args or {}) if scope is not None else None)
        return _public(version, lambda: view(*args, **kwargs))

    wrapper.version_scope = scope  # type: ignore[attr-defined]  # read by `render_cache.KeptPages`
    return wrapper


def _public(version: data_version.Version, render: Callable[[], Any]):
    """An anonymous visitor's answer at `version`: 304, the kept render, or `render()`."""
    etag, last_modified = _validators(version)
    if is_current(request.environ, etag, last_modified):
        KEPT_RENDERS.labels("not_modified").inc()
        response = current_app.response_class(status=304)
    else:
        kept_pages = current_app.extensions["render_cache"]
        kept = kept_pages.get(version, request.environ)
        if kept is not None:
            return kept.response()
        KEPT_RENDERS.labels("rendered").inc()
        response = current_app.make_response(render())
        if response.status_code != 200:
            return response
        kept_pages.offer(version, response)
    response.set_etag(etag, weak=True)
    response.last_modified = last_modified
    # Caches may keep it, but must ask (cheaply, with the validators) before reusing it.
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


def is_current(environ, etag: str, last_modified: dt.datetime | None) -> bool:
    """Is the visitor's copy current? RFC 9110 §13.2.2: If-None-Match decides when
    present; If-Modified-Since otherwise."""
    sent = environ.get("HTTP_IF_NONE_MATCH")
    if sent:
        tags = parse_etags(sent)
        return tags.star_tag or tags.contains_weak(etag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and last_modified is not None and last_modified <= since
