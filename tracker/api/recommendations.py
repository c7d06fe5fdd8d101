"""/api/v1/recommendations: the agreed recommendations of public roundtables, filtered and a
page at a time, and one of them — each as its roundtable's answer gives it, with the meeting
that agreed it. Never drafts, never a private roundtable's, never contact details or review
words the co-chairs kept private."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import abort, url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload

from ..core import access
from ..core.extensions import db
from ..core.listing import as_id
from ..core.web.conditional import cacheable
from ..roundtables import catalogue
from ..roundtables.models import Recommendation, Roundtable
from .common import (
    CONDITIONAL_PARAMETERS,
    LIST_HEADERS,
    NOT_FOUND,
    NOT_MODIFIED,
    VALIDATOR_HEADERS,
    list_state,
    next_link,
    path_parameters,
)
from .recommendation_schemas import RecommendationItemSchema, RecommendationListArgs, RecommendationPageSchema
from .roundtables import _RECOMMENDATION, _recommendation
from .schemas import ErrorSchema

blp = Blueprint(
    "Recommendations",
    __name__,
    url_prefix="/api/v1",
    description="The agreed recommendations of public roundtables and reviews, and how each is followed through. "
    "Drafts and the recommendations of private roundtables are never listed or found.",
)

# What an item shows: the recommendation as its roundtable's answer loads it, its heading and its meeting.
_ITEM = (*_RECOMMENDATION, joinedload(Recommendation.group), joinedload(Recommendation.roundtable))

_INVALID = {
    "description": "Unprocessable Entity: a parameter is not valid (an unknown kind or state, a day that is no "
    "ISO 8601 day, overdue neither true nor false, per_page out of bounds); `errors` names it.",
    "schema": ErrorSchema,
}

_NOT_PUBLIC = {
    **NOT_FOUND,
    "description": "Not Found: no agreed recommendation of a public roundtable has this id (a draft, or one of a "
    "private roundtable, is answered the same way).",
}


@blp.route("/recommendations", parameters=CONDITIONAL_PARAMETERS)
@blp.arguments(RecommendationListArgs, location="query")
@cacheable
@blp.response(200, RecommendationPageSchema, headers=LIST_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
@blp.alt_response(422, **_INVALID)
def index(args: dict):
    """List agreed recommendations

    The agreed recommendations of every public roundtable and review: the newest meeting's
    first (by its first day), each meeting's in the order recorded, as on its page. Filters
    combine (a recommendation meets every one given). Follow `next` for the following page
    until it is null.
    """
    state = list_state({name: _as_text(value) for name, value in args.items()}, catalogue.RECOMMENDATIONS)
    per_page = args["per_page"]
    page = catalogue.RECOMMENDATIONS.page(state, per_page, options=_ITEM)
    return {
        "items": [_item(recommendation) for recommendation in page.items],
        "next": next_link("Recommendations.index", state, page, per_page),
        "total": page.total,
    }


@blp.route("/recommendations/<id>", parameters=path_parameters("recommendation", "id"))
@cacheable
@blp.response(200, RecommendationItemSchema, headers=VALIDATOR_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
@blp.alt_response(404, **_NOT_PUBLIC)
def show(id: str):
    """One agreed recommendation

    The recommendation as its roundtable's answer gives it (owners, state, due date,
    progress updates, the co-chairs' latest review), with the meeting that agreed it. A
    draft, or a recommendation of a private roundtable, answers 404, exactly as an id that
    names nothing.
    """
    number = as_id(id)
    recommendation = (
        None
        if number is None
        else db.session.scalar(sa.select(Recommendation).where(Recommendation.id == number).options(*_ITEM))
    )
    if recommendation is None or not access.can(None, "view", recommendation):
        abort(404)
    return _item(recommendation)


def _as_text(value: object) -> str:
    """A checked parameter as its address writes it (and `next` keeps it): true, 2027-01-31."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _item(recommendation: Recommendation) -> dict:
    return {**_recommendation(recommendation), "roundtable": _meeting(recommendation.roundtable)}


def _meeting(roundtable: Roundtable) -> dict:
    return {
        "slug": roundtable.slug,
        "title": roundtable.title,
        "url": url_for("roundtables.show", slug=roundtable.slug, _external=True),
        "kind": roundtable.kind,
    }
