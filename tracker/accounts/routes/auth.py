"""Logging in and out, and passwords: the log-in page (throttled), changing one's own
password, setting one from a set-password link (an invitation or an admin's reset), and
"Forgot password?" (a reset link by e-mail, throttled, valid an hour, used once)."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import COOKIE_NAME, current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from ...core.changes import REFUSALS
from ...core.extensions import db, login_manager
from ...core.web.refusals import show_refusal
from ...core.web.security import (
    throttle_login,
    throttle_password_check,
    throttle_password_reset,
    wrong_password_typed,
)
from .. import addresses, logins, mails, passwords
from .. import operations as accounts
from ..forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    EmptyForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    SetPasswordForm,
)
from ..models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.localize_callback = str  # the message in the reader's language, when flashed
login_manager.login_message_category = "info"

LOGIN_REFUSED = _l("E-mail or password is not right, or the account is not active.")

# Checked when no account has the typed e-mail, so that a wrong e-mail takes as long
# as a wrong password and the response time does not tell which accounts exist.
_NO_ACCOUNT_HASH = generate_password_hash("no account has this password")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session (or keep-me-logged-in cookie) belongs to, while its login lasts
    (see `logins`): a log-out, a new password or a deactivation ends it on the server."""
    return logins.user_of(session_id)


def home_for(user) -> str:
    """Where a person lands after logging in: their work, not the public list."""
    if user.is_authenticated and user.is_co_chair:
        return url_for("roundtables.dashboard_all")
    if user.is_authenticated and user.organisation_id is not None:
        return url_for("pledges.mine")
    if user.is_authenticated and user.is_admin:
        return url_for("admin.index")
    return url_for("public.home")


def _safe_next(target: str | None, home: str | None = None) -> str:
    """Only a path on this site: never an open redirect. Browsers read `/\\evil` as
    `//evil` and drop tabs and newlines, so those are refused too."""
    home = home or url_for("public.home")
    if not target or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


def _authenticate(email: str, password: str) -> User | None:
    """The active account with this e-mail and password, or None. Every attempt on an
    existing account is written to its history (the audit); attempts on unknown e-mails
    to the audit log."""
    user = db.session.scalar(sa.select(User).where(User.email == User.normalise_email(email)))
    if user is None:
        check_password_hash(_NO_ACCOUNT_HASH, password)
        passwords.record_login_attempt(None, request.remote_addr, succeeded=False)
        return None
    succeeded = user.check_password(password) and user.active
    passwords.record_login_attempt(user, request.remote_addr, succeeded=succeeded)
    return user if succeeded else None


