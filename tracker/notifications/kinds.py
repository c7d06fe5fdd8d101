"""The kinds of message the tracker sends: each area declares its own (accounts declares
the invitation and the password reset), and the worker renders a message by its kind.

A kind names its templates (`templates/notifications/<name>.txt` and `.html`), its subject,
why a person receives it, and whether it is a *notification* a person may turn off (with a
one-click unsubscribe in every message) or an account mail that must always arrive. Its
`prepare` makes, at delivery, what must not wait in the outbox (a password-reset token);
it raises `NotDeliverable` when the message no longer applies (the account is gone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class NotDeliverable(Exception):
    """The message no longer applies, and is given up (the reason is kept for admins)."""


@dataclass(frozen=True)
class Kind:
    name: str
    # The subject, a format string over the message's context and `site_name`.
    subject: str
    # What the person turns off, in words that finish "E-mails …" ("when you are invited").
    label: str
    # Notifications may be turned off (List-Unsubscribe); account mails may not.
    notification: bool = True
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None

    @property
    def templates(self) -> tuple[str, str]:
        return f"notifications/{self.name}.txt", f"notifications/{self.name}.html"


_KINDS: dict[str, Kind] = {}


def declare(kind: Kind) -> Kind:
    """File a kind (once, when its area's module is imported)."""
    if _KINDS.get(kind.name, kind) != kind:
        raise ValueError(f"two kinds of message are named {kind.name!r}")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    """The kind called `name`; LookupError for one no area declared."""
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no kind of message is called {name!r}") from None


def declared() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)
