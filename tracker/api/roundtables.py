"""/api/v1/roundtables: the public roundtables, a page at a time, and one roundtable with
its outcomes and agreed recommendations — what its public page shows, never drafts,
contact details or review words the co-chairs kept private."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload, selectinload

from ..core import access, clock, indicators
from ..core.extensions import db
from ..core.web.conditional import cacheable
from ..roundtables import catalogue, follow_through
from ..roundtables.models import (
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Roundtable,
)
from ..roundtables.workflow import RecommendationWorkflow
from .arguments import RoundtableListArgs
from .common import (
    CONDITIONAL_PARAMETERS,
    LIST_HEADERS,
    NOT_FOUND,
    NOT_MODIFIED,
    VALIDATOR_HEADERS,
    file_data,
    findable,
    list_state,
    next_link,
    path_parameters,
)
from .schemas import RoundtablePageSchema, RoundtableSchema

blp = Blueprint(
    "Roundtables",
    __name__,
    url_prefix="/api/v1",
    description="Public roundtables, their agreed outcomes and how the agreed recommendations are followed "
    "through. Private roundtables are never listed or found.",
)

_DRAFT = RecommendationWorkflow.draft.value

_ROW = (
    joinedload(Roundtable.forum),
    selectinload(Roundtable.co_chairs),
    selectinload(Roundtable.participants),
)
_PAGE = (*_ROW, selectinload(Roundtable.outcome_groups).selectinload(OutcomeGroup.outcomes))
_RECOMMENDATION = (
    selectinload(Recommendation.owners).joinedload(RecommendationOwner.organisation),
    selectinload(Recommendation.updates).joinedload(ProgressUpdate.organisation),
    selectinload(Recommendation.updates).joinedload(ProgressUpdate.files),
    selectinload(Recommendation.recommending_rows),
    selectinload(Recommendation.indicators),
    # (`group`, the heading, is one of the roundtable's outcome groups: loaded already.)
    # `latest_review` names the reviewer; loaded with the row rather than one query each.
    joinedload(Recommendation.verified_by),
    joinedload(Recommendation.sent_back_by),
)


@blp.route("/roundtables", parameters=CONDITIONAL_PARAMETERS)
@blp.arguments(RoundtableListArgs, location="query")
@cacheable
@blp.response(200, RoundtablePageSchema, headers=LIST_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
def index(args: dict):
    """List public roundtables

    The search, filters and sorts of the public list of roundtables, a page at a time.
    Follow `next` for the following page until it is null.
    """
    state = list_state(args, catalogue.ROUNDTABLES)
    per_page = args["per_page"]
    page = catalogue.ROUNDTABLES.page(state, per_page, options=_ROW)
    counts = _agreed_counts([roundtable.id for roundtable in page.items])
    return {
        "items": [_summary(roundtable, counts.get(roundtable.id, 0)) for roundtable in page.items],
        "next": next_link("Roundtables.index", state, page, per_page),
        "total": page.total,
    }


@blp.route("/roundtables/<slug>", parameters=path_parameters("roundtable"))
@cacheable
@blp.response(200, RoundtableSchema, headers=VALIDATOR_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
@blp.alt_response(404, **NOT_FOUND)
def show(slug: str):
    """One public roundtable

    The roundtable with its outcomes under their headings and its agreed recommendations:
    owners, state, due date, progress updates and the co-chairs' latest review. A private
    roundtable answers 404, exactly as an address where there is no roundtable.
    """
    if not findable(slug):
        abort(404)
    roundtable = db.first_or_404(sa.select(Roundtable).where(Roundtable.slug == slug).options(*_PAGE))
    if not access.can(None, "view", roundtable):
        abort(404)
    agreed = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.roundtable_id == roundtable.id, Recommendation.status != _DRAFT)
        .options(*_RECOMMENDATION)
        .order_by(Recommendation.id)
    ).all()
    agreed = [recommendation for recommendation in agreed if access.can(None, "view", recommendation)]
    return {
        **_summary(roundtable, len(agreed)),
        "outcome_groups": [
            {"heading": group.heading, "outcomes": [{"id": o.id, "text": o.text} for o in group.outcomes]}
            for group in roundtable.outcome_groups
        ],
        "recommendations": [_recommendation(recommendation) for recommendation in agreed],
    }


# --- what a roundtable looks like in the API ----------------------------------------------------------


def _agreed_counts(roundtable_ids: list[int]) -> dict[int, int]:
    """How many agreed (not draft) recommendations each roundtable has: one query for the page."""
    if not roundtable_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(Recommendation.roundtable_id, sa.func.count(Recommendation.id))
            .where(Recommendation.roundtable_id.in_(roundtable_ids), Recommendation.status != _DRAFT)
            .group_by(Recommendation.roundtable_id)
        ).all()
    )


def _summary(roundtable: Roundtable, recommendations_count: int) -> dict:
    return {
        "slug": roundtable.slug,
        "url": url_for("roundtables.show", slug=roundtable.slug, _external=True),
        "title": roundtable.title,
        "kind": roundtable.kind,
        "process": roundtable.forum.name if roundtable.forum else None,
        "start_date": roundtable.start_date,
        "end_date": roundtable.end_date,
        "place": roundtable.place,
        "co_chairs": [organisation.name for organisation in roundtable.co_chairs],
        "participants": [organisation.name for organisation in roundtable.participants],
        "participants_note": roundtable.participants_note,
        "summary": roundtable.summary or "",
        "recommendations_count": recommendations_count,
    }


def _recommendation(recommendation: Recommendation) -> dict:
    return {
        "id": recommendation.id,
        "reference": recommendation.reference,
        "text": recommendation.text,
        "language": recommendation.language,
        "translations": recommendation.translations or {},
        "heading": recommendation.group.heading if recommendation.group else None,
        "outcome_id": recommendation.outcome_id,
        "state": recommendation.status,
        "due_date": recommendation.due_date,
        "overdue": follow_through.is_overdue(recommendation, clock.today()),
        "owners": [
            {"name": owner.organisation.name, "slug": owner.organisation.slug, "lead": owner.is_lead}
            for owner in recommendation.owners
        ],
        "addressee": recommendation.addressee_note,
        "recommending": [organisation.name for organisation in recommendation.recommending],
        "response": recommendation.response,
        "response_date": recommendation.response_date,
        "source_url": recommendation.source_url,
        "updates": [_update(recommendation, update) for update in recommendation.updates],
        "review": _review(recommendation),
        "indicators": [indicators.as_data(indicator) for indicator in recommendation.indicators],
        "outcome": (
            {
                "rating": recommendation.outcome_rating,
                "label": str(recommendation.outcome_label),  # (a str: no lazy text in JSON)
                "justification": recommendation.outcome_justification,
            }
            if recommendation.outcome_label
            else None
        ),
    }


def _update(recommendation: Recommendation, update: ProgressUpdate) -> dict:
    """A progress update: its words, the figure it reports, and its evidence."""
    return {
        "date": update.date,
        "organisation": update.organisation.name,
        "text": update.text,
        "language": update.language or recommendation.language,
        "translations": update.translations or {},
        "indicator": update.indicator.name if update.indicator else None,
        "value": None if update.value is None else str(update.value),
        "link": update.link_url,
        "files": [
            file_data(
                file,
                url_for(
                    "roundtables.update_file",
                    recommendation_id=recommendation.id,
                    update_id=update.id,
                    file_id=file.id,
                    _external=True,
                ),
            )
            for file in update.files
        ],
    }


def _review(recommendation: Recommendation) -> dict | None:
    """The latest review; its words only when the co-chairs made them public."""
    review = recommendation.latest_review
    if review is None:
        return None
    return {
        "kind": review.kind,
        "at": review.at,
        "words": review.words if recommendation.review_comment_public else None,
    }
