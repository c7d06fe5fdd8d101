"""Following a published pledge by e-mail, for anyone: the form ("Follow by e-mail" beside the
pledge's feed), the confirmation link's page (double opt-in) and the one-click unsubscribe
of every digest (`tracker.pledges.followers`)."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from ...core import access
from ...core.changes import REFUSALS
from ...core.extensions import csrf, db
from ...core.web.refusals import show_refusal
from ...core.web.security import throttle_follow
from .. import followers
from ..forms import ConfirmFollowForm, FollowForm, UnfollowForm
from .blueprint import SIGNATORIES, bp, load_pledge


def _private(page: str, status: int = 200) -> ResponseReturnValue:
    """A page reached by a link with a token in it: kept out of Referer headers and caches."""
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<slug>/follow", methods=["GET", "POST"])
@throttle_follow
def follow(slug: str) -> ResponseReturnValue:
    """Ask for an address; e-mail it a link to confirm. The answer is the same whether or not
    the address already follows the pledge."""
    pledge = load_pledge(slug, SIGNATORIES)
    if not access.can(None, "view", pledge):
        abort(404)  # staff may see a draft; only a published pledge can be followed
    form = FollowForm()
    asked = False
    if form.validate_on_submit():
        try:
            followers.ask_to_follow(pledge, form.email.data)
        except REFUSALS as refusal:
            db.session.rollback()
            show_refusal(form, refusal)
        else:
            db.session.commit()  # the link is in the outbox: the worker sends it
            asked = True
    page = render_template("pledges/follow.html", pledge=pledge, form=form, asked=asked)
    return page, (422 if form.errors else 200)


@bp.route("/following/confirm/<token>", methods=["GET", "POST"])
def confirm_follow(token: str) -> ResponseReturnValue:
    """The confirmation e-mail's link. GET asks (link checkers and previews only GET); the
    button confirms."""
    follower = followers.follower_to_confirm(token)
    form = ConfirmFollowForm()
    if follower is None:
        page = render_template("pledges/follow_confirm.html", follower=None, problem=followers.LINK_NOT_VALID)
        return _private(page, 404)
    done = follower.is_confirmed
    if not done and form.validate_on_submit():
        followers.confirm(token)
        db.session.commit()
        done = True
    page = render_template(
        "pledges/follow_confirm.html", follower=follower, pledge=follower.pledge, form=form, done=done
    )
    return _private(page)


@bp.route("/following/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail providers POST "List-Unsubscribe=One-Click" with no token: the link is the credential
def unfollow(token: str) -> ResponseReturnValue:
    """GET: a page with a button that confirms; POST (the button, or the mail provider's
    one-click): the address no longer follows the pledge, and is forgotten."""
    try:
        follower = followers.follower_to_unfollow(token)
    except LookupError:
        abort(404, description=_("This link is not one of ours, or it was cut short."))
    done = request.method == "POST" or follower is None  # (stopped already: nothing left to ask)
    title = slug = None
    if follower is not None:
        title = follower.pledge.title
        # Linked only while the visitor may read it (a pledge may have gone back to draft).
        slug = follower.pledge.slug if access.can(current_user, "view", follower.pledge) else None
        if done:
            followers.unfollow(follower)
            db.session.commit()
    page = render_template("pledges/unfollow.html", title=title, slug=slug, done=done, form=UnfollowForm())
    return _private(page)
