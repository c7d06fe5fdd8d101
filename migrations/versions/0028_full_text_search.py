"""Full-text search for the public register: search words, each pledge's search document, its index

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06

A search of the register looked for each word inside every pledge's text and every action's
(a LIKE, an EXISTS over the actions: 6 s at 10,000 pledges). Now:

- `search_text` holds search words (tracker/core/search.py `words`: folded, cut at whatever is
  not a letter or digit, the Arabic article taken off), one text per line; rewritten here for
  every searchable table, with the words as they are cut today (copied, so that this revision
  never changes);
- `pledges.search_document`: a pledge's search words and its current actions', which
  tracker/pledges/activity.py keeps from now on;
- the index of the register's default order (latest action first, as the expression it sorts
  by), so that its first page is read from the index, not sorted;
- its full-text index (tracker/pledges/search.py): on PostgreSQL a stored generated column,
  `search_vector = to_tsvector('simple', search_document)`, with a GIN index; on SQLite an
  FTS5 table over the column, kept by triggers. Neither is described by the models
  (tracker/core/extensions.py).
"""

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

SEARCHABLE = {
    "pledges": ("title", "text"),
    "actions": ("summary", "details", "heading"),
    "roundtables": ("title", "summary", "place", "participants_note"),
    "recommendations": ("text", "reference", "addressee_note"),
}
TRANSLATED = ("pledges", "actions", "recommendations")  # those with a `translations` column (0025)

_BARE_LETTERS = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae", "Æ": "ae",
                               "œ": "oe", "Œ": "oe", "ħ": "h", "ı": "i", "\u0640": ""})  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "ال", "لل")


def _fold(text, bare=_BARE_LETTERS):
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(bare))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.casefold().split())


def _bare_word(word):
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


def _words_line(text):
    return " ".join(_bare_word(word) for word in _WORD.findall(_fold(text)))


_BARE_LETTERS_OLD = str.maketrans({"đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "æ": "ae",
                                   "Æ": "ae", "œ": "oe", "Œ": "oe", "ħ": "h", "ı": "i"})  # fmt: skip


def _old_line(text):  # folded, as before this revision
    return _fold(text, _BARE_LETTERS_OLD)


def _rewrite_search_text(line):
    """Every searchable row's search_text again, each text made a line by `line`."""
    connection = op.get_bind()
    for table, columns in SEARCHABLE.items():
        translated = table in TRANSLATED
        selected = ", ".join(("id", *columns, *(["translations"] if translated else [])))
        rows = connection.execute(sa.text(f"SELECT {selected} FROM {table}")).all()
        updates = []
        for row in rows:
            texts = list(row[1 : 1 + len(columns)])
            translations = row[-1] if translated else None
            if isinstance(translations, str):
                translations = json.loads(translations)
            for translation in (translations or {}).values():
                texts += [translation.get(name) for name in columns]
            lines = (line(text) for text in texts if text)
            updates.append({"id": row[0], "search_text": "\n".join(part for part in lines if part)})
        if updates:
            connection.execute(sa.text(f"UPDATE {table} SET search_text = :search_text WHERE id = :id"), updates)


_DELETE_OLD = (
    "INSERT INTO pledges_search(pledges_search, rowid, search_document) VALUES ('delete', old.id, old.search_document);"
)
_INSERT_NEW = "INSERT INTO pledges_search(rowid, search_document) VALUES (new.id, new.search_document);"
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE pledges_search USING fts5(search_document, content='pledges', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER pledges_search_insert AFTER INSERT ON pledges BEGIN {_INSERT_NEW} END",
    f"CREATE TRIGGER pledges_search_delete AFTER DELETE ON pledges BEGIN {_DELETE_OLD} END",
    f"CREATE TRIGGER pledges_search_update AFTER UPDATE OF search_document ON pledges BEGIN {_DELETE_OLD} {_INSERT_NEW} END",
    "INSERT INTO pledges_search(pledges_search) VALUES ('rebuild')",
)


def upgrade():
    connection = op.get_bind()
    postgres = connection.dialect.name == "postgresql"
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_document", sa.Text(), nullable=True))
    _rewrite_search_text(_words_line)
    joined = "string_agg(search_text, chr(10))" if postgres else "group_concat(search_text, char(10))"
    newline = "chr(10)" if postgres else "char(10)"
    op.execute(
        f"UPDATE pledges SET search_document = coalesce(search_text, '') || {newline} || coalesce((SELECT {joined}"
        " FROM actions WHERE actions.pledge_id = pledges.id AND actions.withdrawn_at IS NULL), '')"
    )
    # The register's default order, latest action first, as the expression it sorts by
    # (tracker/pledges/catalogue.py): its first page is read from the index, not sorted.
    no_action_yet = "'0001-01-01'::date" if postgres else "'0001-01-01'"
    op.execute(
        f"CREATE INDEX ix_pledges_last_action_order ON pledges ((coalesce(last_action_on, {no_action_yet})) DESC, id DESC)"
    )
    if postgres:
        op.execute(
            "ALTER TABLE pledges ADD COLUMN search_vector tsvector"
            " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_document, ''))) STORED"
        )
        op.execute("CREATE INDEX ix_pledges_search_vector_fts ON pledges USING gin (search_vector)")
    else:
        for statement in SQLITE_DDL:
            op.execute(statement)


def downgrade():
    op.execute("DROP INDEX ix_pledges_last_action_order")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_pledges_search_vector_fts")
        op.execute("ALTER TABLE pledges DROP COLUMN search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER pledges_search_{trigger}")
        op.execute("DROP TABLE pledges_search")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_column("search_document")
    _rewrite_search_text(_old_line)
