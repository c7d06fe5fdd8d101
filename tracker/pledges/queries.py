"""Pledges as the staff workspace lists them: an organisation's own pledges, filtered, and
how many are in each state; and the pledges it is invited to sign (or to lead)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from babel.support import LazyProxy
from sqlalchemy.orm import joinedload, selectinload

from ..core.extensions import db
from ..core.i18n import _l
from ..core.search import matches
from .models import INVITED, SIGNED, Pledge, PledgeSignatory
from .workflow import PledgeWorkflow


def _signed_by(organisation_id: int) -> sa.Select[int]:
    return sa.select(PledgeSignatory.pledge_id).where(
        PledgeSignatory.organisation_id == organisation_id, PledgeSignatory.status == SIGNED
    )


def _open_invitation(organisation_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(
        PledgeSignatory.organisation_id == organisation_id,
        sa.or_(PledgeSignatory.status == INVITED, PledgeSignatory.invited_to_lead),
    )


def invitations_to(organisation_id: int) -> sa.Select[Pledge]:
    """The pledges the organisation is invited to sign or to lead, newest invitation first,
    with who signs them and who invited."""
    return (
        sa.select(Pledge)
        .join(PledgeSignatory, PledgeSignatory.pledge_id == Pledge.id)
        .where(_open_invitation(organisation_id))
        .options(
            joinedload(Pledge.forum),
            selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation),
            selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.invited_by),
        )
        .order_by(PledgeSignatory.invited_at.desc(), Pledge.id.desc())
    )


def invitation_count(organisation_id: int) -> int:
    """How many invitations the organisation has not answered (the menu shows it)."""
    query = sa.select(sa.func.count()).select_from(PledgeSignatory).where(_open_invitation(organisation_id))
    return db.session.scalar(query) or 0


# How "my organisation's pledges" may be sorted: key -> (label, ORDER BY).
MINE_SORTS: dict[str, tuple[LazyProxy, tuple[Any, ...]]] = {
    "changed": (_l("Most recently changed first"), (Pledge.updated_at.desc(), Pledge.id.desc())),
    "quiet": (_l("Longest without an action first"), (Pledge.last_action_on.asc().nulls_first(), Pledge.id)),
    "title": (_l("Title, A–Z"), (Pledge.title, Pledge.id)),
}


def signed_by(
    organisation_id: int,
    *,
    state: str | None = None,
    forum_id: int | None = None,
    q: str = "",
    sort: str = "changed",
) -> sa.Select[Pledge]:
    """The pledges the organisation signs (in `state`, made at `forum_id`, holding the words
    of `q` when given), in `sort`'s order (most recently changed first), with what their rows
    show."""
    query = (
        sa.select(Pledge)
        .where(Pledge.id.in_(_signed_by(organisation_id)), *(matches(Pledge.search_text, word) for word in q.split()))
        .options(joinedload(Pledge.forum), selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation))
        .order_by(*MINE_SORTS.get(sort, MINE_SORTS["changed"])[1])
    )
    if state in PledgeWorkflow.state_values():
        query = query.where(Pledge.status == state)
    if forum_id is not None:
        query = query.where(Pledge.forum_id == forum_id)
    return query


def state_counts(organisation_id: int) -> list[tuple[str, str, int]]:
    """(state, its label, how many of the organisation's pledges are in it), for every state."""
    rows = db.session.execute(
        sa.select(Pledge.status, sa.func.count())
        .where(Pledge.id.in_(_signed_by(organisation_id)))
        .group_by(Pledge.status)
    )
    counts: dict[str, int] = dict(rows.all())
    return [(value, PledgeWorkflow.label(value), counts.get(value, 0)) for value in PledgeWorkflow.state_values()]
