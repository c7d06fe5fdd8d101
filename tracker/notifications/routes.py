"""Administration › Outgoing mail (admins: what is queued, sent and failed, with the mail
server's answer; retry a failed message), and the one-click unsubscribe every notification
links to (no log-in: the signed link names the person and the kind)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ..core import access
from ..core.changes import REFUSALS
from ..core.extensions import csrf, db, login_manager
from ..core.web.lists import paginate
from ..core.web.routing import not_found_beyond_range
from . import operations
from .forms import RetryForm, UnsubscribeForm
from .models import EmailChoice, MailStatus, OutgoingMail

bp = Blueprint("notifications", __name__)
bp.url_value_preprocessor(not_found_beyond_range)

STATUS_VIEWS = {"": "Everything", **{status.value: status.label for status in MailStatus}}


def _admins_only() -> ResponseReturnValue | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not access.can(current_user, "administer"):
        abort(403, description=access.refusal(current_user, "administer"))
    return None


@bp.route("/admin/outgoing-mail")
def outgoing_mail():
    """Every message, newest first, a page at a time; `?status=` shows one kind of them."""
    refused = _admins_only()
    if refused is not None:
        return refused
    status = request.args.get("status", "")
    if status not in STATUS_VIEWS:
        status = ""
    query = sa.select(OutgoingMail).order_by(OutgoingMail.id.desc())
    if status:
        query = query.where(OutgoingMail.status == MailStatus(status))
    page = paginate(query)
    return render_template(
        "notifications/admin/outgoing_mail.html", page=page, status=status, views=STATUS_VIEWS, form=RetryForm()
    )


@bp.route("/admin/outgoing-mail/<int:mail_id>/retry", methods=["POST"])
def retry(mail_id: int):
    refused = _admins_only()
    if refused is not None:
        return refused
    message = db.get_or_404(OutgoingMail, mail_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    try:
        operations.retry(message, current_user._get_current_object())
    except REFUSALS as refusal:
        db.session.rollback()
        flash(str(refusal), "warning")
    else:
        db.session.commit()
        flash(f"The message to {message.to_address} is queued again.", "success")
    return redirect(url_for(".outgoing_mail", status="failed"))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail providers POST "List-Unsubscribe=One-Click" with no token: the link is the credential
def unsubscribe(token: str):
    """GET: a page with a button that confirms (link checkers and previews only GET);
    POST (the button, or the mail provider's one-click): that kind of e-mail is turned off."""
    found = operations.read_unsubscribe_token(token)
    if found is None:
        abort(404, description="This unsubscribe link is not one of ours, or it was cut short.")
    user_id, kind = found
    done = request.method == "POST"
    if done:
        try:
            operations.set_email_choice(user_id, kind.name, EmailChoice.OFF)
        except sa.exc.IntegrityError:  # the account is gone: nothing is sent to it any more
            db.session.rollback()
        else:
            db.session.commit()
    page = render_template("notifications/unsubscribe.html", kind=kind, done=done, form=UnsubscribeForm())
    response = current_app.make_response(page)
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response.headers["Cache-Control"] = "no-store"
    return response
