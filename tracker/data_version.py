"""The data version: one number that moves on with every committed change to the records
the tracker shows, and the time it last moved.

Public pages and the API take their HTTP validators from it (see `conditional`): an ETag
and a Last-Modified that change the moment anything is saved, whoever saves it and however
(a form, the CLI import, the demo loader), because the number is moved by the session
itself just before it commits, never by the code that made the change.

The number moves at the very end of the transaction, after everything else is flushed, so
the lock on its row is held only for the instant before COMMIT: two writers never wait on
each other in a cycle.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .extensions import db
from .models import DataVersion, HistoryEntry, User, utcnow

# Changes that do not alter any page the public can see (a login, a history entry on its own).
_NOT_SHOWN = (DataVersion, HistoryEntry, User)
_CHANGED = "data_version_changed"


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: dt.datetime


def current() -> Version:
    """The data version now (0 for a database that has never been written)."""
    row = db.session.execute(sa.select(DataVersion.number, DataVersion.changed_at).where(DataVersion.id == 1)).first()
    if row is None:
        return Version(0, dt.datetime(2000, 1, 1))
    return Version(row.number, row.changed_at)


@sa.event.listens_for(Session, "after_flush")
def _note_shown_changes(session: Session, _flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, _NOT_SHOWN) and (obj not in session.dirty or session.is_modified(obj)):
            session.info[_CHANGED] = True
            return
    # Many-to-many rows (themes, co-chairs …) change with their owner, which is dirty then.


@sa.event.listens_for(Session, "before_commit")
def _move_on(session: Session) -> None:
    session.flush()  # everything else first: the counter's row is locked last
    if not session.info.pop(_CHANGED, False):
        return
    connection = session.connection()
    table = DataVersion.__table__
    moved = connection.execute(
        table.update().where(table.c.id == 1).values(number=table.c.number + 1, changed_at=utcnow())
    )
    if moved.rowcount == 0:  # a database emptied since it was created
        connection.execute(table.insert().values(id=1, number=1, changed_at=utcnow()))


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
