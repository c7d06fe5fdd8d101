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


def scope_of(slug: str) -> str:
    """The scope of the pages of the pledge at `slug`."""
    return f"pledge:{slug}"


def of_address(args: dict[str, Any]) -> str:
    """The scope of a page whose address names its pledge's slug (`cacheable`'s `scope`)."""
    return scope_of(str(args.get("slug", "")))


def _of_pledge(pledge: Pledge | None) -> set[str] | None:
    if pledge is None:
        return None
    slugs = {pledge.slug, *sa.inspect(pledge).attrs.slug.history.deleted}
    return {scope_of(slug) for slug in slugs if slug} or None


def _pledge(record: Any, pledge_id: int | None) -> Pledge | None:
    session = object_session(record)
    return session.get(Pledge, pledge_id) if session is not None and pledge_id is not None else None


def _of_action(action: ActionTaken | None) -> set[str] | None:
    if action is None:
        return None
    return _of_pledge(
        action.pledge if "pledge" not in sa.inspect(action).unloaded else _pledge(action, action.pledge_id)
    )


def _of_action_part(record: Any) -> set[str] | None:
    session = object_session(record)
    return _of_action(session.get(ActionTaken, record.action_id) if session is not None else None)


data_version.scoped(Pledge, by=_of_pledge)
data_version.scoped(ActionTaken, by=_of_action)
data_version.scoped(PledgeIndicator, PledgeSignatory, by=lambda record: _of_pledge(_pledge(record, record.pledge_id)))
data_version.scoped(ActionFigure, ActionOrganisation, ActionFile, EvidenceLink, by=_of_action_part)
