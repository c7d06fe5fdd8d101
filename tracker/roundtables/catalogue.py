"""The roundtable list and the recommendation list, HTTP-free: which records a search and
filters give, in which order, a page at a time — for the list page and the API. A visitor
sees public roundtables, and those their organisation co-chairs; the public sees the agreed
recommendations of public roundtables (the rules are `tracker.permissions`')."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from ..accounts.models import Organisation
from ..core import access, clock
from ..core.i18n import _l
from ..core.listing import (
    Counted,
    Facet,
    FacetValue,
    Listing,
    Sort,
    as_date,
    by_id,
    counted,
    in_order,
    linked_by_id,
    named,
)
from ..core.search import matches
from ..taxonomy.models import Forum
from . import follow_through
from .models import (
    MEETING_KIND_LABELS,
    MEETING_KINDS,
    Recommendation,
    RecommendationOwner,
    Roundtable,
    roundtable_co_chairs,
)
from .workflow import RecommendationWorkflow

PUBLIC = None  # the visitor the public lists are for: nobody logged in


def _roundtable_matches(term: str):
    return matches(Roundtable.search_text, term)


_year = sa.extract("year", Roundtable.start_date)


def _year_condition(key: str):
    return _year == int(key) if key.isascii() and key.isdigit() and len(key) == 4 else None


def _year_counts(ids):
    return sa.select(_year, sa.null(), sa.func.count()).where(Roundtable.id.in_(ids)).group_by(_year)


def _newest_year_first(rows: Counted) -> list[FacetValue]:
    years = sorted(((int(float(key)), count) for key, _name, count in rows), reverse=True)
    return [FacetValue(str(year), str(year), count) for year, count in years]


def _kind_condition(key: str):
    return Roundtable.kind == key if key in MEETING_KINDS else None


def _kind_counts(ids):
    return (
        sa.select(Roundtable.kind, sa.null(), sa.func.count()).where(Roundtable.id.in_(ids)).group_by(Roundtable.kind)
    )


_FACETS = (
    Facet(
        "kind",
        _l("Kind"),
        _kind_condition,
        _kind_counts,
        MEETING_KIND_LABELS.get,
        shown=in_order(lambda: MEETING_KIND_LABELS, MEETING_KIND_LABELS.__getitem__),
    ),
    Facet(
        "process",
        _l("Process"),
        by_id(Roundtable.forum_id, (Forum.id, Forum.slug)),
        counted(Forum.id, Forum.name, Roundtable, Roundtable.forum_id == Forum.id, Roundtable.id),
        named(Forum.id, Forum.name, by_number=True, slug=Forum.slug),
    ),
    Facet(
        "co_chair",
        _l("Co-chair"),
        linked_by_id(
            Roundtable.id,
            roundtable_co_chairs.c.roundtable_id,
            roundtable_co_chairs.c.organisation_id,
            (Organisation.id, Organisation.slug),
        ),
        counted(
            Organisation.id,
            Organisation.name,
            roundtable_co_chairs,
            roundtable_co_chairs.c.organisation_id == Organisation.id,
            roundtable_co_chairs.c.roundtable_id,
        ),
        named(Organisation.id, Organisation.name, by_number=True, slug=Organisation.slug),
    ),
    Facet(
        "year",
        _l("Year"),
        _year_condition,
        _year_counts,
        lambda key: key if _year_condition(key) is not None else None,
        shown=_newest_year_first,
    ),
)

_SORTS = {
    "newest": Sort(
        _l("Newest first"),
        (Roundtable.start_date, Roundtable.id),
        descending=True,
        decoders=(as_date, int),
        values=lambda roundtable: [roundtable.start_date, roundtable.id],
    ),
    "title": Sort(
        _l("Title (A–Z)"),
        (Roundtable.title, Roundtable.id),
        descending=False,
        decoders=(str, int),
        values=lambda roundtable: [roundtable.title, roundtable.id],
    ),
}


def roundtables_for(user: Any) -> Listing:
    """The roundtable list as `user` sees it: public roundtables, and those they co-chair."""
    return Listing(
        model=Roundtable,
        visible=lambda: access.visible(user, Roundtable),
        matches=_roundtable_matches,
        facets=_FACETS,
        sorts=_SORTS,
    )


ROUNDTABLES = roundtables_for(PUBLIC)


# --- the recommendation list ------------------------------------------------------------------
#
# The recommendations a visitor may see (`access.visible`): for the public, the agreed ones of
# public roundtables — the API's /recommendations. A filter's value is a string, as in an
# address: one that names nothing matches nothing.

AGREED_STATES = tuple(state for state in RecommendationWorkflow.state_values() if state != follow_through.DRAFT)


def _of_roundtables(condition) -> sa.ColumnElement[bool]:
    return Recommendation.roundtable_id.in_(sa.select(Roundtable.id).where(condition))


def _mechanism_condition(key: str):
    return _of_roundtables(Roundtable.kind == key) if key in MEETING_KINDS else None


def _state_condition(key: str):
    return Recommendation.status == key if key in AGREED_STATES else None


def _overdue_condition(key: str):
    """Overdue as the follow-through lists say, as of today ("true"), or not ("false": one
    without a due date is not)."""
    overdue = follow_through.overdue_condition(clock.today())
    if key == "true":
        return overdue
    return sa.case((overdue, sa.false()), else_=sa.true()) if key == "false" else None


def _due(compare: Callable[[Any, dt.date], Any]) -> Callable[[str], Any]:
    """Due on a day that compares so to the ISO day given (never: without a due date)."""

    def condition(key: str):
        try:
            return compare(Recommendation.due_date, dt.date.fromisoformat(key))
        except ValueError:
            return None

    return condition


def _reference_condition(key: str):
    return Recommendation.reference == key


def _of_listed_roundtables(key, label):
    """Each value of a roundtable's (`key`) with how many of the listed recommendations have it."""
    return counted(key, label, Recommendation, Recommendation.roundtable_id == Roundtable.id, Recommendation.id)


