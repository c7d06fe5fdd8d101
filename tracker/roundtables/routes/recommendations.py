"""Recommendation pages: agreeing one (from an outcome or directly), its page with the
owners' and co-chairs' buttons, progress updates, the editor, its history, and the owners'
"recommendations my organisation owns"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...accounts.models import Organisation
from ...core import access, clock
from ...core.changes import REFUSALS, EditConflict
from ...core.extensions import db
from ...core.history import newest_first
from ...core.web.evidence import allow_evidence_files
from ...core.web.fields import uploads_of
from ...core.web.forms import OutcomeRatingForm, records_by_id, workflow_buttons
from ...core.web.indicators import edit_indicators
from ...core.web.lists import paginate
from ...core.web.refusals import show_conflict, show_refusal
from ...core.web.translations import edit_translation
from .. import follow_through, operations, queries
from ..forms import FollowThroughFilter, ProgressUpdateForm, RecommendationForm, RecommendationTransitionForm
from ..models import Outcome, OutcomeGroup, Recommendation, Roundtable
from . import review
from .blueprint import bp
from .buttons import BUTTONS, DONE_MESSAGES, REVIEW_EVENTS, TRANSITION_HEADINGS, rule_data
from .loading import ROUNDTABLE_PAGE, load_part, load_recommendation, load_roundtable


def transition_forms(recommendation: Recommendation, refused: tuple[str, RecommendationTransitionForm] | None = None):
    """The buttons this person may press now, each a form (the refused one keeps its words)."""
    forms = workflow_buttons(recommendation, current_user, RecommendationTransitionForm, refused)
    for event, form in forms.items():
        label, _style, words_label = BUTTONS[event]
        form.words.label.text = words_label or _("Comment (optional)")
        form.submit.label.text = label
    return forms


# --- agreeing a recommendation ------------------------------------------------------------------


def _recommendation_content(form: RecommendationForm, roundtable: Roundtable) -> dict:
    group = load_part(OutcomeGroup, form.group.data, roundtable) if form.group.data else None
    return {
        "owners": records_by_id(Organisation, form.owners_ids()),
        "recommending": records_by_id(Organisation, form.recommending.data or []),
        "group": group,
        **form.recommendation_fields(),
    }


@bp.route("/roundtables/<slug>/recommendations/new", methods=["GET", "POST"])
@login_required
def new_recommendation(slug: str):
    """A recommendation from one of the roundtable's outcomes (`?outcome=`), or directly.
    "Save and agree" agrees it at once (it needs a lead owner, or its addressee in words)."""
    roundtable = load_roundtable(slug, *ROUNDTABLE_PAGE)
    access.require(current_user, "add_recommendation", roundtable)
    form = RecommendationForm(roundtable)
    outcome_id = request.args.get("outcome", type=int) if request.method == "GET" else form.outcome.data
    outcome = None
    if outcome_id is not None:
        outcome = load_part(Outcome, outcome_id, roundtable)
    if request.method == "GET" and outcome is not None:
        form.text.data = outcome.as_recommendation()
        form.group.data = outcome.group_id
        form.outcome.data = outcome.id
    if form.validate_on_submit():
        try:
            recommendation = operations.create_recommendation(
                roundtable, current_user, outcome=outcome, **_recommendation_content(form, roundtable)
            )
            if form.agree.data:
                operations.take_transition(recommendation, "agree", current_user)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(str(DONE_MESSAGES["agree"]) if form.agree.data else _("Recommendation saved as a draft."), "success")
            return redirect(url_for(".recommendation", recommendation_id=recommendation.id))
    return render_template(
        "roundtables/recommendation_form.html", form=form, roundtable=roundtable, outcome=outcome, recommendation=None
    ), (422 if request.method == "POST" else 200)


# --- the recommendation's page ------------------------------------------------------------------


@bp.route("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int):
    return _recommendation_page(load_recommendation(recommendation_id))


def _recommendation_page(recommendation, *, refused=None, update_form=None, status=200, outcome_form=None):
    may_update = access.can(current_user, "post_update", recommendation) and recommendation.status in (
        follow_through.IN_PROGRESS,
        follow_through.DONE,
    )
    if may_update and update_form is None:
        update_form = ProgressUpdateForm(prefix="update")
        update_form.date.data = clock.today()
    if update_form is not None:
        update_form.offer(recommendation.indicators)
    refused_event, refused_form = refused or (None, None)
    forms = transition_forms(recommendation, refused)
    today = clock.today()
    return render_template(
        "roundtables/recommendation.html",
        recommendation=recommendation,
        roundtable=recommendation.roundtable,
        transition_forms=forms,
        stray_refusal=refused_form.form_errors if refused_form is not None and refused_event not in forms else [],
        buttons=BUTTONS,
        transition_headings=TRANSITION_HEADINGS,
        review_events=REVIEW_EVENTS,
        update_form=update_form if may_update else None,
        involved=access.can(current_user, "view_history", recommendation),
        overdue=follow_through.is_overdue(recommendation, today),
        stale=follow_through.is_stale(recommendation, today),
        due_soon=follow_through.is_due_soon(recommendation, today),
        outcome_form=outcome_form or _outcome_form(recommendation),
    ), status


def _outcome_form(recommendation: Recommendation) -> OutcomeRatingForm | None:
    """For its co-chairs, once verified: the rating of what changed, as it stands."""
    if not access.can(current_user, "rate_outcome", recommendation):
        return None
    return OutcomeRatingForm.of(recommendation)


@bp.route("/recommendations/<int:recommendation_id>/outcome", methods=["POST"])
@login_required
def outcome(recommendation_id: int) -> ResponseReturnValue:
    """Its co-chairs say what changed, beyond its being done."""
    recommendation = load_recommendation(recommendation_id)
    access.require(current_user, "rate_outcome", recommendation)
    form = OutcomeRatingForm()
    if form.validate_on_submit():
        try:
            operations.rate_outcome(
                recommendation, current_user, rating=form.rating.data, justification=form.justification.data
            )
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Thank you: the recommendation's page now says what changed."), "success")
            return redirect(url_for(".recommendation", recommendation_id=recommendation.id, _anchor="outcome"))
    return _recommendation_page(load_recommendation(recommendation_id), status=422, outcome_form=form)


# Where a button pressed elsewhere returns to: only these pages, never an address sent in.
_RETURN_TO = {"review": "roundtables.review_queue", "mine": "roundtables.mine"}


@bp.route("/recommendations/<int:recommendation_id>/transitions/<event>", methods=["POST"])
@login_required
def transition(recommendation_id: int, event: str):
    recommendation = load_recommendation(recommendation_id)
    if event not in BUTTONS:
        abort(404)
    access.require(current_user, event, recommendation)
    form = RecommendationTransitionForm(prefix=event)
    if form.validate_on_submit():
        try:
            operations.take_transition(recommendation, event, current_user, **rule_data(event, form))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(str(DONE_MESSAGES[event]), "success")
            back = _RETURN_TO.get(request.args.get("from", ""))
            if back:
                return redirect(url_for(back))
            return redirect(url_for(".recommendation", recommendation_id=recommendation.id))
    if request.args.get("from") == "review" and event in ("verify", "send_back"):  # refused where it was pressed
        return review.review_queue_page(refused=(recommendation.id, event, form), status=422)
    return _recommendation_page(load_recommendation(recommendation_id), refused=(event, form), status=422)


@bp.route("/recommendations/<int:recommendation_id>/updates", methods=["POST"])
@login_required
def post_update(recommendation_id: int):
    recommendation = load_recommendation(recommendation_id)
    access.require(current_user, "post_update", recommendation)
    allow_evidence_files()
    form = ProgressUpdateForm(prefix="update").offer(recommendation.indicators)
    if form.validate_on_submit():
        try:
            update = operations.post_progress_update(
                recommendation,
                current_user,
                text=form.text.data,
                date=form.date.data,
                indicator=form.indicator.data,
                value=form.value.data,
                link_url=form.link_url.data,
                files=uploads_of(form.new_files),
            )
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Progress update posted."), "success")
            return redirect(
                url_for(".recommendation", recommendation_id=recommendation.id, _anchor=f"update-{update.id}")
            )
    return _recommendation_page(load_recommendation(recommendation_id), update_form=form, status=422)


def _editor_of(recommendation: Recommendation, anchor: str | None = None) -> dict:
    """An editor page's title, its way back (the recommendation's page, at `anchor`) and its
    breadcrumbs (its roundtable, then it)."""
    back = url_for(".recommendation", recommendation_id=recommendation.id, _anchor=anchor)
    roundtable = recommendation.roundtable
    title = _("Recommendation %(number)s", number=recommendation.reference or recommendation.id)
    crumbs = [(roundtable.title, url_for(".show", slug=roundtable.slug)), (title, back)]
    return {"title": title, "back": back, "breadcrumbs": crumbs}


@bp.route("/recommendations/<int:recommendation_id>/indicators", methods=["GET", "POST"], endpoint="indicators")
@login_required
def indicators_editor(recommendation_id: int):
    """What the recommendation aims at in numbers: its co-chairs set its indicators."""
    recommendation = load_recommendation(recommendation_id)
    access.require(current_user, "edit", recommendation)
    return edit_indicators(recommendation, operations.set_indicators, **_editor_of(recommendation))


@bp.route("/recommendations/<int:recommendation_id>/translation", methods=["GET", "POST"])
@login_required
def translation(recommendation_id: int):
    """The recommendation's text in another language, by its co-chairs."""
    recommendation = load_recommendation(recommendation_id)
    access.require(current_user, "translate", recommendation)
    texts = {"text": (_("The recommendation"), True)}
    return edit_translation(recommendation, texts, **_editor_of(recommendation))


