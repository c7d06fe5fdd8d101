"""Backup and restore, HTTP-free: every record of every table, written to one JSON file
(`flask --app wsgi data backup FILE`) and loaded back into an empty database
(`flask --app wsgi data restore FILE`).

Unlike the open data, a backup holds everything: drafts, contacts, withdrawn actions, the
whole history, the accounts (their password hashes — the tracker never has a password
itself) and the data version. The tables are those of `db.metadata`, so a table added to
the models is backed up without anyone remembering to add it here.

The file is the same bytes for the same data, whichever engine holds it, so that backup →
restore → backup is byte-identical, on SQLite, on PostgreSQL and from one to the other:

- UTF-8 JSON, keys sorted, indented by one space, ending with a newline. Nothing in it is
  made up at write time (no "written at"): everything comes from the data.
- A header: the format's name and version, and the Alembic revision of the database, which
  says exactly which schema the rows fit.
- `tables`: for each table, its rows in primary-key order, each row an object of column
  name → value. Values are written by their column's type (`_CODECS`), never by what a
  driver happens to return: times as naive UTC ISO 8601 with microseconds, dates as ISO
  8601, enums by the value stored in the database, exact decimals as strings with their
  column's scale, booleans as true/false, JSON columns as JSON, bytes (evidence files) as
  base64. A column of a type not
  listed there stops the backup rather than writing something engine-dependent.

A restore is all or nothing. It refuses (`RestoreRefused`, nothing written) a file that is
not a backup of this format, that names a table or a column the models do not have, or
that holds a value its column cannot take; and a database that is not migrated to the
backup's revision or that holds any record (but the data version's row, which the
migration writes and the restore replaces). The rows are inserted with SQLAlchemy Core, in
batches, parents before children, in one transaction. Core, not the ORM: the session hooks
that move the data version (`data_version`) and guard the history (`history`) are not
involved, so the data version and the history come back exactly as they were backed up.
On PostgreSQL each id sequence is then moved past the largest id restored, so the next
record created gets a fresh id.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import reprlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from alembic.migration import MigrationContext

from ..core import data_version
from ..core.columns import table_of
from ..core.data_version import DataVersion
from ..core.extensions import db

FORMAT = "pledge-tracker-backup"
FORMAT_VERSION = 1
# Rows per INSERT … executemany: large tables go in few round trips, in bounded memory.
BATCH_SIZE = 1000


class BackupError(Exception):
    """The database cannot be backed up (said in words for the command line)."""


class RestoreRefused(Exception):
    """The backup was not restored, and nothing was written (said in words for the command line)."""


@dataclass(frozen=True)
class Tally:
    records: int
    tables: int


# --- values, by column type --------------------------------------------------------------


@dataclass(frozen=True)
class _Codec:
    """How a column's values are written to the file and read back for an INSERT."""

    in_file: type | None  # the JSON type the file holds (None: any JSON value)
    write: Callable
    read: Callable

    def load(self, value):
        """The file's `value` as the column takes it (TypeError or ValueError if it cannot)."""
        if value is None:
            return None
        if self.in_file is not None and type(value) is not self.in_file:  # `type`: true is no number
            raise TypeError(f"expected {_JSON_NAMES[self.in_file]}")
        return self.read(value)


_JSON_NAMES = {str: "a JSON string", int: "a whole number", bool: "true or false"}


def _same(value):
    return value


def _naive_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:
        raise ValueError("times are naive UTC, without an offset")
    return value


def _finite_decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError("not a finite number")
    return value


_TEXT = _Codec(str, _same, _same)


def _base64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# Checked in order, so a subclass comes before its base (Enum is a String, BigInteger an Integer).
_CODECS: list[tuple[type[sa.types.TypeEngine], _Codec]] = [
    # Read as the string stored in the database (see `_selected`), which an INSERT takes back.
    (sa.Enum, _TEXT),
    (sa.DateTime, _Codec(str, lambda value: value.isoformat(timespec="microseconds"), _naive_utc)),
    (sa.Date, _Codec(str, dt.date.isoformat, dt.date.fromisoformat)),
    (sa.Boolean, _Codec(bool, _same, _same)),
    (sa.Integer, _Codec(int, _same, _same)),
    (sa.String, _TEXT),
    (sa.JSON, _Codec(None, _same, _same)),
    # Evidence files' bytes, as base64 text (RFC 4648, with padding).
    (sa.LargeBinary, _Codec(str, lambda value: base64.b64encode(bytes(value)).decode("ascii"), _base64)),
]


