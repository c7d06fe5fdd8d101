"""Atom feeds of new actions taken, site-wide and per pledge (built with feedgen).

Only current actions of published pledges: the same rule as the public pages, from
`tracker.permissions`. An entry's id is the action's permalink, which never changes;
an edited action keeps its id and gets a new `updated`.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from feedgen.feed import FeedGenerator
from sqlalchemy.orm import joinedload, selectinload

from ..core import access
from ..core.dates import format_stated_date
from ..core.extensions import db
from ..core.i18n import _l
from ..core.text import format_number
from .models import ActionTaken, Pledge

FEED_LENGTH = 50

# Characters XML 1.0 cannot carry (control characters other than tab and newlines).
# The author of an entry whose source names no one who reported it.
_NO_ONE_NAMED = _l("Not stated in the source")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def latest_actions(
    pledge: Pledge | None = None, limit: int = FEED_LENGTH, *, by_date: bool = False, forum_id: int | None = None
) -> list[ActionTaken]:
    """The newest recorded current actions of published pledges (of `pledge` only, if given):
    for a feed, the latest recorded first; `by_date`, the latest taken first (as precisely as
    its date is known; undated ones last), then the latest recorded."""
    query = (
        sa.select(ActionTaken)
        .join(ActionTaken.pledge)
        .where(ActionTaken.withdrawn_at.is_(None), access.visible(None, Pledge))
        .options(
            joinedload(ActionTaken.pledge),
            joinedload(ActionTaken.attributed_to),
            selectinload(ActionTaken.organisation_rows),
            selectinload(ActionTaken.figures),
            selectinload(ActionTaken.links),
        )
        .order_by(
            *((ActionTaken.date.desc().nulls_last(),) if by_date else ()),
            ActionTaken.created_at.desc(),
            ActionTaken.id.desc(),
        )
        .limit(limit)
    )
    if pledge is not None:
        query = query.where(ActionTaken.pledge_id == pledge.id)
    if forum_id is not None:  # (of the pledges made at a forum)
        query = query.where(Pledge.forum_id == forum_id)
    return list(db.session.scalars(query))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


def _content(action: ActionTaken) -> str:
    """The entry's text: what was done, the figures, the organisations and the evidence."""
    parts = [action.summary]
    if action.details:
        parts.append(action.details)
    for figure in action.figures:
        extra = f" ({figure.period_note or figure.year})" if (figure.period_note or figure.year) else ""
        parts.append(f"{figure.label}: {format_number(figure.value)}{' ' + figure.unit if figure.unit else ''}{extra}")
    if action.organisations:
        names = ", ".join(org.name for org in action.organisations)
        parts.append(str(_l("Organisations: %(names)s", names=names)))
    for link in action.links:
        evidence = f"{link.title} {link.url}" if link.title else link.url
        parts.append(str(_l("Evidence: %(link)s", link=evidence)))
    return "\n\n".join(parts)


def atom(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    page_url: str,
    actions: list[ActionTaken],
    permalink,
    last_changed: dt.datetime,
    subtitle: str,
) -> bytes:
    """The Atom document for `actions`; `permalink(action)` is an action's public address."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(_xml(title))
    feed.subtitle(subtitle)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language("en")
    feed.generator("Pledge Tracker")
    updated = max([_utc(a.updated_at) for a in actions], default=_utc(last_changed))
    feed.updated(updated)
    # feedgen writes entries in reverse order of addition; add the oldest first.
    for action in reversed(actions):
        entry = feed.add_entry()
        url = permalink(action)
        entry.id(url)
        entry.link(href=url, rel="alternate", type="text/html")
        entry.title(
            _xml(
                f"{action.pledge.title}: {format_stated_date(action.date, action.date_precision)} — {_shorten(action.summary)}"
            )
        )
        entry.author(name=_xml(action.attributed_to.name if action.attributed_to else str(_NO_ONE_NAMED)))
        entry.published(_utc(action.created_at))
        entry.updated(_utc(action.updated_at))
        entry.content(_xml(_content(action)), type="text")
    return feed.atom_str(pretty=True)


def _shorten(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
