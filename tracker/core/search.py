"""Search that forgives accents and case, in every script, the same on SQLite and PostgreSQL.

Each searchable record keeps a `search_text`: its searchable texts folded — decomposed
(Unicode NFKD), without combining marks (accents, Arabic harakat, Vietnamese tones), case-
folded — kept up to date whenever it is written through the ORM (`keep_search_text`). A search
word is folded the same way and looked for in it, so "autorites" finds "autorités", "CROIX"
finds "Croix", and "مدينة" finds "مَدِينَة" — by Python, the same on both databases (PostgreSQL
indexes the column with pg_trgm, migration 0014).

A model is searchable when it names its texts: `searchable = ("title", "text")`.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa

from .extensions import Base

# Letters whose mark is not a combining one (a stroke, a ligature): written as readers type
# them without it ("Hội Chữ thập đỏ" is found by "do", "Łódź" by "lodz").
_BARE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae",
                               "œ": "oe", "Œ": "oe", "ħ": "h", "ı": "i"})  # fmt: skip


def fold(text: str | None) -> str:
    """Text as search compares it: without accents or case, its spaces single."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_BARE_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def search_text_of(record: Any) -> str:
    """A record's searchable texts, folded, one per line: its own, then its translations'
    (`core.translations`), so that a search in any of them finds it."""
    texts = [getattr(record, name) for name in type(record).searchable]
    for translation in (getattr(record, "translations", None) or {}).values():
        texts += [translation.get(name) for name in type(record).searchable]
    return "\n".join(fold(text) for text in texts if text)


def matches(column: Any, term: str) -> sa.ColumnElement[bool]:
    """A `search_text` column holds the search word `term` (folded); % and _ are characters."""
    return column.contains(fold(term), autoescape=True)


@sa.event.listens_for(Base, "before_insert", propagate=True)
@sa.event.listens_for(Base, "before_update", propagate=True)
def keep_search_text(_mapper: Any, _connection: Any, record: Any) -> None:
    if hasattr(type(record), "searchable"):
        record.search_text = search_text_of(record)
