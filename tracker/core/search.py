"""Search that forgives accents and case, in every script, the same on SQLite and PostgreSQL.

Each searchable record keeps a `search_text`: its searchable texts as search words — folded
(decomposed, Unicode NFKD, without combining marks: accents, Arabic harakat, Vietnamese tones;
case-folded), cut into words at anything that is not a letter or a digit, an Arabic word
without its article (`words`) — one line per text, kept up to date whenever it is written
through the ORM (`keep_search_text`). A search is cut into words the same way, so "autorites"
finds "autorités", "CROIX" finds "Croix", "croix-rouge" finds "Croix‑Rouge", and "مدينة" finds
"المَدِينَة" — by Python, the same on both databases. The words are cut here, never by a
database's own parser (PostgreSQL's reads "redcross.fr" as one host name, SQLite's unicode61
keeps "€" in a word): the two would disagree.

Lists whose records are few (roundtables, recommendations) look for the words in `search_text`
as they stand (`matches`); the public register looks for them in each pledge's full-text
index (`tracker.pledges.search`).

A model is searchable when it names its texts: `searchable = ("title", "text")`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import sqlalchemy as sa

from .extensions import Base

# Letters whose mark is not a combining one (a stroke, a ligature): written as readers type
# them without it ("Hội Chữ thập đỏ" is found by "do", "Łódź" by "lodz").
_BARE_LETTERS = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ħ": "h",
        "ı": "i",
        "\u0640": "",
    }
)  # fmt: skip  (the Arabic tatweel only stretches a word)

# A word: letters and digits of any script (not "_", which `\w` would take).
_WORD = re.compile(r"[^\W_]+")
# The Arabic article and the particles written onto it ("the city", "and the city", "with
# the city", "for the city": المدينة، والمدينة، بالمدينة، للمدينة), taken off as Arabic light
# stemmers do (Larkey et al., light10), so that a word is found with or without them; longest
# first, and never leaving fewer than two letters.
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "ال", "لل")


def fold(text: str | None) -> str:
    """Text as search compares it: without accents or case, its spaces single."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_BARE_LETTERS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _bare_word(word: str) -> str:
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def words(text: str | None) -> list[str]:
    """The search words of `text`, in order: "L’Autorité (Croix-Rouge)" → l, autorite, croix, rouge."""
    return [_bare_word(word) for word in _WORD.findall(fold(text))]


def search_text_of(record: Any) -> str:
    """A record's searchable texts as search words, one text per line: its own, then its
    translations' (`core.translations`), so that a search in any of them finds it."""
    texts = [getattr(record, name) for name in type(record).searchable]
    for translation in (getattr(record, "translations", None) or {}).values():
        texts += [translation.get(name) for name in type(record).searchable]
    lines = (" ".join(words(text)) for text in texts if text)
    return "\n".join(line for line in lines if line)


def matches(column: Any, term: str) -> sa.ColumnElement[bool]:
    """A `search_text` column holds the search term's words, one after the other (a term
    without a letter or digit, "%" or "—", finds nothing)."""
    found = " ".join(words(term))
    return column.contains(found, autoescape=True) if found else sa.false()


def holds(search_text: str | None, term: str) -> bool:
    """`matches`, in Python: the record's `search_text` holds the term's words."""
    found = " ".join(words(term))
    return bool(found) and found in (search_text or "")


def first_line(column: Any, dialect: str) -> Any:
    """The first line of a `search_text` column: the words of a record's first searched text."""
    if dialect == "postgresql":
        return sa.func.split_part(column, "\n", 1)
    return sa.func.substr(column, 1, sa.func.instr(column + "\n", "\n") - 1)


@sa.event.listens_for(Base, "before_insert", propagate=True)
@sa.event.listens_for(Base, "before_update", propagate=True)
def keep_search_text(_mapper: Any, _connection: Any, record: Any) -> None:
    if hasattr(type(record), "searchable"):
        record.search_text = search_text_of(record)
