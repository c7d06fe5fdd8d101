"""Text as the site writes and reads it: long texts in their format (plain text as written,
or safe Markdown), excerpts, numbers and money, web addresses and URL slugs.

A long text (a pledge's text, an action's details, a roundtable's summary) has a format:

- **plain** — text as written, the default, and what imports bring: line breaks are kept,
  lines that start with a hand-made bullet ("•", "-", "*", "–", "·", "▪", "◦") or an item
  number or letter ("1.", "2)", "a)", "(iv)") become lists — the numbers and letters as the
  source wrote them — and web addresses become links. Nothing else is interpreted: a line of
  dashes stays a line of dashes, an indented line stays a line, `*` and `#` stay themselves.
- **markdown** — CommonMark (with tables), what staff may choose in the editor.
"""

from __future__ import annotations

import functools
import html
import math
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

import nh3
from babel import numbers as babel_numbers
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from slugify import slugify as _slugify

from .i18n import _l
from .wording import Message

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

PLAIN, MARKDOWN = "plain", "markdown"
TEXT_FORMATS: dict[str, Message] = {PLAIN: _l("Plain text, as written"), MARKDOWN: "Markdown"}
_LINK_REL = "noopener noreferrer nofollow"


def render_text(text: str | None, text_format: str | None = PLAIN) -> Markup:
    """A long text as HTML, in its format (plain unless it says Markdown): rendered once per
    text and format in each process (`_kept_render`), not on every page that shows it."""
    text, text_format = text or "", MARKDOWN if text_format == MARKDOWN else PLAIN
    # (A text's HTML depends on the text and its format alone; kept ones stay small: ~25 MB in all.)
    return (_kept_render if len(text) <= 20_000 else _render)(text, text_format)


def _render(text: str, text_format: str) -> Markup:
    return render_markdown(text) if text_format == MARKDOWN else render_plain(text)


_kept_render = functools.lru_cache(maxsize=1024)(_render)


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML that cannot carry a script: raw HTML is not parsed, and the
    result is cleaned by nh3 (javascript: links and event attributes are removed)."""
    rendered = _markdown.render(text or "")
    return Markup(nh3.clean(rendered, link_rel=_LINK_REL))


# A hand-made list item: a bullet, or an item number or letter as sources write them.
_BULLET = re.compile(r"^[ \t]*(?P<marker>[•●▪◦·‣∙○■□➢►\-–—*])[ \t]+(?P<text>\S.*)$")
_NUMBERED = re.compile(
    r"^[ \t]*(?P<marker>(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]|\((?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})\))"
    r"[ \t]+(?P<text>\S.*)$"
)
# A web address in running text; the punctuation that ends a sentence is not part of it.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”‘’]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\"»)]}"
# What plain text's HTML may hold beyond the usual: its lists' markers as written.
_PLAIN_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "ol": {"class"}, "span": {"class"}}


def render_plain(text: str | None) -> Markup:
    """Plain text as written (see the module's docstring): paragraphs at blank lines, line
    breaks kept, hand-made lists as lists, web addresses as links; all else escaped."""
    blocks: list[str] = []
    for block in re.split(r"\n[ \t]*\n", (text or "").replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.rstrip() for line in block.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            blocks.append(_plain_block(lines))
    return Markup(nh3.clean("\n".join(blocks), attributes=_PLAIN_ATTRIBUTES, link_rel=_LINK_REL))


def _plain_block(lines: list[str]) -> str:
    """One block between blank lines: runs of list items as lists, other lines as a
    paragraph with its line breaks (a line that continues an item, indented, stays in it)."""
    parts: list[str] = []
    paragraph: list[str] = []
    items: list[tuple[str, list[str]]] = []  # (marker, lines); marker "" for a bullet
    kind = ""  # "ul" or "ol" while items are open

    def close_paragraph() -> None:
        if paragraph:
            parts.append("<p>" + "<br>\n".join(paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal kind
        if items:
            parts.append(_list_html(kind, items))
            items.clear()
        kind = ""

    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet or numbered:
            match = bullet or numbered
            assert match is not None
            line_kind = "ul" if bullet else "ol"
            close_paragraph()
            if kind and kind != line_kind:
                close_list()
            kind = line_kind
            items.append(("" if bullet else match["marker"], [_linked(match["text"])]))
        elif items and line[:1] in (" ", "\t"):
            items[-1][1].append(_linked(line.strip()))
        else:
            close_list()
            paragraph.append(_linked(line.strip()))
    close_paragraph()
    close_list()
    return "\n".join(parts)


def _list_html(kind: str, items: list[tuple[str, list[str]]]) -> str:
    """A hand-made list: bullets as a list's own; numbers and letters kept as written."""
    rows = []
    for marker, item_lines in items:
        shown = f'<span class="item-marker">{escape(marker)}</span> ' if marker else ""
        rows.append("<li>" + shown + "<br>\n".join(item_lines) + "</li>")
    if kind == "ol":
        return '<ol class="as-written">' + "".join(rows) + "</ol>"
    return "<ul>" + "".join(rows) + "</ul>"


def _linked(line: str) -> str:
    """A line escaped, with its web addresses as links."""
    out, start = [], 0
    for match in _URL.finditer(line):
        url = match.group(0)
        kept = url.rstrip(_URL_TRAILING)
        if url.endswith(")") and kept.count("(") > kept.count(")"):
            kept += ")"  # https://en.wikipedia.org/wiki/Bali_Process_(2002) keeps its ")"
        end = match.start() + len(kept)
        href = kept if "://" in kept else "https://" + kept
        out.append(str(escape(line[start : match.start()])))
        if is_web_url(href):
            out.append(f'<a href="{escape(href)}">{escape(kept)}</a>')
        else:
            out.append(str(escape(kept)))
        start = end
    out.append(str(escape(line[start:])))
    return "".join(out)


# A section label of a form the source was written in ("A) Objectives of the pledge:"): not
# what the text says, so not its first sentence.
_LABEL = re.compile(r"^\s*(?:[A-Za-z0-9]{1,3}[.)]\s*)?(?:\S+\s+){0,5}\S+:\s*$")


def first_sentence(text: str, length: int = 160) -> str:
    """What a text without a title says first: its first sentence (or line), without a list
    marker or a form's section label before it, cut at a word near `length` characters."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    while len(lines) > 1 and _LABEL.match(lines[0]) and _NUMBERED.match(lines[0]):
        lines.pop(0)
    if not lines:
        return ""
    line = lines[0]
    marker = _BULLET.match(line) or _NUMBERED.match(line)
    if marker:
        line = marker["text"]
    sentence = re.split(r"(?<=[.!?。])\s", line, maxsplit=1)[0]
    if len(sentence) <= length:
        return sentence
    return sentence[: length - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def plain_excerpt(text: str | None, length: int = 200, text_format: str | None = PLAIN) -> str:
    """The words of a text, without markup, cut at a word near `length` characters: a
    meta description, a feed summary, an e-mail's excerpt. Markdown is read as Markdown;
    plain text is taken as it is."""
    if text_format == MARKDOWN:
        text = html.unescape(nh3.clean(_markdown.render(text or ""), tags=set()))
    words = " ".join((text or "").split())
    if len(words) <= length:
        return words
    return words[:length].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def format_number(value: Decimal | float | int | None, locale: str | None = None) -> str:
    """2,037 rather than 2037.00; in `locale`'s way when given ("2 037", "2.037")."""
    if value is None:
        return ""
    if not math.isfinite(value):  # an out-of-range value stored before the forms refused it
        return str(value)
    if locale is not None:
        return babel_numbers.format_decimal(value, format="#,##0.##", locale=locale)
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,}"


