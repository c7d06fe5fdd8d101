"""/api/v1/themes, /organisations, /forums, /processes and /countries: the values the lists'
filters take, each with the identifier to give them (its slug) and how many public records it
filters to. The counts are the public lists' own filter counts (`Listing.facet_values`), so a
value's count is exactly the `total` its filter gives; only values some public record has are
listed, as on the register's filters.
"""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import fields

from ..accounts.models import Organisation
from ..core.extensions import db
from ..core.listing import Listing, ListState
from ..core.web.conditional import cacheable
from ..pledges import catalogue as pledges
from ..roundtables import catalogue as roundtables
from ..taxonomy.models import Country, Forum, Theme
from .common import CONDITIONAL_PARAMETERS, NOT_MODIFIED, VALIDATOR_HEADERS
from .schemas import Schema, _optional_text, _text

blp = Blueprint(
    "Filter values",
    __name__,
    url_prefix="/api/v1",
    description="The values the lists' filters take — themes, organisations, forums, processes, countries — with "
    "the slug to give each filter and how many public records each filters to.",
)


def _count(noun: str) -> fields.Integer:
    return fields.Integer(
        required=True, metadata={"description": f"How many {noun} it filters to (at least 1).", "minimum": 1}
    )


def _list_url(noun: str) -> fields.String:
    return _text(f"The API's list of those {noun}, filtered by it.", format="uri")


class ThemeSchema(Schema):
    slug = _text("What to give the pledges' `theme` filter.", example="migration")
    name = _text("The theme's name.")
    pledges = _count("published pledges")
    pledges_url = _list_url("pledges")


class OrganisationSchema(Schema):
    slug = _text(
        "What to give the `organisation` (pledges), `co_chair` (roundtables) and `owner` (recommendations) "
        "filters; it never changes.",
        example="australian-red-cross",
    )
    id = fields.Integer(required=True, metadata={"description": "Its number (the filters take it too)."})
    name = _text("The organisation's name.")
    short_name = _optional_text('Its short name ("ARC").')
    pledges = fields.Integer(required=True, metadata={"description": "How many published pledges it signs."})
    roundtables = fields.Integer(required=True, metadata={"description": "How many public roundtables it co-chaired."})
    recommendations = fields.Integer(
        required=True,
        metadata={"description": "How many agreed recommendations of public roundtables it owns (as lead or not)."},
    )
    pledges_url = _list_url("pledges")
    roundtables_url = _list_url("roundtables")
    recommendations_url = _list_url("recommendations")


class ForumSchema(Schema):
    slug = _text("What to give the pledges' `forum` filter or the roundtables' `process` filter.")
    id = fields.Integer(required=True, metadata={"description": "Its number (the filters take it too)."})
    name = _text("The forum's name.")
    short_name = _optional_text("Its short name.")
    kind = _text("A conference, a process or a programme.", enum=["conference", "process", "programme"])
    year = fields.Integer(required=True, allow_none=True, metadata={"description": "Its year, if it has one."})
    url = _text("Its public page: its pledges and roundtables as a whole.", format="uri")


class PledgeForumSchema(ForumSchema):
    pledges = _count("published pledges made there")
    pledges_url = _list_url("pledges")


class ProcessSchema(ForumSchema):
    roundtables = _count("public roundtables of the process")
    roundtables_url = _list_url("roundtables")


class CountrySchema(Schema):
    slug = _text("What to give the pledges' `country` filter; it never changes.", example="cambodia")
    id = fields.Integer(required=True, metadata={"description": "Its number (the filter takes it too)."})
    name = _text("The country's or named region's name.")
    iso_code = _optional_text("Its ISO 3166-1 alpha-2 code; null for a named region.", example="KH")
    region = _optional_text("Its region of the world, a UN M49 code (the pledges' `region` filter).", example="142")
    pledges = _count("published pledges")
    pledges_url = _list_url("pledges")


def _values(item_schema: type[Schema], noun: str) -> type[ma.Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(
                fields.Nested(item_schema), required=True, metadata={"description": f"The {noun}, A–Z."}
            ),
            "total": fields.Integer(required=True, metadata={"description": f"How many {noun} there are."}),
        },
        name=f"{item_schema.__name__.removesuffix('Schema')}List",
    )


def _counts(listing: Listing, param: str) -> dict[str, int]:
    """Each value of a list's filter with how many public records it leaves (no other filter)."""
    return {value.key: value.count for value in listing.facet_values(ListState(), only=(param,))[param]}


def _records(model, keys, *, by_slug: bool = False) -> list:
    """The records the counted keys name, A–Z by name."""
    column = model.slug if by_slug else model.id
    wanted = list(keys) if by_slug else [int(key) for key in keys]
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(model).where(column.in_(wanted)).order_by(model.name, model.id)))


