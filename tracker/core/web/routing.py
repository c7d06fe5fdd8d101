"""What every blueprint does with the values in its addresses, and who may reach the admin
pages."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .. import access
from ..extensions import login_manager
from ..ids import could_be_id


def admins_only() -> ResponseReturnValue | None:
    """The admin pages' guard (a blueprint's `before_request`, or a view's first call): the
    public is asked to log in; anyone else but an admin is refused, with the reason."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not access.can(current_user, "administer"):
        abort(403, description=str(access.refusal(current_user, "administer")))
    return None


def not_found_beyond_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A blueprint's `url_value_preprocessor`: 404 for an `<int:...>` id no record can have."""
    for value in (values or {}).values():
        if isinstance(value, int) and not could_be_id(value):
            abort(404)
