"""People and reference records: organisations, users, forums, themes, and passwords.

The admin pages, the pledge editor (which lets staff propose an organisation) and the
account pages all change these records through the functions here, with no HTTP in sight.
Each follows the discipline of `operations`: check permission → check the values →
change → flush → write history. The caller commits once, or rolls back if anything raised.

Passwords never reach history: entries say *that* a password was set, not what it became.
"""
from __future__ import annotations

import hmac
import logging

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from zxcvbn import zxcvbn

from . import permissions
from .extensions import db
from .history import changes_between, record_history, snapshot
from .models import Forum, ForumKind, Organisation, OrganisationKind, Role, Theme, User
from .operations import OperationRefused, slugify, unique_slug

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1000  # hashing a megabyte on every login attempt is a denial of service

ORGANISATION_FIELDS = ["name", "short_name", "kind", "country"]
USER_FIELDS = ["email", "name", "role", "organisation"]
FORUM_FIELDS = ["name", "short_name", "kind", "year", "description"]

LINK_NOT_VALID = (
    "This set-password link has expired or has already been used. "
    "Ask an admin to send you a new one."
)


class InvalidField(OperationRefused):
    """A refused value; `field` names the form field the message belongs beside."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


# --- passwords ---------------------------------------------------------------------------


# zxcvbn's score: 3 is "safely unguessable: moderate protection from an offline attack".
# Below it are the common passwords (password1234), keyboard walks (qwertyuiop12),
# repeats (aaaaaaaaaaaa) and the person's own name or e-mail.
PASSWORD_MIN_STRENGTH = 3
_STRENGTH_CHECKED_LENGTH = 72  # zxcvbn's own bound: beyond it, a password is long enough

COMMON_PASSWORD = "This password is too easy to guess"


def password_problem(password: str, personal: tuple[str, ...] = ()) -> str | None:
    """What is wrong with `password` as a new password, or None: the one password policy.
    `personal` are the person's name and e-mail, which a password must not lean on."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Use at least {PASSWORD_MIN_LENGTH} characters."
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Use at most {PASSWORD_MAX_LENGTH} characters."
    strength = zxcvbn(password[:_STRENGTH_CHECKED_LENGTH], user_inputs=[p for p in personal if p])
    if strength["score"] < PASSWORD_MIN_STRENGTH:
        warning = strength["feedback"]["warning"]
        reason = f": {warning[:1].lower()}{warning[1:].rstrip('.')}" if warning else ""
        return f"{COMMON_PASSWORD}{reason}. Add a few more unrelated words."
    return None


def _check_new_password(user: User, password: str, field: str) -> None:
    problem = password_problem(password, personal=(user.name, user.email, user.email.partition("@")[0]))
    if problem:
        raise InvalidField(field, problem)


def session_fingerprint_matches(user: User, fingerprint: str) -> bool:
    """Does a session's password fingerprint (see `User.get_id`) match the password now?"""
    return bool(fingerprint) and hmac.compare_digest(fingerprint, user.password_fingerprint)


def change_password(user: User, current: str, new: str) -> None:
    """`user` changes their own password, proving they know the current one. Every other
    session of the account ends (its session id carries the old password's fingerprint)."""
    if not user.check_password(current):
        raise InvalidField("current_password", "Your current password is not right.")
    _check_new_password(user, new, "new_password")
    user.set_password(new)
    db.session.flush()
    record_history(user, "password_changed", user)


audit_log = logging.getLogger("tracker.audit")

LOGIN_EVENTS = ("logged_in", "login_failed")


def record_login_attempt(user: User | None, address: str | None, *, succeeded: bool) -> None:
    """The audit of a log-in: an entry in the account's history (who, when, from where), and
    a line in the `tracker.audit` log, which also hears of attempts on unknown e-mails."""
    if user is None:
        audit_log.warning("Failed log-in for an unknown e-mail from %s", address)
        return
    event = "logged_in" if succeeded else "login_failed"
    record_history(user, event, user if succeeded else None, changes={"address": address})
    if succeeded:
        audit_log.info("Log-in: %s (user %s) from %s", user.email, user.id, address)
    else:
        audit_log.warning("Failed log-in for %s (user %s) from %s", user.email, user.id, address)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="set-password")


def set_password_token(user: User) -> str:
    """A signed token for the set-password link: valid until the password changes or it
    is older than `SET_PASSWORD_LINK_MAX_AGE`."""
    return _serializer().dumps([user.id, user.password_fingerprint])


