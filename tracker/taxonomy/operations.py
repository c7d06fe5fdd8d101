"""Forums, themes, countries and regions: every change to them, one function each (admins make
them), with the discipline of `tracker.core.changes`."""

from __future__ import annotations

from typing import Any

from ..core import access
from ..core.changes import (
    InvalidField,
    apply,
    flush_unique,
    known_fields,
    refuse_duplicate,
    unique_slug,
)
from ..core.extensions import db
from ..core.history import Actor, record_history
from ..core.i18n import _l
from ..core.limits import check_year, clean_fields, refuse_same_name
from ..core.text import slugify
from . import regions
from .models import Country, Forum, ForumKind, Theme

FORUM_FIELDS = ["name", "short_name", "kind", "year", "description"]


def _forum_values(fields: dict[str, Any], forum: Forum | None) -> dict[str, Any]:
    known_fields(fields, FORUM_FIELDS, "forum")
    if forum is None:
        fields = {"name": None} | fields
    values = clean_fields(Forum, fields)
    check_year(values.get("year"), "year")
    if "name" in values:
        refuse_same_name(
            Forum,
            values["name"],
            forum,
            "name",
            lambda name: _l("A forum with this name already exists: “%(name)s”.", name=name),
        )
    if (forum is None or "kind" in values) and not isinstance(values.get("kind"), ForumKind):
        raise InvalidField("kind", _l("Choose what kind of forum this is."))
    return values


def create_forum(actor: Actor, **fields: Any) -> Forum:
    """An admin adds a forum: a conference, an intergovernmental process or a programme."""
    access.require(actor, "administer")
    values = _forum_values(fields, None)
    forum = Forum(**values)
    db.session.add(forum)
    flush_unique()
    record_history(forum, "created", actor, changes={name: [None, value] for name, value in values.items()})
    return forum


def update_forum(forum: Forum, actor: Actor, **fields: Any) -> None:
    access.require(actor, "administer")
    changes = apply(forum, _forum_values(fields, forum))
    if changes:
        flush_unique()
        record_history(forum, "edited", actor, changes=changes)


def create_theme(actor: Actor, *, name: str) -> Theme:
    """An admin adds a theme; its URL slug is made from the name."""
    access.require(actor, "administer")
    name = _theme_name(name, None)
    theme = Theme(name=name, slug=unique_slug(Theme, name))
    db.session.add(theme)
    flush_unique()
    record_history(theme, "created", actor, changes={"name": [None, name], "slug": [None, theme.slug]})
    return theme


def update_theme(theme: Theme, actor: Actor, *, name: str) -> None:
    """Rename a theme. The slug follows the name, but not a change of case or
    punctuation only: links to the theme keep working for as long as they can."""
    access.require(actor, "administer")
    name = _theme_name(name, theme)
    fields = {"name": name}
    if slugify(name) != slugify(theme.name):
        fields["slug"] = unique_slug(Theme, name)
    changes = apply(theme, fields)
    if changes:
        flush_unique()
        record_history(theme, "edited", actor, changes=changes)


def _theme_name(name: str, theme: Theme | None) -> str:
    name = Theme.limits["name"].clean(name, "name")
    refuse_same_name(
        Theme, name, theme, "name", lambda name: _l("A theme with this name already exists: “%(name)s”.", name=name)
    )
    return name


# --- countries and regions -------------------------------------------------------------------


def create_country(actor: Actor, *, name: str, iso_code: str | None = None, region: str | None = None) -> Country:
    """An admin adds a country, or a named region (which has no ISO code): a country's
    region of the world follows from its code, a named region's is the one given."""
    access.require(actor, "administer")
    values = _country_values(name, iso_code, region, None)
    country = Country(**values)
    db.session.add(country)
    flush_unique()
    record_history(country, "created", actor, changes={field: [None, value] for field, value in values.items()})
    return country


def update_country(
    country: Country, actor: Actor, *, name: str, iso_code: str | None = None, region: str | None = None
) -> None:
    """Rename a country or region, give it its ISO code (one an import created, say), or
    say which region of the world a named region is in."""
    access.require(actor, "administer")
    changes = apply(country, _country_values(name, iso_code, region, country))
    if changes:
        flush_unique()
        record_history(country, "edited", actor, changes=changes)


def _country_values(name: str, iso_code: str | None, region: str | None, country: Country | None) -> dict[str, Any]:
    name = Country.limits["name"].clean(name, "name")
    refuse_same_name(
        Country,
        name,
        country,
        "name",
        lambda name: _l("A country or region with this name already exists: “%(name)s”.", name=name),
    )
    code = (iso_code or "").strip().upper() or None
    if code is not None:
        if not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise InvalidField(
                "iso_code", _l("Use the two-letter ISO 3166 code, such as FJ or PH; leave it empty for a region.")
            )
        refuse_duplicate(
            Country.iso_code, code, country, "iso_code", _l("Another country has the code %(code)s.", code=code)
        )
    if region and region not in regions.REGIONS:
        raise InvalidField("region", _l("Choose one of the regions listed."))
    return {"name": name, "iso_code": code, "region": regions.region_of(code) or region or None}
