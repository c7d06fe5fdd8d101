"""pledges.csv and actions.csv, written: what the public downloads and `flask data export`
writes, byte for byte."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ...accounts.models import Organisation
from ...core import csv_cells
from ...core.dates import machine_date
from ...core.extensions import db
from ...pledges.models import ActionFigure, ActionTaken, Pledge, PledgeSignatory
from .columns import ACTION_COLUMNS, BOM, ORGANISATION_COLUMNS, PLEDGE_COLUMNS, SEPARATOR


def export_pledges(pledges: sa.Select[Any], link: Callable[[Pledge], str]) -> str:
    """pledges.csv for the pledges `pledges` (a select of Pledge, e.g. a public list's
    `select(state)`) finds — ordered by slug, whatever order it asks for. `link(pledge)` is
    its public page's address (the `url` column)."""
    query = pledges.order_by(None).options(
        joinedload(Pledge.forum),
        selectinload(Pledge.themes),
        selectinload(Pledge.countries),
        selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation),
    )
    rows = [_pledge_row(pledge, link) for pledge in sorted(db.session.scalars(query), key=lambda p: p.slug)]
    return _csv(PLEDGE_COLUMNS, rows)


def _pledge_row(pledge: Pledge, link: Callable[[Pledge], str]) -> dict[str, Any]:
    lead = pledge.lead_signatory
    return {
        "slug": pledge.slug,
        "title": pledge.title,
        "state": pledge.status,
        "forum": pledge.forum.name if pledge.forum else None,
        "themes": _names(pledge.themes),
        "countries": _names(pledge.countries),
        "region": pledge.region,
        "period_start": pledge.period_start,
        "period_end": pledge.period_end,
        "period_note": pledge.period_note,
        "budget_amount": decimal_text(pledge.budget_amount),
        "budget_currency": pledge.budget_currency,
        "budget_note": pledge.budget_note,
        "lead_signatory": lead.name if lead else None,
        "other_signatories": _names(s.organisation for s in pledge.signatories if not s.is_lead),
        "signatories_note": pledge.signatories_note,
        "published_on": pledge.published_at.date().isoformat() if pledge.published_at else None,
        "completed_on": pledge.completed_at.date().isoformat() if pledge.completed_at else None,
        "text": pledge.text,
        "actions_intro": pledge.actions_intro,
        "text_format": pledge.text_format,
        "language": pledge.language,
        "source_reference": pledge.source_reference,
        "source_url": pledge.source_url,
        "url": link(pledge),
    }


def export_actions(pledges: sa.Select) -> str:
    """actions.csv: the current (not withdrawn) actions of the pledges `pledges` finds,
    ordered by pledge slug, then position."""
    pledge_ids = pledges.with_only_columns(Pledge.id).order_by(None)
    query = (
        sa.select(Pledge.slug, ActionTaken)
        .join(ActionTaken.pledge)
        .where(ActionTaken.pledge_id.in_(pledge_ids), ActionTaken.withdrawn_at.is_(None))
        .options(
            joinedload(ActionTaken.attributed_to),
            selectinload(ActionTaken.organisation_rows),
            selectinload(ActionTaken.figures),
            selectinload(ActionTaken.links),
        )
    )
    rows = []
    for slug, action in sorted(db.session.execute(query), key=lambda row: (row[0], row[1].position, row[1].id)):
        rows.append(
            {
                "pledge": slug,
                "position": action.position,
                "date": machine_date(action.date, action.date_precision),
                "heading": action.heading,
                "summary": action.summary,
                "details": action.details,
                "attributed_to": action.attributed_to.name if action.attributed_to else None,
                "organisations": _names(action.organisations),
                "figures": _json([_figure_json(figure) for figure in action.figures]),
                "links": _json([{"url": link.url, "title": link.title} for link in action.links]),
                "text_format": action.text_format,
                "language": action.language,
                "source_reference": action.source_reference,
                "source_url": action.source_url,
            }
        )
    return _csv(ACTION_COLUMNS, rows)


def export_organisations() -> str:
    """organisations.csv: every confirmed organisation (not those staff proposed and no admin
    has checked yet), ordered by name — an import file of its own."""
    query = sa.select(Organisation).where(Organisation.confirmed.is_(True)).order_by(Organisation.name)
    rows = [
        {"name": org.name, "short_name": org.short_name, "kind": org.kind.value, "country": org.country}
        for org in db.session.scalars(query)
    ]
    return _csv(ORGANISATION_COLUMNS, rows)


def decimal_text(value: Decimal | None) -> str | None:
    """An exact decimal without needless zeros or exponent: 3, 2037.5, 0.25."""
    if value is None:
        return None
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _figure_json(figure: ActionFigure) -> dict:
    return {
        "label": figure.label,
        "value": decimal_text(figure.value),
        "unit": figure.unit,
        "year": figure.year,
        "period_note": figure.period_note,
    }


def _json(items: list) -> str:
    return json.dumps(items, ensure_ascii=False)


def _names(records: Iterable) -> str:
    return SEPARATOR.join(record.name for record in records)


def _csv(columns: Iterable[str], rows: list[dict[str, Any]]) -> str:
    columns = list(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cells.escape(row[column]) for column in columns])
    return BOM + out.getvalue()
