"""The append-only history: every create, edit and state change, with who, when and why.

Each entry is shown on one record's timeline: its own, or the one its record names as
`history_timeline` (an action's entries on its pledge, a progress update's on its
recommendation).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from .columns import utcnow
from .extensions import Base, db


class Actor(Protocol):
    """Who made a change: an account (`tracker.accounts.models.User`)."""

    id: int
    name: str
    email: str


class HistoryEntry(Base):
    """One change to one record: who, when, what, from which state to which, and why.

    Append-only: the ORM refuses to update or delete an entry (see `history`), and the
    database refuses too (triggers created with the table).
    """

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_timeline", "timeline_type", "timeline_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)  # None: the system
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int]
    # The record on whose timeline this entry appears: an action's entries are shown on
    # its pledge, a progress update's on its recommendation.
    timeline_type: Mapped[str] = mapped_column(sa.String(40))
    timeline_id: Mapped[int]
    event: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str | None] = mapped_column(sa.String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    # The accounts area's User, named rather than imported: the core imports no area.
    actor: Mapped[Actor | None] = relationship("User")

    # An entry on its own changes no public page.
    moves_data_version: ClassVar[bool] = False


_APPEND_ONLY_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER history_no_{verb} BEFORE {verb.upper()} ON history "
        f"BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
        for verb in ("update", "delete")
    ],
    "postgresql": [
        (
            "CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'history is append-only'; END $$"
        ),
        (
            "CREATE TRIGGER history_no_change BEFORE UPDATE OR DELETE ON history "
            "FOR EACH ROW EXECUTE FUNCTION history_append_only()"
        ),
    ],
}


def create_history_triggers(connection: sa.Connection) -> None:
    """Make the database itself refuse to change or erase history (used by the migration
    and by `create_all`, so tests run against the same guarantee)."""
    for statement in _APPEND_ONLY_TRIGGERS.get(connection.dialect.name, []):
        connection.execute(sa.text(statement))


def drop_history_triggers(connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        for verb in ("update", "delete"):
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS history_no_{verb}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text("DROP TRIGGER IF EXISTS history_no_change ON history"))
        connection.execute(sa.text("DROP FUNCTION IF EXISTS history_append_only()"))


sa.event.listen(
    HistoryEntry.__table__, "after_create", lambda target, connection, **kw: create_history_triggers(connection)
)
sa.event.listen(
    HistoryEntry.__table__, "before_drop", lambda target, connection, **kw: drop_history_triggers(connection)
)


class HistoryIsAppendOnly(Exception):
    pass


def record_type(record: object) -> str:
    """ "pledge", "action_taken", "progress_update": the model's name in snake case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(record).__name__).lower()


def timeline_of(record: Any) -> Any:
    """The record whose timeline shows changes to `record`."""
    return getattr(record, "history_timeline", record)


def record_history(
    record: Any,
    event: str,
    actor: Actor | None,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    changes: dict[str, Any] | None = None,
    comment: str | None = None,
) -> HistoryEntry:
    """Add one history entry for `record` (which must have been flushed, to have an id)."""
    timeline = timeline_of(record)
    entry = HistoryEntry(
        actor_id=getattr(actor, "id", None),
        record_type=record_type(record),
        record_id=record.id,
        timeline_type=record_type(timeline),
        timeline_id=timeline.id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        changes=_jsonable(changes or {}),
        comment=(comment or "").strip() or None,
    )
    db.session.add(entry)
    return entry


def snapshot(record: object, fields: list[str]) -> dict[str, Any]:
    """The values of `fields` now, to compare after an edit with `changes_between`."""
    values = {field: getattr(record, field) for field in fields}
    # Copy lists: a relationship's collection may be changed in place afterwards.
    return {field: list(value) if isinstance(value, list) else value for field, value in values.items()}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value changed."""
    return {field: [before[field], after[field]] for field in before if before[field] != after[field]}


def timeline_query(record: Any) -> sa.Select[HistoryEntry]:
    """History entries shown on `record`'s timeline, oldest first."""
    return (
        sa.select(HistoryEntry)
        .where(HistoryEntry.timeline_type == record_type(record), HistoryEntry.timeline_id == record.id)
        .order_by(HistoryEntry.id)
    )


def newest_first(record: Any) -> sa.Select[HistoryEntry]:
    """`record`'s timeline as its history page lists it: newest first, with each actor."""
    return (
        timeline_query(record).order_by(None).order_by(HistoryEntry.id.desc()).options(joinedload(HistoryEntry.actor))
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "__tablename__"):
        return (
            getattr(value, "name", None)
            or getattr(value, "title", None)
            or getattr(value, "heading", None)
            or str(value)
        )
    return value


@sa.event.listens_for(Session, "before_flush")
def _refuse_history_changes(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, HistoryEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise HistoryIsAppendOnly("History entries cannot be changed or deleted.")
