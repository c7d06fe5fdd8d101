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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
    "created": _l("Added"),
    "proposed": _l("Proposed by staff"),
    "confirmed": _l("Confirmed"),
    "invited": _l("Invited"),
    "edited": _l("Changed"),
    "deactivated": _l("Deactivated"),
    "reactivated": _l("Reactivated"),
    "set_password_link_issued": _l("Set-password link made"),
    "password_set": _l("Password set with a link"),
    "password_changed": _l("Password changed"),
    "password_reset_requested": _l("Password reset link asked for"),
    "password_reset": _l("Password reset with a link"),
    "email_change_requested": _l("New e-mail address asked for (not yet confirmed)"),
    "email_changed": _l("E-mail address changed (confirmed at the new address)"),
    "logged_in": _l("Logged in"),
    "login_failed": _l("Failed log-in (wrong password or deactivated)"),
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
            flash(_("Added %(name)s.", name=organisation.name), "success")
            return redirect(url_for(".organisations"))
    return _record_form(form, _("Add an organisation"), "organisations")


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    was_confirmed = organisation.confirmed
    form = OrganisationForm(obj=organisation)
    if not was_confirmed:
        form.submit.label.text = _("Confirm organisation")
    if form.validate_on_submit():
        try:
            accounts.update_organisation(organisation, _me(), **_data(form, accounts.ORGANISATION_FIELDS))
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            if was_confirmed:
                flash(_("Saved %(name)s.", name=organisation.name), "success")
            else:
                flash(_("Confirmed %(name)s.", name=organisation.name), "success")
            return redirect(url_for(".organisations"))
    if was_confirmed:
        title = _("Organisation: %(name)s", name=organisation.name)
    else:
        title = _("Confirm organisation: %(name)s", name=organisation.name)
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
            flash(
                _("Created an account for %(name)s, and e-mailed them a set-password link.", name=user.name), "success"
            )
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
            flash(_("Saved %(name)s.", name=user.name), "success")
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
    if user.active:
        flash(_("%(name)s can log in again.", name=user.name), "success")
    else:
        flash(_("%(name)s is deactivated and can no longer log in.", name=user.name), "success")
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
    flash(_("Made a new set-password link for %(name)s.", name=user.name), "success")
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
            flash(_("Added %(name)s.", name=forum.name), "success")
            return redirect(url_for(".forums"))
    return _record_form(form, _("Add a forum"), "forums")


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
            flash(_("Saved %(name)s.", name=forum.name), "success")
            return redirect(url_for(".forums"))
    return _record_form(form, _("Forum: %(name)s", name=forum.name), "forums")


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
            flash(_("Added the theme %(name)s.", name=theme.name), "success")
            return redirect(url_for(".themes"))
    return _record_form(form, _("Add a theme"), "themes")


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
            flash(_("Saved the theme %(name)s.", name=theme.name), "success")
            return redirect(url_for(".themes"))
    return _record_form(form, _("Theme: %(name)s", name=theme.name), "themes")


# --- countries and regions ---------------------------------------------------------------------


@bp.route("/countries/new", methods=["GET", "POST"])
def new_country():
    form = CountryForm()
    if form.validate_on_submit():
        try:
            country = taxonomy.create_country(
                _me(), name=form.name.data, iso_code=form.iso_code.data, region=form.region.data
            )
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Added %(name)s.", name=country.name), "success")
            return redirect(url_for(".countries"))
    return _record_form(form, _("Add a country or region"), "countries")


@bp.route("/countries/<int:country_id>", methods=["GET", "POST"])
def edit_country(country_id: int):
    country = db.get_or_404(Country, country_id)
    form = CountryForm(obj=country)
    if form.validate_on_submit():
        try:
            taxonomy.update_country(
                country, _me(), name=form.name.data, iso_code=form.iso_code.data, region=form.region.data
            )
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=country.name), "success")
            return redirect(url_for(".countries"))
    return _record_form(form, _("Country or region: %(name)s", name=country.name), "countries")


# --- the audit -------------------------------------------------------------------------------------

# The records whose history is the audit of accounts and reference data.
_AUDITED: dict[str, Any] = {
    "user": User, "organisation": Organisation, "forum": Forum, "theme": Theme, "country": Country,
}  # fmt: skip

AUDIT_VIEWS = {
    "": (_l("Everything"), sa.true()),
    "logins": (_l("Log-ins"), HistoryEntry.event == "logged_in"),
    "failed": (_l("Failed log-ins"), HistoryEntry.event == "login_failed"),
    "accounts": (
        _l("Account changes"),
        sa.and_(HistoryEntry.record_type == "user", HistoryEntry.event.not_in(passwords.LOGIN_EVENTS)),
    ),
    "reference": (_l("Organisations, forums and themes"), HistoryEntry.record_type != "user"),
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
