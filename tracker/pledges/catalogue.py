"""The public pledge register, HTTP-free: which pledges a search and filters give, in which
order, a page at a time — the one definition behind the list page, the CSV exports, the
feeds and the API.

The public sees published pledges only (never drafts): the rule is `tracker.permissions`',
asked through `access.visible`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..accounts.models import Organisation
from ..core import access
from ..core.extensions import db
from ..core.i18n import _l
from ..core.listing import (
    Facet,
    Listing,
    ListState,
    Sort,
    SortBySearch,
    as_date,
    as_datetime,
    as_id,
    by_id,
    counted,
    in_order,
    linked_by_id,
    named,
)
from ..core.outcomes import OUTCOME_RATINGS
from ..core.search import first_line, holds, matches
from ..taxonomy import regions
from ..taxonomy.models import Country, Forum, Theme
from .models import SIGNED, Pledge, PledgeSignatory, pledge_countries, pledge_themes
from .page_scope import REGISTER_COUNTS
from .search import document_matches
from .workflow import PledgeWorkflow

PUBLIC = None  # the visitor the public lists are for: nobody logged in


def _pledge_matches(term: str):
    """A pledge matches a search term when its title, its text or one of its current (not
    withdrawn) actions holds its words (its full-text index, `search`): a withdrawn action is
    never found."""
    return document_matches(term)


def _theme_condition(key: str):
    """A theme is named by its slug in the URL."""
    return Pledge.id.in_(
        sa.select(pledge_themes.c.pledge_id).join(Theme, Theme.id == pledge_themes.c.theme_id).where(Theme.slug == key)
    )


def _state_counts(ids):
    return sa.select(Pledge.status, sa.null(), sa.func.count()).where(Pledge.id.in_(ids)).group_by(Pledge.status)


def _outcome_counts(ids):
    """Done pledges by their signatories' rating of what changed."""
    return (
        sa.select(Pledge.outcome_rating, sa.null(), sa.func.count())
        .where(Pledge.id.in_(ids), Pledge.status == "done", Pledge.outcome_rating.is_not(None))
        .group_by(Pledge.outcome_rating)
    )


def _region_condition(key: str):
    """A region of the world (its M49 code): the pledges for a country or region in it."""
    if key not in regions.REGIONS:
        return None
    in_region = sa.select(pledge_countries.c.pledge_id).join(Country, Country.id == pledge_countries.c.country_id)
    return Pledge.id.in_(in_region.where(Country.region == key))


def _region_counts(ids):
    """Pledges by region of the world, each counted once however many of its countries are there."""
    return (
        sa.select(Country.region, sa.null(), sa.func.count(sa.distinct(pledge_countries.c.pledge_id)))
        .join(Country, Country.id == pledge_countries.c.country_id)
        .where(pledge_countries.c.pledge_id.in_(ids), Country.region.is_not(None))
        .group_by(Country.region)
    )


PUBLISHED_STATES = [state for state in PledgeWorkflow.state_values() if state != PledgeWorkflow.draft.value]

_NO_ACTION_YET = dt.date(1, 1, 1)  # sorts after every real date in "latest action first"
# Written into the statement (not a parameter), so that the database's index of this very
# expression orders the list (ix_pledges_last_action_order, migration 0028).
_last_action = sa.func.coalesce(Pledge.last_action_on, sa.literal(_NO_ACTION_YET, sa.Date, literal_execute=True))
_EPOCH = dt.datetime(1970, 1, 1)
_published = sa.func.coalesce(Pledge.published_at, sa.literal(_EPOCH, sa.DateTime))


def _relevance_of(pledge: Pledge, terms: list[str]) -> int:
    """How well a found pledge matches (`_best_match`), from its loaded row."""
    text = pledge.search_text or ""
    title = text.split("\n", 1)[0]
    if terms and all(holds(title, term) for term in terms):
        return 2
    if terms and all(holds(text, term) for term in terms):
        return 1
    return 0


def _best_match(terms: list[str]) -> Sort:
    """Best match first: the pledges whose title holds every search word, then those whose
    own text does, then those found through their actions — each tier by latest action. The
    same order on SQLite and PostgreSQL (each engine's own scores, bm25 and ts_rank, would
    order them differently)."""
    title = first_line(Pledge.search_text, db.session.get_bind().dialect.name)
    in_title = sa.and_(*(matches(title, term) for term in terms)) if terms else sa.false()
    in_text = sa.and_(*(matches(Pledge.search_text, term) for term in terms)) if terms else sa.false()
    relevance = sa.case((in_title, 2), (in_text, 1), else_=0)
    return Sort(
        _l("Best match"),
        (relevance, _last_action, Pledge.id),
        descending=True,
        decoders=(int, as_date, int),
        values=lambda pledge: [_relevance_of(pledge, terms), pledge.last_action_on or _NO_ACTION_YET, pledge.id],
    )


