"""Roundtable pages: the list, the public follow-through page, the roundtable editor, the
outcomes editor (headings and outcomes added, edited, reordered) and the history. Each
view loads the roundtable, checks access (`core.access`), calls one operation and
commits once."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from ...accounts.models import Organisation
from ...core import access, clock
from ...core.changes import REFUSALS, EditConflict
from ...core.extensions import db
from ...core.history import newest_first
from ...core.web.conditional import cacheable
from ...core.web.forms import records_by_id
from ...core.web.lists import list_page, paginate
from ...core.web.refusals import show_conflict, show_refusal
from .. import catalogue, operations, queries
from ..forms import HeadingForm, MoveForm, OutcomeForm, RoundtableForm
from ..models import Outcome, OutcomeGroup, Recommendation, Roundtable
from .blueprint import bp
from .loading import RECOMMENDATION_ROWS, ROUNDTABLE_PAGE, load_part, load_roundtable


@bp.route("/roundtables")
@cacheable
def index():
    """The roundtables this visitor may see (public ones, and those their organisation
    co-chairs), searched and filtered as the URL says."""
    listed = list_page(
        catalogue.roundtables_for(current_user),
        options=(joinedload(Roundtable.forum), selectinload(Roundtable.co_chairs)),
    )
    counts = queries.agreed_and_verified([roundtable.id for roundtable in listed.page.items])
    return render_template("roundtables/index.html", lp=listed, counts=counts)


@bp.route("/roundtables/<slug>")
@cacheable
def show(slug: str):
    """The public follow-through page: outcomes, and the agreed recommendations with their
    owners, state and progress. Never drafts, contact details or private review words —
    whoever is looking (co-chairs work on the dashboard)."""
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    agreed = queries.agreed_recommendations(roundtable)
    grouped = queries.by_outcome(agreed)
    by_heading = queries.by_heading(agreed)
    today = clock.today()
    return render_template(
        "roundtables/show.html",
        roundtable=roundtable,
        today=today,
        state_chart=queries.state_chart(agreed, today),
        by_outcome=grouped,
        by_heading=by_heading,
        unlinked=by_heading.get(None, []),
        agreed_count=len(agreed),
        states=queries.count_by_state(agreed),
    )


# --- the roundtable editor ------------------------------------------------------------------


def _roundtable_content(form: RoundtableForm) -> dict:
    return {
        "co_chairs": records_by_id(Organisation, form.co_chairs.data),
        "participants": records_by_id(Organisation, form.participants.data),
        **form.roundtable_fields(),
    }


@bp.route("/roundtables/new", methods=["GET", "POST"])
@login_required
def new():
    access.require(current_user, "create_roundtable")
    form = RoundtableForm()
    if request.method == "GET" and current_user.organisation_id:
        form.co_chairs.data = [current_user.organisation_id]
    if form.validate_on_submit():
        try:
            roundtable = operations.create_roundtable(current_user, **_roundtable_content(form))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            if not access.can(current_user, "edit", roundtable):
                # Recorded for other organisations to chair: theirs to follow through.
                flash(
                    _("%(kind)s saved; its co-chairs' staff add its outcomes.", kind=roundtable.kind_label), "success"
                )
                return redirect(url_for(".index"))
            flash(
                _("%(kind)s saved. Now add its outcomes under their headings.", kind=roundtable.kind_label), "success"
            )
            return redirect(url_for(".outcomes", slug=roundtable.slug))
    return render_template("roundtables/edit.html", form=form, roundtable=None), (
        422 if request.method == "POST" else 200
    )


@bp.route("/roundtables/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    form = RoundtableForm()
    if request.method == "GET":
        form.fill_from(roundtable)
    if form.validate_on_submit():
        try:
            operations.edit_roundtable(
                roundtable, current_user, expected_version=form.version.data, **_roundtable_content(form)
            )
        except EditConflict as clash:
            show_conflict(form, clash, _("on the roundtable's page"))
            return render_template("roundtables/edit.html", form=form, roundtable=roundtable), 409
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Roundtable saved."), "success")
            return redirect(url_for(".show", slug=roundtable.slug))
    return render_template("roundtables/edit.html", form=form, roundtable=roundtable), (
        422 if request.method == "POST" else 200
    )


# --- the outcomes editor --------------------------------------------------------------------


def _outcomes_page(roundtable: Roundtable, *, heading_form=None, outcome_forms=None, status=200):
    """Headings and outcomes with their recommendations (drafts too: this is the co-chairs'
    page), a form to add a heading, and one per heading to add an outcome."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.roundtable_id == roundtable.id)
        .options(*RECOMMENDATION_ROWS)
        .order_by(Recommendation.id)
    ).all()
    by_outcome = queries.by_outcome(recommendations)
    outcome_forms = outcome_forms or {}
    for number, group in enumerate(roundtable.outcome_groups, start=1):
        form = outcome_forms.setdefault(group.id, OutcomeForm(roundtable, prefix=f"group-{group.id}"))
        form.text.label.text = _("Add an outcome under heading %(number)s", number=number)

    return render_template(
        "roundtables/outcomes.html",
        roundtable=roundtable,
        by_outcome=by_outcome,
        heading_form=heading_form or HeadingForm(prefix="new-heading"),
        outcome_forms=outcome_forms,
        move_form=MoveForm(),
    ), status


