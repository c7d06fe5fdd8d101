"""The append-only history: every create, edit and state change, with who, when and why."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from .extensions import db
from .models import ActionTaken, HistoryEntry, ProgressUpdate


class HistoryIsAppendOnly(Exception):
    pass


def record_type(record) -> str:
    """"pledge", "action_taken", "progress_update": the model's name in snake case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(record).__name__).lower()


def timeline_of(record):
    """The record whose timeline shows changes to `record`."""
    if isinstance(record, ActionTaken):
        return record.pledge
    if isinstance(record, ProgressUpdate):
        return record.recommendation
    return record


def record_history(
    record,
    event: str,
    actor,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    changes: dict | None = None,
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


def snapshot(record, fields: list[str]) -> dict:
    """The values of `fields` now, to compare after an edit with `changes_between`."""
    values = {field: getattr(record, field) for field in fields}
    # Copy lists: a relationship's collection may be changed in place afterwards.
    return {field: list(value) if isinstance(value, list) else value for field, value in values.items()}


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose value changed."""
    return {field: [before[field], after[field]] for field in before if before[field] != after[field]}


def timeline_query(record):
    """History entries shown on `record`'s timeline, oldest first."""
    return (
        sa.select(HistoryEntry)
        .where(HistoryEntry.timeline_type == record_type(record), HistoryEntry.timeline_id == record.id)
        .order_by(HistoryEntry.id)
    )


def newest_first(record):
    """`record`'s timeline as its history page lists it: newest first, with each actor."""
    return (
        timeline_query(record).order_by(None).order_by(HistoryEntry.id.desc()).options(joinedload(HistoryEntry.actor))
    )


def _jsonable(value):
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
            getattr(value, "name", None) or getattr(value, "title", None) or getattr(value, "heading", None) or str(value)
        )
    return value


@sa.event.listens_for(Session, "before_flush")
def _refuse_history_changes(session, _flush_context, _instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, HistoryEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise HistoryIsAppendOnly("History entries cannot be changed or deleted.")
