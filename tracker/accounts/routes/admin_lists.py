"""The admin pages' lists — organisations, users, forums, themes, countries — each searched
by name (`?q=`) and sorted as the admin chooses (`?sort=`), a page at a time. An unknown
sort is the list's usual order, never an error."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ...core.web.lists import paginate
from ...core.wording import Message
from ...taxonomy.models import Country, Forum, Theme
from ..models import Organisation, User
from .admin import bp


@dataclass(frozen=True)
class Sort:
    label: Message  # what the "Sort by" list and the table's caption call it (lazy: in the reader's language)
    order: tuple  # ORDER BY, ending with the id so that pages never overlap


def _name(column) -> sa.ColumnElement:
    """A name in alphabetical order on both databases (SQLite compares bytes: "Z" < "a")."""
    return sa.func.lower(column)


_ORGANISATION_NAME = sa.select(Organisation.name).where(Organisation.id == User.organisation_id).scalar_subquery()

ORGANISATION_SORTS = {
    "proposed": Sort(
        _l("proposed first, then name"), (Organisation.confirmed, _name(Organisation.name), Organisation.id)
    ),
    "name": Sort(_l("name"), (_name(Organisation.name), Organisation.id)),
    "kind": Sort(_l("kind, then name"), (Organisation.kind, _name(Organisation.name), Organisation.id)),
    "newest": Sort(_l("newest first"), (Organisation.created_at.desc(), Organisation.id.desc())),
}
USER_SORTS = {
    "name": Sort(_l("name"), (_name(User.name), User.id)),
    "email": Sort(_l("e-mail address"), (_name(User.email), User.id)),
    "organisation": Sort(
        _l("organisation, then name"), (_name(_ORGANISATION_NAME).nulls_last(), _name(User.name), User.id)
    ),
    "role": Sort(_l("role, then name"), (User.role, _name(User.name), User.id)),
    "newest": Sort(_l("newest first"), (User.created_at.desc(), User.id.desc())),
}
FORUM_SORTS = {
    "name": Sort(_l("name"), (_name(Forum.name), Forum.id)),
    "year": Sort(_l("year, latest first"), (Forum.year.desc().nulls_last(), _name(Forum.name), Forum.id)),
    "kind": Sort(_l("kind, then name"), (Forum.kind, _name(Forum.name), Forum.id)),
}
THEME_SORTS = {
    "name": Sort(_l("name"), (_name(Theme.name), Theme.id)),
    "newest": Sort(_l("newest first"), (Theme.id.desc(),)),
}
COUNTRY_SORTS = {
    "name": Sort(_l("name"), (_name(Country.name), Country.id)),
    "code": Sort(_l("ISO code"), (Country.iso_code.nulls_last(), _name(Country.name), Country.id)),
}


def _listed(template: str, query, sorts: dict[str, Sort], *searched):
    """The list page: `?q=` in any of the `searched` columns (ignoring case), in the order
    `?sort=` names (the first of `sorts` when it names none of them)."""
    q = request.args.get("q", "").strip()[:200]
    if q:
        query = query.where(sa.or_(*(column.icontains(q, autoescape=True) for column in searched)))
    sort = request.args.get("sort", "")
    if sort not in sorts:
        sort = next(iter(sorts))
    page = paginate(query.order_by(*sorts[sort].order))
    return render_template(template, page=page, q=q, sorts=sorts, sort=sort)


@bp.route("/organisations")
def organisations():
    """Proposed organisations first unless the admin sorts otherwise: they wait for an admin."""
    query = sa.select(Organisation)
    return _listed(
        "accounts/admin/organisations.html", query, ORGANISATION_SORTS, Organisation.name, Organisation.short_name
    )


@bp.route("/users")
def users():
    query = sa.select(User).options(joinedload(User.organisation))
    return _listed("accounts/admin/users.html", query, USER_SORTS, User.name, User.email)


@bp.route("/forums")
def forums():
    return _listed("accounts/admin/forums.html", sa.select(Forum), FORUM_SORTS, Forum.name, Forum.short_name)


@bp.route("/themes")
def themes():
    return _listed("accounts/admin/themes.html", sa.select(Theme), THEME_SORTS, Theme.name)


@bp.route("/countries")
def countries():
    return _listed("accounts/admin/countries.html", sa.select(Country), COUNTRY_SORTS, Country.name, Country.iso_code)
