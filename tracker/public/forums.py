"""A forum's page (/forums/<slug>): a conference's, a process's or a programme's pledges as a
whole — how many, how far they have got, by theme, country and kind of signatory, the
latest actions taken — and the roundtables of a process with their follow-through. Every
figure is of published pledges and public roundtables only (`permissions`), and each count
that a list can show links to that list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..accounts.models import Organisation
from ..core import access, indicators
from ..core.extensions import db
from ..core.listing import ListState
from ..pledges import catalogue, feeds
from ..pledges.indicators import PledgeIndicator
from ..pledges.models import SIGNED, ActionFigure, ActionTaken, Pledge, PledgeSignatory
from ..roundtables import queries
from ..roundtables.models import Recommendation, Roundtable
from ..roundtables.workflow import DRAFT
from ..taxonomy.models import Forum

# A chart's row: its label, its count, the list it counts (or None) and a flag (or None).
ChartRow = tuple[Any, int, str | None, Any]
# A chart: its id, title, description and rows.
Chart = tuple[str, str | LazyString, str | LazyString, list[ChartRow]]

# The forum page's charts of its pledges: the pledge list's filters, within the forum.
PLEDGE_CHARTS = [
    (
        "state",
        _l("Pledges by state"),
        _l("How many of its published pledges are in progress and how many are done."),
    ),
    (
        "theme",
        _l("Pledges by theme"),
        _l("How many of its published pledges address each theme (a pledge may have several)."),
    ),
    (
        "region",
        _l("Pledges by region of the world"),
        _l("How many of its published pledges cover a country or region in each region of the world."),
    ),
    (
        "country",
        _l("Pledges by country or region"),
        _l("How many of its published pledges cover each country or region."),
    ),
    (
        "outcome",
        _l("Done pledges by what changed"),
        _l("How its done pledges' signatories rated what changed, beyond their being done."),
    ),
]


@dataclass
class ForumOverview:
    forum: Forum
    pledges: int
    done: int
    with_actions: int
    actions: int
    charts: list[Chart]
    latest: list[ActionTaken]
    roundtables: list[tuple[Roundtable, int, int]]  # (roundtable, agreed, verified)
    recommendations_chart: list[ChartRow]
    indicator_totals: list[dict[str, Any]]  # where units agree (core.indicators.totals_by_unit)


def overview(forum: Forum, today: Any) -> ForumOverview:
    state = ListState(filters={"forum": str(forum.id)})
    values = catalogue.PLEDGES.facet_values(state, only=("state", *(param for param, _, _ in PLEDGE_CHARTS)))
    by_state = {value.key: value.count for value in values["state"]}
    published = sa.and_(access.visible(catalogue.PUBLIC, Pledge), Pledge.forum_id == forum.id)
    current = sa.and_(ActionTaken.withdrawn_at.is_(None), ActionTaken.pledge_id == Pledge.id)
    with_actions, actions = db.session.execute(
        sa.select(sa.func.count(sa.distinct(ActionTaken.pledge_id)), sa.func.count(ActionTaken.id))
        .select_from(Pledge)
        .join(ActionTaken, current)
        .where(published)
    ).one()
    charts: list[Chart] = [
        (f"chart-{param}", title, description, _rows(forum, param, values[param]))
        for param, title, description in PLEDGE_CHARTS
    ]
    charts.append(
        (
            "chart-signatories",
            _("Pledges by kind of signatory"),
            _(
                "How many of its published pledges each kind of organisation signed (a pledge signed by a "
                "National Society and a government counts once under each)."
            ),
            _signatory_kinds(published),
        )
    )
    meetings = _roundtables(forum)
    return ForumOverview(
        forum=forum,
        pledges=sum(by_state.values()),
        done=by_state.get("done", 0),
        with_actions=int(with_actions),
        actions=int(actions),
        charts=charts,
        latest=feeds.latest_actions(limit=8, by_date=True, forum_id=forum.id),
        roundtables=meetings,
        recommendations_chart=_recommendations_chart([roundtable.id for roundtable, _a, _v in meetings], today),
        indicator_totals=indicators.totals_by_unit(_indicators(published)),
    )


def _indicators(published: Any) -> list[PledgeIndicator]:
    """The indicators of its published pledges, with the figures that count towards them."""
    return list(
        db.session.scalars(
            sa.select(PledgeIndicator)
            .join(Pledge, PledgeIndicator.pledge_id == Pledge.id)
            .where(published)
            .options(selectinload(PledgeIndicator.figures).joinedload(ActionFigure.action))
        )
    )


def _rows(forum: Forum, param: str, values) -> list[ChartRow]:
    return [
        (value.label, value.count, _pledge_list(forum, param, value.key), None)
        for value in (values if param == "outcome" else sorted(values, key=lambda value: -value.count))
    ]


def _pledge_list(forum: Forum, param: str, key: str) -> str:
    arguments: dict[str, Any] = {"forum": forum.id, param: key}
    return url_for("pledges.index", **arguments)


def _signatory_kinds(published) -> list[ChartRow]:
    rows = db.session.execute(
        sa.select(Organisation.kind, sa.func.count(sa.distinct(Pledge.id)))
        .select_from(Pledge)
        .join(PledgeSignatory, sa.and_(PledgeSignatory.pledge_id == Pledge.id, PledgeSignatory.status == SIGNED))
        .join(Organisation, Organisation.id == PledgeSignatory.organisation_id)
        .where(published)
        .group_by(Organisation.kind)
    ).all()
    return [(kind.label, int(count), None, None) for kind, count in sorted(rows, key=lambda row: -row[1])]


def _roundtables(forum: Forum) -> list[tuple[Roundtable, int, int]]:
    roundtables = list(
        db.session.scalars(
            sa.select(Roundtable)
            .where(Roundtable.forum_id == forum.id, access.visible(None, Roundtable))
            .order_by(Roundtable.start_date.desc(), Roundtable.id)
        )
    )
    counts = queries.agreed_and_verified([roundtable.id for roundtable in roundtables])
    return [(roundtable, *counts.get(roundtable.id, (0, 0))) for roundtable in roundtables]


def _recommendations_chart(roundtable_ids: list[int], today: Any) -> list[ChartRow]:
    """Its public roundtables' agreed recommendations by state, the overdue flagged."""
    if not roundtable_ids:
        return []
    agreed = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.roundtable_id.in_(roundtable_ids), Recommendation.status != DRAFT
        )
    ).all()
    return list(queries.state_chart(agreed, today)) if agreed else []


def pledges_of(forum: Forum) -> list[Pledge]:
    """Its published pledges, A–Z, with their signatories and actions (for its report)."""
    query = (
        catalogue.PLEDGES.select(ListState(filters={"forum": str(forum.id)}))
        .order_by(None)
        .order_by(Pledge.title, Pledge.id)
        .options(
            selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation),
            selectinload(Pledge.themes),
            selectinload(Pledge.actions),
            selectinload(Pledge.indicators).selectinload(PledgeIndicator.figures).joinedload(ActionFigure.action),
        )
    )
    return list(db.session.scalars(query))
