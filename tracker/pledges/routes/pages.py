"""The public register and each pledge's page (with its feed), and the staff workspace: my
pledges, the editor, recording actions, workflow buttons, history."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ...accounts import operations as accounts
from ...accounts.models import Organisation
from ...core import access, clock, indicators
from ...core.changes import REFUSALS, EditConflict
from ...core.dates import format_date
from ...core.extensions import db
from ...core.history import newest_first
from ...core.text import render_text
from ...core.web.conditional import cacheable
from ...core.web.evidence import allow_evidence_files
from ...core.web.forms import OutcomeRatingForm, records_by_id, workflow_buttons
from ...core.web.indicators import edit_indicators
from ...core.web.lists import list_page, paginate
from ...core.web.refusals import show_conflict, show_refusal
from ...taxonomy.models import Country, Theme
from .. import catalogue, feeds, page_scope, queries
from ..conflicts import describe_conflict
from ..forms import ActionForm, MyPledgesFilter, PledgeForm, TransitionForm, WithdrawActionForm
from ..models import ActionTaken, Pledge
from ..operations import (
    create_pledge,
    edit_action,
    edit_pledge,
    rate_outcome,
    record_action,
    set_indicators,
    take_transition,
    withdraw_action,
)
from ..timeline import group_by_heading, pledge_activity
from ..workflow import PledgeWorkflow
from .blueprint import LIST_ROW, PAGE_OPTIONS, SIGNATORIES, bp, load_pledge
from .signing import invitation_forms

# What each workflow button says, and which need the reason box filled in.
TRANSITION_BUTTONS = {
    "start": (_l("Start and publish"), "btn-primary"),
    "complete": (_l("Mark as done"), "btn-success"),
    "reopen": (_l("Reopen"), "btn-outline-secondary"),
}


@bp.route("", strict_slashes=False)
@cacheable
def index():
    """The public register: published pledges, searched, filtered and sorted as the URL says."""
    listed = list_page(catalogue.PLEDGES, options=LIST_ROW)
    return render_template(
        "pledges/index.html",
        lp=listed,
        activity=pledge_activity(listed.page.items, clock.today()),
        forum=catalogue.chosen_forum(listed.state),
    )


@bp.route("/<slug>")
@cacheable(scope=page_scope.of_address)
def show(slug: str):
    """The pledge's page: text, facts, signatories, actions taken, completion — and, for
    its signatories' staff, the buttons to work on it."""
    return _pledge_page(load_pledge(slug, *PAGE_OPTIONS))


def _pledge_page(
    pledge: Pledge,
    refused: tuple[str, TransitionForm] | None = None,
    status: int = 200,
    outcome_form: OutcomeRatingForm | None = None,
):
    """The pledge page; `refused` is (event, form) of a button pressed in vain, shown with
    its reason and the comment typed; `outcome_form`, a rating refused, with what was typed."""
    refused_event, refused_form = refused or (None, None)
    forms = workflow_buttons(pledge, current_user, TransitionForm, refused)
    for event in PledgeWorkflow.NEEDS_REASON & forms.keys():
        forms[event].comment.label.text = _("Reason for reopening")
    # A refusal of a button no longer on the page (someone else already pressed it).
    stray_refusal = refused_form.form_errors if refused_form is not None and refused_event not in forms else []
    return render_template(
        "pledges/show.html",
        pledge=pledge,
        invitation_forms=invitation_forms(pledge),
        stray_refusal=stray_refusal,
        action_groups=group_by_heading(pledge.current_actions),
        transition_forms=forms,
        buttons=TRANSITION_BUTTONS,
        needs_reason=PledgeWorkflow.NEEDS_REASON,
        outcome_form=outcome_form or _outcome_form(pledge),
        short_of_target=indicators.shortfalls(pledge.indicators) if "complete" in forms else [],
    ), status


def _outcome_form(pledge: Pledge) -> OutcomeRatingForm | None:
    """For its signatories' staff, once it is done: the rating of what changed, as it stands."""
    if not access.can(current_user, "rate_outcome", pledge):
        return None
    return OutcomeRatingForm.of(pledge)


