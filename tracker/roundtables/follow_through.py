"""Follow-through: which recommendations are overdue, stale, due soon or sent back, the
filters of the recommendation lists, and the figures of the co-chairs' dashboard.

Each rule is written once, as a SQL condition; the lists filter with it and the dashboard
counts with it, so a figure on the dashboard is always the length of the list it links to.
`today` is passed in (views take it from `clock.today()`, tests fix it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from babel.support import LazyProxy

from ..accounts.models import Organisation
from ..core import numbers, search
from ..core.extensions import db
from ..core.i18n import _l, _n
from .models import Recommendation, RecommendationOwner, Roundtable
from .workflow import RecommendationWorkflow

STALE_AFTER_DAYS = 90  # no progress update for this long: stale
DUE_SOON_DAYS = 30  # due within this many days: needs the owners' attention

DRAFT = RecommendationWorkflow.draft.value
IN_PROGRESS = RecommendationWorkflow.in_progress.value
DONE = RecommendationWorkflow.done.value
VERIFIED = RecommendationWorkflow.verified.value
STATES = RecommendationWorkflow.state_values()
# A list filter meaning "every state but draft": what has been agreed and assigned.
AGREED = "agreed"


# --- the rules -------------------------------------------------------------------------


def agreed_condition():
    return Recommendation.status != DRAFT


def overdue_condition(today: dt.date):
    """Past its due date and not yet done (a draft has no commitment yet to be late on)."""
    return sa.and_(Recommendation.status == IN_PROGRESS, Recommendation.due_date < today)


def stale_condition(today: dt.date):
    """In progress with no progress update (nor agreement) for `STALE_AFTER_DAYS` days."""
    last_news = sa.func.coalesce(Recommendation.last_update_on, Recommendation.agreed_on)
    return sa.and_(Recommendation.status == IN_PROGRESS, last_news < today - dt.timedelta(days=STALE_AFTER_DAYS))


def due_soon_condition(today: dt.date):
    return sa.and_(
        Recommendation.status == IN_PROGRESS,
        Recommendation.due_date >= today,
        Recommendation.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS),
    )


def sent_back_condition():
    """Sent back by a co-chair and not yet marked done again."""
    return sa.and_(Recommendation.status == IN_PROGRESS, Recommendation.sent_back_at.is_not(None))


# The same rules for one recommendation already loaded (badges on a page).


def is_overdue(recommendation: Recommendation, today: dt.date) -> bool:
    return (
        recommendation.status == IN_PROGRESS and recommendation.due_date is not None and recommendation.due_date < today
    )


def is_stale(recommendation: Recommendation, today: dt.date) -> bool:
    last_news = recommendation.last_update_on or recommendation.agreed_on
    return (
        recommendation.status == IN_PROGRESS
        and last_news is not None
        and last_news < today - dt.timedelta(days=STALE_AFTER_DAYS)
    )


def is_due_soon(recommendation: Recommendation, today: dt.date) -> bool:
    return (
        recommendation.status == IN_PROGRESS
        and recommendation.due_date is not None
        and today <= recommendation.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS)
    )


def is_sent_back(recommendation: Recommendation) -> bool:
    return recommendation.status == IN_PROGRESS and recommendation.sent_back_at is not None


# --- the lists -------------------------------------------------------------------------


DUE_FIRST = "due"  # the lists' order unless asked otherwise (SORTS, below)


@dataclass(frozen=True)
class Filters:
    """What a recommendation list is narrowed to (every field optional)."""

    state: str | None = None  # one of STATES, or AGREED
    owner_id: int | None = None  # an owner, lead or not
    group_id: int | None = None  # the heading
    roundtable_id: int | None = None
    overdue: bool = False
    stale: bool = False
    q: str = ""  # words its text, number or addressee holds (core.search: accents and case forgiven)
    sort: str = DUE_FIRST

    def conditions(self, today: dt.date) -> list:
        found = [search.matches(Recommendation.search_text, word) for word in self.q.split()]
        if self.state == AGREED:
            found.append(agreed_condition())
        elif self.state in STATES:
            found.append(Recommendation.status == self.state)
        if self.owner_id is not None:
            found.append(Recommendation.owners.any(RecommendationOwner.organisation_id == self.owner_id))
        if self.group_id is not None:
            found.append(Recommendation.group_id == self.group_id)
        if self.roundtable_id is not None:
            found.append(Recommendation.roundtable_id == self.roundtable_id)
        if self.overdue:
            found.append(overdue_condition(today))
        if self.stale:
            found.append(stale_condition(today))
        return found

    def any(self) -> bool:
        return any((self.state, self.owner_id, self.group_id, self.roundtable_id, self.overdue, self.stale, self.q))


# How a recommendation list may be sorted: key -> (label, ORDER BY).
SORTS: dict[str, tuple[LazyProxy, tuple[Any, ...]]] = {
    DUE_FIRST: (_l("Soonest due first"), (Recommendation.due_date.asc().nulls_last(), Recommendation.id)),
    "quiet": (
        _l("Longest without news first"),
        (
            sa.func.coalesce(Recommendation.last_update_on, Recommendation.agreed_on).asc().nulls_first(),
            Recommendation.id,
        ),
    ),
    "news": (
        _l("Latest news first"),
        (
            sa.func.coalesce(Recommendation.last_update_on, Recommendation.agreed_on).desc().nulls_last(),
            Recommendation.id,
        ),
    ),
    "reference": (
        _l("By number in the source"),
        (Recommendation.roundtable_id, Recommendation.reference, Recommendation.id),
    ),
}


def recommendations_query(roundtable_ids, filters: Filters, today: dt.date):
    """The recommendations of these roundtables that pass `filters`, due first."""
    order = SORTS.get(filters.sort, SORTS[DUE_FIRST])[1]
    return (
        sa.select(Recommendation)
        .where(Recommendation.roundtable_id.in_(roundtable_ids), *filters.conditions(today))
        .order_by(*order)
    )


# --- the dashboard ---------------------------------------------------------------------


def _count_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


class Flag:
    """A red-amber-green flag for an owner, with the words that explain it."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass
