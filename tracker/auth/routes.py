from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from . import bp
from .forms import EmptyForm, LoginForm

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."


@login_manager.user_loader
def load_user(user_id: str):
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == User.normalise_email(form.email.data)))
        if user is None or not user.active or not user.check_password(form.password.data):
            # One message for every failure: it must not reveal whether the account exists.
            form.password.errors.append("E-mail or password is not right, or the account is not active.")
        else:
            login_user(user, remember=form.remember_me.data)
            flash(f"Logged in as {user.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("public.home"))
