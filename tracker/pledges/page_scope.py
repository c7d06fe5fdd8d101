"""Which pledge's pages a change is confined to: its kept renders and validators move with
changes to that pledge (its row, its actions, their evidence and figures, its indicators
and signatories) and with changes to the whole site, never with another pledge's.

The pledge's page, its actions' feed and its page in the API show nothing else that a
pledge's staff can change: the organisations, themes, countries and forums they name are
other records, whose changes move the whole site (`core.data_version`). Lists still move
with every change, since any pledge may be on them.

A scope is named by the pledge's slug, the one thing the address gives; a change to a
pledge whose slug changed moves the old slug's scope too.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..core import data_version
from .evidence import ActionFile, EvidenceLink
from .indicators import PledgeIndicator
from .models import ActionFigure, ActionOrganisation, ActionTaken, Pledge, PledgeSignatory

# The scope of the register's filters' counts (`catalogue.PLEDGES.counts_scope`): moved by a
# pledge written, deleted or changed in what the filters count (its state, forum, outcome
# rating, themes or countries), and by any signatory's change.
REGISTER_COUNTS = "pledges:filter-counts"
_COUNTED = ("status", "forum_id", "outcome_rating", "themes", "countries")


def scope_of(slug: str) -> str:
    """The scope of the pages of the pledge at `slug`."""
    return f"pledge:{slug}"


def of_address(args: dict[str, Any]) -> str:
    """The scope of a page whose address names its pledge's slug (`cacheable`'s `scope`)."""
    return scope_of(str(args.get("slug", "")))


def _of_pledge(pledge: Pledge | None) -> set[str] | None:
    if pledge is None:
        return None
    state = sa.inspect(pledge)
    slugs = {pledge.slug, *state.attrs.slug.history.deleted}
    scopes = {scope_of(slug) for slug in slugs if slug}
    if not scopes:
        return None
    if state.deleted or state.was_deleted or any(state.attrs[name].history.has_changes() for name in _COUNTED):
        scopes.add(REGISTER_COUNTS)  # (a new pledge's every attribute is a change)
    return scopes


def _pledge(record: Any, pledge_id: int | None) -> Pledge | None:
    session = object_session(record)
    return session.get(Pledge, pledge_id) if session is not None and pledge_id is not None else None


def _of_action(action: ActionTaken | None) -> set[str] | None:
    if action is None:
        return None
    return _of_pledge(
        action.pledge if "pledge" not in sa.inspect(action).unloaded else _pledge(action, action.pledge_id)
    )


def _of_signatory(signatory: PledgeSignatory) -> set[str] | None:
    scopes = _of_pledge(_pledge(signatory, signatory.pledge_id))
    return scopes | {REGISTER_COUNTS} if scopes else None  # (the register counts pledges by signatory)


def _of_action_part(record: Any) -> set[str] | None:
    session = object_session(record)
    return _of_action(session.get(ActionTaken, record.action_id) if session is not None else None)


data_version.scoped(Pledge, by=_of_pledge)
data_version.scoped(ActionTaken, by=_of_action)
data_version.scoped(PledgeIndicator, by=lambda record: _of_pledge(_pledge(record, record.pledge_id)))
data_version.scoped(PledgeSignatory, by=_of_signatory)
data_version.scoped(ActionFigure, ActionOrganisation, ActionFile, EvidenceLink, by=_of_action_part)