class OwnerRow:
    organisation: Organisation
    assigned: int
    in_progress: int
    done: int
    verified: int
    overdue: int
    stale: int
    due_soon: int
    sent_back: int

    @property
    def flag(self) -> str:
        if self.overdue:
            return Flag.RED
        if self.stale or self.due_soon or self.sent_back:
            return Flag.AMBER
        return Flag.GREEN

    @property
    def flag_reason(self) -> str:
        """Why the flag is what it is, in the reader's language: "2 overdue", or each reason
        for amber ("1 sent back; 3 due within 30 days"), or "on track"."""
        if self.overdue:
            return str(_n("%(num)s overdue", "%(num)s overdue", self.overdue))
        reasons = []
        if self.stale:
            reasons.append(
                _n(
                    "%(num)s without an update for %(days)s days",
                    "%(num)s without an update for %(days)s days",
                    self.stale,
                    days=STALE_AFTER_DAYS,
                )
            )
        if self.due_soon:
            reasons.append(
                _n(
                    "%(num)s due within %(days)s days",
                    "%(num)s due within %(days)s days",
                    self.due_soon,
                    days=DUE_SOON_DAYS,
                )
            )
        if self.sent_back:
            reasons.append(_n("%(num)s sent back", "%(num)s sent back", self.sent_back))
        return "; ".join(str(reason) for reason in reasons) or str(_l("on track"))


@dataclass
class Summary:
    """The figures of a follow-through dashboard."""

    by_state: dict[str, int]
    overdue: int
    stale: int
    owners: list[OwnerRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    @property
    def agreed(self) -> int:
        return self.total - self.by_state[DRAFT]

    @property
    def verified_percent(self) -> int:
        """Share of the agreed recommendations that are verified, rounded (1 of 6: 17%);
        100% only when every one is."""
        return numbers.percent(self.by_state[VERIFIED], self.agreed)

    @property
    def shares(self) -> dict[str, int]:
        """Each state's share of all the recommendations, in whole percentages adding up to 100."""
        return numbers.shares(self.by_state)


def _totals(today: dt.date):
    return (
        *(_count_where(Recommendation.status == state).label(state) for state in STATES),
        _count_where(overdue_condition(today)).label("overdue"),
        _count_where(stale_condition(today)).label("stale"),
    )


def _summary_of(row, owners=()) -> Summary:
    return Summary(
        by_state={state: int(getattr(row, state)) for state in STATES},
        overdue=int(row.overdue),
        stale=int(row.stale),
        owners=list(owners),
    )


def summarise_each(roundtable_ids, today: dt.date) -> dict[int, Summary]:
    """Figures per roundtable (without the owner table), in one query for all of them."""
    if not roundtable_ids:
        return {}
    rows = db.session.execute(
        sa.select(Recommendation.roundtable_id, *_totals(today))
        .where(Recommendation.roundtable_id.in_(roundtable_ids))
        .group_by(Recommendation.roundtable_id)
    ).all()
    found = {row.roundtable_id: _summary_of(row) for row in rows}
    empty = Summary(by_state=dict.fromkeys(STATES, 0), overdue=0, stale=0)
    return {rid: found.get(rid, empty) for rid in roundtable_ids}


def summarise(roundtable_ids, today: dt.date) -> Summary:
    """The dashboard's figures for these roundtables, in two queries however many
    recommendations there are."""
    in_scope = Recommendation.roundtable_id.in_(roundtable_ids)
    totals = db.session.execute(sa.select(*_totals(today)).where(in_scope)).one()
    rows = db.session.execute(
        sa.select(
            Organisation,
            sa.func.count().label("assigned"),
            _count_where(Recommendation.status == IN_PROGRESS),
            _count_where(Recommendation.status == DONE),
            _count_where(Recommendation.status == VERIFIED),
            _count_where(overdue_condition(today)),
            _count_where(stale_condition(today)),
            _count_where(due_soon_condition(today)),
            _count_where(sent_back_condition()),
        )
        .select_from(RecommendationOwner)
        .join(Recommendation, Recommendation.id == RecommendationOwner.recommendation_id)
        .join(Organisation, Organisation.id == RecommendationOwner.organisation_id)
        .where(in_scope, agreed_condition())
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    return _summary_of(totals, owners=[OwnerRow(row[0], *(int(n) for n in row[1:])) for row in rows])


def co_chaired_roundtable_ids(user):
    """The roundtables whose follow-through `user` reviews: those their organisation
    co-chairs (every roundtable, for an admin)."""
    if user.is_admin:
        return sa.select(Roundtable.id)
    if not user.is_co_chair:
        return sa.select(Roundtable.id).where(sa.false())
    return sa.select(Roundtable.id).where(Roundtable.co_chairs.any(Organisation.id == user.organisation_id))
