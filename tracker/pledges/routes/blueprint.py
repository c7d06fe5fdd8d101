"""The pledges' blueprint, on which every view of `tracker.pledges.routes` is registered, and
how those views load a pledge: by slug, 404 when missing or not visible to this visitor (a
draft is answered as if it did not exist)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ...core import access
from ...core.extensions import db
from ...core.web.routing import not_found_beyond_range
from ..indicators import PledgeIndicator
from ..models import ActionFigure, ActionTaken, Pledge, PledgeSignatory

bp = Blueprint("pledges", __name__, url_prefix="/pledges")
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404


def load_pledge(slug: str, *options) -> Pledge:
    """The pledge at `slug`, or 404 — also when it is a draft this visitor may not see."""
    pledge = db.first_or_404(sa.select(Pledge).where(Pledge.slug == slug).options(*options))
    if not access.can(current_user, "view", pledge):
        abort(404)
    return pledge


# Who signs the pledge, and who is invited to: what every permission check on it reads.
SIGNATORIES = selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation)

# Its indicators with the figures reported against them (and their actions' days).
INDICATORS = selectinload(Pledge.indicators).selectinload(PledgeIndicator.figures).joinedload(ActionFigure.action)

PAGE_OPTIONS = (
    joinedload(Pledge.forum),
    SIGNATORIES,
    selectinload(Pledge.themes),
    selectinload(Pledge.countries),
    selectinload(Pledge.actions).selectinload(ActionTaken.organisation_rows),
    selectinload(Pledge.actions).selectinload(ActionTaken.figures).joinedload(ActionFigure.indicator),
    selectinload(Pledge.actions).selectinload(ActionTaken.links),
    selectinload(Pledge.actions).selectinload(ActionTaken.files),
    selectinload(Pledge.actions).joinedload(ActionTaken.attributed_to),
    INDICATORS,
)

# What a row of the public list shows: the lead signatory, the forum, the themes.
LIST_ROW = (
    joinedload(Pledge.forum),
    SIGNATORIES,
    selectinload(Pledge.themes),
    INDICATORS,
)
