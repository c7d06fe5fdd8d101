"""Roundtables and recommendations as their pages read them: what a page loads with each
record, the agreed recommendations of a roundtable grouped under their outcomes, and an
owner's recommendations — those needing attention first."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..core.extensions import db
from ..core.i18n import _l
from . import follow_through
from .models import OutcomeGroup, ProgressUpdate, Recommendation, RecommendationOwner, Roundtable
from .workflow import DRAFT, RecommendationWorkflow

# What a roundtable's pages show of it: its process, co-chairs, participants and outcomes.
ROUNDTABLE_PAGE = (
    joinedload(Roundtable.forum),
    selectinload(Roundtable.co_chairs),
    selectinload(Roundtable.participants),
    selectinload(Roundtable.outcome_groups).selectinload(OutcomeGroup.outcomes),
)

# What a row of a recommendation list shows: its owners, heading and roundtable.
RECOMMENDATION_ROWS = (
    selectinload(Recommendation.owners).joinedload(RecommendationOwner.organisation),
    joinedload(Recommendation.group),
    joinedload(Recommendation.roundtable),
    selectinload(Recommendation.recommending_rows),
)


def agreed_recommendations(roundtable: Roundtable) -> Sequence[Recommendation]:
    """The roundtable's agreed recommendations (never drafts) with their progress and the
    latest review, as its public follow-through page shows them."""
    return db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.roundtable_id == roundtable.id, Recommendation.status != DRAFT)
        .options(
            *RECOMMENDATION_ROWS,
            selectinload(Recommendation.updates).joinedload(ProgressUpdate.organisation),
            # `latest_review` names the reviewer: loaded with the row, not one query each.
            joinedload(Recommendation.verified_by),
            joinedload(Recommendation.sent_back_by),
        )
        .order_by(Recommendation.id)
    ).all()


def agreed_and_verified(roundtable_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For each roundtable, how many recommendations it agreed and how many of them are
    verified done — one grouped query for any number of roundtables (none: not listed)."""
    rows = db.session.execute(
        sa.select(
            Recommendation.roundtable_id,
            sa.func.count(),
            sa.func.count().filter(Recommendation.status == RecommendationWorkflow.verified.value),
        )
        .where(Recommendation.roundtable_id.in_(roundtable_ids), Recommendation.status != DRAFT)
        .group_by(Recommendation.roundtable_id)
    )
    return {roundtable_id: (int(agreed), int(verified)) for roundtable_id, agreed, verified in rows}


def by_outcome(recommendations: Iterable[Recommendation]) -> dict[int | None, list[Recommendation]]:
    """Recommendations under the outcome each came from (None: agreed directly)."""
    grouped: dict[int | None, list[Recommendation]] = {}
    for recommendation in recommendations:
        grouped.setdefault(recommendation.outcome_id, []).append(recommendation)
    return grouped


def by_heading(recommendations: Iterable[Recommendation]) -> dict[int | None, list[Recommendation]]:
    """Recommendations agreed directly (from no outcome) under their heading (None: none),
    as a review's list groups them by theme."""
    grouped: dict[int | None, list[Recommendation]] = {}
    for recommendation in recommendations:
        if recommendation.outcome_id is None:
            grouped.setdefault(recommendation.group_id, []).append(recommendation)
    return grouped


def count_by_state(recommendations: Iterable[Recommendation]) -> dict[str, int]:
    """How many are in each state, by the state's label (in the reader's language), in the
    order first met."""
    return dict(Counter(str(recommendation.status_label) for recommendation in recommendations))


def state_chart(
    recommendations: Sequence[Recommendation], today: dt.date
) -> list[tuple[str, int, str | None, str | None]]:
    """The rows of a meeting's chart of its agreed recommendations: how many in each state
    (in the workflow's order), then how many are overdue, flagged — in the reader's language."""
    counts = Counter(recommendation.status for recommendation in recommendations)
    rows: list[tuple[str, int, str | None, str | None]] = [
        (RecommendationWorkflow.label(state), counts[state], None, None)
        for state in RecommendationWorkflow.state_values()
        if state != DRAFT
    ]
    overdue = sum(follow_through.is_overdue(recommendation, today) for recommendation in recommendations)
    if overdue:
        rows.append((str(_l("In progress past its due date")), overdue, None, str(_l("Overdue"))))
    return rows


def _owned_and_agreed(organisation_id: int) -> sa.ColumnElement[bool]:
    owned = Recommendation.owners.any(RecommendationOwner.organisation_id == organisation_id)
    return sa.and_(owned, follow_through.agreed_condition())


def needing_attention(organisation_id: int, condition: Any, limit: int = 50) -> Sequence[Recommendation]:
    """The organisation's agreed recommendations that meet `condition` (overdue, due soon,
    sent back), soonest due first."""
    return db.session.scalars(
        sa.select(Recommendation)
        .where(_owned_and_agreed(organisation_id), condition)
        .options(*RECOMMENDATION_ROWS)
        .order_by(Recommendation.due_date, Recommendation.id)
        .limit(limit)
    ).all()


def owned(organisation_id: int, filters: follow_through.Filters, today: dt.date) -> sa.Select[Recommendation]:
    """Every agreed recommendation the organisation owns that passes `filters`, in its order
    (soonest due first, unless it says otherwise)."""
    return (
        sa.select(Recommendation)
        .where(_owned_and_agreed(organisation_id), *filters.conditions(today))
        .options(*RECOMMENDATION_ROWS)
        .order_by(*follow_through.SORTS.get(filters.sort, follow_through.SORTS[follow_through.DUE_FIRST])[1])
    )
