"""The co-chairs' follow-through: the dashboard (per roundtable, and across all they
co-chair), the review queue, and the report for the next meeting (print and CSV).

Every figure comes from `follow_through.summarise` and every list from
`follow_through.recommendations_query`, which share their rules; each figure links to the
list it counts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from ...accounts.models import Organisation
from ...core import access, clock, outcomes
from ...core.extensions import db
from ...core.web import pdf
from ...core.web.lists import paginate
from ...core.web.render_cache import kept_for_each_person
from .. import follow_through
from ..forms import FollowThroughFilter
from ..models import ProgressUpdate, Recommendation, RecommendationOwner, Roundtable
from ..report import report_csv as report_csv_text
from ..workflow import VERIFIED
from .blueprint import bp
from .loading import RECOMMENDATION_ROWS, load_roundtable


def _owners_of(roundtable_ids: Any) -> Sequence[Organisation]:
    """Organisations owning a recommendation of these roundtables: the owner filter's choices."""
    return db.session.scalars(
        sa.select(Organisation)
        .where(
            Organisation.id.in_(
                sa.select(RecommendationOwner.organisation_id)
                .join(Recommendation, Recommendation.id == RecommendationOwner.recommendation_id)
                .where(Recommendation.roundtable_id.in_(roundtable_ids))
            )
        )
        .order_by(Organisation.name)
    ).all()


def _dashboard(template: str, roundtable_ids, *, roundtable=None, roundtables=()):
    today = clock.today()
    form = FollowThroughFilter(
        request.args,
        roundtables=roundtables,
        owners=_owners_of(roundtable_ids),
        headings=roundtable.outcome_groups if roundtable else (),
    )
    filters = form.filters()
    page = paginate(follow_through.recommendations_query(roundtable_ids, filters, today).options(*RECOMMENDATION_ROWS))
    return render_template(
        template,
        roundtable=roundtable,
        roundtables=roundtables,
        per_roundtable=follow_through.summarise_each([rt.id for rt in roundtables], today),
        summary=follow_through.summarise(roundtable_ids, today),
        page=page,
        form=form,
        filtered=filters.any(),
        today=today,
        states=follow_through.STATES,
        is_overdue=follow_through.is_overdue,
        is_stale=follow_through.is_stale,
        stale_days=follow_through.STALE_AFTER_DAYS,
        due_soon_days=follow_through.DUE_SOON_DAYS,
    )


@bp.route("/roundtables/<slug>/follow-through")
@login_required
@kept_for_each_person
def dashboard(slug: str):
    roundtable = load_roundtable(slug, selectinload(Roundtable.outcome_groups), selectinload(Roundtable.co_chairs))
    access.require(current_user, "follow_through", roundtable)
    return _dashboard("roundtables/dashboard.html", [roundtable.id], roundtable=roundtable)


def my_roundtables() -> Sequence[Roundtable]:
    access.require(current_user, "review_follow_through")
    return db.session.scalars(
        sa.select(Roundtable)
        .where(Roundtable.id.in_(follow_through.co_chaired_roundtable_ids(current_user)))
        .options(selectinload(Roundtable.co_chairs))
        .order_by(Roundtable.start_date.desc(), Roundtable.id.desc())
    ).all()


@bp.route("/roundtables/follow-through")
@login_required
@kept_for_each_person
def dashboard_all():
    """Across every roundtable the co-chair's government co-chairs (a table of them, the
    totals, and the recommendations of all of them)."""
    roundtables = my_roundtables()
    return _dashboard("roundtables/dashboard.html", [rt.id for rt in roundtables], roundtables=roundtables)


# --- the report ------------------------------------------------------------------------------


def _report_rows(roundtable: Roundtable):
    """The rows of the report: every recommendation passing the filters, each with its
    latest update and review loaded."""
    today = clock.today()
    form = FollowThroughFilter(
        request.args, roundtables=(), owners=_owners_of([roundtable.id]), headings=roundtable.outcome_groups
    )
    query = follow_through.recommendations_query([roundtable.id], form.filters(), today).options(
        *RECOMMENDATION_ROWS,
        selectinload(Recommendation.updates).joinedload(ProgressUpdate.organisation),
        selectinload(Recommendation.indicators),
        joinedload(Recommendation.verified_by),
        joinedload(Recommendation.sent_back_by),
    )
    return form, db.session.scalars(query).all(), today


@bp.route("/roundtables/<slug>/report")
@login_required
def report(slug: str):
    return _report_page(slug)


@bp.route("/roundtables/<slug>/report.pdf")
@login_required
def report_pdf(slug: str) -> Response:
    """The follow-through report as PDF, for the next meeting's papers (its co-chairs')."""
    return pdf.pdf(_report_page(slug), f"{slug}-follow-through-{clock.today().isoformat()}.pdf")


def _report_page(slug: str) -> str:
    roundtable = load_roundtable(
        slug, selectinload(Roundtable.outcome_groups), selectinload(Roundtable.co_chairs), joinedload(Roundtable.forum)
    )
    access.require(current_user, "follow_through", roundtable)
    form, rows, today = _report_rows(roundtable)
    return render_template(
        "roundtables/report.html",
        roundtable=roundtable,
        rows=rows,
        form=form,
        today=today,
        summary=follow_through.summarise([roundtable.id], today),
        is_overdue=follow_through.is_overdue,
        ratings=outcomes.counted(rows),
        verified=sum(1 for row in rows if row.status == VERIFIED),
    )


@bp.route("/roundtables/<slug>/report.csv")
@login_required
def report_csv(slug: str) -> Response:
    roundtable = load_roundtable(slug, selectinload(Roundtable.outcome_groups), selectinload(Roundtable.co_chairs))
    access.require(current_user, "follow_through", roundtable)
    _form, rows, today = _report_rows(roundtable)
    filename = f"{roundtable.slug}-follow-through-{today.isoformat()}.csv"
    return Response(
        report_csv_text(roundtable, rows, today),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
