"""The public register, HTTP-free: which pledges and roundtables a search and filters
give, in which order, a page at a time — the one definition behind the list pages, the
CSV exports, the feeds and the API.

The public sees published pledges only (never drafts) and public roundtables only; both
come from `permissions`, the one place that says who sees what.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from . import permissions
from .extensions import db
from .listing import Facet, FacetValue, Listing, Sort, as_date, as_datetime, contains
from .models import (
    ActionTaken,
    Country,
    Forum,
    Organisation,
    Pledge,
    PledgeSignatory,
    Roundtable,
    Theme,
    pledge_countries,
    pledge_themes,
    roundtable_co_chairs,
)
from .workflow import PledgeWorkflow

PUBLIC = None  # the visitor the public lists are for: nobody logged in

# --- pledges ----------------------------------------------------------------------------------


def _pledge_matches(term: str):
    """A pledge matches a search word when its title, its text or one of its current
    (not withdrawn) actions contains it: a withdrawn action is never found."""
    in_actions = sa.exists().where(
        ActionTaken.pledge_id == Pledge.id,
        ActionTaken.withdrawn_at.is_(None),
        sa.or_(contains(ActionTaken.summary, term), contains(ActionTaken.details, term), contains(ActionTaken.heading, term)),
    )
    return sa.or_(contains(Pledge.title, term), contains(Pledge.text, term), in_actions)


def _as_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 10 else None


def _by_id(column):
    """The condition "column = <the id in the key>", or None for a key that is no id."""

    def condition(key: str):
        number = _as_id(key)
        return None if number is None else column == number

    return condition


def _linked_by_id(owner_id, link_owner, link_target):
    """The condition "the record is linked (in a link table) to the one whose id is the key"."""

    def condition(key: str):
        number = _as_id(key)
        return None if number is None else owner_id.in_(sa.select(link_owner).where(link_target == number))

    return condition


def _theme_condition(key: str):
    """A theme is named by its slug in the URL."""
    return Pledge.id.in_(
        sa.select(pledge_themes.c.pledge_id).join(Theme, Theme.id == pledge_themes.c.theme_id).where(Theme.slug == key)
    )


def _counted(key, label, link, linked_record, link_owner):
    """Facet values counted through a link: `key` and `label` of each record on the other
    side of `link` (joined where `linked_record`), with how many of the listed ids
    (`link_owner`) it is linked to — one grouped query."""

    def counts(ids) -> list[FacetValue]:
        rows = db.session.execute(
            sa.select(key, label, sa.func.count())
            .join(link, linked_record)
            .where(link_owner.in_(ids))
            .group_by(key, label)
            .order_by(label)
        )
        return [FacetValue(str(value), name, count) for value, name, count in rows]

    return counts


def _state_counts(ids) -> list[FacetValue]:
    counts = dict(db.session.execute(sa.select(Pledge.status, sa.func.count()).where(Pledge.id.in_(ids)).group_by(Pledge.status)).all())
    return [FacetValue(state, PledgeWorkflow.label(state), counts.get(state, 0)) for state in PUBLISHED_STATES]


PUBLISHED_STATES = [state for state in PledgeWorkflow.state_values() if state != PledgeWorkflow.draft.value]

_NO_ACTION_YET = dt.date(1, 1, 1)  # sorts after every real date in "latest action first"
_last_action = sa.func.coalesce(Pledge.last_action_on, sa.literal(_NO_ACTION_YET, sa.Date))
_EPOCH = dt.datetime(1970, 1, 1)
_published = sa.func.coalesce(Pledge.published_at, sa.literal(_EPOCH, sa.DateTime))

PLEDGES = Listing(
    model=Pledge,
    visible=lambda: permissions.visible_pledges(PUBLIC),
    matches=_pledge_matches,
    facets=(
        Facet("state", "State", lambda key: Pledge.status == key if key in PUBLISHED_STATES else None, _state_counts),
        Facet(
            "theme",
            "Theme",
            _theme_condition,
            _counted(Theme.slug, Theme.name, pledge_themes, pledge_themes.c.theme_id == Theme.id, pledge_themes.c.pledge_id),
        ),
        Facet(
            "organisation",
            "Organisation",
            _linked_by_id(Pledge.id, PledgeSignatory.pledge_id, PledgeSignatory.organisation_id),
            _counted(
                Organisation.id,
                Organisation.name,
                PledgeSignatory,
                PledgeSignatory.organisation_id == Organisation.id,
                PledgeSignatory.pledge_id,
            ),
        ),
        Facet("forum", "Forum", _by_id(Pledge.forum_id), _counted(Forum.id, Forum.name, Pledge, Pledge.forum_id == Forum.id, Pledge.id)),
        Facet(
            "country",
            "Country or region",
            _linked_by_id(Pledge.id, pledge_countries.c.pledge_id, pledge_countries.c.country_id),
            _counted(
                Country.id, Country.name, pledge_countries, pledge_countries.c.country_id == Country.id, pledge_countries.c.pledge_id
            ),
        ),
    ),
    sorts={
        "last_action": Sort(
            "Latest action first",
            (_last_action, Pledge.id),
            descending=True,
            decoders=(as_date, int),
            values=lambda pledge: [pledge.last_action_on or _NO_ACTION_YET, pledge.id],
        ),
        "newest": Sort(
            "Newest first",
            (_published, Pledge.id),
            descending=True,
            decoders=(as_datetime, int),
            values=lambda pledge: [pledge.published_at or _EPOCH, pledge.id],
        ),
        "title": Sort("Title (A–Z)", (Pledge.title, Pledge.id), descending=False, decoders=(str, int), values=lambda pledge: [pledge.title, pledge.id]),
    },
)


# --- roundtables ------------------------------------------------------------------------------


def _roundtable_matches(term: str):
    return sa.or_(
        contains(Roundtable.title, term),
        contains(Roundtable.summary, term),
        contains(Roundtable.place, term),
        contains(Roundtable.participants_note, term),
    )


_year = sa.extract("year", Roundtable.start_date)


def _year_condition(key: str):
    return _year == int(key) if key.isascii() and key.isdigit() and len(key) == 4 else None


def _year_counts(ids) -> list[FacetValue]:
    rows = db.session.execute(
        sa.select(_year, sa.func.count()).where(Roundtable.id.in_(ids)).group_by(_year).order_by(_year.desc())
    )
    return [FacetValue(str(int(year)), str(int(year)), count) for year, count in rows]


def roundtables_for(user) -> Listing:
    """The roundtable list as `user` sees it: public roundtables, and those they co-chair."""
    return Listing(
        model=Roundtable,
        visible=lambda: permissions.visible_roundtables(user),
        matches=_roundtable_matches,
        facets=(
            Facet(
                "process",
                "Process",
                _by_id(Roundtable.forum_id),
                _counted(Forum.id, Forum.name, Roundtable, Roundtable.forum_id == Forum.id, Roundtable.id),
            ),
            Facet(
                "co_chair",
                "Co-chair",
                _linked_by_id(Roundtable.id, roundtable_co_chairs.c.roundtable_id, roundtable_co_chairs.c.organisation_id),
                _counted(
                    Organisation.id,
                    Organisation.name,
                    roundtable_co_chairs,
                    roundtable_co_chairs.c.organisation_id == Organisation.id,
                    roundtable_co_chairs.c.roundtable_id,
                ),
            ),
            Facet("year", "Year", _year_condition, _year_counts),
        ),
        sorts={
            "newest": Sort(
                "Newest first",
                (Roundtable.start_date, Roundtable.id),
                descending=True,
                decoders=(as_date, int),
                values=lambda roundtable: [roundtable.start_date, roundtable.id],
            ),
            "title": Sort(
                "Title (A–Z)",
                (Roundtable.title, Roundtable.id),
                descending=False,
                decoders=(str, int),
                values=lambda roundtable: [roundtable.title, roundtable.id],
            ),
        },
    )


ROUNDTABLES = roundtables_for(PUBLIC)