def _state_counts(ids):
    return (
        sa.select(Recommendation.status, sa.null(), sa.func.count())
        .where(Recommendation.id.in_(ids))
        .group_by(Recommendation.status)
    )


def _not_counted(_ids):
    """For a filter whose values are no list to choose from (yes or no, a day, a number)."""
    return sa.select(sa.null(), sa.null(), sa.literal(0)).where(sa.false())


def _agreed_state_label(key: str):
    return RecommendationWorkflow.label(key) if key in AGREED_STATES else None


_RECOMMENDATION_FACETS = (
    Facet(
        "roundtable",
        _l("Meeting"),
        by_id(Recommendation.roundtable_id, (Roundtable.id, Roundtable.slug)),
        _of_listed_roundtables(Roundtable.slug, Roundtable.title),
        named(Roundtable.id, Roundtable.title, by_number=True, slug=Roundtable.slug),
    ),
    Facet(
        "mechanism",
        _l("Kind"),
        _mechanism_condition,
        _of_listed_roundtables(Roundtable.kind, Roundtable.kind),
        MEETING_KIND_LABELS.get,
        shown=in_order(lambda: MEETING_KIND_LABELS, MEETING_KIND_LABELS.__getitem__),
    ),
    Facet(
        "state",
        _l("State"),
        _state_condition,
        _state_counts,
        _agreed_state_label,
        partitions=True,
        shown=in_order(lambda: AGREED_STATES, RecommendationWorkflow.label),
    ),
    Facet(
        "owner",
        _l("Owner"),
        # (as lead or not)
        linked_by_id(
            Recommendation.id,
            RecommendationOwner.recommendation_id,
            RecommendationOwner.organisation_id,
            (Organisation.id, Organisation.slug),
        ),
        counted(
            Organisation.id,
            Organisation.name,
            RecommendationOwner,
            RecommendationOwner.organisation_id == Organisation.id,
            RecommendationOwner.recommendation_id,
        ),
        named(Organisation.id, Organisation.name, by_number=True, slug=Organisation.slug),
    ),
    Facet("overdue", _l("Overdue"), _overdue_condition, _not_counted),
    Facet("due_before", _l("Due on or before"), _due(operator.le), _not_counted),
    Facet("due_after", _l("Due on or after"), _due(operator.ge), _not_counted),
    Facet("reference", _l("Number in the source"), _reference_condition, _not_counted),
)

# The meeting's first day, read with each recommendation: the list's first sort key.
_meeting_start = sa.select(Roundtable.start_date).where(Roundtable.id == Recommendation.roundtable_id).scalar_subquery()

_RECOMMENDATION_SORTS = {
    "meeting": Sort(
        _l("Newest meeting first, then as recorded"),
        # (A sort's keys go one way: `-id`, descending, is the order recorded.)
        (_meeting_start, Recommendation.roundtable_id, -Recommendation.id),
        descending=True,
        decoders=(as_date, int, int),
        values=lambda recommendation: [
            recommendation.roundtable.start_date,
            recommendation.roundtable_id,
            -recommendation.id,
        ],
    ),
}


def _recommendation_matches(term: str):
    return matches(Recommendation.search_text, term)


RECOMMENDATIONS = Listing(
    model=Recommendation,
    visible=lambda: access.visible(PUBLIC, Recommendation),
    matches=_recommendation_matches,
    facets=_RECOMMENDATION_FACETS,
    sorts=_RECOMMENDATION_SORTS,
)
