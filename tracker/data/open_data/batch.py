"""An import's batch: the pledges and actions it would write, checked, or its errors — and
the reference data (organisations, forums, themes, countries) its rows are named by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from babel.support import LazyProxy
from sqlalchemy.orm import selectinload

from ...accounts.models import Organisation, User
from ...core import access
from ...core.extensions import db
from ...core.history import record_history
from ...core.i18n import _l, _n
from ...pledges.indicators import PledgeIndicator
from ...pledges.models import ActionFigure, ActionTaken, Pledge
from ...roundtables.models import (
    Outcome,
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationIndicator,
    Roundtable,
)
from .cells import ReferenceData


@dataclass(frozen=True)
class RowError:
    """One problem, where a spreadsheet shows it: row 1 is the header row."""

    row: int
    column: str | None
    message: str
    file: str | None = None

    def __str__(self) -> str:
        if self.column:
            said = _l("Row %(row)s, column %(column)s: %(what)s", row=self.row, column=self.column, what=self.message)
        else:
            said = _l("Row %(row)s: %(what)s", row=self.row, what=self.message)
        return str(_l("%(file)s: %(error)s", file=self.file, error=said) if self.file else said)


class ImportRefused(Exception):
    """`Batch.write` of a batch with errors: nothing was written."""


@dataclass(frozen=True)
class Derived:
    """A value the import made because the file does not give it (the preview lists each)."""

    row: int
    column: str
    value: str
    how: str
    file: str | None = None


# What the history of an imported pledge says of its signatories (no one accepted an invitation).
SIGNED_AS_IMPORTED = "Imported from a file: the signatories it names are recorded as having signed, on their behalf."
CREATED_BY_IMPORT = "Created by an import that names it."

# "3 organisations": how many of each kind of record (the summary of what an import writes).
COUNTED: dict[str, Callable[[int], LazyProxy]] = {
    "organisation": lambda n: _n("%(num)s organisation", "%(num)s organisations", n),
    "meeting": lambda n: _n("%(num)s meeting", "%(num)s meetings", n),
    "outcome": lambda n: _n("%(num)s outcome", "%(num)s outcomes", n),
    "recommendation": lambda n: _n("%(num)s recommendation", "%(num)s recommendations", n),
    "progress update": lambda n: _n("%(num)s progress update", "%(num)s progress updates", n),
    "pledge": lambda n: _n("%(num)s pledge", "%(num)s pledges", n),
    "action": lambda n: _n("%(num)s action", "%(num)s actions", n),
    # The reference data an import creates, by `ReferenceData.missing()`'s kinds.
    "organisations": lambda n: _n("%(num)s organisation", "%(num)s organisations", n),
    "forums": lambda n: _n("%(num)s forum", "%(num)s forums", n),
    "themes": lambda n: _n("%(num)s theme", "%(num)s themes", n),
    "countries": lambda n: _n("%(num)s country or region", "%(num)s countries or regions", n),
}


@dataclass
class Batch:
    """What an import would write — new pledges and actions, checked — or its errors."""

    organisations: list[Organisation] = field(default_factory=list)  # of an organisations file
    pledges: list[Pledge] = field(default_factory=list)
    actions: list[tuple[str, ActionTaken]] = field(default_factory=list)  # (pledge slug, action)
    # An action's figures that count towards an indicator of its pledge: tied when written
    # (tied earlier, the indicator would take the unwritten action into the session).
    counted: list[tuple[ActionFigure, PledgeIndicator]] = field(default_factory=list)
    # Meetings and what they issued; each part with what it belongs to, which may be in the
    # tracker already (tied to it only when written).
    meetings: list[Roundtable] = field(default_factory=list)
    groups: list[tuple[Roundtable, OutcomeGroup]] = field(default_factory=list)
    outcomes: list[tuple[OutcomeGroup, Outcome]] = field(default_factory=list)
    recommendations: list[tuple[Roundtable, OutcomeGroup | None, Recommendation]] = field(default_factory=list)
    updates: list[tuple[Recommendation, ProgressUpdate]] = field(default_factory=list)
    reported: list[tuple[ProgressUpdate, RecommendationIndicator]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    # Cross-row checks: slugs of the pledges in the import (None: the row had errors), and
    # the action positions the import takes, each with the row that took it.
    _new: dict[str, Pledge | None] = field(default_factory=dict)
    _slug_rows: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    _positions: dict[tuple[str, int], int] = field(default_factory=dict)
    # Other names an action may give its pledge of this import by: its source reference and
    # its title, each with its slug (None: more than one pledge of the import has it).
    _aliases: dict[str, str | None] = field(default_factory=dict)
    _names: ReferenceData | None = None
    # The meetings rows name (`meetings.Meetings`), for files of meetings and what they issued.
    meetings_index: Any = None
    outcome_texts: set[tuple[OutcomeGroup, str]] = field(default_factory=set)  # (heading, outcome) of the import

    @property
    def names(self) -> ReferenceData:
        if self._names is None:
            self._names = ReferenceData()
        return self._names

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """ "3 meetings, 35 recommendations (and 12 organisations created)": what it writes."""
        made = [str(COUNTED[kind](len(records))) for kind, records in self.names.missing().items() if records]
        sizes = [
            (len(self.organisations), "organisation"),
            (len(self.meetings), "meeting"),
            (len(self.outcomes), "outcome"),
            (len(self.recommendations), "recommendation"),
            (len(self.updates), "progress update"),
        ]
        listed = [str(COUNTED[noun](n)) for n, noun in sizes if n]
        if self.pledges or self.actions or not listed:
            listed += [str(COUNTED["pledge"](len(self.pledges))), str(COUNTED["action"](len(self.actions)))]
        words = (
            str(_l("%(items)s and %(last)s", items=", ".join(listed[:-1]), last=listed[-1]))
            if len(listed) > 1
            else listed[0]
        )
        return (
            str(_l("%(written)s (and %(created)s created)", written=words, created=", ".join(made))) if made else words
        )

    def alias(self, name: str, slug: str) -> None:
        if name:
            self._aliases[name] = slug if self._aliases.get(name, slug) == slug else None

    def write(self, actor: User | None = None) -> None:
        """Add the reference data the import creates (by `actor`, who must be an admin), then
        every pledge and action, with a history entry ("imported") for each, in the caller's
        transaction (which commits). Refused if any row had errors."""
        if self.errors:
            raise ImportRefused(
                _n("%(num)s error: nothing written.", "%(num)s errors: nothing written.", len(self.errors))
            )
        created = self.organisations + [record for records in self.names.missing().values() for record in records]
        if created:
            access.require(actor, "administer")
            db.session.add_all(created)
            db.session.flush()
            for record in created:
                record_history(record, "created", actor, comment=CREATED_BY_IMPORT)
        db.session.add_all(self.pledges)
        db.session.flush()
        for pledge in self.pledges:
            record_history(pledge, "imported", actor, to_state=pledge.status, comment=SIGNED_AS_IMPORTED)
        existing = pledges_by_slug({slug for slug, _ in self.actions} - set(self._new))
        for slug, action in self.actions:
            action.pledge = self._new.get(slug) or existing[slug]
            db.session.add(action)
        for figure, indicator in self.counted:
            figure.indicator = indicator
        db.session.flush()
        for _slug, action in self.actions:
            record_history(action, "imported", actor, changes={"summary": [None, action.summary]})
        self._write_meetings(actor)

    def _write_meetings(self, actor: User | None) -> None:
        """The meetings, their headings and outcomes, recommendations and updates, each tied
        to what it belongs to (in the tracker, or new), with its history entry."""
        db.session.add_all(self.meetings)
        for meeting, group in self.groups:
            meeting.outcome_groups.append(group)
        for group, outcome in self.outcomes:
            group.outcomes.append(outcome)
        db.session.flush()
        for meeting in self.meetings:
            record_history(meeting, "imported", actor)
        new = set(map(id, self.meetings))
        for meeting, group in self.groups:
            if id(meeting) not in new:
                record_history(meeting, "heading_added", actor, changes={"heading": [None, group.heading]})
        for group, outcome in self.outcomes:
            if id(group.roundtable) not in new:
                record_history(group.roundtable, "outcome_added", actor, changes={"outcome": [None, outcome.text]})
        for meeting, heading, recommendation in self.recommendations:
            recommendation.roundtable, recommendation.group = meeting, heading
            recommendation.created_by_id = getattr(actor, "id", None)
            db.session.add(recommendation)
        for recommendation, update in self.updates:
            update.recommendation = recommendation
            db.session.add(update)
        for update, indicator in self.reported:
            update.indicator = indicator
        db.session.flush()
        for _meeting, _group, recommendation in self.recommendations:
            record_history(recommendation, "imported", actor, to_state=recommendation.status)
        for _recommendation, update in self.updates:
            record_history(update, "imported", actor, changes={"text": [None, update.text]})


def pledges_by_slug(slugs: set[str]) -> dict[str, Pledge]:
    if not slugs:
        return {}
    query = sa.select(Pledge).where(Pledge.slug.in_(slugs)).options(selectinload(Pledge.signatory_rows))
    return {pledge.slug: pledge for pledge in db.session.scalars(query)}


def pledges_named(names: set[str]) -> dict[str, Pledge | None]:
    """The pledges of the tracker an import's actions name, by slug, source reference or
    title (in that order of precedence); None for a name more than one pledge has."""
    if not names:
        return {}
    query = (
        sa.select(Pledge)
        .where(sa.or_(Pledge.slug.in_(names), Pledge.source_reference.in_(names), Pledge.title.in_(names)))
        .options(selectinload(Pledge.signatory_rows))
    )
    found: dict[str, Pledge | None] = {}
    pledges = list(db.session.scalars(query))
    for name in names:
        for attribute in ("slug", "source_reference", "title"):
            matches = [pledge for pledge in pledges if getattr(pledge, attribute) == name]
            if matches:
                found[name] = matches[0] if len(matches) == 1 else None
                break
    return found
