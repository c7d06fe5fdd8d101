"""Column types and defaults shared by every area's models."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa


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
