"""The discipline every area's operations share, and the refusals they raise.

Each operation (one function per change, in its area's `operations`) follows one discipline:
check permission (`access.require`) → check and apply the rule (the workflow machine for
state changes) → write history → flush. The caller (a request, a CLI command, a test)
commits once, or rolls back if anything raised.

Concurrency: pledges, actions, roundtables and recommendations carry a version column, so
their UPDATE says "WHERE version = <what I read>". Of two people pressing the same button at
once, one update matches and the other matches nothing and is refused as `ConcurrentChange`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from statemachine.exceptions import TransitionNotAllowed

from . import access
from .columns import table_of, utcnow
from .extensions import db
from .history import HistoryEntry, changes_between, record_history, snapshot
from .i18n import _l
from .text import slugify
from .wording import Message
from .workflow import RuleNotMet


class OperationRefused(Exception):
    """Base of every refusal; `str()` is a message the person can act on."""


class InvalidField(OperationRefused):
    """A refused value; `field` names the form field the message belongs beside."""

    def __init__(self, field: str | None, message: Message):
        super().__init__(message)
        self.field = field


class TransitionRefused(OperationRefused):
    """Not possible from the current state, or the transition's rule is not met."""


class ConcurrentChange(OperationRefused):
    """Someone else changed the record between reading and writing it."""


class EditConflict(ConcurrentChange):
    """The record was saved by someone else after the editor's form was opened.

    `current_version` lets the conflict page offer "save my version anyway"."""

    def __init__(self, record: Any, expected_version: int):
        self.record = record
        self.noun = noun(record)
        self.expected_version = expected_version
        self.current_version: int = record.version
        super().__init__(_SAVED_AFTER_YOU_OPENED.get(self.noun, _saved_after_you_opened)(noun=self.noun))


# What a view catches around an operation: a refusal, or a permission the person lacks.
REFUSALS = (OperationRefused, access.PermissionDenied)


# The refusals that name the record, one whole sentence for each kind of record (its
# `noun`), and one for any other.
def _saved_after_you_opened(**values: object) -> Message:
    return _l(
        "Someone else saved this %(noun)s after you opened the form. "
        "Compare their changes with yours below; nothing you typed has been lost.",
        **values,
    )


_SAVED_AFTER_YOU_OPENED = {
    "pledge": lambda **values: _l(
        "Someone else saved this pledge after you opened the form. "
        "Compare their changes with yours below; nothing you typed has been lost."
    ),
    "action": lambda **values: _l(
        "Someone else saved this action after you opened the form. "
        "Compare their changes with yours below; nothing you typed has been lost."
    ),
    "roundtable": lambda **values: _l(
        "Someone else saved this roundtable after you opened the form. "
        "Compare their changes with yours below; nothing you typed has been lost."
    ),
    "recommendation": lambda **values: _l(
        "Someone else saved this recommendation after you opened the form. "
        "Compare their changes with yours below; nothing you typed has been lost."
    ),
}


def _changed_at_the_same_moment(**values: object) -> Message:
    return _l(
        "Someone else changed this %(noun)s at the same moment. Reload the page to see where it stands now.", **values
    )


_CHANGED_AT_THE_SAME_MOMENT = {
    "pledge": lambda **values: _l(
        "Someone else changed this pledge at the same moment. Reload the page to see where it stands now."
    ),
    "action": lambda **values: _l(
        "Someone else changed this action at the same moment. Reload the page to see where it stands now."
    ),
    "roundtable": lambda **values: _l(
        "Someone else changed this roundtable at the same moment. Reload the page to see where it stands now."
    ),
    "recommendation": lambda **values: _l(
        "Someone else changed this recommendation at the same moment. Reload the page to see where it stands now."
    ),
}


# `state` is the workflow's phrase for where the record is ("still a draft"), `past` its
# phrase for the transition ("marked done").
def _not_from_this_state(**values: object) -> Message:
    return _l("This %(noun)s is %(state)s, so it cannot be %(past)s.", **values)


_NOT_FROM_THIS_STATE = {
    "pledge": lambda **values: _l("This pledge is %(state)s, so it cannot be %(past)s.", **values),
    "recommendation": lambda **values: _l("This recommendation is %(state)s, so it cannot be %(past)s.", **values),
}


def _not_now(**values: object) -> Message:
    return _l("This %(noun)s cannot be %(past)s now.", **values)


_NOT_NOW = {
    "pledge": lambda **values: _l("This pledge cannot be %(past)s now.", **values),
    "recommendation": lambda **values: _l("This recommendation cannot be %(past)s now.", **values),
}


def noun(record: Any) -> str:
    """What the person calls the record: its model's `noun` ("pledge", "action" …)."""
    return getattr(type(record), "noun", "record")


def check_version(record: Any, expected_version: int | None) -> None:
    """Refuse an edit made on a form opened before someone else's save."""
    if expected_version is not None and expected_version != record.version:
        raise EditConflict(record, expected_version)


