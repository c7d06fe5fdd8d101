"""The open-data files, written: pledges.csv, actions.csv and recommendations.csv as the
public downloads them and `flask data export` writes them, byte for byte — and, for admins,
every kind an import reads (organisations, meetings, outcomes, recommendations with their
private columns, progress updates)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...accounts.models import Organisation
from ...core import csv_cells, indicators
from ...core.dates import machine_date
from ...core.extensions import db
from ...pledges.indicators import PledgeIndicator
from ...pledges.models import ActionFigure, ActionTaken, Pledge, PledgeSignatory
from ...roundtables.models import (
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Roundtable,
)
from .columns import (
    ACTION_COLUMNS,
    BOM,
    MEETING_COLUMNS,
    ORGANISATION_COLUMNS,
    OUTCOME_COLUMNS,
    PLEDGE_COLUMNS,
    PUBLIC_RECOMMENDATION_COLUMNS,
    RECOMMENDATION_COLUMNS,
    SEPARATOR,
    UPDATE_COLUMNS,
)


def export_pledges(pledges: sa.Select[Any], link: Callable[[Pledge], str]) -> str:
    """pledges.csv for the pledges `pledges` (a select of Pledge, e.g. a public list's
    `select(state)`) finds — ordered by slug, whatever order it asks for. `link(pledge)` is
    its public page's address (the `url` column)."""
    query = pledges.order_by(None).options(
        joinedload(Pledge.forum),
        selectinload(Pledge.themes),
        selectinload(Pledge.countries),
        selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation),
        selectinload(Pledge.indicators).selectinload(PledgeIndicator.figures).joinedload(ActionFigure.action),
    )
    rows = [_pledge_row(pledge, link) for pledge in sorted(db.session.scalars(query), key=lambda p: p.slug)]
    return _csv(PLEDGE_COLUMNS, rows)


def _pledge_row(pledge: Pledge, link: Callable[[Pledge], str]) -> dict[str, Any]:
    lead = pledge.lead_signatory
    return {
        "slug": pledge.slug,
        "title": pledge.title,
        "state": pledge.status,
        "forum": pledge.forum.name if pledge.forum else None,
        "themes": _names(pledge.themes),
        "countries": _names(pledge.countries),
        "region": pledge.region,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "period_note": pledge.period_note,
        "budget_amount": decimal_text(pledge.budget_amount),
        "budget_currency": pledge.budget_currency,
        "budget_note": pledge.budget_note,
        "lead_signatory": lead.name if lead else None,
        "other_signatories": _names(s.organisation for s in pledge.signatories if not s.is_lead),
        "signatories_note": pledge.signatories_note,
        "published_on": pledge.published_at.date().isoformat() if pledge.published_at else None,
        "completed_on": pledge.completed_at.date().isoformat() if pledge.completed_at else None,
        "text": pledge.text,
        "actions_intro": pledge.actions_intro,
        "text_format": pledge.text_format,
        "language": pledge.language,
        "translations": _json(pledge.translations) if pledge.translations else None,
        "source_reference": pledge.source_reference,
        "source_url": pledge.source_url,
        "indicators": _json([indicator_json(indicator) for indicator in pledge.indicators])
        if pledge.indicators
        else None,
        "url": link(pledge),
    }


def export_actions(pledges: sa.Select) -> str:
    """actions.csv: the current (not withdrawn) actions of the pledges `pledges` finds,
    ordered by pledge slug, then position."""
    pledge_ids = pledges.with_only_columns(Pledge.id).order_by(None)
    query = (
        sa.select(Pledge.slug, ActionTaken)
        .join(ActionTaken.pledge)
        .where(ActionTaken.pledge_id.in_(pledge_ids), ActionTaken.withdrawn_at.is_(None))
        .options(
            joinedload(ActionTaken.attributed_to),
            selectinload(ActionTaken.organisation_rows),
            selectinload(ActionTaken.figures).joinedload(ActionFigure.indicator),
            selectinload(ActionTaken.links),
        )
    )
    rows = []
    for slug, action in sorted(db.session.execute(query), key=lambda row: (row[0], row[1].position, row[1].id)):
        rows.append(
            {
                "pledge": slug,
                "position": action.position,
                "date": machine_date(action.date, action.date_precision),
                "heading": action.heading,
                "summary": action.summary,
                "details": action.details,
                "attributed_to": action.attributed_to.name if action.attributed_to else None,
                "organisations": _names(action.organisations),
                "figures": _json([_figure_json(figure) for figure in action.figures]),
                "links": _json([{"url": link.url, "title": link.title} for link in action.links]),
                "text_format": action.text_format,
                "language": action.language,
                "translations": _json(action.translations) if action.translations else None,
                "source_reference": action.source_reference,
                "source_url": action.source_url,
            }
        )
    return _csv(ACTION_COLUMNS, rows)


