"""What templates may call: date and number formats, safe Markdown, web addresses, text a
person typed isolated from the page around it (`bdi`), and the permission check (`can`, to
decide which buttons to show). Areas add their own globals on their blueprints (the
roundtables' `follow_through`)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from markupsafe import Markup, escape

from .. import access, files
from ..dates import format_date, format_date_range, machine_date
from ..sources import language_name
from ..text import MARKDOWN, format_money, format_number, is_web_url, plain_excerpt, render_text
from .i18n import current_language, page_format_locale
from .icons import icon
from .translations import shown_on_page


def isolated(value: Any) -> Markup:
    """Text a person typed, shown inline: in a `<bdi>`, so that its own direction (an Arabic
    name, a stray right-to-left mark) never reorders the page's words and numbers around it."""
    return Markup("<bdi>") + escape("" if value is None else value) + Markup("</bdi>")


def _day(value: Any) -> Any:
    """A date, also as an e-mail's context keeps one ("2030-03-01")."""
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else value


def url_host(url: str | None) -> str:
    """ "rcrcconference.org": where a link goes, in a word."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        bdi=isolated,
        markdown=lambda text: render_text(text, MARKDOWN),
        text=render_text,
        language_name=lambda tag: language_name(tag, current_language()),
        url_host=url_host,
        excerpt=plain_excerpt,
        date=lambda value, precision=None: format_date(_day(value), precision, page_format_locale()),
        machine_date=machine_date,
        date_range=lambda start, end: format_date_range(start, end, page_format_locale()),
        number=lambda value: format_number(value, page_format_locale()),
        money=lambda amount, currency: format_money(amount, currency, page_format_locale()),
    )
    app.jinja_env.tests.update(web_url=is_web_url)
    app.jinja_env.globals.update(
        icon=icon,
        can=access.can,
        accept_files=files.ACCEPT_ATTRIBUTE,
        max_file_size=_max_file_size,
        shown=shown_on_page,
    )


def _max_file_size() -> str:
    """How large an evidence file may be, in words ("10 MB")."""
    return files.size_in_words(current_app.config.get("EVIDENCE_MAX_BYTES", files.DEFAULT_MAX_BYTES))