@bp.route("/roundtables/<slug>/outcomes")
@login_required
def outcomes(slug: str):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    return _outcomes_page(roundtable)


def _back_to_outcomes(roundtable: Roundtable, message: str, anchor: str | None = None):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".outcomes", slug=roundtable.slug, _anchor=anchor))


@bp.route("/roundtables/<slug>/headings", methods=["POST"])
@login_required
def add_heading(slug: str):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    form = HeadingForm(prefix="new-heading")
    if form.validate_on_submit():
        try:
            group = operations.add_outcome_group(roundtable, current_user, heading=form.heading.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            return _back_to_outcomes(roundtable, _("Heading added. Add its outcomes below it."), f"heading-{group.id}")
    return _outcomes_page(load_roundtable(slug, *ROUNDTABLE_PAGE), heading_form=form, status=422)


@bp.route("/roundtables/<slug>/headings/<int:group_id>/outcomes", methods=["POST"])
@login_required
def add_outcome(slug: str, group_id: int):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    group = load_part(OutcomeGroup, group_id, roundtable)
    form = OutcomeForm(roundtable, prefix=f"group-{group.id}")
    form.group.data = group.id  # the heading is the one whose form was used
    form.group.raw_data = None
    if form.validate_on_submit():
        try:
            outcome = operations.add_outcome(group, current_user, text=form.text.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            return _back_to_outcomes(roundtable, _("Outcome added."), f"outcome-{outcome.id}")
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    return _outcomes_page(roundtable, outcome_forms={group_id: form}, status=422)


@bp.route("/roundtables/<slug>/headings/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit_heading(slug: str, group_id: int):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    group = load_part(OutcomeGroup, group_id, roundtable)
    form = HeadingForm()
    if request.method == "GET":
        form.heading.data = group.heading
    if form.validate_on_submit():
        try:
            operations.edit_outcome_group(group, current_user, heading=form.heading.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            return _back_to_outcomes(roundtable, _("Heading saved."), f"heading-{group.id}")
    return render_template("roundtables/part_form.html", form=form, roundtable=roundtable, what="heading"), (
        422 if request.method == "POST" else 200
    )


@bp.route("/roundtables/<slug>/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
@login_required
def edit_outcome(slug: str, outcome_id: int):
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    outcome = load_part(Outcome, outcome_id, roundtable)
    form = OutcomeForm(roundtable)
    if request.method == "GET":
        form.text.data = outcome.text
        form.group.data = outcome.group_id
    if form.validate_on_submit():
        try:
            group = load_part(OutcomeGroup, form.group.data, roundtable)
            operations.edit_outcome(outcome, current_user, text=form.text.data, group=group)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            return _back_to_outcomes(roundtable, _("Outcome saved."), f"outcome-{outcome.id}")
    return render_template("roundtables/part_form.html", form=form, roundtable=roundtable, what="outcome"), (
        422 if request.method == "POST" else 200
    )


@bp.route("/roundtables/<slug>/<any(headings, outcomes):kind>/<int:record_id>/move", methods=["POST"])
@login_required
def move(slug: str, kind: str, record_id: int):
    """Move a heading or an outcome one place up or down (buttons, no JavaScript needed)."""
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "edit", roundtable)
    record = load_part(OutcomeGroup if kind == "headings" else Outcome, record_id, roundtable)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400, _("Say whether to move it up or down."))
    mover = operations.move_outcome_group if kind == "headings" else operations.move_outcome
    try:
        mover(record, current_user, form.direction.data)
    except REFUSALS as refusal:
        db.session.rollback()
        flash(str(refusal), "danger")
        return redirect(url_for(".outcomes", slug=roundtable.slug))
    anchor = f"{'heading' if kind == 'headings' else 'outcome'}-{record.id}"
    moved = _("Moved up.") if form.direction.data == "up" else _("Moved down.")
    return _back_to_outcomes(roundtable, moved, anchor)


# --- history --------------------------------------------------------------------------------


@bp.route("/roundtables/<slug>/history")
@login_required
def history(slug: str):
    roundtable = load_roundtable(slug)
    access.require(current_user, "view_history", roundtable)
    page = paginate(newest_first(roundtable))
    return render_template("roundtables/history.html", roundtable=roundtable, page=page)
