"""The public register's full-text search: each pledge's search document — its own search
words and those of its current (not withdrawn) actions, `Pledge.search_document`, kept by
`activity` in the transaction that changes them — indexed by the database's full-text engine.

- PostgreSQL: `pledges.search_vector`, a stored generated column, `to_tsvector('simple',
  search_document)`, with a GIN index, searched with `to_tsquery('simple', …)`. Stored, not an
  index on the expression: when a word is in most pledges the planner rightly reads the whole
  table, and it must then not compute every pledge's words again (7 s at 10,000 pledges).
  Neither the column nor the index is in the models (the ORM never reads the column).
- SQLite: an FTS5 table over the same column (external content), kept by triggers.

Both read words the app has already cut (`core.search.words`: folded, split at whatever is
not a letter or digit, the Arabic article taken off), so they index the same words and a
search finds the same pledges on both. A search word matches the words it begins
("autor" finds "autorités", never "autoritarian" for "autorites"); a term of several words
("croix-rouge", "a_b", a "quoted phrase") matches them side by side, its last word begun.

`simple`, not a per-language configuration: records mix languages (a French pledge with
English reports, translations beside the original), a stemmer would make the two engines
disagree, and folding already does what `unaccent` would.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..core.extensions import db
from ..core.search import words
from .models import Pledge

FTS_TABLE = "pledges_search"  # SQLite
FTS_INDEX = "ix_pledges_search_vector_fts"  # PostgreSQL
_VECTOR: sa.ColumnClause[Any] = sa.literal_column("pledges.search_vector")
_SIMPLE = sa.literal_column("'simple'", postgresql.REGCONFIG)

# SQLite: the FTS5 table reads its words from pledges.search_document; triggers keep it in
# step with every insert, change and delete of a pledge's row, whoever writes it.
_DELETE_OLD = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document) VALUES ('delete', old.id, old.search_document);"
)
_INSERT_NEW = f"INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document);"
SQLITE_DDL = (
    (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_document, content='pledges',"
        " content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
    ),
    f"CREATE TRIGGER IF NOT EXISTS pledges_search_insert AFTER INSERT ON pledges BEGIN {_INSERT_NEW} END",
    f"CREATE TRIGGER IF NOT EXISTS pledges_search_delete AFTER DELETE ON pledges BEGIN {_DELETE_OLD} END",
    (
        "CREATE TRIGGER IF NOT EXISTS pledges_search_update AFTER UPDATE OF search_document ON pledges"
        f" BEGIN {_DELETE_OLD} {_INSERT_NEW} END"
    ),
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
POSTGRESQL_DDL = (
    (
        "ALTER TABLE pledges ADD COLUMN IF NOT EXISTS search_vector tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_document, ''))) STORED"
    ),
    f"CREATE INDEX IF NOT EXISTS {FTS_INDEX} ON pledges USING gin (search_vector)",
)
SQLITE_TRIGGERS = ("pledges_search_insert", "pledges_search_delete", "pledges_search_update")


def create_full_text_index(connection: sa.Connection) -> None:
    """The full-text index of the pledges' search documents, as the database makes it."""
    ddl = {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}.get(connection.dialect.name, ())
    for statement in ddl:
        connection.execute(sa.text(statement))


def drop_full_text_index(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text(f"DROP INDEX IF EXISTS {FTS_INDEX}"))
        connection.execute(sa.text("ALTER TABLE pledges DROP COLUMN IF EXISTS search_vector"))


sa.event.listen(Pledge.__table__, "after_create", lambda target, connection, **kw: create_full_text_index(connection))
sa.event.listen(Pledge.__table__, "before_drop", lambda target, connection, **kw: drop_full_text_index(connection))


def _sqlite_query(found: list[str]) -> str:
    """FTS5: the words as a phrase, the last one begun ("croix rouge"*)."""
    return '"' + " ".join(found) + '"*'


def _postgresql_query(found: list[str]) -> str:
    """tsquery: the words side by side, the last one begun ('croix' <-> 'rouge':*)."""
    return " <-> ".join(f"'{word}'" for word in found) + ":*"


def document_matches(term: str) -> Any:
    """A pledge's search document holds the search term's words (a term without a letter
    or digit, "%" or "—", finds nothing). The words hold letters and digits only: nothing in
    them can be read as either engine's query syntax."""
    found = words(term)
    if not found:
        return sa.false()
    if db.session.get_bind().dialect.name == "postgresql":
        return _VECTOR.bool_op("@@")(sa.func.to_tsquery(_SIMPLE, _postgresql_query(found)))
    in_index: sa.Select[Any] = (
        sa.select(sa.literal_column("rowid"))
        .select_from(sa.table(FTS_TABLE))
        .where(sa.literal_column(FTS_TABLE).bool_op("MATCH")(_sqlite_query(found)))
    )
    return Pledge.id.in_(in_index)
