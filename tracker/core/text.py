"""Text as the site writes and reads it: safe Markdown, excerpts, numbers and money,
web addresses and URL slugs."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from decimal import Decimal
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that cannot carry a script: raw HTML is not parsed, and the
    result is cleaned by nh3 (javascript: links and event attributes are removed)."""
    rendered = _markdown.render(text or "")
    return Markup(nh3.clean(rendered, link_rel="noopener noreferrer nofollow"))


def plain_excerpt(text: str | None, length: int = 200) -> str:
    """The words of a Markdown text, without markup, cut at a word near `length`
    characters: a meta description, a feed summary."""
    words = " ".join(html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).split())
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def format_number(value: Decimal | float | int | None) -> str:
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


def is_web_url(url: str | None) -> bool:
    """Only http(s) addresses with a host are evidence: a `javascript:` URL never becomes a link."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(ch.isspace() for ch in url.strip())


def slugify(text: str, max_length: int = 80) -> str:
    """A readable URL slug in ASCII; text in other scripts falls back to "pledge"."""
    spaced = re.sub(r"[^\w]+", " ", text)  # dashes and punctuation separate words: 2019–2023
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "pledge"