def user_for_set_password_token(token: str, max_age: int | None = None) -> User | None:
    """The active user whose current password `token` may replace, or None."""
    if max_age is None:
        max_age = current_app.config["SET_PASSWORD_LINK_MAX_AGE"]
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=max_age)
    except (BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or not hmac.compare_digest(fingerprint, user.password_fingerprint):
        return None
    return user


def set_password_from_token(token: str, password: str, *, max_age: int | None = None) -> User:
    """Set the password of the user a set-password link was made for (an invitation or a
    reset by an admin). The link then no longer works."""
    user = user_for_set_password_token(token, max_age)
    if user is None:
        raise OperationRefused(LINK_NOT_VALID)
    _check_new_password(user, password, "password")
    user.set_password(password)
    db.session.flush()
    record_history(user, "password_set", user)
    return user


def issue_set_password_link(user: User, actor) -> str:
    """An admin's new set-password link for `user` (a lost password, a lost invitation).
    The current password keeps working until the link is used."""
    permissions.require(actor, "administer")
    if not user.active:
        raise OperationRefused("This account is deactivated. Reactivate it before sending a set-password link.")
    record_history(user, "set_password_link_issued", actor)
    return set_password_token(user)


# --- shared checks -------------------------------------------------------------------------


def _text(value):
    """Typed text without surrounding spaces; blank means none."""
    if isinstance(value, str):
        return value.strip() or None
    return value


def _required(value, field: str, message: str) -> str:
    value = _text(value)
    if not value:
        raise InvalidField(field, message)
    return value


def _refuse_duplicate(column, value: str, record, field: str, message: str) -> None:
    """Refuse `value` if another row has it in `column`, ignoring case, before the
    database's unique constraint does so less politely."""
    model = column.class_
    query = sa.select(model.id).where(sa.func.lower(column) == sa.func.lower(value))
    if record is not None and record.id is not None:
        query = query.where(model.id != record.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise InvalidField(field, message)


def _flush() -> None:
    """Flush; a unique constraint tripped by someone saving the same name at the same
    moment is a refusal, not a server error."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise OperationRefused("Someone else saved the same name at the same moment. Check and try again.") from None


def _known(fields: dict, allowed: list[str], noun: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {noun} fields: {', '.join(sorted(unknown))}")


def _apply(record, fields: dict) -> dict:
    """Set `fields` on `record`; return what changed, {field: [old, new]}."""
    before = snapshot(record, list(fields))
    for name, value in fields.items():
        setattr(record, name, value)
    return changes_between(before, snapshot(record, list(fields)))


# --- organisations ---------------------------------------------------------------------------


def _organisation_values(fields: dict, organisation: Organisation | None) -> dict:
    _known(fields, ORGANISATION_FIELDS, "organisation")
    values = {name: _text(value) for name, value in fields.items()}
    if "name" in values or organisation is None:
        values["name"] = _required(values.get("name"), "name", "Give the organisation's name.")
        _refuse_duplicate(
            Organisation.name, values["name"], organisation, "name", "An organisation with this name already exists."
        )
    if organisation is None or "kind" in values:
        if not isinstance(values.get("kind"), OrganisationKind):
            raise InvalidField("kind", "Choose what kind of organisation this is.")
    return values


def create_organisation(actor, **fields) -> Organisation:
    """An admin adds an organisation (confirmed: an admin has checked it)."""
    permissions.require(actor, "administer")
    values = _organisation_values(fields, None)
    organisation = Organisation(confirmed=True, **values)
    db.session.add(organisation)
    _flush()
    record_history(organisation, "created", actor, changes={name: [None, value] for name, value in values.items()})
    return organisation


def update_organisation(organisation: Organisation, actor, **fields) -> None:
    """An admin edits an organisation. Saving a proposed organisation confirms it: the
    admin has now checked its name, kind and country."""
    permissions.require(actor, "administer")
    values = _organisation_values(fields, organisation)
    changes = _apply(organisation, {**values, "confirmed": True})
    if changes:
        _flush()
        event = "confirmed" if "confirmed" in changes else "edited"
        record_history(organisation, event, actor, changes=changes)


def propose_organisation(actor, name: str) -> Organisation:
    """Staff writing a pledge name an organisation that is not in the list yet.

    The organisation of that name (ignoring case) when there is one, proposed or not;
    otherwise a new one of kind "other", unconfirmed until an admin checks it.
    """
    permissions.require(actor, "create_pledge")  # proposing is part of writing a pledge
    name = _required(name, "name", "Give the organisation's name.")
    longest = Organisation.__table__.c.name.type.length
    if len(name) > longest:
        raise InvalidField("name", f"Use at most {longest} characters for the organisation's name.")
    existing = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == sa.func.lower(name)).limit(1)
    )
    if existing is not None:
        return existing
    organisation = Organisation(name=name, kind=OrganisationKind.OTHER, confirmed=False)
    db.session.add(organisation)
    _flush()
    record_history(organisation, "proposed", actor, changes={"name": [None, name]})
    return organisation


# --- users -----------------------------------------------------------------------------------


def _user_values(fields: dict, user: User | None) -> dict:
    _known(fields, USER_FIELDS, "user")
    values = {name: _text(value) for name, value in fields.items()}
    if "email" in values or user is None:
        email = _required(values.get("email"), "email", "Give the person's e-mail address.")
        if "@" not in email.strip("@"):
            raise InvalidField("email", "This is not an e-mail address.")
        values["email"] = User.normalise_email(email)
        _refuse_duplicate(User.email, values["email"], user, "email", "Another user has this e-mail address.")
    if "name" in values or user is None:
        values["name"] = _required(values.get("name"), "name", "Give the person's name.")
    role = values.get("role", user.role if user else None)
    if not isinstance(role, Role):
        raise InvalidField("role", "Choose a role.")
    organisation = values.get("organisation", user.organisation if user else None)
    if role is not Role.ADMIN and organisation is None:
        raise InvalidField(
            "organisation_id",
            "Staff and co-chairs belong to an organisation: choose theirs. Only admins may have none.",
        )
    return values


def invite_user(
    actor, *, email: str, name: str, role: Role, organisation: Organisation | None
) -> tuple[User, str]:
    """An admin creates an account with no password, and the token of the one-time link
    with which the person sets theirs. Until then the account cannot log in."""
    permissions.require(actor, "administer")
    values = _user_values({"email": email, "name": name, "role": role, "organisation": organisation}, None)
    user = User(password_hash=None, active=True, **values)
    db.session.add(user)
    _flush()
    record_history(user, "invited", actor, changes={field: [None, value] for field, value in values.items()})
    return user, set_password_token(user)


def update_user(user: User, actor, **fields) -> None:
    """An admin changes a user's e-mail, name, role or organisation. An admin cannot
    remove their own admin role: another admin must (so there is always one left)."""
    permissions.require(actor, "administer")
    values = _user_values(fields, user)
    if user.id == actor.id and values.get("role", Role.ADMIN) is not Role.ADMIN:
        raise InvalidField("role", "You cannot remove your own admin role. Ask another admin to do it.")
    changes = _apply(user, values)
    if changes:
        _flush()
        record_history(user, "edited", actor, changes=changes)


def set_active(user: User, actor, active: bool) -> None:
    """Deactivate (or reactivate) an account. A deactivated user cannot log in, and their
    open sessions end at their next request (the login manager loads only active users)."""
    permissions.require(actor, "administer")
    if not active and user.id == actor.id:
        raise OperationRefused("You cannot deactivate your own account. Ask another admin to do it.")
    if user.active == active:
        return
    user.active = active
    db.session.flush()
    record_history(user, "reactivated" if active else "deactivated", actor, changes={"active": [not active, active]})


# --- forums and themes -------------------------------------------------------------------------


def _forum_values(fields: dict, forum: Forum | None) -> dict:
    _known(fields, FORUM_FIELDS, "forum")
    values = {name: _text(value) for name, value in fields.items()}
    if "name" in values or forum is None:
        values["name"] = _required(values.get("name"), "name", "Give the forum's name.")
        _refuse_duplicate(Forum.name, values["name"], forum, "name", "A forum with this name already exists.")
    if forum is None or "kind" in values:
        if not isinstance(values.get("kind"), ForumKind):
            raise InvalidField("kind", "Choose what kind of forum this is.")
    if "description" in values:
        values["description"] = values["description"] or ""
    return values


def create_forum(actor, **fields) -> Forum:
    """An admin adds a forum: a conference, an intergovernmental process or a programme."""
    permissions.require(actor, "administer")
    values = _forum_values(fields, None)
    forum = Forum(**values)
    db.session.add(forum)
    _flush()
    record_history(forum, "created", actor, changes={name: [None, value] for name, value in values.items()})
    return forum


def update_forum(forum: Forum, actor, **fields) -> None:
    permissions.require(actor, "administer")
    changes = _apply(forum, _forum_values(fields, forum))
    if changes:
        _flush()
        record_history(forum, "edited", actor, changes=changes)


def create_theme(actor, *, name: str) -> Theme:
    """An admin adds a theme; its URL slug is made from the name."""
    permissions.require(actor, "administer")
    name = _theme_name(name, None)
    theme = Theme(name=name, slug=unique_slug(Theme, name))
    db.session.add(theme)
    _flush()
    record_history(theme, "created", actor, changes={"name": [None, name], "slug": [None, theme.slug]})
    return theme


def update_theme(theme: Theme, actor, *, name: str) -> None:
    """Rename a theme. The slug follows the name, but not a change of case or
    punctuation only: links to the theme keep working for as long as they can."""
    permissions.require(actor, "administer")
    name = _theme_name(name, theme)
    fields = {"name": name}
    if slugify(name) != slugify(theme.name):
        fields["slug"] = unique_slug(Theme, name)
    changes = _apply(theme, fields)
    if changes:
        _flush()
        record_history(theme, "edited", actor, changes=changes)


def _theme_name(name: str, theme: Theme | None) -> str:
    name = _required(name, "name", "Give the theme's name.")
    _refuse_duplicate(Theme.name, name, theme, "name", "A theme with this name already exists.")
    return name
