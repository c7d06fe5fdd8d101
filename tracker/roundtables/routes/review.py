"""The review queue: what the owners say is done on the roundtables a co-chair co-chairs,
oldest first, each with its buttons — verify or send back — and several verified at once.
A refusal is shown here, beside its item, with what was typed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from ...core import access, search
from ...core.changes import REFUSALS
from ...core.extensions import db
from ...core.web.lists import paginate
from .. import follow_through, operations
from ..forms import BulkVerifyForm, RecommendationTransitionForm
from ..models import Recommendation, Roundtable
from .blueprint import bp
from .buttons import BUTTONS
from .follow_up import my_roundtables
from .loading import RECOMMENDATION_ROWS

# (recommendation id, event, the form as it was sent) of a button pressed in vain.
Refused = tuple[int, str, RecommendationTransitionForm]


@bp.route("/roundtables/review")
@login_required
def review_queue():
    """Done, awaiting verification: the recommendations the co-chair's roundtables wait on
    them to verify or send back, oldest first, with the buttons to do it."""
    return review_queue_page()


def review_queue_page(refused: Refused | None = None, problems: dict[int, str] | None = None, status: int = 200):
    """The queue; `refused`, a button pressed in vain (its form shown again by its item, as
    typed); `problems`, why some of those chosen to verify at once could not be."""
    words = request.args.get("q", "")[:200]
    page = paginate(_awaiting(my_roundtables(), words))
    forms = {recommendation.id: _forms(recommendation, refused) for recommendation in page.items}
    shown = {recommendation.id for recommendation in page.items}
    elsewhere = [] if refused is None or refused[0] in shown else list(refused[2].form_errors or refused[2].errors)
    return render_template(
        "roundtables/review_queue.html",
        page=page,
        forms=forms,
        buttons=BUTTONS,
        bulk=BulkVerifyForm(formdata=None),
        problems=problems or {},
        elsewhere=elsewhere,
        q=words,
    ), status


def _awaiting(roundtables, words: str) -> sa.Select[Recommendation]:
    """Awaiting verification on these roundtables (holding `words`, when given), oldest first."""
    return (
        sa.select(Recommendation)
        .where(
            Recommendation.roundtable_id.in_([rt.id for rt in roundtables]),
            Recommendation.status == follow_through.DONE,
            *(search.matches(Recommendation.search_text, word) for word in words.split()),
        )
        .options(
            *RECOMMENDATION_ROWS,
            selectinload(Recommendation.updates),
            # Who may verify or send back each one: its roundtable's co-chairs.
            joinedload(Recommendation.roundtable).selectinload(Roundtable.co_chairs),
        )
        .order_by(Recommendation.updated_at, Recommendation.id)
    )


def _forms(recommendation: Recommendation, refused: Refused | None) -> dict[str, RecommendationTransitionForm]:
    """Its buttons' forms: empty, or the one pressed in vain as it was sent."""
    forms = {}
    for event in review_events(recommendation):
        if refused is not None and refused[:2] == (recommendation.id, event):
            form = refused[2]
        else:
            form = RecommendationTransitionForm(prefix=event, formdata=None)
        form.words.label.text = BUTTONS[event][2]
        form.submit.label.text = BUTTONS[event][0]
        for field in (form.words, form.public):  # ids unique on a page of several
            field.id = field.label.field_id = f"{event}-{field.short_name}-{recommendation.id}"
        forms[event] = form
    return forms


def review_events(recommendation: Recommendation) -> list[str]:
    return [event for event in ("verify", "send_back") if access.can(current_user, event, recommendation)]


def _chosen(ids: list[int]) -> list[Recommendation]:
    """The recommendations ticked, with what deciding who may verify them needs."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.id.in_(ids))
            .options(joinedload(Recommendation.roundtable).selectinload(Roundtable.co_chairs))
            .order_by(Recommendation.id)
        )
    )


@bp.route("/roundtables/review/verify", methods=["POST"])
@login_required
def verify_chosen():
    """Verify several at once: each still a transition of its own, with its history entry;
    if any of them cannot be verified, none is, and the queue says why beside each."""
    access.require(current_user, "review_follow_through")
    form = BulkVerifyForm()
    if not form.validate_on_submit():
        flash(
            " ".join(str(error) for error in form.chosen.errors) or _("Tick the recommendations to verify first."),
            "danger",
        )
        return redirect(url_for(".review_queue"))
    chosen = _chosen(form.chosen.data)
    problems: dict[int, str] = {}
    for recommendation in chosen:
        try:
            operations.take_transition(recommendation, "verify", current_user)
        except REFUSALS as refusal:
            problems[recommendation.id] = str(refusal)
    if problems or len(chosen) != len(set(form.chosen.data)):
        db.session.rollback()
        if not problems:
            flash(_("One of the recommendations chosen no longer exists: nothing was verified."), "danger")
            return redirect(url_for(".review_queue"))
        return review_queue_page(problems=problems, status=422)
    db.session.commit()
    flash(ngettext("Verified %(num)d recommendation.", "Verified %(num)d recommendations.", len(chosen)), "success")
    return redirect(url_for(".review_queue"))
