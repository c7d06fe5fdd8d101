"""Changing the e-mail address of an account: a person asks for a new address (with their
password), and it takes effect only when they open the link e-mailed to that new address — an
address no one can read never becomes the one the account's mail and password resets go to.
The old address is told of every change, whoever made it (the person, or an admin), so a
change someone else made does not go unnoticed.

The link names the account, the new address and the address it replaces: once the address
changes (with this link or any other way) every older link is dead. It works for
`EMAIL_CHANGE_LINK_MAX_AGE` seconds (a day).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..core import settings
from ..core.changes import InvalidField, OperationRefused, flush_unique, refuse_duplicate
from ..core.extensions import db
from ..core.history import record_history
from ..core.i18n import _l
from ..core.limits import clean_fields
from ..notifications import kinds
from ..notifications.operations import queue_mail
from .models import User

EMAIL_CHANGE = "email_change"
EMAIL_CHANGED = "email_changed"

LINK_NOT_VALID = _l(
    "This link to confirm a new e-mail address has expired or has already been used. "
    "Ask for the change again on your account's E-mail address page."
)
SAME_ADDRESS = _l("This is already the address of your account.")
TAKEN = _l("Another account has this e-mail address.")
WRONG_PASSWORD = _l("Your current password is not right.")

_SALT = "change-email"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key(), salt=_SALT)


def email_change_token(user: User, new_email: str) -> str:
    """The signed token of the link that makes `new_email` the address of `user`."""
    return _serializer().dumps([user.id, new_email, user.email])


def _change_link(context: Mapping[str, Any]) -> Mapping[str, Any]:
    """At delivery: the confirmation link, unless the request no longer applies."""
    user = db.session.get(User, context["user_id"])
    if user is None or not user.active:
        raise kinds.NotDeliverable(_l("the account is deactivated."))
    if user.email != context["old_email"]:
        raise kinds.NotDeliverable(_l("the account's address changed since this was asked for."))
    token = email_change_token(user, context["new_email"])
    return {"token": token, "link_hours": int(settings.setting("EMAIL_CHANGE_LINK_MAX_AGE") or 0) // 3600}


kinds.declare(
    kinds.Kind(
        EMAIL_CHANGE,
        subject=_l("Confirm your new e-mail address on %(site_name)s"),
        label=_l("about your account"),
        notification=False,
        prepare=_change_link,
    )
)
kinds.declare(
    kinds.Kind(
        EMAIL_CHANGED,
        subject=_l("The e-mail address of your account on %(site_name)s was changed"),
        label=_l("about your account"),
        notification=False,
    )
)


def _new_address(user: User, email: str) -> str:
    values = clean_fields(User, {"email": email})
    address = str(values["email"])
    if "@" not in address.strip("@"):
        raise InvalidField("email", _l("This is not an e-mail address."))
    address = User.normalise_email(address)
    if address == user.email:
        raise InvalidField("email", SAME_ADDRESS)
    refuse_duplicate(User.email, address, user, "email", TAKEN)
    return address


def request_email_change(user: User, current_password: str, email: str) -> str:
    """`user` asks for `email` to become their address, proving they know their password:
    a link to confirm it is e-mailed to the new address (nothing changes until it is opened).
    Returns the new address, as stored."""
    if not user.check_password(current_password):
        raise InvalidField("current_password", WRONG_PASSWORD)
    address = _new_address(user, email)
    context = {"user_id": user.id, "new_email": address, "old_email": user.email}
    queue_mail(EMAIL_CHANGE, address, user_id=user.id, to_name=user.name, context=context)
    record_history(user, "email_change_requested", user, changes={"email": [user.email, address]})
    return address


def user_for_token(token: str, max_age: int | None = None) -> tuple[User, str] | None:
    """(the account, its new address) a confirmation link is for, while it is valid."""
    if max_age is None:
        max_age = int(settings.setting("EMAIL_CHANGE_LINK_MAX_AGE") or 0)
    try:
        user_id, new_email, old_email = _serializer().loads(token, max_age=max_age)
    except (BadSignature, TypeError, ValueError):
        return None
    if not (isinstance(user_id, int) and isinstance(new_email, str) and isinstance(old_email, str)):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.email != old_email:
        return None
    return user, new_email


def confirm_email_change(token: str, max_age: int | None = None) -> User:
    """The new address is confirmed (its link was opened): it becomes the account's, and the
    old address is told. The link then no longer works."""
    found = user_for_token(token, max_age)
    if found is None:
        raise OperationRefused(LINK_NOT_VALID)
    user, address = found
    refuse_duplicate(User.email, address, user, "email", TAKEN)  # taken since it was asked for
    old = user.email
    user.email = address
    flush_unique()
    record_history(user, "email_changed", user, changes={"email": [old, address]})
    tell_old_address(user, old, changed_by=None)
    return user


def tell_old_address(user: User, old: str, changed_by: User | None) -> None:
    """Tell `old` that the account's address is now `user.email` (`changed_by` an admin, or
    None when the person confirmed it themselves)."""
    context = {
        "user_id": user.id,
        "old_email": old,
        "new_email": user.email,
        "changed_by": changed_by.name if changed_by is not None and changed_by.id != user.id else None,
    }
    queue_mail(EMAIL_CHANGED, old, user_id=user.id, to_name=user.name, context=context)
