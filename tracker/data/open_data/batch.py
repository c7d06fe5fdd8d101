"""An import's batch: the pledges and actions it would write, checked, or its errors — and
the reference data (organisations, forums, themes, countries) its rows are named by."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...core.extensions import db
from ...core.history import record_history
from ...pledges.models import ActionTaken, Pledge
from .cells import ReferenceData


@dataclass(frozen=True)
class RowError:
    """One problem, where a spreadsheet shows it: row 1 is the header row."""

    row: int
    column: str | None
    message: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return (f"{self.file}: " if self.file else "") + f"{where}: {self.message}"


class ImportRefused(Exception):
    """`Batch.write` of a batch with errors: nothing was written."""


# What the history of an imported pledge says of its signatories (no one accepted an invitation).
SIGNED_AS_IMPORTED = "Imported from a file: the signatories it names are recorded as having signed, on their behalf."


@dataclass
class Batch:
    """What an import would write — new pledges and actions, checked — or its errors."""

    pledges: list[Pledge] = field(default_factory=list)
    actions: list[tuple[str, ActionTaken]] = field(default_factory=list)  # (pledge slug, action)
    errors: list[RowError] = field(default_factory=list)
    # Cross-row checks: slugs of the pledges in the import (None: the row had errors), and
    # the action positions the import takes, each with the row that took it.
    _new: dict[str, Pledge | None] = field(default_factory=dict)
    _slug_rows: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    _positions: dict[tuple[str, int], int] = field(default_factory=dict)
    _names: ReferenceData | None = None

    @property
    def names(self) -> ReferenceData:
        if self._names is None:
            self._names = ReferenceData()
        return self._names

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{count(len(self.pledges), 'pledge')} and {count(len(self.actions), 'action')}"

    def write(self) -> None:
        """Add every pledge and action, with a history entry ("imported", by the system)
        for each, in the caller's transaction (which commits). Refused if any row had errors."""
        if self.errors:
            raise ImportRefused(f"{count(len(self.errors), 'error')}: nothing written.")
        db.session.add_all(self.pledges)
        db.session.flush()
        for pledge in self.pledges:
            record_history(pledge, "imported", None, to_state=pledge.status, comment=SIGNED_AS_IMPORTED)
        existing = pledges_by_slug({slug for slug, _ in self.actions} - set(self._new))
        for slug, action in self.actions:
            action.pledge = self._new.get(slug) or existing[slug]
            db.session.add(action)
        db.session.flush()
        for _slug, action in self.actions:
            record_history(action, "imported", None, changes={"summary": [None, action.summary]})


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def pledges_by_slug(slugs: set[str]) -> dict[str, Pledge]:
    if not slugs:
        return {}
    query = sa.select(Pledge).where(Pledge.slug.in_(slugs)).options(selectinload(Pledge.signatory_rows))
    return {pledge.slug: pledge for pledge in db.session.scalars(query)}