@bp.route("/login", methods=["GET", "POST"])
@throttle_login
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next"), home_for(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticate(form.email.data, form.password.data)
        db.session.commit()  # the audit entry, whatever the outcome
        if user is None:
            # One message for every failure: it must not reveal whether the account exists.
            form.form_errors.append(str(LOGIN_REFUSED))
        else:
            logins.start(user, remembered=form.remember_me.data)
            db.session.commit()
            login_user(user, remember=form.remember_me.data)
            flash(_("Logged in as %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next"), home_for(user)))
    return render_template("accounts/login.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logins.end(current_user.get_id())  # every copy of this browser's cookies with it
        db.session.commit()
        logout_user()
        flash(_("You are logged out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/language", methods=["POST"])
@login_required
def set_language():
    """The footer's language switcher, for a logged-in person: kept in their account, so
    that every page and e-mail is in it. Back to the page they were on."""
    form = LanguageForm()
    back = _safe_next(form.next.data, home_for(current_user))
    if form.validate_on_submit():
        try:
            accounts.set_language(current_user._get_current_object(), form.language.data)
        except REFUSALS as refusal:
            flash(str(refusal), "error")
        else:
            db.session.commit()
    return redirect(back)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@throttle_password_check
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            # The user itself, not the proxy: history names the record by its type.
            user = current_user._get_current_object()
            passwords.change_password(user, form.current_password.data, form.new_password.data)
        except REFUSALS as refusal:
            if getattr(refusal, "field", None) == "current_password":
                wrong_password_typed()
            show_refusal(form, refusal)
        else:
            # The new password ended every login of this account, this one too: log this
            # browser in again, as it was.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
            logins.start(user, remembered=remembered)
            db.session.commit()
            login_user(user, remember=remembered)
            flash(_("Your password has been changed. You have been logged out everywhere else."), "success")
            return redirect(url_for("public.home"))
    return render_template("accounts/change_password.html", form=form), (422 if form.errors else 200)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@throttle_password_check
def change_email() -> ResponseReturnValue:
    """Ask for a new e-mail address: it takes effect when its link, e-mailed to it, is opened."""
    form = ChangeEmailForm()
    sent_to = None
    if form.validate_on_submit():
        try:
            sent_to = addresses.request_email_change(
                current_user._get_current_object(), form.current_password.data, form.email.data
            )
        except REFUSALS as refusal:
            if getattr(refusal, "field", None) == "current_password":
                wrong_password_typed()
            show_refusal(form, refusal)
        else:
            db.session.commit()  # the link is in the outbox: the worker sends it
    page = render_template("accounts/change_email.html", form=form, sent_to=sent_to)
    return page, (422 if form.errors else 200)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> ResponseReturnValue:
    """The page the confirmation e-mail links to. GET asks (link checkers and previews only
    GET); the button makes the new address the account's. The link works once."""
    found = addresses.user_for_token(token)
    form = EmptyForm()
    status = 404 if found is None else 200
    if found is not None and form.validate_on_submit():
        try:
            user = addresses.confirm_email_change(token)
        except REFUSALS as refusal:
            db.session.rollback()
            flash(str(refusal), "warning")
            status = 409
        else:
            db.session.commit()
            flash(_("Your e-mail address is now %(email)s. Log in with it from now on.", email=user.email), "success")
            return redirect(url_for("public.home") if not current_user.is_authenticated else home_for(current_user))
    page = render_template("accounts/confirm_email.html", form=form, found=found, link_problem=addresses.LINK_NOT_VALID)
    response = current_app.make_response((page, status))
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    """The page an invitation (or an admin's reset) links to. The link works once."""
    user = passwords.user_for_set_password_token(token)
    form = SetPasswordForm()
    if user is not None and form.validate_on_submit():
        try:
            user = passwords.set_password_from_token(token, form.password.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            if current_user.is_authenticated and current_user.id != user.id:
                logins.end(current_user.get_id())  # someone else's session must not carry on here
                logout_user()
            db.session.commit()
            flash(_("Your password is set. Log in with your e-mail address and the new password."), "success")
            return redirect(url_for("auth.login"))
    return _set_password_page(form, user, 404 if user is None else 422 if form.errors else 200)


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttle_password_reset
def forgot_password() -> ResponseReturnValue:
    """Ask for a reset link by e-mail. The answer is the same whether or not the address
    has an account: the page must not tell a stranger who has one."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        mails.request_password_reset(form.email.data)
        db.session.commit()  # the message is in the outbox: the worker sends it
        return render_template("accounts/forgot_password.html", form=form, sent=True)
    return render_template("accounts/forgot_password.html", form=form, sent=False), (422 if form.errors else 200)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    """The page a reset e-mail links to: a new password, which ends every other login of
    the account and logs this browser in. The link works once, for an hour."""
    user = passwords.user_for_set_password_token(token, reset=True)
    form = SetPasswordForm()
    if user is not None and form.validate_on_submit():
        try:
            user = passwords.set_password_from_token(token, form.password.data, reset=True)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            if current_user.is_authenticated:
                logins.end(current_user.get_id())
                logout_user()
            logins.start(user, remembered=False)
            db.session.commit()
            login_user(user)
            flash(
                _("Your new password is set, and you are logged in. You have been logged out everywhere else."),
                "success",
            )
            return redirect(home_for(user))
    return _set_password_page(form, user, 404 if user is None else 422 if form.errors else 200, reset=True)


def _set_password_page(
    form: SetPasswordForm, user: User | None, status: int, reset: bool = False
) -> ResponseReturnValue:
    problem = _(passwords.RESET_LINK_NOT_VALID if reset else passwords.LINK_NOT_VALID)
    page = render_template("accounts/set_password.html", form=form, user=user, link_problem=problem, reset=reset)
    response = current_app.make_response((page, status))
    # The token is in the address: keep it out of Referer headers and caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