def export_organisations() -> str:
    """organisations.csv: every confirmed organisation (not those staff proposed and no admin
    has checked yet), ordered by name — an import file of its own."""
    query = sa.select(Organisation).where(Organisation.confirmed.is_(True)).order_by(Organisation.name)
    rows = [
        {"name": org.name, "short_name": org.short_name, "kind": org.kind.value, "country": org.country}
        for org in db.session.scalars(query)
    ]
    return _csv(ORGANISATION_COLUMNS, rows)


def decimal_text(value: Decimal | None) -> str | None:
    """An exact decimal without needless zeros or exponent: 3, 2037.5, 0.25."""
    if value is None:
        return None
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _figure_json(figure: ActionFigure) -> dict:
    return {
        "label": figure.label,
        "value": decimal_text(figure.value),
        "unit": figure.unit,
        "year": figure.year,
        "period_note": figure.period_note,
        **({"indicator": figure.indicator.name} if figure.indicator is not None else {}),
    }


def _indicators_cell(items: list[Any]) -> str | None:
    return _json([indicator_json(indicator) for indicator in items]) if items else None


def indicator_json(indicator: Any) -> dict:
    """An indicator in a CSV cell: what the import reads, then where it stands (derived,
    ignored by the import)."""
    data = indicators.as_data(indicator)
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": decimal_text(indicator.baseline_value),
        "baseline_date": indicator.baseline_date.isoformat() if indicator.baseline_date else None,
        "target": decimal_text(indicator.target_value),
        "target_date": indicator.target_date.isoformat() if indicator.target_date else None,
        "combine": indicator.combine,
        "achieved": decimal_text(indicator.progress.achieved),
        "percent": data["percent"],
    }


def _json(items: list | dict) -> str:
    return json.dumps(items, ensure_ascii=False)


def _names(records: Iterable) -> str:
    return SEPARATOR.join(record.name for record in records)


def _csv(columns: Iterable[str], rows: list[dict[str, Any]]) -> str:
    columns = list(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cells.escape(row[column]) for column in columns])
    return BOM + out.getvalue()


# --- meetings and what they issued ------------------------------------------------------------


def _meetings(public: bool) -> list[Roundtable]:
    """Every meeting (public ones only for the public), in the order of their days, then titles."""
    query = sa.select(Roundtable).options(
        joinedload(Roundtable.forum),
        selectinload(Roundtable.co_chairs),
        selectinload(Roundtable.participants),
        selectinload(Roundtable.outcome_groups).selectinload(OutcomeGroup.outcomes),
    )
    if public:
        query = query.where(Roundtable.is_public.is_(True))
    return sorted(db.session.scalars(query), key=lambda meeting: (meeting.start_date, meeting.title))


def export_meetings() -> str:
    """meetings.csv: every meeting or review, an import file of its own."""
    rows = [
        {
            "meeting": meeting.title,
            "slug": meeting.slug,
            "kind": meeting.kind,
            "start_date": meeting.start_date.isoformat(),
            "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
            "forum": meeting.forum.name if meeting.forum else None,
            "place": meeting.place,
            "co_chairs": _names(meeting.co_chairs),
            "participants": _names(meeting.participants),
            "participants_note": meeting.participants_note,
            "summary": meeting.summary,
            "public": "yes" if meeting.is_public else "no",
        }
        for meeting in _meetings(public=False)
    ]
    return _csv(MEETING_COLUMNS, rows)