def _decimal_codec(column: sa.Column) -> _Codec:
    """Exact decimals as strings, always with the column's scale: SQLite and PostgreSQL then
    write "80000000.00" alike, however each stores the number."""
    scale = getattr(column.type, "scale", None)
    exponent = Decimal(1).scaleb(-scale) if scale is not None else None

    def write(value: Decimal) -> str:
        return format(value.quantize(exponent) if exponent is not None else value, "f")

    return _Codec(str, write, _finite_decimal)


def _codec(column: sa.Column) -> _Codec:
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        return _decimal_codec(column)
    for column_type, codec in _CODECS:
        if isinstance(column.type, column_type):
            return codec
    raise BackupError(
        f"The backup does not know how to write {column.table.name}.{column.name} ({column.type!r}) "
        "the same way on every database: add its type to tracker/backup.py."
    )


def _selected(column: sa.Column):
    """An enum column is read as the string the database stores, not as the Python enum the
    model makes of it: that string is what the file holds."""
    if isinstance(column.type, sa.Enum):
        return sa.type_coerce(column, sa.String()).label(column.name)
    return column


# --- backup ------------------------------------------------------------------------------


@contextlib.contextmanager
def _snapshot():
    """A connection that sees the whole database as of one instant, however long the backup
    takes and whatever is written meanwhile: no history entry without its record."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif connection.dialect.name == "sqlite":
            # Python's sqlite3 starts no transaction for reads; without one, each SELECT
            # would see the database as it is at that moment.
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()  # read only: nothing to keep


def _revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _rows(connection, table: sa.Table) -> list[dict]:
    codecs = {column.name: _codec(column) for column in table.columns}
    rows = connection.execute(sa.select(*map(_selected, table.columns))).mappings().all()
    # Ordered here rather than by ORDER BY: Python compares text keys by code point, where
    # the two engines' collations would disagree.
    key_columns = [column.name for column in table.primary_key.columns]
    rows = sorted(rows, key=lambda row: tuple(row[name] for name in key_columns))
    return [{name: None if value is None else codecs[name].write(value) for name, value in row.items()} for row in rows]


def dump() -> dict:
    """The whole database as a backup document (plain JSON values)."""
    with _snapshot() as connection:
        revision = _revision(connection)
        if revision is None:
            raise BackupError(
                "This database has no Alembic revision, so a restore could not tell which schema its "
                "records fit: migrate it with `flask --app wsgi db upgrade`."
            )
        tables = {table.name: _rows(connection, table) for table in db.metadata.sorted_tables}
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "alembic_revision": revision, "tables": tables}


def serialise(document: dict) -> bytes:
    """The file's bytes: the same document always gives the same bytes."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False)
    return (text + "\n").encode("utf-8")


def tally(document: dict) -> Tally:
    tables = document["tables"]
    return Tally(records=sum(map(len, tables.values())), tables=len(tables))


def write_backup(file) -> Tally:
    """Back the database up to `file` (opened for writing bytes). Everything is read before
    the first byte is written."""
    document = dump()
    file.write(serialise(document))
    return tally(document)


# --- restore -----------------------------------------------------------------------------