# The organisations that signed: an invited (or declined) one is no signatory, on any list.
_signed = sa.select(PledgeSignatory).where(PledgeSignatory.status == SIGNED).subquery("signed")

PLEDGES = Listing(
    model=Pledge,
    visible=lambda: access.visible(PUBLIC, Pledge),
    matches=_pledge_matches,
    facets=(
        Facet(
            "state",
            _l("State"),
            lambda key: Pledge.status == key if key in PUBLISHED_STATES else None,
            _state_counts,
            lambda key: PledgeWorkflow.label(key) if key in PUBLISHED_STATES else None,
            partitions=True,  # a published pledge is in exactly one published state
            shown=in_order(lambda: PUBLISHED_STATES, PledgeWorkflow.label),
        ),
        Facet(
            "outcome",
            _l("What changed"),
            lambda key: (
                sa.and_(Pledge.status == "done", Pledge.outcome_rating == key) if key in OUTCOME_RATINGS else None
            ),
            _outcome_counts,
            lambda key: OUTCOME_RATINGS[key][0] if key in OUTCOME_RATINGS else None,
            shown=in_order(lambda: OUTCOME_RATINGS, lambda key: OUTCOME_RATINGS[key][0]),  # the scale's order
        ),
        Facet(
            "theme",
            _l("Theme"),
            _theme_condition,
            counted(
                Theme.slug, Theme.name, pledge_themes, pledge_themes.c.theme_id == Theme.id, pledge_themes.c.pledge_id
            ),
            named(Theme.slug, Theme.name),
        ),
        Facet(
            "organisation",
            _l("Organisation"),
            linked_by_id(
                Pledge.id, _signed.c.pledge_id, _signed.c.organisation_id, (Organisation.id, Organisation.slug)
            ),
            counted(
                Organisation.id,
                Organisation.name,
                _signed,
                _signed.c.organisation_id == Organisation.id,
                _signed.c.pledge_id,
            ),
            named(Organisation.id, Organisation.name, by_number=True, slug=Organisation.slug),
        ),
        Facet(
            "forum",
            _l("Forum"),
            by_id(Pledge.forum_id, (Forum.id, Forum.slug)),
            counted(Forum.id, Forum.name, Pledge, Pledge.forum_id == Forum.id, Pledge.id),
            named(Forum.id, Forum.name, by_number=True, slug=Forum.slug),
        ),
        Facet(
            "region",
            _l("Region of the world"),
            _region_condition,
            _region_counts,
            lambda key: regions.label(key) if key in regions.REGIONS else None,
            shown=in_order(lambda: regions.REGIONS, regions.label),
        ),
        Facet(
            "country",
            _l("Country or region"),
            linked_by_id(
                Pledge.id, pledge_countries.c.pledge_id, pledge_countries.c.country_id, (Country.id, Country.slug)
            ),
            counted(
                Country.id,
                Country.name,
                pledge_countries,
                pledge_countries.c.country_id == Country.id,
                pledge_countries.c.pledge_id,
            ),
            named(Country.id, Country.name, by_number=True, slug=Country.slug),
        ),
    ),
    sorts={
        "last_action": Sort(
            _l("Latest action first"),
            (_last_action, Pledge.id),
            descending=True,
            decoders=(as_date, int),
            values=lambda pledge: [pledge.last_action_on or _NO_ACTION_YET, pledge.id],
        ),
        "newest": Sort(
            _l("Newest first"),
            (_published, Pledge.id),
            descending=True,
            decoders=(as_datetime, int),
            values=lambda pledge: [pledge.published_at or _EPOCH, pledge.id],
        ),
        "title": Sort(
            _l("Title (A–Z)"),
            (Pledge.title, Pledge.id),
            descending=False,
            decoders=(str, int),
            values=lambda pledge: [pledge.title, pledge.id],
        ),
        "best_match": SortBySearch(_l("Best match"), _best_match),
    },
    # Without a search, its filters' counts are kept until a pledge's state, forum, outcome,
    # themes, countries or signatories change (or anything beyond pledges): recording an
    # action, the commonest write, leaves them.
    counts_scope=REGISTER_COUNTS,
)


def chosen_forum(state: ListState) -> Forum | None:
    """The forum the list is filtered by, if it is one (its page shows its pledges as a whole)."""
    number = as_id(state.filters.get("forum", ""))
    return db.session.get(Forum, number) if number is not None else None
