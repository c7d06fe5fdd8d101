"""Column types and defaults shared by every area's models."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from .text import slugify


def utcnow() -> dt.datetime:
    """Naive UTC: both databases store it identically."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def choice(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A string column limited to an enum's values by a CHECK constraint (never a native
    ENUM type, which PostgreSQL keeps after a downgrade)."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def max_length(column: Any) -> int | None:
    """How many characters a string column (`Model.name`) holds; None when unbounded."""
    return getattr(column.type, "length", None)


def table_of(model: Any) -> sa.Table:
    """A model's table, as a Table (what Core's insert, update and delete take)."""
    table = model.__table__
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def state_column(values: tuple[str, ...], name: str) -> sa.Enum:
    """The state column of a workflow: exactly the machine's states, checked by the DB."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


# --- slugs made from a record's name --------------------------------------------------------


def _free(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3` … : the first not taken."""
    return next(s for s in [base, *(f"{base}-{n}" for n in range(2, len(taken) + 3))] if s not in taken)


def slug_from_name(table_name: str, fallback: str, reserved: frozenset[str] = frozenset()) -> Callable[[Any], str]:
    """A column default: the slug of the row's `name` (transliterated, cut at a word),
    numbered when taken. It serves rows written without the ORM (a bulk insert); the ORM's
    are given theirs before the flush (`give_slugs_by_name`), numbered among each other too."""

    def default(context: Any) -> str:
        base = slugify(context.get_current_parameters().get("name") or "", max_length=100, fallback=fallback)
        column = sa.table(table_name, sa.column("slug")).c.slug
        taken = set(context.connection.scalars(sa.select(column).where(column.like(f"{base}%")))) | reserved
        given = context.__dict__.setdefault("_slugs_given", set())  # to the statement's other rows
        slug = _free(base, taken | given)
        given.add(slug)
        return slug

    return default


def give_slugs_by_name(model: Any, fallback: str, reserved: frozenset[str] = frozenset()) -> None:
    """Before each flush, give the new records of `model` without a slug one from their name,
    numbered when taken by a record in the database or another of the same flush. A slug never
    changes after: an address or an API filter that names it keeps working after a rename."""

    @event.listens_for(Session, "before_flush")
    def _give_slugs(session: Session, _context: object, _instances: object) -> None:
        new = [record for record in session.new if isinstance(record, model) and not record.slug]
        if not new:
            return
        with session.no_autoflush:
            taken = set(session.scalars(sa.select(model.slug))) | reserved
        taken |= {record.slug for record in session.new if isinstance(record, model) and record.slug}
        for record in new:
            record.slug = _free(slugify(record.name or "", max_length=100, fallback=fallback), taken)
            taken.add(record.slug)
