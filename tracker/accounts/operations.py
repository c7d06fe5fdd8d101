"""Organisations and accounts: every change to them, one function each, with no HTTP in
sight. The admin pages, the pledge editor (which lets staff propose an organisation) and the
account pages all change these records through here, with the discipline of
`tracker.core.changes`: check permission → check the values → change → flush → write
history. The caller commits once, or rolls back if anything raised.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..core import access, i18n
from ..core.changes import (
    InvalidField,
    OperationRefused,
    apply,
    flush_unique,
    known_fields,
    refuse_duplicate,
)
from ..core.extensions import db
from ..core.history import record_history
from ..core.i18n import _l
from ..core.limits import clean_fields, refuse_same_name, same_name
from . import addresses, logins, mails
from .models import Organisation, OrganisationKind, Role, User
from .passwords import set_password_token

ORGANISATION_FIELDS = ["name", "short_name", "kind", "country"]
USER_FIELDS = ["email", "name", "role", "organisation"]


# --- organisations ---------------------------------------------------------------------------


def _organisation_values(fields: dict[str, Any], organisation: Organisation | None) -> dict[str, Any]:
    known_fields(fields, ORGANISATION_FIELDS, "organisation")
    if organisation is None:
        fields = {"name": None} | fields
    values = clean_fields(Organisation, fields)
    if "name" in values:
        refuse_same_name(
            Organisation,
            values["name"],
            organisation,
            "name",
            lambda name: _l("An organisation with this name already exists: “%(name)s”.", name=name),
        )
    if (organisation is None or "kind" in values) and not isinstance(values.get("kind"), OrganisationKind):
        raise InvalidField("kind", _l("Choose what kind of organisation this is."))
    return values


def create_organisation(actor: User, **fields: Any) -> Organisation:
    """An admin adds an organisation (confirmed: an admin has checked it)."""
    access.require(actor, "administer")
    values = _organisation_values(fields, None)
    organisation = Organisation(confirmed=True, **values)
    db.session.add(organisation)
    flush_unique()
    record_history(organisation, "created", actor, changes={name: [None, value] for name, value in values.items()})
    return organisation


def update_organisation(organisation: Organisation, actor: User, **fields: Any) -> None:
    """An admin edits an organisation. Saving a proposed organisation confirms it: the
    admin has now checked its name, kind and country."""
    access.require(actor, "administer")
    values = _organisation_values(fields, organisation)
    changes = apply(organisation, {**values, "confirmed": True})
    if changes:
        flush_unique()
        event = "confirmed" if "confirmed" in changes else "edited"
        record_history(organisation, event, actor, changes=changes)


def propose_organisation(actor: User, name: str) -> Organisation:
    """Staff writing a pledge name an organisation that is not in the list yet.

    The organisation of that name (ignoring case) when there is one, proposed or not;
    otherwise a new one of kind "other", unconfirmed until an admin checks it.
    """
    access.require(actor, "create_pledge")  # proposing is part of writing a pledge
    name = Organisation.limits["name"].clean(name, "name")
    existing: Organisation | None = same_name(Organisation, name)
    if existing is not None:
        return existing
    organisation = Organisation(name=name, kind=OrganisationKind.OTHER, confirmed=False)
    db.session.add(organisation)
    flush_unique()
    record_history(organisation, "proposed", actor, changes={"name": [None, name]})
    return organisation


# --- users -----------------------------------------------------------------------------------


def _user_values(fields: dict[str, Any], user: User | None) -> dict[str, Any]:
    known_fields(fields, USER_FIELDS, "user")
    if user is None:
        fields = {"email": None, "name": None} | fields
    values = clean_fields(User, fields)
    if "email" in values:
        email = values["email"]
        if "@" not in email.strip("@"):
            raise InvalidField("email", _l("This is not an e-mail address."))
        values["email"] = User.normalise_email(email)
        refuse_duplicate(User.email, values["email"], user, "email", _l("Another user has this e-mail address."))
    role = values.get("role", user.role if user else None)
    if not isinstance(role, Role):
        raise InvalidField("role", _l("Choose a role."))
    organisation = values.get("organisation", user.organisation if user else None)
    if role is not Role.ADMIN and organisation is None:
        raise InvalidField(
            "organisation_id",
            _l("Staff and co-chairs belong to an organisation: choose theirs. Only admins may have none."),
        )
    return values


def invite_user(
    actor: User, *, email: str, name: str, role: Role, organisation: Organisation | None
) -> tuple[User, str]:
    """An admin creates an account with no password, and the token of the one-time link
    with which the person sets theirs (also e-mailed to them, from the outbox). Until then
    the account cannot log in."""
    access.require(actor, "administer")
    values = _user_values({"email": email, "name": name, "role": role, "organisation": organisation}, None)
    user = User(password_hash=None, active=True, **values)
    db.session.add(user)
    flush_unique()
    record_history(user, "invited", actor, changes={field: [None, value] for field, value in values.items()})
    mails.queue_invitation(user, actor)
    return user, set_password_token(user)


def create_first_admin(*, email: str, name: str) -> tuple[User, str]:
    """The site's first admin, made by the operator on the server (`flask accounts
    create-admin`): an account with no password, and the token of the link with which they
    set it. Refused once the site has an active admin — they invite everyone else."""
    if db.session.scalar(sa.select(User.id).where(User.role == Role.ADMIN, User.active).limit(1)) is not None:
        raise OperationRefused(_l("This site already has an admin: they invite others at Administration › Users."))
    values = _user_values({"email": email, "name": name, "role": Role.ADMIN, "organisation": None}, None)
    user = User(password_hash=None, active=True, **values)
    db.session.add(user)
    flush_unique()
    record_history(user, "invited", None, changes={field: [None, value] for field, value in values.items()})
    return user, set_password_token(user)


def update_user(user: User, actor: User, **fields: Any) -> None:
    """An admin changes a user's e-mail, name, role or organisation. An admin cannot
    remove their own admin role: another admin must (so there is always one left)."""
    access.require(actor, "administer")
    values = _user_values(fields, user)
    if user.id == actor.id and values.get("role", Role.ADMIN) is not Role.ADMIN:
        raise InvalidField("role", _l("You cannot remove your own admin role. Ask another admin to do it."))
    old_email = user.email
    changes = apply(user, values)
    if changes:
        flush_unique()
        record_history(user, "edited", actor, changes=changes)
    if "email" in changes:
        addresses.tell_old_address(user, old_email, changed_by=actor)


def set_active(user: User, actor: User, active: bool) -> None:
    """Deactivate (or reactivate) an account. A deactivated user cannot log in, and every
    login of theirs ends: reactivated, they log in again."""
    access.require(actor, "administer")
    if not active and user.id == actor.id:
        raise OperationRefused(_l("You cannot deactivate your own account. Ask another admin to do it."))
    if user.active == active:
        return
    user.active = active
    if not active:
        logins.end_all(user)
    db.session.flush()
    record_history(user, "reactivated" if active else "deactivated", actor, changes={"active": [not active, active]})


def set_language(user: User, code: str | None) -> None:
    """The language a person reads the tracker and its e-mails in; None: as their browser
    asks. A language the tracker does not speak is refused."""
    if code and i18n.known(code) != code:
        raise InvalidField("language", _l("Choose one of the languages listed."))
    user.language = code or None
    db.session.flush()
