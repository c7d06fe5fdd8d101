"""The admin pages (the back office): adding and changing organisations, users, forums,
themes and countries, and the audit. Their lists, searched and sorted, are in `admin_lists`.

For admins only, checked once before any view here runs. Each view is thin: load the
record, call the operation that changes it, commit, say so, redirect. A refusal is shown
beside the form, with everything typed kept.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ...core.changes import REFUSALS
from ...core.extensions import db
from ...core.history import HistoryEntry, timeline_query
from ...core.web.lists import paginate
from ...core.web.refusals import show_refusal
from ...core.web.routing import admins_only, not_found_beyond_range
from ...taxonomy import operations as taxonomy
from ...taxonomy.models import Country, Forum, Theme
from .. import operations as accounts
from .. import passwords
from ..forms import (
    FORUM_KIND_LABELS,
    CountryForm,
    ForumForm,
    InviteUserForm,
    OrganisationForm,
    ThemeForm,
    UserActiveForm,
    UserForm,
)
from ..models import Organisation, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.url_value_preprocessor(not_found_beyond_range)  # an id no record can have: 404

# Where a new set-password link waits, in the admin's own session, between the POST that
# made it and the page that shows it.
_NEW_LINK = "admin_set_password_link"


bp.before_request(admins_only)


# What each history event of an account or a reference record is called on the admin pages.
EVENT_LABELS = {
    "created": "Added",
    "proposed": "Proposed by staff",
    "confirmed": "Confirmed",
    "invited": "Invited",
    "edited": "Changed",
    "deactivated": "Deactivated",
    "reactivated": "Reactivated",
    "set_password_link_issued": "Set-password link made",
    "password_set": "Password set with a link",
    "password_changed": "Password changed",
    "password_reset_requested": "Password reset link asked for",
    "password_reset": "Password reset with a link",
    "email_change_requested": "New e-mail address asked for (not yet confirmed)",
    "email_changed": "E-mail address changed (confirmed at the new address)",
    "logged_in": "Logged in",
    "login_failed": "Failed log-in (wrong password or deactivated)",
}


@bp.context_processor
def _labels():
    return {
        "forum_kind_labels": FORUM_KIND_LABELS,
        "event_labels": EVENT_LABELS,
        "role_labels": {role.value: role.label for role in Role},
    }


def _me() -> User:
    return current_user._get_current_object()


def _status(form) -> int:
    return 422 if form.errors else 200


def _data(form, names) -> dict:
    return {name: getattr(form, name).data for name in names}


def _record_form(form, title: str, section: str, **context):
    """The add/edit page of an organisation, a forum or a theme; 422 when something is refused."""
    page = render_template("accounts/admin/record_form.html", form=form, title=title, section=section, **context)
    return page, _status(form)


@bp.route("/")
def index():
    def count(model, *where) -> int:
        return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar_one()

    return render_template(
        "accounts/admin/index.html",
        counts={
            "organisations": count(Organisation),
            "users": count(User),
            "forums": count(Forum),
            "themes": count(Theme),
            "countries": count(Country),
        },
        proposed=count(Organisation, Organisation.confirmed.is_(False)),
    )


# --- organisations ---------------------------------------------------------------------------


@bp.route("/organisations/new", methods=["GET", "POST"])
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(_me(), **_data(form, accounts.ORGANISATION_FIELDS))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Added {organisation.name}.", "success")
            return redirect(url_for(".organisations"))
    return _record_form(form, "Add an organisation", "organisations")


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    was_confirmed = organisation.confirmed
    form = OrganisationForm(obj=organisation)
    if not was_confirmed:
        form.submit.label.text = "Confirm organisation"
    if form.validate_on_submit():
        try:
            accounts.update_organisation(organisation, _me(), **_data(form, accounts.ORGANISATION_FIELDS))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"{'Saved' if was_confirmed else 'Confirmed'} {organisation.name}.", "success")
            return redirect(url_for(".organisations"))
    title = f"Organisation: {organisation.name}" if was_confirmed else f"Confirm organisation: {organisation.name}"
    return _record_form(form, title, "organisations", proposed=not was_confirmed)


# --- users -----------------------------------------------------------------------------------


def _user_fields(form) -> dict:
    organisation_id = form.organisation_id.data
    return {
        "email": form.email.data,
        "name": form.name.data,
        "role": form.role.data,
        "organisation": db.session.get(Organisation, organisation_id) if organisation_id else None,
    }


def _remember_link(user: User, token: str, emailed: bool = False) -> None:
    """Keep the new link for the admin's next page, and in the log in case it is lost."""
    url = url_for("auth.set_password", token=token, _external=True)
    current_app.logger.info("Set-password link for %s: %s", user.email, url)
    session[_NEW_LINK] = {"user_id": user.id, "url": url, "emailed": emailed}


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = InviteUserForm()
    if form.validate_on_submit():
        try:
            user, token = accounts.invite_user(_me(), **_user_fields(form))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            _remember_link(user, token, emailed=True)
            flash(f"Created an account for {user.name}, and e-mailed them a set-password link.", "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("accounts/admin/new_user.html", form=form), _status(form)


def _edit_user_page(user: User, form, status: int = 200, active_form=None):
    link = session.get(_NEW_LINK)
    if link and link.get("user_id") == user.id and status == 200:
        session.pop(_NEW_LINK)
    else:
        link = None
    if active_form is None:
        active_form = UserActiveForm(formdata=None)
    active_form.active.data = "no" if user.active else "yes"
    changes = timeline_query(user).where(HistoryEntry.event.not_in(passwords.LOGIN_EVENTS))
    history = db.session.scalars(
        changes.options(joinedload(HistoryEntry.actor)).order_by(None).order_by(HistoryEntry.id.desc())
    ).all()
    last_login = db.session.scalars(
        timeline_query(user)
        .where(HistoryEntry.event == "logged_in")
        .order_by(None)
        .order_by(HistoryEntry.id.desc())
        .limit(1)
    ).first()
    response = current_app.make_response(
        (
            render_template(
                "accounts/admin/edit_user.html",
                user=user,
                form=form,
                active_form=active_form,
                link=link,
                history=history,
                last_login=last_login,
            ),
            status,
        )
    )
    if link:
        response.headers["Cache-Control"] = "no-store"  # the link is a credential
    return response


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_user(user, _me(), **_user_fields(form))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Saved {user.name}.", "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return _edit_user_page(user, form, _status(form))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def user_active(user_id: int):
    user = db.get_or_404(User, user_id)
    active_form = UserActiveForm()
    if not active_form.validate_on_submit():
        abort(400)
    try:
        accounts.set_active(user, _me(), active_form.active.data == "yes")
    except REFUSALS as refusal:
        show_refusal(active_form, refusal)
        return _edit_user_page(user, UserForm(obj=user, formdata=None), 422, active_form)
    db.session.commit()
    flash(f"{user.name} {'can log in again' if user.active else 'is deactivated and can no longer log in'}.", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/set-password-link", methods=["POST"])
def user_set_password_link(user_id: int):
    user = db.get_or_404(User, user_id)
    active_form = UserActiveForm(formdata=None)
    try:
        token = passwords.issue_set_password_link(user, _me())
    except REFUSALS as refusal:
        show_refusal(active_form, refusal)
        return _edit_user_page(user, UserForm(obj=user, formdata=None), 422, active_form)
    db.session.commit()
    _remember_link(user, token)
    flash(f"Made a new set-password link for {user.name}.", "success")
    return redirect(url_for(".edit_user", user_id=user.id))


# --- forums and themes -------------------------------------------------------------------------


@bp.route("/forums/new", methods=["GET", "POST"])
def new_forum():
    form = ForumForm()
    if form.validate_on_submit():
        try:
            forum = taxonomy.create_forum(_me(), **_data(form, taxonomy.FORUM_FIELDS))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Added {forum.name}.", "success")
            return redirect(url_for(".forums"))
    return _record_form(form, "Add a forum", "forums")


@bp.route("/forums/<int:forum_id>", methods=["GET", "POST"])
def edit_forum(forum_id: int):
    forum = db.get_or_404(Forum, forum_id)
    form = ForumForm(obj=forum)
    if form.validate_on_submit():
        try:
            taxonomy.update_forum(forum, _me(), **_data(form, taxonomy.FORUM_FIELDS))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Saved {forum.name}.", "success")
            return redirect(url_for(".forums"))
    return _record_form(form, f"Forum: {forum.name}", "forums")


@bp.route("/themes/new", methods=["GET", "POST"])
def new_theme():
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = taxonomy.create_theme(_me(), name=form.name.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Added the theme {theme.name}.", "success")
            return redirect(url_for(".themes"))
    return _record_form(form, "Add a theme", "themes")


@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
def edit_theme(theme_id: int):
    theme = db.get_or_404(Theme, theme_id)
    form = ThemeForm(obj=theme)
    if form.validate_on_submit():
        try:
            taxonomy.update_theme(theme, _me(), name=form.name.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Saved the theme {theme.name}.", "success")
            return redirect(url_for(".themes"))
    return _record_form(form, f"Theme: {theme.name}", "themes")


# --- countries and regions ---------------------------------------------------------------------


@bp.route("/countries/new", methods=["GET", "POST"])
def new_country():
    form = CountryForm()
    if form.validate_on_submit():
        try:
            country = taxonomy.create_country(_me(), name=form.name.data, iso_code=form.iso_code.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Added {country.name}.", "success")
            return redirect(url_for(".countries"))
    return _record_form(form, "Add a country or region", "countries")


@bp.route("/countries/<int:country_id>", methods=["GET", "POST"])
def edit_country(country_id: int):
    country = db.get_or_404(Country, country_id)
    form = CountryForm(obj=country)
    if form.validate_on_submit():
        try:
            taxonomy.update_country(country, _me(), name=form.name.data, iso_code=form.iso_code.data)
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(f"Saved {country.name}.", "success")
            return redirect(url_for(".countries"))
    return _record_form(form, f"Country or region: {country.name}", "countries")


# --- the audit -------------------------------------------------------------------------------------

# The records whose history is the audit of accounts and reference data.
_AUDITED: dict[str, Any] = {
    "user": User, "organisation": Organisation, "forum": Forum, "theme": Theme, "country": Country,
}  # fmt: skip

AUDIT_VIEWS = {
    "": ("Everything", sa.true()),
    "logins": ("Log-ins", HistoryEntry.event == "logged_in"),
    "failed": ("Failed log-ins", HistoryEntry.event == "login_failed"),
    "accounts": (
        "Account changes",
        sa.and_(HistoryEntry.record_type == "user", HistoryEntry.event.not_in(passwords.LOGIN_EVENTS)),
    ),
    "reference": ("Organisations, forums and themes", HistoryEntry.record_type != "user"),
}


@bp.route("/audit")
def audit():
    """Who logged in (or failed to) from where, and every change admins and staff made to
    accounts, organisations, forums and themes: newest first, a page at a time."""
    show = request.args.get("show", "")
    if show not in AUDIT_VIEWS:
        show = ""
    query = (
        sa.select(HistoryEntry)
        .where(HistoryEntry.record_type.in_(_AUDITED), AUDIT_VIEWS[show][1])
        .options(joinedload(HistoryEntry.actor))
        .order_by(HistoryEntry.id.desc())
    )
    user_id = request.args.get("user", "")
    account = (
        db.session.get(User, int(user_id)) if user_id.isascii() and user_id.isdigit() and len(user_id) < 10 else None
    )
    if account is not None:
        query = query.where(HistoryEntry.record_type == "user", HistoryEntry.record_id == account.id)
    page = paginate(query)
    return render_template(
        "accounts/admin/audit.html",
        page=page,
        records=_records_of(page.items),
        views=AUDIT_VIEWS,
        show=show,
        account=account,
    )


def _records_of(entries) -> dict:
    """{(record_type, id): record} for the entries on a page: one query per kind of record."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.record_type, set()).add(entry.record_id)
    records = {}
    for record_type, ids in wanted.items():
        model = _AUDITED[record_type]
        for record in db.session.scalars(sa.select(model).where(model.id.in_(ids))):
            records[(record_type, record.id)] = record
    return records