def _document(data: bytes | str) -> dict:
    """The backup in `data`, checked to be one of this format."""
    try:
        document = json.loads(data)
    except ValueError as error:  # not JSON, or not UTF-8
        raise RestoreRefused(f"This is not a backup: it is not UTF-8 JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RestoreRefused(f'This is not a Pledge Tracker backup: it has no "format": "{FORMAT}".')
    if document.get("format_version") != FORMAT_VERSION:
        raise RestoreRefused(
            f"This backup is in version {document.get('format_version')!r} of the format; "
            f"this tracker reads version {FORMAT_VERSION}."
        )
    expected = {"format", "format_version", "alembic_revision", "tables"}
    if set(document) != expected:
        raise RestoreRefused(f"This backup's header should hold exactly {', '.join(sorted(expected))}.")
    if not isinstance(document["alembic_revision"], str):
        raise RestoreRefused("This backup does not say which Alembic revision its records fit.")
    tables = document["tables"]
    if not isinstance(tables, dict) or not all(isinstance(rows, list) for rows in tables.values()):
        raise RestoreRefused('This backup\'s "tables" should map each table name to a list of rows.')
    unknown = sorted(set(tables) - set(db.metadata.tables))
    missing = sorted(set(db.metadata.tables) - set(tables))
    if unknown:
        raise RestoreRefused(f"This backup names tables this tracker does not have: {', '.join(unknown)}.")
    if missing:
        raise RestoreRefused(f"This backup lacks tables this tracker has: {', '.join(missing)}.")
    return document


def _insertable(table: sa.Table, rows: list) -> list[dict]:
    """The table's rows from the file as values for an INSERT, every one checked."""
    codecs = {column.name: _codec(column) for column in table.columns}
    converted = []
    for number, row in enumerate(rows, start=1):
        where = f"{table.name}, record {number}"
        if not isinstance(row, dict):
            raise RestoreRefused(f"{where}: a record should be an object of column name → value.")
        if unknown := sorted(set(row) - set(codecs)):
            raise RestoreRefused(f"{where}: columns this tracker does not have: {', '.join(unknown)}.")
        if missing := sorted(set(codecs) - set(row)):
            raise RestoreRefused(f"{where}: missing columns: {', '.join(missing)}.")
        values = {}
        for name, value in row.items():
            try:
                if value is None and not table.columns[name].nullable:
                    raise ValueError("this column is never empty")
                values[name] = codecs[name].load(value)
            except (TypeError, ValueError, ArithmeticError) as error:  # ArithmeticError: Decimal's
                raise RestoreRefused(
                    f"{where}, column {name}: {reprlib.repr(value)} cannot be restored ({error})."
                ) from None
        converted.append(values)
    return converted


# The one row a migrated database starts with (the migration writes it): bookkeeping, not a
# record. A restore replaces it with the backup's, and does not count it as making the
# database "not empty".
_REPLACED = table_of(DataVersion)


def _check_target(connection, revision: str) -> None:
    """Refuse a database that is not migrated to the backup's revision, or is not empty."""
    current = _revision(connection)
    if current is None:
        raise RestoreRefused(
            f"This database is not migrated: run `flask --app wsgi db upgrade {revision}` first "
            f"(the backup's records fit revision {revision})."
        )
    if current != revision:
        raise RestoreRefused(
            f"This database is at revision {current}, the backup at {revision}: restore into a new database "
            f"migrated with `flask --app wsgi db upgrade {revision}` (then upgrade it further if needed)."
        )
    holding = [
        table.name
        for table in db.metadata.sorted_tables
        if table is not _REPLACED and connection.scalar(sa.select(sa.exists().select_from(table)))
    ]
    if holding:
        raise RestoreRefused(
            f"This database is not empty ({', '.join(sorted(holding))} hold records): restore only into a new, "
            "migrated database."
        )


def _restart_sequences(connection) -> None:
    """Rows inserted with their ids leave PostgreSQL's id sequences where they were: move
    each past the largest id restored, so the next record created gets a fresh one."""
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(sa.select(sa.func.pg_get_serial_sequence(table.name, column.name)))
            if sequence is None:
                continue
            largest = connection.scalar(sa.select(sa.func.max(column)))
            # setval(…, 1, false): the next id is 1, for a table that stays empty.
            connection.scalar(sa.select(sa.func.setval(sequence, largest or 1, largest is not None)))


def restore(data: bytes | str) -> Tally:
    """Load the backup in `data` into this (empty, migrated) database: everything, or, with
    `RestoreRefused` raised, nothing."""
    document = _document(data)
    rows = {table.name: _insertable(table, document["tables"][table.name]) for table in db.metadata.sorted_tables}
    with db.engine.begin() as connection:
        _check_target(connection, document["alembic_revision"])
        connection.execute(_REPLACED.delete())
        for table in db.metadata.sorted_tables:  # parents before children
            table_rows = rows[table.name]
            for start in range(0, len(table_rows), BATCH_SIZE):
                try:
                    connection.execute(table.insert(), table_rows[start : start + BATCH_SIZE])
                except sa.exc.StatementError as error:  # the transaction is rolled back
                    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
                    raise RestoreRefused(f"The database refused the records of {table.name}: {reason}") from None
        if connection.dialect.name == "postgresql":
            _restart_sequences(connection)
    data_version.reset_board()  # the records are new: no render of what was here may be sent
    return tally(document)