def export_outcomes() -> str:
    """outcomes.csv: each meeting's headings in order, each outcome under its heading (a
    heading without outcomes has a row of its own, its outcome empty)."""
    rows = []
    for meeting in _meetings(public=False):
        for group in meeting.outcome_groups:
            outcomes: list[str | None] = [outcome.text for outcome in group.outcomes] or [None]
            rows += [{"meeting": meeting.title, "heading": group.heading, "outcome": text} for text in outcomes]
    return _csv(OUTCOME_COLUMNS, rows)


def _recommendations(meetings: list[Roundtable], public: bool) -> list[Recommendation]:
    query = (
        sa.select(Recommendation)
        .where(Recommendation.roundtable_id.in_([meeting.id for meeting in meetings]))
        .options(
            selectinload(Recommendation.owners).joinedload(RecommendationOwner.organisation),
            selectinload(Recommendation.recommending_rows),
            joinedload(Recommendation.group),
            selectinload(Recommendation.indicators),
            selectinload(Recommendation.updates),  # (what its indicators have reached)
        )
    )
    if public:
        query = query.where(Recommendation.status != "draft")
    order = {meeting.id: place for place, meeting in enumerate(meetings)}
    return sorted(db.session.scalars(query), key=lambda r: (order[r.roundtable_id], r.id))


def export_recommendations(*, public: bool) -> str:
    """recommendations.csv: every recommendation with its owners, state and dates. The
    public's holds the agreed ones of public meetings, without the private columns (the
    contact person)."""
    meetings = _meetings(public)
    by_id = {meeting.id: meeting for meeting in meetings}
    rows = []
    for recommendation in _recommendations(meetings, public):
        meeting = by_id[recommendation.roundtable_id]
        rows.append(
            {
                "meeting": meeting.title,
                "meeting_kind": meeting.kind,
                "meeting_date": meeting.start_date.isoformat(),
                "heading": recommendation.group.heading if recommendation.group else None,
                "reference": recommendation.reference,
                "text": recommendation.text,
                "recommending": _names(recommendation.recommending),
                "owners": _names(recommendation.owner_organisations),
                "addressee": recommendation.addressee_note,
                "response": recommendation.response,
                "response_date": _day(recommendation.response_date),
                "state": recommendation.status,
                "due_date": _day(recommendation.due_date),
                "agreed_on": _day(recommendation.agreed_on),
                "done_on": _day(recommendation.completed_on),
                "verified_on": _day(recommendation.verified_at.date() if recommendation.verified_at else None),
                "language": recommendation.language,
                "translations": _json(recommendation.translations) if recommendation.translations else None,
                "source_url": recommendation.source_url,
                "indicators": _indicators_cell(recommendation.indicators),
                "contact_name": recommendation.contact_name,
                "contact_email": recommendation.contact_email,
            }
        )
    return _csv(PUBLIC_RECOMMENDATION_COLUMNS if public else RECOMMENDATION_COLUMNS, rows)


def export_updates() -> str:
    """progress_updates.csv: each owner's dated updates, a recommendation named by its
    reference (its text where the reference is not its meeting's only one)."""
    meetings = _meetings(public=False)
    by_id = {meeting.id: meeting for meeting in meetings}
    recommendations = _recommendations(meetings, public=False)
    references = Counter((r.roundtable_id, r.reference) for r in recommendations if r.reference)
    named = {
        r.id: (
            r.roundtable_id,
            r.reference if r.reference and references[(r.roundtable_id, r.reference)] == 1 else r.text,
        )
        for r in recommendations
    }
    query = sa.select(ProgressUpdate).options(
        joinedload(ProgressUpdate.organisation), joinedload(ProgressUpdate.indicator)
    )
    updates = sorted(db.session.scalars(query), key=lambda u: (u.recommendation_id, u.date, u.id))
    rows = [
        {
            "meeting": by_id[named[update.recommendation_id][0]].title,
            "recommendation": named[update.recommendation_id][1],
            "date": update.date.isoformat(),
            "organisation": update.organisation.name,
            "text": update.text,
            "indicator": update.indicator.name if update.indicator else None,
            "value": decimal_text(update.value),
        }
        for update in updates
    ]
    return _csv(UPDATE_COLUMNS, rows)


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