@bp.route("/<slug>/outcome", methods=["POST"])
@login_required
def outcome(slug: str):
    """Its signatories say what changed, beyond its being done."""
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    access.require(current_user, "rate_outcome", pledge)
    form = OutcomeRatingForm()
    if form.validate_on_submit():
        try:
            rate_outcome(pledge, current_user, rating=form.rating.data, justification=form.justification.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Thank you: the pledge's page now says what changed."), "success")
            return redirect(url_for(".show", slug=pledge.slug, _anchor="outcome"))
    return _pledge_page(load_pledge(slug, *PAGE_OPTIONS), status=422, outcome_form=form)


@bp.route("/<slug>/indicators", methods=["GET", "POST"], endpoint="indicators")
@login_required
def indicators_editor(slug: str):
    """What the pledge promised in numbers: its signatories' staff set its indicators."""
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    access.require(current_user, "edit", pledge)
    back = url_for(".show", slug=pledge.slug)
    return edit_indicators(
        pledge,
        set_indicators,
        title=pledge.title,
        back=back,
        breadcrumbs=[(_("My organisation’s pledges"), url_for(".mine")), (pledge.title, back)],
    )


@bp.route("/<slug>/actions.atom")
@cacheable(scope=page_scope.of_address)
def actions_feed(slug: str):
    """New actions taken on this pledge (Atom)."""
    pledge = load_pledge(slug, SIGNATORIES)
    if not access.can(catalogue.PUBLIC, "view", pledge):
        abort(404)  # a feed is public: a draft has none, whoever asks
    document = feeds.atom(
        feed_id=url_for(".actions_feed", slug=pledge.slug, _external=True),
        title=_("%(title)s: actions taken", title=pledge.title),
        subtitle=_("New actions taken towards the pledge “%(title)s”.", title=pledge.title),
        self_url=url_for(".actions_feed", slug=pledge.slug, _external=True),
        page_url=url_for(".show", slug=pledge.slug, _external=True),
        actions=feeds.latest_actions(pledge),
        permalink=action_permalink,
        last_changed=pledge.changed_at,
    )
    return Response(document, mimetype="application/atom+xml")


def action_permalink(action: ActionTaken) -> str:
    """An action's public address: its place on its pledge's page."""
    return url_for("pledges.show", slug=action.pledge.slug, _anchor=f"action-{action.id}", _external=True)


@bp.route("/<slug>/transitions/<event>", methods=["POST"])
@login_required
def transition(slug: str, event: str):
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    if event not in TRANSITION_BUTTONS:
        abort(404)
    access.require(current_user, event, pledge)
    form = TransitionForm(prefix=event)
    if form.validate_on_submit():
        words = form.comment.data or None
        try:
            take_transition(pledge, event, current_user, comment=words, reason=words)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(str(_TRANSITION_DONE[event]), "success")
            return redirect(url_for(".show", slug=pledge.slug))
    return _pledge_page(load_pledge(slug, *PAGE_OPTIONS), refused=(event, form), status=422)


_TRANSITION_DONE = {
    "start": _l("The pledge is in progress and published: anyone can now read it."),
    "complete": _l("The pledge is marked done. Its page now says “Implementation completion: Yes”."),
    "reopen": _l("The pledge is in progress again."),
}


# --- my organisation's pledges ------------------------------------------------------


@bp.route("/mine")
@login_required
def mine() -> ResponseReturnValue:
    """Every pledge the staff member's organisation signs, with what needs attention."""
    if current_user.organisation_id is None:
        flash(_("Admins belong to no organisation, so they have no pledges of their own."), "info")
        return redirect(url_for("public.home"))
    filters = MyPledgesFilter(request.args)
    page = paginate(queries.signed_by(current_user.organisation_id, **filters.chosen()))
    counts = queries.state_counts(current_user.organisation_id)
    return render_template(
        "pledges/mine.html",
        page=page,
        filters=filters,
        activity=pledge_activity(page.items, clock.today()),
        counts=counts,
        total=sum(count for _state, _label, count in counts),
    )


# --- the pledge editor ----------------------------------------------------------------


def _pledge_content(form: PledgeForm) -> dict:
    """The editor's fields as `create_pledge`/`edit_pledge` take them: records, not ids.
    A proposed organisation is created here (unconfirmed) and signs with the others."""
    others = records_by_id(Organisation, form.co_signatories.data)
    if form.proposed_organisation.data:
        others.append(accounts.propose_organisation(current_user, form.proposed_organisation.data))
    return {
        "title": form.title.data,
        "lead": db.session.get(Organisation, form.lead.data),
        "co_signatories": others,
        "themes": records_by_id(Theme, form.themes.data),
        "countries": records_by_id(Country, form.countries.data),
        **form.pledge_fields(),
    }


def _preview(form: PledgeForm, pledge: Pledge | None) -> str:
    """The editor again, as typed, with the text shown as its page will show it: nothing
    is saved."""
    preview = render_text(form.text.data, form.text_format.data)
    return render_template("pledges/edit.html", form=form, pledge=pledge, preview=preview)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    access.require(current_user, "create_pledge")
    form = PledgeForm()
    if request.method == "GET":
        form.lead.data = current_user.organisation_id
    elif form.is_submitted() and form.preview.data:
        return _preview(form, None)
    if form.validate_on_submit():
        try:
            pledge = create_pledge(current_user, **_pledge_content(form))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            invited = bool(pledge.invitations)
            db.session.commit()
            flash(
                _(
                    "Pledge saved as a draft. Only your organisation's staff (and other signatories) can see it "
                    "until it is started. The other organisations named are invited to sign: each is shown as a "
                    "signatory once its staff accept."
                )
                if invited
                else _(
                    "Pledge saved as a draft. Only your organisation's staff (and other signatories) can see it "
                    "until it is started."
                ),
                "success",
            )
            return redirect(url_for(".show", slug=pledge.slug))
    return render_template("pledges/edit.html", form=form, pledge=None), (422 if request.method == "POST" else 200)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    access.require(current_user, "edit", pledge)
    form = PledgeForm()
    if request.method == "GET":
        form.fill_from(pledge)
    elif form.is_submitted() and form.preview.data:
        return _preview(form, pledge)
    if form.validate_on_submit():
        try:
            edit_pledge(
                pledge,
                current_user,
                expected_version=form.version.data,
                comment=form.change_note.data,
                **_pledge_content(form),
            )
        except EditConflict as clash:
            db.session.rollback()
            pledge = load_pledge(slug, *PAGE_OPTIONS)
            conflict = describe_conflict(pledge, form, clash.expected_version)
            form.opened_at(pledge.version)
            return render_template("pledges/edit.html", form=form, pledge=pledge, conflict=conflict), 409
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Pledge saved."), "success")
            return redirect(url_for(".show", slug=pledge.slug))
    return render_template("pledges/edit.html", form=form, pledge=pledge), (422 if request.method == "POST" else 200)


# --- actions taken ------------------------------------------------------------------------


@bp.route("/<slug>/actions/new", methods=["GET", "POST"])
@login_required
def new_action(slug: str):
    # Its signatories (who may record, and the organisations to choose from) and its actions'
    # rows (the new one goes after them); not the actions' figures and links.
    pledge = load_pledge(slug, SIGNATORIES, selectinload(Pledge.actions), selectinload(Pledge.indicators))
    access.require(current_user, "record_action", pledge)
    form = _action_form(pledge)
    if request.method == "GET":
        form.organisations.data = [current_user.organisation_id]
    elif form.is_submitted() and form.wants_another_row():
        return render_template("pledges/action_form.html", form=form, pledge=pledge, action=None)
    if form.validate_on_submit():
        try:
            action = record_action(
                pledge,
                current_user,
                organisations=records_by_id(Organisation, form.organisations.data),
                **form.action_fields(),
            )
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            return _recorded(pledge, action)
    return render_template("pledges/action_form.html", form=form, pledge=pledge, action=None), (
        422 if request.method == "POST" else 200
    )


def _recorded(pledge: Pledge, action: ActionTaken):
    """Commit the new action, say where it shows, and go to it on the pledge's page."""
    # Read before the commit expires them (saves reloading the pledge and its action).
    saved = url_for(".show", slug=pledge.slug, _anchor=f"action-{action.id}")
    message = _("Action recorded. It is on the pledge's public page.") if pledge.is_published else _("Action recorded.")
    db.session.commit()
    flash(message, "success")
    return redirect(saved)


def _action_form(pledge: Pledge, action: ActionTaken | None = None) -> ActionForm:
    """The action form (which may carry evidence files); editing, it offers to take off the
    action's files, and keeps it undated when its source gives no date."""
    allow_evidence_files()
    form = ActionForm(pledge, undated=action is not None and action.date is None)
    if action is not None:
        form.offer_removal(action)
    return form


def load_action(pledge: Pledge, action_id: int) -> ActionTaken:
    action = db.session.get(ActionTaken, action_id)
    if action is None or action.pledge_id != pledge.id or action.withdrawn_at is not None:
        abort(404)
    return action


@bp.route("/<slug>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action_view(slug: str, action_id: int):
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    action = load_action(pledge, action_id)
    access.require(current_user, "edit", action)
    form = _action_form(pledge, action)
    if request.method == "GET":
        form.fill_from(action, format_date(action.date, action.date_precision))
    elif form.is_submitted() and form.wants_another_row():
        return render_template("pledges/action_form.html", form=form, pledge=pledge, action=action)
    if form.validate_on_submit():
        try:
            edit_action(
                action,
                current_user,
                expected_version=form.version.data,
                organisations=records_by_id(Organisation, form.organisations.data),
                **form.action_fields(),
            )
        except EditConflict as clash:
            show_conflict(form, clash, _("on the pledge page"))
            return render_template("pledges/action_form.html", form=form, pledge=pledge, action=action), 409
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Action saved."), "success")
            return redirect(url_for(".show", slug=pledge.slug, _anchor=f"action-{action.id}"))
    return render_template("pledges/action_form.html", form=form, pledge=pledge, action=action), (
        422 if request.method == "POST" else 200
    )


@bp.route("/<slug>/actions/<int:action_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw_action_view(slug: str, action_id: int):
    pledge = load_pledge(slug, *PAGE_OPTIONS)
    action = load_action(pledge, action_id)
    access.require(current_user, "withdraw", action)
    form = WithdrawActionForm()
    if form.validate_on_submit():
        try:
            withdraw_action(action, current_user, reason=form.reason.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Action withdrawn. It is no longer on the pledge's pages; its history keeps it."), "success")
            return redirect(url_for(".show", slug=pledge.slug))
    return render_template("pledges/withdraw_action.html", form=form, pledge=pledge, action=action), (
        422 if request.method == "POST" else 200
    )


# --- history --------------------------------------------------------------------------------


@bp.route("/<slug>/history")
@login_required
def history(slug: str):
    pledge = load_pledge(slug, SIGNATORIES)
    access.require(current_user, "view_history", pledge)
    page = paginate(newest_first(pledge))
    return render_template("pledges/history.html", pledge=pledge, page=page)
