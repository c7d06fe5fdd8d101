"""May this person do this? — the one way every area asks.

The answers are written in one place, `tracker.permissions`, which files them here when the
app is built (`answered_by`). Operations, views, templates, list queries and the API all ask
through here: `require(actor, "edit", pledge)` before acting, `can(...)` to decide which
buttons to show, `visible(user, Pledge)` to filter a list query by the same rule as `can`.

Asking through the core, rather than importing the rules, keeps the areas acyclic: the rules
read every area's models, and every area's operations ask them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from .wording import Message

# Who asks: a logged-in user, Flask-Login's anonymous user, or None for the public.
Person = Any
# Why not, as a message (`_l`, in the reader's language when shown), or None: allowed.
Refusal = Callable[[Person, str, Any], "Message | None"]
Visible = Callable[[Person, type], "sa.ColumnElement[bool]"]


class PermissionDenied(Exception):
    """Raised by `require`; `str()` is the reason shown to the person."""


class NoRulesFiled(RuntimeError):
    """Asked before `tracker.permissions` filed its answers: nothing is allowed then."""


@dataclass
class _Answers:
    refusal: Refusal | None = None
    visible: Visible | None = None


_answers = _Answers()


def answered_by(refusal: Refusal, visible: Visible) -> None:
    """File the rules: `refusal(user, verb, record)` says why not (None: allowed), and
    `visible(user, model)` is the SQL condition equal to `can(user, "view", row)`."""
    _answers.refusal = refusal
    _answers.visible = visible


def refusal(user: Person, verb: str, record: Any = None) -> Message | None:
    """Why `user` may not `verb` the `record`, or None if they may."""
    if _answers.refusal is None:
        raise NoRulesFiled("No permission rules are filed: build the app with tracker.create_app.")
    return _answers.refusal(user, verb, record)


def can(user: Person, verb: str, record: Any = None) -> bool:
    return refusal(user, verb, record) is None


def require(user: Person, verb: str, record: Any = None) -> None:
    """Raise `PermissionDenied` with the reason unless `user` may `verb` the `record`."""
    reason = refusal(user, verb, record)
    if reason is not None:
        raise PermissionDenied(reason)


def visible(user: Person, model: type) -> sa.ColumnElement[bool]:
    """The SQL condition that keeps the rows of `model` that `user` may view."""
    if _answers.visible is None:
        raise NoRulesFiled("No permission rules are filed: build the app with tracker.create_app.")
    return _answers.visible(user, model)