# Digits people may type in other scripts (Arabic-Indic, Eastern Arabic-Indic) and their
# decimal and thousands signs, as Western digits and signs.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_THOUSANDS = {",": re.compile(r"[+-]?\d{1,3}(,\d{3})+"), ".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+")}


def parse_number(text: str, locale: str | None = None) -> Decimal:
    """A number as a person types it, in `locale`'s way or another's: "2,037", "2 037",
    "2.037,5", "12,5", "١٢٫٥". With both signs, the last is the decimal one; a sign that
    recurs, or stands before exactly three digits, groups thousands — unless it is the
    locale's own decimal sign ("2,037" is 2037 in English, 2.037 in French); any other single
    sign is the decimal one ("12,5" is 12.5 everywhere). `InvalidOperation` when it is no number."""
    typed = _SPACES.sub("", text.translate(_DIGITS))
    decimal_sign = babel_numbers.get_decimal_symbol(locale or "en_GB")
    signs = [sign for sign in (",", ".") if sign in typed]
    if len(signs) == 2:
        decimal = max(signs, key=typed.rindex)
        grouping = "," if decimal == "." else "."
        whole, _, fraction = typed.rpartition(decimal)
        if not _THOUSANDS[grouping].fullmatch(whole) and grouping in whole:
            raise InvalidOperation(text)
        typed = whole.replace(grouping, "") + "." + fraction
    elif signs:
        sign = signs[0]
        whole, _, fraction = typed.rpartition(sign)
        groups = typed.count(sign) > 1 or (len(fraction) == 3 and sign != decimal_sign)
        if groups:
            if not _THOUSANDS[sign].fullmatch(typed):
                raise InvalidOperation(text)
            typed = typed.replace(sign, "")
        else:
            typed = whole + "." + fraction
    return Decimal(typed)


def format_money(amount: Decimal | None, currency: str | None, locale: str | None = None) -> str:
    """AUD 80,000,000: the ISO code says which dollar, whatever the currency."""
    if amount is None:
        return ""
    number = format_number(amount, locale)
    return f"{currency} {number}" if currency else number


def is_web_url(url: str | None) -> bool:
    """Only http(s) addresses with a host are evidence: a `javascript:` URL never becomes a link."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(ch.isspace() for ch in url.strip())


def slugify(text: str, max_length: int = 80, fallback: str = "pledge") -> str:
    """A readable URL slug in ASCII, transliterated from any script by python-slugify
    ("تعهد" → "t-hd", "Cam kết" → "cam-ket", "承诺" → "cheng-nuo"), cut at a word; `fallback`
    only when nothing of the text can be written in ASCII (emoji, say)."""
    return _slugify(text, max_length=max_length, word_boundary=True, save_order=True) or fallback
