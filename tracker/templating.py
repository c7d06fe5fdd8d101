"""What templates may call: date formats, safe Markdown, and the permission check."""
import datetime as dt
import html
import math
from decimal import Decimal

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import follow_through, permissions
from .models import DatePrecision, is_web_url

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that cannot carry a script: raw HTML is not parsed, and the
    result is cleaned by nh3 (javascript: links and event attributes are removed)."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def plain_excerpt(text: str | None, length: int = 200) -> str:
    """The words of a Markdown text, without markup, cut at a word near `length`
    characters: a meta description, a feed summary."""
    words = " ".join(html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).split())
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def format_date(value: dt.date | dt.datetime | None, precision: DatePrecision | None = None) -> str:
    """Unambiguous dates: 14 May 2018, May 2018 or 2018 when only that much is known."""
    if value is None:
        return ""
    if precision is DatePrecision.YEAR:
        return str(value.year)
    if precision is DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def machine_date(value: dt.date | dt.datetime, precision: DatePrecision | None = None) -> str:
    """The `datetime` attribute of a <time>: only as precise as what is known
    ("2019", "2019-06", "2019-06-01")."""
    if precision is DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


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
    if not math.isfinite(value):  # an out-of-range value stored before the forms refused it
        return str(value)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """AUD 80,000,000: the ISO code says which dollar, whatever the currency."""
    if amount is None:
        return ""
    return f"{currency} {format_number(amount)}" if currency else format_number(amount)


def init_app(app):
    app.jinja_env.filters.update(
        markdown=render_markdown,
        excerpt=plain_excerpt,
        date=format_date,
        machine_date=machine_date,
        date_range=format_date_range,
        number=format_number,
        money=format_money,
    )
    app.jinja_env.tests.update(web_url=is_web_url)
    app.jinja_env.globals.update(can=permissions.can, follow_through=follow_through)
