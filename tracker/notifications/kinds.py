"""The kinds of message the tracker sends: each area declares its own (accounts declares
the invitation and the password reset), and the worker renders a message by its kind.

A kind names its templates (`templates/notifications/<name>.txt` and `.html`), its subject,
why a person receives it, and whether it is a *notification* a person may turn off (with a
one-click unsubscribe in every message) or an account mail that must always arrive. Its
`prepare` makes, at delivery, what must not wait in the outbox (a password-reset token);
it raises `NotDeliverable` when the message no longer applies (the account is gone).

A notification kind also says how it reads in the notification centre (`summary`, a format
string over the context, and the `page` it links to: an endpoint and the context's values
its address takes), how a person gets it by e-mail unless they choose otherwise
(`default`), and may `check`, at delivery and in a digest, that its recipient may still read
what it says (it raises `NotDeliverable` when not).

Its texts people read (`subject`, `label`, `summary`) are messages marked for translation
(`_l` of `tracker.core.i18n`), put in the reader's language when they are shown (`fill`).
A subject or a summary names its values `%(name)s` (`{name}`, a plain format string, is
still read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy

from ..core import i18n
from ..core.dates import DatePrecision, format_stated_date
from ..core.i18n import _l
from .models import EmailChoice

# A text of a kind people read: a message marked with `_l` (or a plain `str`).
Text = str | LazyProxy


@dataclass(frozen=True)
class ByValue:
    """A subject or summary chosen by one of the context's values — a whole sentence for
    each ("accepted" / "declined"), never an English word glued into a translated one."""

    key: str
    messages: Mapping[str, Text]


@dataclass(frozen=True)
class Chosen:
    """A subject or summary written whole by `choose` from the values (the context and
    `site_name`), its values filled: a sentence with a number in each language's plural form."""

    choose: Callable[[Mapping[str, Any]], Text]


class NotDeliverable(Exception):
    """The message no longer applies, and is given up (the reason is kept for admins)."""


@dataclass(frozen=True)
class Kind:
    name: str
    # The subject, a message over the message's context and `site_name` (`fill`).
    subject: Text | ByValue | Chosen
    # What the person turns off, in words that finish "E-mails …" ("when you are invited").
    label: Text
    # Notifications may be turned off (List-Unsubscribe); account mails may not.
    notification: bool = True
    prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    # --- notifications (in the app, and by e-mail as the person chooses) ---
    # One line in the notification centre and the digest, a message over the context (`fill`).
    summary: Text | ByValue | Chosen | None = None
    # The endpoint of the page it concerns, and the context's keys that are its arguments.
    page: str | None = None
    page_args: tuple[str, ...] = ()
    default: EmailChoice = EmailChoice.IMMEDIATELY
    # Raises NotDeliverable when the person (by id) may no longer read what it says.
    check: Callable[[int, Mapping[str, Any]], None] | None = None
    # The digest itself: not a choice of its own on the settings page; turning it off turns
    # off every kind the person gets in it.
    digest: bool = False
    # --- notifications to people without an account (the public following a pledge) ---
    # Not on anyone's settings page: its one-click unsubscribe is the page `unsubscribe_page`
    # of the area that sends it, whose arguments are the context's `unsubscribe_args` (which
    # `prepare` may make at delivery).
    public: bool = False
    unsubscribe_page: str | None = None
    unsubscribe_args: tuple[str, ...] = ()

    @property
    def templates(self) -> tuple[str, str]:
        return f"notifications/{self.name}.txt", f"notifications/{self.name}.html"

    @property
    def choosable(self) -> bool:
        """Shown on a person's Notifications settings page."""
        return self.notification and not self.digest and not self.public

    def subject_of(self, values: Mapping[str, Any]) -> str:
        """The subject, in the reader's language, filled from `values` (the context and `site_name`)."""
        return fill(self.subject, {**values, **days_in_readers_words(values)})

    def summary_of(self, context: Mapping[str, Any]) -> str:
        """The one line that says what happened; the kind's label if the context lacks a value."""
        try:
            return fill(self.summary or "", {**context, **days_in_readers_words(context)}) or str(self.label)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return str(_l("A notification %(label)s", label=self.label))

    def page_of(self, context: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """(endpoint, its arguments) of the page it concerns, or None."""
        if self.page is None or any(arg not in context for arg in self.page_args):
            return None
        return self.page, {arg: context[arg] for arg in self.page_args}


def days_in_readers_words(context: Mapping[str, Any]) -> dict[str, str]:
    """A day a message keeps as `<name>_on` (ISO, with `<name>_precision` when it is only a
    month or a year) written as its reader's language writes it, as `<name>`; a message
    kept before keeps the words it has."""
    locale = i18n.reading_format_locale()
    words = {}
    for key, value in context.items():
        if key.endswith("_on") and (value is None or isinstance(value, str)):
            name = key.removesuffix("_on")
            precision = context.get(f"{name}_precision")
            day = dt.date.fromisoformat(value) if value else None
            words[name] = format_stated_date(day, DatePrecision(precision) if precision else None, locale)
    return words


def fill(text: Text | ByValue | Chosen, values: Mapping[str, Any]) -> str:
    """`text` in the reader's language, its placeholders filled from `values`: `%(name)s`,
    or `{name}` in a plain format string."""
    if isinstance(text, Chosen):
        return str(text.choose(values))
    if isinstance(text, ByValue):
        text = text.messages[values[text.key]]
    words = str(text)
    return words % values if "%(" in words else words.format(**values)


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
