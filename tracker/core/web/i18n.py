"""The page's language, with Flask-Babel: chosen once per request (`tracker.core.i18n.choose`:
`?lang=`, the account, the cookie, `Accept-Language`), said in `Content-Language`, and kept
in the visitor's cookie when they pick one with `?lang=`. Public addresses stay the same in
every language; a page names its translations with `hreflang` links (`alternates`), and
`Vary` tells caches that the language follows the request's headers."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from flask import Flask, has_request_context, request
from flask_babel import Babel, gettext, ngettext, refresh
from flask_login import current_user
from werkzeug.http import parse_cookie

from .. import i18n

COOKIE_MAX_AGE = 365 * 24 * 3600
CHOSEN_LANGUAGE = _CHOSEN = "tracker.language"  # the request's, set once chosen (or by a renderer)


def environ_language(environ) -> str:
    """The language of a page for a visitor who is not logged in, from the request alone
    (the kept renders are chosen before Flask builds a request)."""
    asked = (parse_qs(environ.get("QUERY_STRING", "")).get("lang") or [None])[0]
    cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(i18n.COOKIE)
    return i18n.choose(asked, None, cookie, environ.get("HTTP_ACCEPT_LANGUAGE"))


def current_language() -> str:
    """The language of this request's page (English outside a request)."""
    if not has_request_context():
        return i18n.DEFAULT
    chosen = request.environ.get(_CHOSEN)  # (the request's, not the app context's `g`)
    if chosen is None:
        account = current_user.language if getattr(current_user, "is_authenticated", False) else None
        chosen = request.environ[_CHOSEN] = i18n.choose(
            request.args.get("lang"), account, request.cookies.get(i18n.COOKIE), request.headers.get("Accept-Language")
        )
    return chosen


def page_format_locale() -> str | None:
    """How this page writes dates and numbers: None (the tracker's own English ways) for
    English, else the Babel locale of the page's language."""
    language = current_language()
    return None if language == i18n.DEFAULT else i18n.format_locale(language)


def alternates() -> list[tuple[str, str]]:
    """This page in each language, (code, address): the switcher's links and `hreflang`."""
    args = request.args.to_dict(flat=False)
    found = []
    for code in i18n.codes():
        query = urlencode({**args, "lang": code}, doseq=True)
        found.append((code, f"{request.path}?{query}"))
    return found


def _said(response):
    """Content-Language and Vary on every page; the cookie when the visitor picked one on a
    page (an API answer, a download or a feed asked for with `?lang=` is that answer's
    language alone: a program that keeps cookies must not get every later answer in it)."""
    language = current_language()
    response.content_language.add(language)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    picked = i18n.known(request.args.get("lang"))
    if picked and request.cookies.get(i18n.COOKIE) != picked and response.status_code < 400 and _is_page(response):
        response.set_cookie(i18n.COOKIE, picked, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure)
    return response


def _is_page(response) -> bool:
    return response.mimetype == "text/html"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", i18n.DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(i18n.TRANSLATIONS))
    Babel(app, locale_selector=current_language)
    i18n.set_translator(gettext, ngettext)
    i18n.set_reading_language(lambda: current_language() if has_request_context() else None)
    # Flask-Babel keeps the locale it found on `g`, which lives as long as the app context:
    # a worker sending many e-mails in one context, or a test's, would keep the first one.
    # Each request (and each e-mail's render, `tracker.notifications.delivery`) starts afresh.
    app.before_request(refresh)
    app.after_request(_said)
    app.jinja_env.globals.update(
        current_language=current_language,
        language_of=i18n.language,
        languages=i18n.languages,
        alternates=alternates,
    )
