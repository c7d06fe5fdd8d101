"""How the roundtable views load their records: by slug or id, 404 when missing or not
visible to this visitor (a private record is answered as if it did not exist)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ...core import access
from ...core.extensions import db
from ...core.ids import could_be_id
from ..models import OutcomeGroup, ProgressUpdate, Recommendation, Roundtable
from ..queries import RECOMMENDATION_ROWS, ROUNDTABLE_PAGE

__all__ = ["RECOMMENDATION_ROWS", "ROUNDTABLE_PAGE", "load_part", "load_recommendation", "load_roundtable"]


def load_roundtable(slug: str, *options) -> Roundtable:
    roundtable = db.first_or_404(sa.select(Roundtable).where(Roundtable.slug == slug).options(*options))
    if not access.can(current_user, "view", roundtable):
        abort(404)
    return roundtable


def load_recommendation(recommendation_id: int) -> Recommendation:
    recommendation = db.first_or_404(
        sa.select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .options(
            *RECOMMENDATION_ROWS,
            # An update names its organisation, which may no longer be an owner.
            selectinload(Recommendation.updates).joinedload(ProgressUpdate.organisation),
            selectinload(Recommendation.updates).joinedload(ProgressUpdate.files),
            joinedload(Recommendation.outcome),
            joinedload(Recommendation.roundtable).selectinload(Roundtable.co_chairs),
            selectinload(Recommendation.indicators),
        )
    )
    if not access.can(current_user, "view", recommendation):
        abort(404)
    return recommendation


def load_part(model, record_id: int, roundtable: Roundtable):
    """A heading or outcome of `roundtable` (404 when it belongs to another, or when no
    record could have the id: it may come from a form or the query string)."""
    if not could_be_id(record_id):
        abort(404)
    record = db.session.get(model, record_id)
    group = record if isinstance(record, OutcomeGroup) else getattr(record, "group", None)
    if record is None or group is None or group.roundtable_id != roundtable.id:
        abort(404)
    return record