@bp.route("/recommendations/<int:recommendation_id>/updates/<int:update_id>/translation", methods=["GET", "POST"])
@login_required
def update_translation(recommendation_id: int, update_id: int):
    """A progress update's text in another language, by the staff of the organisation that posted it."""
    recommendation = load_recommendation(recommendation_id)
    update = next((update for update in recommendation.updates if update.id == update_id), None)
    if update is None:
        abort(404)
    access.require(current_user, "translate", update)
    texts = {"text": (_("What has happened"), True)}
    return edit_translation(update, texts, **_editor_of(recommendation, f"update-{update.id}"))


@bp.route("/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
@login_required
def edit_recommendation(recommendation_id: int):
    recommendation = load_recommendation(recommendation_id)
    roundtable = db.session.execute(
        sa.select(Roundtable).where(Roundtable.id == recommendation.roundtable_id).options(*ROUNDTABLE_PAGE)
    ).scalar_one()
    access.require(current_user, "edit", recommendation)
    form = RecommendationForm(roundtable)
    if request.method == "GET":
        form.fill_from(recommendation)
    if form.validate_on_submit():
        try:
            operations.edit_recommendation(
                recommendation,
                current_user,
                expected_version=form.version.data,
                **_recommendation_content(form, roundtable),
            )
            if form.agree.data and recommendation.status == follow_through.DRAFT:
                operations.take_transition(recommendation, "agree", current_user)
        except EditConflict as clash:
            show_conflict(form, clash, _("on its page"))
            return _editor(form, roundtable, recommendation, 409)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(str(DONE_MESSAGES["agree"]) if form.agree.data else _("Recommendation saved."), "success")
            return redirect(url_for(".recommendation", recommendation_id=recommendation.id))
    return _editor(form, roundtable, recommendation, 422 if request.method == "POST" else 200)


def _editor(
    form: RecommendationForm, roundtable: Roundtable, recommendation: Recommendation, status: int
) -> ResponseReturnValue:
    """The recommendation's editor page (its roundtable and outcome beside the form)."""
    page = render_template(
        "roundtables/recommendation_form.html",
        form=form,
        roundtable=roundtable,
        outcome=recommendation.outcome,
        recommendation=recommendation,
    )
    return page, status


@bp.route("/recommendations/<int:recommendation_id>/history")
@login_required
def recommendation_history(recommendation_id: int):
    recommendation = load_recommendation(recommendation_id)
    access.require(current_user, "view_history", recommendation)
    page = paginate(newest_first(recommendation))
    return render_template("roundtables/recommendation_history.html", recommendation=recommendation, page=page)


# --- the owners' work -------------------------------------------------------------------------


@bp.route("/recommendations/mine")
@login_required
def mine():
    """What the organisation owns: first what needs attention (overdue, due within 30 days,
    sent back), then every recommendation it owns, filtered by state."""
    access.require(current_user, "own_recommendations")
    today, organisation_id = clock.today(), current_user.organisation_id
    filters = FollowThroughFilter(request.args, roundtables=(), owners=())
    return render_template(
        "roundtables/mine.html",
        overdue=queries.needing_attention(organisation_id, follow_through.overdue_condition(today)),
        due_soon=queries.needing_attention(organisation_id, follow_through.due_soon_condition(today)),
        sent_back=queries.needing_attention(organisation_id, follow_through.sent_back_condition()),
        page=paginate(queries.owned(organisation_id, filters.filters(), today)),
        filters=filters,
        today=today,
        due_soon_days=follow_through.DUE_SOON_DAYS,
    )
