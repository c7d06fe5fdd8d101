"""/api/v1/pledges: the published pledges, a page at a time, and one pledge with its
actions taken. The list is the public list (`catalogue.PLEDGES`): the same search, filters,
sorts and cursors as the HTML page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, url_for
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload, selectinload

from ..core import access, indicators
from ..core.dates import machine_date
from ..core.extensions import db
from ..core.web.conditional import cacheable
from ..pledges import catalogue, page_scope
from ..pledges.indicators import PledgeIndicator
from ..pledges.models import ActionFigure, ActionTaken, Pledge, PledgeSignatory
from ..pledges.timeline import LatestAction, latest_actions
from .arguments import PledgeListArgs
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
from .schemas import PledgePageSchema, PledgeSchema

blp = Blueprint(
    "Pledges",
    __name__,
    url_prefix="/api/v1",
    description="Published pledges and the actions taken towards them. Drafts are never listed or found.",
)

_ROW = (
    joinedload(Pledge.forum),
    selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation),
    selectinload(Pledge.themes),
    selectinload(Pledge.countries),
    selectinload(Pledge.indicators).selectinload(PledgeIndicator.figures).joinedload(ActionFigure.action),
)
_PAGE = (
    *_ROW,
    selectinload(Pledge.actions).selectinload(ActionTaken.organisation_rows),
    selectinload(Pledge.actions).selectinload(ActionTaken.figures).joinedload(ActionFigure.indicator),
    selectinload(Pledge.actions).selectinload(ActionTaken.links),
    selectinload(Pledge.actions).selectinload(ActionTaken.files),
)


@blp.route("/pledges", parameters=CONDITIONAL_PARAMETERS)
@blp.arguments(PledgeListArgs, location="query")
@cacheable
@blp.response(200, PledgePageSchema, headers=LIST_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
def index(args: dict):
    """List published pledges

    The search, filters and sorts of the public list of pledges, a page at a time. Follow
    `next` for the following page until it is null.
    """
    state = list_state(args, catalogue.PLEDGES)
    per_page = args["per_page"]
    page = catalogue.PLEDGES.page(state, per_page, options=_ROW)
    ids = [pledge.id for pledge in page.items]
    counts = _action_counts(ids)
    latest = latest_actions(ids)
    return {
        "items": [_summary(pledge, counts.get(pledge.id, 0), latest.get(pledge.id)) for pledge in page.items],
        "next": next_link("Pledges.index", state, page, per_page),
        "total": page.total,
    }


@blp.route("/pledges/<slug>", parameters=path_parameters("pledge"))
@cacheable(scope=page_scope.of_address)
@blp.response(200, PledgeSchema, headers=VALIDATOR_HEADERS)
@blp.alt_response(304, **NOT_MODIFIED)
@blp.alt_response(404, **NOT_FOUND)
def show(slug: str):
    """One published pledge

    The pledge with its text, budget and every current action taken, in the order of its
    page. A draft answers 404, exactly as an address where there is no pledge.
    """
    if not findable(slug):
        abort(404)
    pledge = db.first_or_404(sa.select(Pledge).where(Pledge.slug == slug).options(*_PAGE))
    if not access.can(None, "view", pledge):
        abort(404)
    actions = pledge.current_actions
    return {
        **_summary(pledge, len(actions), latest_actions([pledge.id]).get(pledge.id)),
        "text": pledge.text,
        "actions_intro": pledge.actions_intro,
        "text_format": pledge.text_format,
        "budget": _budget(pledge),
        "actions": [_action(action, pledge.language) for action in actions],
    }


# --- what a pledge looks like in the API ------------------------------------------------------------


def _action_counts(pledge_ids: list[int]) -> dict[int, int]:
    """How many current (not withdrawn) actions each pledge has: one query for the page."""
    if not pledge_ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(ActionTaken.pledge_id, sa.func.count(ActionTaken.id))
            .where(ActionTaken.pledge_id.in_(pledge_ids), ActionTaken.withdrawn_at.is_(None))
            .group_by(ActionTaken.pledge_id)
        ).all()
    )


def _summary(pledge: Pledge, actions_count: int, latest: LatestAction | None) -> dict:
    return {
        "slug": pledge.slug,
        "url": url_for("pledges.show", slug=pledge.slug, _external=True),
        "title": pledge.title,
        "state": pledge.status,
        "forum": pledge.forum.name if pledge.forum else None,
        "themes": [theme.name for theme in pledge.themes],
        "countries": [country.name for country in pledge.countries],
        "region": pledge.region,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "period_note": pledge.period_note,
        "language": pledge.language,
        "translations": pledge.translations or {},
        "source_reference": pledge.source_reference,
        "source_url": pledge.source_url,
        "signatories": [
            {"name": s.organisation.name, "slug": s.organisation.slug, "lead": s.is_lead} for s in pledge.signatories
        ],
        "signatories_note": pledge.signatories_note,
        "actions_count": actions_count,
        "last_action_on": machine_date(latest.date, latest.precision) if latest else None,
        "published_at": pledge.published_at,
        "completed_at": pledge.completed_at,
        "outcome": _outcome(pledge),
        "indicators": [indicators.as_data(indicator) for indicator in pledge.indicators],
        "updated_at": pledge.changed_at,
    }


def _outcome(pledge: Pledge) -> dict | None:
    """Its signatories' rating of what changed, once it is done."""
    if pledge.outcome_label is None:
        return None
    return {
        "rating": pledge.outcome_rating,
        "label": str(pledge.outcome_label),  # (a str: the JSON body holds no lazy text)
        "justification": pledge.outcome_justification,
    }


def _budget(pledge: Pledge) -> dict | None:
    if pledge.budget_amount is None:
        return None
    return {"amount": _decimal(pledge.budget_amount), "currency": pledge.budget_currency, "note": pledge.budget_note}


def _action(action: ActionTaken, pledge_language: str) -> dict:
    return {
        "date": machine_date(action.date, action.date_precision) or None,
        "date_precision": action.date_precision.value,
        "heading": action.heading,
        "summary": action.summary,
        "details": action.details or "",
        "text_format": action.text_format,
        "language": action.language or pledge_language,
        "translations": action.translations or {},
        "source_reference": action.source_reference,
        "source_url": action.source_url,
        "organisations": [organisation.name for organisation in action.organisations],
        "figures": [
            {
                "label": figure.label,
                "value": _decimal(figure.value),
                "unit": figure.unit,
                "year": figure.year,
                "period_note": figure.period_note,
                "indicator": figure.indicator.name if figure.indicator else None,
            }
            for figure in action.figures
        ],
        "links": [{"url": link.url, "title": link.title} for link in action.links],
        "files": [
            file_data(
                file,
                url_for(
                    "pledges.action_file", slug=action.pledge.slug, action_id=action.id, file_id=file.id, _external=True
                ),
            )
            for file in action.files
        ],
    }


def _decimal(value) -> str:
    """An exact amount as a string with its two decimals ("80000000.00"), never a float."""
    return f"{value:.2f}"
