"""The notification centre (the bell in the menu with the unread count; a person's list,
newest first, each linking to its page; mark read, mark all read), a person's Notifications
settings (how each kind reaches them by e-mail), Administration › Outgoing mail (admins:
what is queued, sent and failed, with the mail server's answer; retry a failed message), and
the one-click unsubscribe every notification links to (no log-in: the signed link names the
person and the kind)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from ..core import access
from ..core.changes import REFUSALS
from ..core.extensions import csrf, db
from ..core.web.lists import MAX_PAGE, paginate
from ..core.web.render_cache import also_keyed_by
from ..core.web.routing import admins_only, not_found_beyond_range
from . import kinds, operations, queries
from .forms import MarkAllReadForm, MarkReadForm, RetryForm, SettingsForm, UnsubscribeForm
from .models import EmailChoice, MailStatus, Notification, OutgoingMail

bp = Blueprint("notifications", __name__)
bp.url_value_preprocessor(not_found_beyond_range)

STATUS_VIEWS = {"": _l("Everything"), **{status.value: status.label for status in MailStatus}}


# --- the notification centre -----------------------------------------------------------------------


def _unread() -> int:
    if not current_user.is_authenticated:
        return 0
    return queries.unread_count(current_user.id)


# A person's kept page (a co-chair's dashboard) shows the bell: it is kept per unread count too.
also_keyed_by("unread notifications", _unread)


def _summary(notification: Notification) -> str:
    try:
        return kinds.get(notification.kind).summary_of(notification.context)
    except LookupError:
        return _("A notification")


def _link(notification: Notification) -> str | None:
    """The address of the page it concerns (None when the page is gone from the site)."""
    try:
        page = kinds.get(notification.kind).page_of(notification.context)
        return url_for(page[0], **page[1]) if page else None
    except (LookupError, BuildError, TypeError, ValueError):
        return None


@bp.app_context_processor
def _bell() -> dict[str, Any]:
    """The menu's bell: how many notifications the logged-in person has not read (only asked
    when a template uses it)."""
    return {"unread_notifications": _unread}


def _page_number() -> int | None:
    page = request.args.get("page", type=int)
    return page if page is not None and 1 < page <= MAX_PAGE else None


@bp.route("/notifications")
@login_required
def index():
    """The person's notifications, newest first, a page at a time."""
    access.require(current_user, "read_notifications")
    page = paginate(queries.newest_first(current_user.id))
    return render_template(
        "notifications/index.html",
        page=page,
        summaries={n.id: _summary(n) for n in page.items},
        links={n.id: _link(n) for n in page.items},
        form=MarkReadForm(),
        all_form=MarkAllReadForm(),
        unread=_unread(),
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = db.get_or_404(Notification, notification_id)
    if not access.can(current_user, "view", notification):
        abort(404)  # someone else's: not said to exist
    if not MarkReadForm().validate_on_submit():
        abort(400)
    operations.mark_read(notification, current_user._get_current_object())
    db.session.commit()
    return redirect(url_for(".index", page=_page_number(), _anchor=f"notification-{notification.id}"))


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read():
    if not MarkAllReadForm().validate_on_submit():
        abort(400)
    count = operations.mark_all_read(current_user._get_current_object())
    db.session.commit()
    flash(
        ngettext("%(num)d notification marked read.", "%(num)d notifications marked read.", count)
        if count
        else _("Nothing was unread."),
        "success",
    )
    return redirect(url_for(".index"))


# --- how each kind reaches a person ---------------------------------------------------------------


def _choosable() -> list[kinds.Kind]:
    return [kind for kind in kinds.declared() if kind.choosable]


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """For each kind of notification: by e-mail immediately, in a daily digest, or off."""
    access.require(current_user, "read_notifications")
    declared = _choosable()
    form = SettingsForm.for_kinds(declared)()
    if request.method == "GET":
        for kind in declared:
            form[kind.name].data = operations.email_choice(current_user.id, kind.name).value
    if form.validate_on_submit():
        for kind in declared:
            if kind.name in request.form:  # (a kind new since the form was opened is left as it is)
                operations.set_email_choice(current_user.id, kind.name, EmailChoice(form[kind.name].data))
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for(".settings"))
    page = render_template("notifications/settings.html", form=form, declared=declared)
    return page, (422 if form.errors else 200)


@bp.route("/admin/outgoing-mail")
def outgoing_mail():
    """Every message, newest first, a page at a time; `?status=` shows one kind of them."""
    refused = admins_only()
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
    refused = admins_only()
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
        flash(_("The message to %(address)s is queued again.", address=message.to_address), "success")
    return redirect(url_for(".outgoing_mail", status="failed"))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # mail providers POST "List-Unsubscribe=One-Click" with no token: the link is the credential
def unsubscribe(token: str):
    """GET: a page with a button that confirms (link checkers and previews only GET);
    POST (the button, or the mail provider's one-click): that kind of e-mail is turned off."""
    found = operations.read_unsubscribe_token(token)
    if found is None:
        abort(404, description=_("This unsubscribe link is not one of ours, or it was cut short."))
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