def _page(items: list[dict]) -> dict:
    return {"items": items, "total": len(items)}


def _documented(schema: type[Schema], summary_noun: str):
    """The decorators every list of values shares."""

    def decorate(view):
        view = blp.alt_response(304, **NOT_MODIFIED)(view)
        view = blp.response(200, _values(schema, summary_noun), headers=VALIDATOR_HEADERS)(view)
        return cacheable(view)

    return decorate


@blp.route("/themes", parameters=CONDITIONAL_PARAMETERS)
@_documented(ThemeSchema, "themes")
def themes():
    """List the themes

    Every theme of a published pledge, with its slug (the pledges' `theme` filter) and how
    many published pledges have it.
    """
    counts = _counts(pledges.PLEDGES, "theme")
    return _page(
        [
            {
                "slug": theme.slug,
                "name": theme.name,
                "pledges": counts[theme.slug],
                "pledges_url": url_for("Pledges.index", theme=theme.slug, _external=True),
            }
            for theme in _records(Theme, counts, by_slug=True)
        ]
    )


@blp.route("/organisations", parameters=CONDITIONAL_PARAMETERS)
@_documented(OrganisationSchema, "organisations")
def organisations():
    """List the organisations

    Every organisation that signs a published pledge, co-chaired a public roundtable or owns
    one of its agreed recommendations, with its slug (the pledges' `organisation` filter, the
    roundtables' `co_chair` filter, the recommendations' `owner` filter) and how many of each.
    """
    signs = _counts(pledges.PLEDGES, "organisation")
    chairs = _counts(roundtables.ROUNDTABLES, "co_chair")
    owns = _counts(roundtables.RECOMMENDATIONS, "owner")
    found = _records(Organisation, signs.keys() | chairs.keys() | owns.keys())
    return _page([_organisation(organisation, signs, chairs, owns) for organisation in found])


def _organisation(organisation: Organisation, signs: dict, chairs: dict, owns: dict) -> dict:
    key, slug = str(organisation.id), organisation.slug
    return {
        "slug": slug,
        "id": organisation.id,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "pledges": signs.get(key, 0),
        "roundtables": chairs.get(key, 0),
        "recommendations": owns.get(key, 0),
        "pledges_url": url_for("Pledges.index", organisation=slug, _external=True),
        "roundtables_url": url_for("Roundtables.index", co_chair=slug, _external=True),
        "recommendations_url": url_for("Recommendations.index", owner=slug, _external=True),
    }


def _forum(forum: Forum) -> dict:
    return {
        "slug": forum.slug,
        "id": forum.id,
        "name": forum.name,
        "short_name": forum.short_name,
        "kind": forum.kind.value,
        "year": forum.year,
        "url": url_for("public.forum", slug=forum.slug, _external=True),
    }


@blp.route("/forums", parameters=CONDITIONAL_PARAMETERS)
@_documented(PledgeForumSchema, "forums")
def forums():
    """List the forums

    Every conference, process or programme where a published pledge was made, with its slug
    (the pledges' `forum` filter) and how many published pledges were made there.
    """
    return _counted_forums(pledges.PLEDGES, "forum", "pledges", "Pledges.index")


@blp.route("/processes", parameters=CONDITIONAL_PARAMETERS)
@_documented(ProcessSchema, "processes")
def processes():
    """List the processes

    Every process (forum) with a public roundtable or review, with its slug (the roundtables'
    `process` filter) and how many public roundtables it has.
    """
    return _counted_forums(roundtables.ROUNDTABLES, "process", "roundtables", "Roundtables.index")


def _counted_forums(listing: Listing, param: str, records: str, endpoint: str) -> dict:
    """The forums a list's filter `param` offers, with how many `records` each filters to."""
    counts = _counts(listing, param)
    return _page(
        [
            {
                **_forum(forum),
                records: counts[str(forum.id)],
                f"{records}_url": url_for(endpoint, **{param: forum.slug}, _external=True),
            }
            for forum in _records(Forum, counts)
        ]
    )


@blp.route("/countries", parameters=CONDITIONAL_PARAMETERS)
@_documented(CountrySchema, "countries and named regions")
def countries():
    """List the countries

    Every country or named region a published pledge is for, with its slug (the pledges'
    `country` filter), its region of the world and how many published pledges are for it.
    """
    counts = _counts(pledges.PLEDGES, "country")
    return _page(
        [
            {
                "slug": country.slug,
                "id": country.id,
                "name": country.name,
                "iso_code": country.iso_code,
                "region": country.region,
                "pledges": counts[str(country.id)],
                "pledges_url": url_for("Pledges.index", country=country.slug, _external=True),
            }
            for country in _records(Country, counts)
        ]
    )
