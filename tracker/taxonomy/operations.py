"""Forums and themes: every change to them, one function each (admins make them), with the
discipline of `tracker.core.changes`."""

from __future__ import annotations

from typing import Any

from ..core import access
from ..core.changes import (
    InvalidField,
    apply,
    flush_unique,
    known_fields,
    unique_slug,
)
from ..core.extensions import db
from ..core.history import Actor, record_history
from ..core.limits import check_year, clean_fields, refuse_same_name
from ..core.text import slugify
from .models import Forum, ForumKind, Theme

FORUM_FIELDS = ["name", "short_name", "kind", "year", "description"]


def _forum_values(fields: dict[str, Any], forum: Forum | None) -> dict[str, Any]:
    known_fields(fields, FORUM_FIELDS, "forum")
    if forum is None:
        fields = {"name": None} | fields
    values = clean_fields(Forum, fields)
    check_year(values.get("year"), "year")
    if "name" in values:
        refuse_same_name(Forum, values["name"], forum, "name", "A forum")
    if (forum is None or "kind" in values) and not isinstance(values.get("kind"), ForumKind):
        raise InvalidField("kind", "Choose what kind of forum this is.")
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
    refuse_same_name(Theme, name, theme, "name", "A theme")
    return name
