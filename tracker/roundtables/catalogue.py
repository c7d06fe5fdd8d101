"""The roundtable list, HTTP-free: which roundtables a search and filters give, in which
order, a page at a time — for the list page and the API. A visitor sees public roundtables,
and those their organisation co-chairs (the rule is `tracker.permissions`')."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..accounts.models import Organisation
from ..core import access
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
from .models import MEETING_KIND_LABELS, MEETING_KINDS, Roundtable, roundtable_co_chairs

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
        by_id(Roundtable.forum_id),
        counted(Forum.id, Forum.name, Roundtable, Roundtable.forum_id == Forum.id, Roundtable.id),
        named(Forum.id, Forum.name, by_number=True),
    ),
    Facet(
        "co_chair",
        _l("Co-chair"),
        linked_by_id(Roundtable.id, roundtable_co_chairs.c.roundtable_id, roundtable_co_chairs.c.organisation_id),
        counted(
            Organisation.id,
            Organisation.name,
            roundtable_co_chairs,
            roundtable_co_chairs.c.organisation_id == Organisation.id,
            roundtable_co_chairs.c.roundtable_id,
        ),
        named(Organisation.id, Organisation.name, by_number=True),
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