def flush_or_conflict(record: Any) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        what = noun(record)
        raise ConcurrentChange(_CHANGED_AT_THE_SAME_MOMENT.get(what, _changed_at_the_same_moment)(noun=what)) from None


def record_edit(
    record: Any, actor: Any, before: dict[str, Any], watched: list[str], comment: str | None = None
) -> HistoryEntry | None:
    """Finish an edit: None when nothing changed; otherwise touch the row (even when only a
    list changed, so the version moves on and a form opened before this save is refused
    rather than overwriting it), flush, and record old and new values in history."""
    changes = changes_between(before, snapshot(record, watched))
    if not changes:
        return None
    record.updated_at = utcnow()
    flush_or_conflict(record)
    return record_history(record, "edited", actor, changes=changes, comment=comment)


AfterTransition = Callable[..., None]


def take_transition(
    record: Any,
    event: str,
    actor: Any,
    *,
    after: Mapping[str, AfterTransition],
    comment: str | None = None,
    **rule_data: Any,
) -> HistoryEntry:
    """Move `record` through its workflow by `event`, on behalf of `actor`; then run
    `after[event]` (what the transition sets besides the state), flush and write history.

    `rule_data` feeds the transition's rule (e.g. `reason=` for reopen and send back,
    `what_was_done=` for completing a recommendation). Returns the history entry.
    """
    access.require(actor, event, record)
    machine = record.workflow
    from_state = record.status
    past = machine.PAST_TENSE.get(event, event)
    what = noun(record)
    if event not in machine.events_from_here():
        state = machine.STATE_PHRASES[from_state]
        raise TransitionRefused(_NOT_FROM_THIS_STATE.get(what, _not_from_this_state)(noun=what, state=state, past=past))
    try:
        machine.send(event, **rule_data)
    except RuleNotMet as refusal:
        raise TransitionRefused(refusal.args[0] if refusal.args else str(refusal)) from None
    except TransitionNotAllowed:  # a guard said no
        raise TransitionRefused(_NOT_NOW.get(what, _not_now)(noun=what, past=past)) from None

    after[event](record, actor, comment=comment, **rule_data)
    flush_or_conflict(record)
    # The words that justified the transition are its comment in history.
    said = rule_data.get("reason") or rule_data.get("what_was_done") or comment
    return record_history(record, event, actor, from_state=from_state, to_state=record.status, comment=said)


Record = TypeVar("Record")


def distinct(records: Iterable[Record]) -> list[Record]:
    """Each record once, in the order given (a form may repeat a choice)."""
    seen: set[int] = set()
    found = []
    for record in records:
        key = record.id  # type: ignore[attr-defined]
        if key not in seen:
            seen.add(key)
            found.append(record)
    return found


def lock_row(model: Any, record_id: int) -> None:
    """Hold the record's row until the transaction ends, so that what is read next and then
    written (the next free place in a list) cannot race another writer doing the same:
    SELECT … FOR UPDATE on PostgreSQL. SQLite lets one writer in at a time: a write takes its
    write lock now, and what is read after it includes every write committed before."""
    table = table_of(model)
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(table).where(table.c.id == record_id).values(id=table.c.id))
    else:
        db.session.execute(sa.select(table.c.id).where(table.c.id == record_id).with_for_update())


# --- slugs -------------------------------------------------------------------------------

# Addresses under /pledges/ and /roundtables/ that are pages, not records.
RESERVED_SLUGS = frozenset({"new", "mine", "review", "follow-through"})


def unique_slug(model: Any, text: str) -> str:
    """The slug of `text`, numbered (-2, -3 …) when taken. A slug never changes after it is
    given, so a pledge keeps its address when its title is edited. Text in any script is
    transliterated; only text with nothing to transliterate falls back to the record's noun."""
    base = slugify(text, fallback=getattr(model, "noun", "record"))
    taken = set(db.session.scalars(sa.select(model.slug).where(model.slug.like(f"{base}%")))) | RESERVED_SLUGS
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


# --- typed values ------------------------------------------------------------------------


def refuse_duplicate(column: Any, value: str, record: Any, field: str, message: Message) -> None:
    """Refuse `value` if another row has it in `column`, ignoring case, before the
    database's unique constraint does so less politely."""
    model = column.class_
    query = sa.select(model.id).where(sa.func.lower(column) == sa.func.lower(value))
    if record is not None and record.id is not None:
        query = query.where(model.id != record.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise InvalidField(field, message)


def flush_unique() -> None:
    """Flush; a unique constraint tripped by someone saving the same name at the same
    moment is a refusal, not a server error."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise OperationRefused(
            _l("Someone else saved the same name at the same moment. Check and try again.")
        ) from None


def known_fields(fields: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    """A programming error, not a person's: an operation was given a field it has not."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what} fields: {', '.join(sorted(unknown))}")


def apply(record: Any, fields: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set `fields` on `record`; return what changed, {field: [old, new]}."""
    before = snapshot(record, list(fields))
    for name, value in fields.items():
        setattr(record, name, value)
    return changes_between(before, snapshot(record, list(fields)))
