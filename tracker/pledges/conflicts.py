"""What the conflict page shows when a pledge was saved by someone else while this
person's editor was open: their saves, and each field where the saved pledge and this
person's version now differ — so they can merge by hand and lose nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from babel.support import LazyProxy
from sqlalchemy.orm import joinedload

from ..accounts.models import Organisation
from ..core.extensions import db
from ..core.history import HistoryEntry, record_type
from ..core.i18n import _l
from ..core.text import format_money
from ..taxonomy.models import Country, Forum, Theme
from .models import Pledge

# Entries that change the pledge row itself, i.e. move its version on.
_ROW_EVENTS = ("edited", "start", "complete", "reopen")


@dataclass(frozen=True)
class Difference:
    label: LazyProxy  # the field's name, in the reader's language
    saved: str
    yours: str


@dataclass(frozen=True)
class Conflict:
    their_saves: list[HistoryEntry]
    differences: list[Difference]


def describe_conflict(pledge: Pledge, form, opened_at_version: int) -> Conflict:
    saves_since = max(pledge.version - opened_at_version, 1)
    their_saves = list(
        db.session.scalars(
            sa.select(HistoryEntry)
            .where(
                HistoryEntry.record_type == record_type(pledge),
                HistoryEntry.record_id == pledge.id,
                HistoryEntry.event.in_(_ROW_EVENTS),
            )
            .options(joinedload(HistoryEntry.actor))
            .order_by(HistoryEntry.id.desc())
            .limit(saves_since)
        )
    )
    differences = [
        Difference(label, saved, yours) for label, saved, yours in _side_by_side(pledge, form) if saved != yours
    ]
    return Conflict(their_saves, differences)


def _names(model, ids) -> str:
    if not ids:
        return ""
    return ", ".join(db.session.scalars(sa.select(model.name).where(model.id.in_(ids)).order_by(model.name)))


def _period(start, end, note) -> str:
    return " ".join(str(part) for part in (start, "–" if end else None, end, note) if part)


def _side_by_side(pledge: Pledge, form: Any) -> Iterator[tuple[LazyProxy, str, str]]:
    """(label, saved, yours) for each field of the editor, in its order."""
    fields = form.pledge_fields()
    yield _l("Title"), pledge.title, form.title.data or ""
    yield _l("Pledge text"), pledge.text or "", fields["text"]
    yield (
        _l("Forum"),
        pledge.forum.name if pledge.forum else "",
        _names(Forum, [fields["forum_id"]] if fields["forum_id"] else []),
    )
    yield _l("Themes"), ", ".join(t.name for t in pledge.themes), _names(Theme, form.themes.data)
    yield _l("Countries"), ", ".join(c.name for c in pledge.countries), _names(Country, form.countries.data)
    yield _l("Region"), pledge.region or "", fields["region"] or ""
    yield (
        _l("Period"),
        _period(pledge.period_start, pledge.period_end, pledge.period_note),
        _period(fields["period_start"], fields["period_end"], fields["period_note"]),
    )
    yield (
        _l("Budget"),
        " ".join(filter(None, (format_money(pledge.budget_amount, pledge.budget_currency), pledge.budget_note))),
        " ".join(
            filter(None, (format_money(fields["budget_amount"], fields["budget_currency"]), fields["budget_note"]))
        ),
    )
    yield from _signatories_side_by_side(pledge, form)
    yield _l("Introduction to the actions taken"), pledge.actions_intro or "", fields["actions_intro"] or ""
    yield _l("Contact person"), pledge.contact_name or "", fields["contact_name"] or ""
    yield _l("Contact e-mail"), pledge.contact_email or "", fields["contact_email"] or ""


def _signatories_side_by_side(pledge: Pledge, form: Any) -> Iterator[tuple[LazyProxy, str, str]]:
    lead = db.session.get(Organisation, form.lead.data) if form.lead.data else None
    yield _l("Lead signatory"), pledge.lead_signatory.name if pledge.lead_signatory else "", lead.name if lead else ""
    others = [i for i in form.co_signatories.data or [] if i != form.lead.data]
    yield (
        _l("Other signatories"),
        ", ".join(sorted(org.name for org in pledge.signatory_organisations[1:])),
        ", ".join(filter(None, [_names(Organisation, others), form.proposed_organisation.data])),
    )
