"""A pledge's activity, kept on its own row: `Pledge.last_action_on`, the date of its latest
current (not withdrawn) action, `Pledge.actions_count`, how many current actions it has, and
`Pledge.changed_at`, when anything on its public page last changed, and
`Pledge.search_document`, its search words and its current actions' (`search`). Lists sort,
filter and search by them, the API gives them, and the quiet-pledge reminder reads them —
as plain, indexed columns, never recomputed from every action per request.

They are kept in step inside the transaction that changes them, whoever makes the change
(a form, the import, the API, the demo loader): every flush that writes a pledge or an action
moves them on (`_keep_activity`).

They are counted again for each pledge written — from that pledge's actions only (indexed by
pledge): the later of its own `updated_at` and its actions' latest, its latest current
action's date, their number and their search words. The pledge's row is locked first
(PostgreSQL: FOR UPDATE), so that the count, a statement of its own, sees every action committed before it: two writers on one pledge
take turns, and neither loses the other's change.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.columns import table_of
from .models import ActionTaken, Pledge

_MOVED = "pledge_activity_moved"


def _touched(session: Session) -> set[int]:
    """The pledges this flush changed the page of: their own row, or one of their actions."""
    touched: set[int] = set()
    for record in (*session.new, *session.dirty, *session.deleted):
        if isinstance(record, ActionTaken):
            pledge_id = record.pledge_id if record.pledge_id is not None else getattr(record.pledge, "id", None)
        elif isinstance(record, Pledge):
            pledge_id = record.id
        else:
            continue
        if pledge_id is not None and (record not in session.dirty or session.is_modified(record)):
            touched.add(pledge_id)
    return touched


@sa.event.listens_for(Session, "after_flush")
def _keep_activity(session: Session, _flush_context: Any) -> None:
    touched = _touched(session)
    if not touched:
        return
    connection = session.connection()
    pledges, actions = table_of(Pledge), table_of(ActionTaken)
    ids = sorted(touched)
    if connection.dialect.name == "postgresql":  # (SQLite: one writer at a time already)
        connection.execute(
            sa.select(pledges.c.id).where(pledges.c.id.in_(ids)).order_by(pledges.c.id).with_for_update()
        )
    of_the_pledge = actions.c.pledge_id == pledges.c.id
    current = actions.c.withdrawn_at.is_(None)
    latest_action = sa.select(sa.func.max(actions.c.date)).where(of_the_pledge, current)
    how_many = sa.select(sa.func.count()).select_from(actions).where(of_the_pledge, current)
    actions_changed = sa.select(sa.func.max(actions.c.updated_at)).where(of_the_pledge).scalar_subquery()
    actions_words = sa.select(sa.func.aggregate_strings(actions.c.search_text, "\n")).where(of_the_pledge, current)
    document = (
        sa.func.coalesce(pledges.c.search_text, "") + "\n" + sa.func.coalesce(actions_words.scalar_subquery(), "")
    )
    connection.execute(
        pledges.update()
        .where(pledges.c.id.in_(ids))
        .values(
            last_action_on=latest_action.scalar_subquery(),
            actions_count=how_many.scalar_subquery(),
            changed_at=sa.case((actions_changed > pledges.c.updated_at, actions_changed), else_=pledges.c.updated_at),
            search_document=document,
            updated_at=pledges.c.updated_at,  # as it is (else its `onupdate` would move it)
        )
    )
    session.info.setdefault(_MOVED, set()).update(ids)


@sa.event.listens_for(Session, "after_flush_postexec")
def _read_again(session: Session, _flush_context: Any) -> None:
    """The pledges in memory read their new activity from the row when next asked."""
    moved = session.info.pop(_MOVED, None)
    if moved:
        for record in list(session.identity_map.values()):
            if isinstance(record, Pledge) and record.id in moved:
                session.expire(record, ["last_action_on", "changed_at", "actions_count", "search_document"])
