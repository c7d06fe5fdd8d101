"""What templates may call: date formats, safe Markdown, and the permission check."""
import datetime as dt

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import permissions
from .models import DatePrecision

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that cannot carry a script: raw HTML is not parsed, and the
    result is cleaned by nh3 (javascript: links and event attributes are removed)."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def format_date(value: dt.date | dt.datetime | None, precision: DatePrecision | None = None) -> str:
    """Unambiguous dates: 14 May 2018, May 2018 or 2018 when only that much is known."""
    if value is None:
        return ""
    if precision is DatePrecision.YEAR:
        return str(value.year)
    if precision is DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def format_date_range(start: dt.date, end: dt.date | None) -> str:
    """14–15 May 2018; 30 May – 2 June 2018; 30 December 2018 – 2 January 2019."""
    if end is None or end == start:
        return format_date(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {format_date(end)}"
    return f"{format_date(start)} – {format_date(end)}"


def format_number(value) -> str:
    """2,037 rather than 2037.00."""
    if value is None:
        return ""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def init_app(app):
    app.jinja_env.filters.update(
        markdown=render_markdown, date=format_date, date_range=format_date_range, number=format_number
    )
    app.jinja_env.globals.update(can=permissions.can)
