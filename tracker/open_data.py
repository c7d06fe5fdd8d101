"""The open data, HTTP-free: the ONE definition of the two CSV files — pledges.csv and
actions.csv — that the public downloads, and that `flask data import` reads back.

Encoding: UTF-8 with a byte-order mark (so spreadsheets read every script), rows ended by
CRLF, cells quoted only when needed (Python's `csv` defaults, the "excel" dialect). The
first row names the columns. Every cell is escaped against spreadsheet formulas
(`csv_cells`): a cell starting with = + - @, a tab, a carriage return or an apostrophe gets
an apostrophe in front, which the import removes again, so a round trip is exact.

Several names in one cell are separated by "; ". Organisations, forums, themes and
countries are written by their full names; an import also accepts an organisation's or a
forum's short name, a theme's slug and a country's ISO code, ignoring case. An action's
figures and evidence links are JSON arrays.

Exports hold only what the public pages show: published pledges (never drafts), current
actions (never withdrawn ones), and never a contact person or e-mail address.

An import checks every row of every file first and writes only when there is no error at
all (see `read`, `read_pledges`, `read_actions` and `Batch.write`). It never invents an
organisation, forum, theme or country (admins curate those), and never replaces or
duplicates what is there: a pledge slug that exists, or an action position its pledge
already has, is an error — so running the same import twice changes nothing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload, selectinload

from . import clock, csv_cells, operations
from .extensions import db
from .history import record_history
from .models import (
    ActionFigure,
    ActionTaken,
    Country,
    DatePrecision,
    EvidenceLink,
    Forum,
    Organisation,
    Pledge,
    PledgeSignatory,
    Theme,
    utcnow,
)
from .partial_dates import NotADate, parse_partial_date
from .templating import machine_date
from .workflow import PledgeWorkflow, RuleNotMet

BOM = "\ufeff"
SEPARATOR = "; "  # between the names in one cell

# --- the columns ------------------------------------------------------------------------------

PLEDGE_COLUMNS: dict[str, str] = {
    "slug": "The pledge's address, unique and never changed: /pledges/<slug>. Required.",
    "title": "The pledge's title. Required.",
    "state": "draft, in_progress or done (exports hold in_progress and done only).",
    "forum": "Where it was made: a forum's name (or short name). May be empty.",
    "themes": "Theme names, separated by '; '.",
    "countries": "Country or region names (or ISO codes), separated by '; '.",
    "region": "The region it covers, in words.",
    "period_start": "First year of the pledge's period (1900–2200).",
    "period_end": "Last year of the period; not before period_start.",
    "period_note": "The period in words: 'ongoing', '18 months'.",
    "budget_amount": "The budget, a number with at most two decimals; needs budget_currency.",
    "budget_currency": "Three capital letters (AUD, CHF, USD); only with budget_amount.",
    "budget_note": "About the budget: 'approximately, annually'.",
    "lead_signatory": "The lead signatory organisation's name. Required.",
    "other_signatories": "The other signatories' names, separated by '; '.",
    "published_on": "The day it was published (YYYY-MM-DD); empty for a draft.",
    "completed_on": "The day it was marked done (YYYY-MM-DD); only when done.",
    "text": "The pledge text (Markdown).",
    "actions_intro": "The sentence introducing its actions taken.",
    "url": "Its public page (derived; ignored by the import).",
}

ACTION_COLUMNS: dict[str, str] = {
    "pledge": "The slug of the pledge it was taken towards (in the tracker, or in the same import). Required.",
    "position": "Its place in the pledge's list of actions (0, 1, 2 …), unique per pledge. Required.",
    "date": "When it was done, as precisely as known: 2019, 2019-06 or 2019-06-14; not in the future.",
    "heading": "The heading it is grouped under on the pledge's page. May be empty.",
    "summary": "What was done, in a sentence or two. Required.",
    "details": "More about it (Markdown).",
    "attributed_to": "The signatory that recorded it and answers for it. Required.",
    "organisations": "The signatories involved, separated by '; '. Required.",
    "figures": 'JSON array of {"label", "value" (a string: an exact decimal), "unit", "year", "period_note"}.',
    "links": 'JSON array of evidence links {"url" (http:// or https://), "title"}.',
}

_REQUIRED_COLUMNS = {
    "pledges": ("slug", "title", "state", "lead_signatory"),
    "actions": ("pledge", "position", "date", "summary", "attributed_to", "organisations"),
}
_COLUMNS = {"pledges": PLEDGE_COLUMNS, "actions": ACTION_COLUMNS}

FIGURE_KEYS = ("label", "value", "unit", "year", "period_note")
LINK_KEYS = ("url", "title")

FIRST_YEAR, LAST_YEAR = 1900, 2200  # a pledge's period, as the pledge form allows
DATE_HINT = "use 2019, 2019-06 or 2019-06-14"


# --- export -----------------------------------------------------------------------------------


def permalink(pledge: Pledge) -> str:
    """The pledge's public page (needs a request context, or SERVER_NAME)."""
    return url_for("pledges.show", slug=pledge.slug, _external=True)


def export_pledges(pledges: sa.Select, link: Callable[[Pledge], str] = permalink) -> str:
    """pledges.csv for the pledges `pledges` (a select of Pledge, e.g. a public list's
    `select(state)`) finds — ordered by slug, whatever order it asks for."""
    query = pledges.order_by(None).options(
        joinedload(Pledge.forum),
        selectinload(Pledge.themes),
        selectinload(Pledge.countries),
        selectinload(Pledge.signatories).joinedload(PledgeSignatory.organisation),
    )
    rows = []
    for pledge in sorted(db.session.scalars(query), key=lambda p: p.slug):
        lead = pledge.lead_signatory
        rows.append(
            [
                pledge.slug,
                pledge.title,
                pledge.status,
                pledge.forum.name if pledge.forum else None,
                _names(pledge.themes),
                _names(pledge.countries),
                pledge.region,
                pledge.period_start,
                pledge.period_end,
                pledge.period_note,
                decimal_text(pledge.budget_amount),
                pledge.budget_currency,
                pledge.budget_note,
                lead.name if lead else None,
                _names(s.organisation for s in pledge.signatories if not s.is_lead),
                pledge.published_at.date().isoformat() if pledge.published_at else None,
                pledge.completed_at.date().isoformat() if pledge.completed_at else None,
                pledge.text,
                pledge.actions_intro,
                link(pledge),
            ]
        )
    return _csv(PLEDGE_COLUMNS, rows)


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
            selectinload(ActionTaken.organisations),
            selectinload(ActionTaken.figures),
            selectinload(ActionTaken.links),
        )
    )
    rows = []
    for slug, action in sorted(db.session.execute(query), key=lambda row: (row[0], row[1].position, row[1].id)):
        rows.append(
            [
                slug,
                action.position,
                machine_date(action.date, action.date_precision),
                action.heading,
                action.summary,
                action.details,
                action.attributed_to.name,
                _names(action.organisations),
                _json([_figure_json(figure) for figure in action.figures]),
                _json([{"url": link.url, "title": link.title} for link in action.links]),
            ]
        )
    return _csv(ACTION_COLUMNS, rows)


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


def _csv(columns: Iterable[str], rows: list[list]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([csv_cells.escape(value) for value in row])
    return BOM + out.getvalue()


# --- import: errors and the batch -------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, where a spreadsheet shows it: row 1 is the header row."""

    row: int
    column: str | None
    message: str
    file: str | None = None

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column {self.column}" if self.column else "")
        return (f"{self.file}: " if self.file else "") + f"{where}: {self.message}"


class ImportRefused(Exception):
    """`Batch.write` of a batch with errors: nothing was written."""


class _Invalid(Exception):
    """A cell's value is refused; `str()` says why."""


@dataclass
class Batch:
    """What an import would write — new pledges and actions, checked — or its errors."""

    pledges: list[Pledge] = field(default_factory=list)
    actions: list[tuple[str, ActionTaken]] = field(default_factory=list)  # (pledge slug, action)
    errors: list[RowError] = field(default_factory=list)
    # Cross-row checks: slugs of the pledges in the import (None: the row had errors), and
    # the action positions the import takes, each with the row that took it.
    _new: dict[str, Pledge | None] = field(default_factory=dict)
    _slug_rows: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    _positions: dict[tuple[str, int], int] = field(default_factory=dict)
    _names: _ReferenceData | None = None

    @property
    def names(self) -> _ReferenceData:
        if self._names is None:
            self._names = _ReferenceData()
        return self._names

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return f"{_count(len(self.pledges), 'pledge')} and {_count(len(self.actions), 'action')}"

    def write(self) -> None:
        """Add every pledge and action, with a history entry ("imported", by the system)
        for each, in the caller's transaction (which commits). Refused if any row had errors."""
        if self.errors:
            raise ImportRefused(f"{_count(len(self.errors), 'error')}: nothing written.")
        db.session.add_all(self.pledges)
        db.session.flush()
        for pledge in self.pledges:
            record_history(pledge, "imported", None, to_state=pledge.status)
        existing = _pledges_by_slug({slug for slug, _ in self.actions} - set(self._new))
        for slug, action in self.actions:
            action.pledge = self._new.get(slug) or existing[slug]
            db.session.add(action)
        db.session.flush()
        for _slug, action in self.actions:
            record_history(action, "imported", None, changes={"summary": [None, action.summary]})


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def kind_of(text: str) -> str | None:
    """"pledges" or "actions", from the file's header row; None when it is neither."""
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")), [])
    names = {csv_cells.unescape(name).strip() for name in header}
    if {"slug", "title"} <= names:
        return "pledges"
    if {"pledge", "summary"} <= names:
        return "actions"
    return None


def read(files: Iterable[tuple[str | None, str]]) -> Batch:
    """Check files (name, text) of either kind, told apart by their header rows: pledges
    first, so actions may belong to pledges of the same import. Writes nothing."""
    batch = Batch()
    kinds = [(name, text, kind_of(text)) for name, text in files]
    for name, _text, kind in kinds:
        if kind is None:
            batch.errors.append(
                RowError(1, None, "the header row names neither the pledges' columns (slug, title …) "
                         "nor the actions' (pledge, summary …).", name)  # fmt: skip
            )
    for name, text, kind in kinds:
        if kind == "pledges":
            read_pledges(text, batch=batch, file=name)
    for name, text, kind in kinds:
        if kind == "actions":
            read_actions(text, batch=batch, file=name)
    return batch


def read_pledges(text: str, *, batch: Batch | None = None, file: str | None = None) -> Batch:
    """Check every row of a pledges file, into `batch` (a new one by default)."""
    batch = batch if batch is not None else Batch()
    rows = _rows(text, "pledges", batch, file)
    slugs = [row.get("slug", "").strip() for _number, row in rows]
    taken = set(db.session.scalars(sa.select(Pledge.slug).where(Pledge.slug.in_(set(slugs))))) if slugs else set()
    for number, row in rows:
        _PledgeRow(batch, file, number, row, taken).check()
    return batch


def read_actions(text: str, *, batch: Batch | None = None, file: str | None = None) -> Batch:
    """Check every row of an actions file, into `batch` — which holds the pledges of the
    same import, if any (read them first)."""
    batch = batch if batch is not None else Batch()
    rows = _rows(text, "actions", batch, file)
    slugs = {row.get("pledge", "").strip() for _number, row in rows} - set(batch._new)
    existing = _pledges_by_slug(slugs)
    taken = _positions_taken(existing.values())
    for number, row in rows:
        _ActionRow(batch, file, number, row, existing, taken).check()
    return batch


def _pledges_by_slug(slugs: set[str]) -> dict[str, Pledge]:
    if not slugs:
        return {}
    query = sa.select(Pledge).where(Pledge.slug.in_(slugs)).options(selectinload(Pledge.signatories))
    return {pledge.slug: pledge for pledge in db.session.scalars(query)}


def _positions_taken(pledges: Iterable[Pledge]) -> set[tuple[str, int]]:
    """(slug, position) of every action — withdrawn ones too — of these pledges."""
    by_id = {pledge.id: pledge.slug for pledge in pledges}
    if not by_id:
        return set()
    rows = db.session.execute(
        sa.select(ActionTaken.pledge_id, ActionTaken.position).where(ActionTaken.pledge_id.in_(by_id))
    )
    return {(by_id[pledge_id], position) for pledge_id, position in rows}


def _rows(text: str, kind: str, batch: Batch, file: str | None) -> list[tuple[int, dict[str, str]]]:
    """The data rows as {column: unescaped cell}, numbered as a spreadsheet numbers them;
    header problems go to `batch.errors` (and then no rows are checked)."""
    reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    try:
        records = list(reader)
    except csv.Error as problem:
        batch.errors.append(RowError(reader.line_num, None, f"this is not a readable CSV file ({problem}).", file))
        return []
    if not records:
        batch.errors.append(RowError(1, None, "the file is empty: it needs a header row.", file))
        return []
    header = [csv_cells.unescape(name).strip() for name in records[0]]
    columns = _COLUMNS[kind]
    header_errors = []
    for name in header:
        if name not in columns:
            header_errors.append(f"“{name}” is not a column of the {kind} file (its columns: {', '.join(columns)}).")
        elif header.count(name) > 1:
            header_errors.append(f"the column {name} appears more than once.")
    for name in _REQUIRED_COLUMNS[kind]:
        if name not in header:
            header_errors.append(f"the {kind} file needs a column {name}.")
    for message in dict.fromkeys(header_errors):
        batch.errors.append(RowError(1, None, message, file))
    if header_errors:
        return []
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # an empty line, as spreadsheets often leave at the end
        if len(record) > len(header):
            batch.errors.append(
                RowError(number, None, f"it has {len(record)} cells, but the header row names {len(header)} columns.", file)
            )
            continue
        rows.append((number, {name: csv_cells.unescape(cell) for name, cell in zip(header, record)}))
    return rows


# --- import: reference data --------------------------------------------------------------------


class _ReferenceData:
    """Organisations, forums, themes and countries by every name an import may use for them."""

    def __init__(self):
        self.organisations = _Lookup("organisation", db.session.scalars(sa.select(Organisation)), "name", "short_name")
        self.forums = _Lookup("forum", db.session.scalars(sa.select(Forum)), "name", "short_name")
        self.themes = _Lookup("theme", db.session.scalars(sa.select(Theme)), "name", "slug")
        self.countries = _Lookup("country or region", db.session.scalars(sa.select(Country)), "name", "iso_code")


class _Lookup:
    def __init__(self, noun: str, records, name: str, other: str):
        self.noun = noun
        self.by_name: dict[str, object] = {}
        self.by_other: dict[str, list] = {}
        for record in records:
            self.by_name[getattr(record, name).casefold()] = record
            if getattr(record, other):
                self.by_other.setdefault(getattr(record, other).casefold(), []).append(record)

    def find(self, name: str):
        name = name.strip()
        key = name.casefold()
        if key in self.by_name:
            return self.by_name[key]
        found = self.by_other.get(key, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise _Invalid(f"“{name}” is the short name of more than one {self.noun}: use the full name.")
        hint = " (an admin adds organisations; check the spelling)" if self.noun == "organisation" else ""
        raise _Invalid(f"there is no {self.noun} called “{name}”{hint}.")

    def find_all(self, cell: str) -> list:
        """The records a "; "-separated cell names, each once, in order; every unknown
        name is reported at once. (A full name that itself holds a ";" is still found.)"""
        parts = cell.split(";")
        found, unknown, start = [], [], 0
        while start < len(parts):
            # The longest run of parts that is a full name, else the one part as any name.
            end = next(
                (end for end in range(len(parts), start + 1, -1) if ";".join(parts[start:end]).strip().casefold() in self.by_name),
                start + 1,
            )
            name = ";".join(parts[start:end]).strip()
            start = end
            if not name:
                continue
            try:
                record = self.find(name)
            except _Invalid as problem:
                unknown.append(str(problem).rstrip("."))
                continue
            if record not in found:
                found.append(record)
        if unknown:
            raise _Invalid("; ".join(unknown) + ".")
        return found


# --- import: cells ------------------------------------------------------------------------------


def _length(model, column: str) -> int | None:
    return model.__table__.c[column].type.length


def _short_text(value: str, model, column: str, *, required: str | None = None) -> str | None:
    """A one-line text, trimmed; None when empty (or the `required` message)."""
    value = value.strip()
    if not value:
        if required:
            raise _Invalid(required)
        return None
    limit = _length(model, column)
    if limit and len(value) > limit:
        raise _Invalid(f"at most {limit} characters (this has {len(value)}).")
    return value


def _year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise _Invalid(f"{value} is not a year from {FIRST_YEAR} to {LAST_YEAR}.")
    return int(value)


def _decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _Invalid(f"{value} is not a number (write it like 1500000 or 2037.50, without separators).") from None
    return number


def _latest_day() -> dt.date:
    """Today — where the tracker runs, or already in UTC (publication times are UTC)."""
    return max(clock.today(), utcnow().date())


def _day(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None:
        raise _Invalid(f"{value} is not a day (use 2019-06-14).")
    if day > _latest_day():
        raise _Invalid(f"{value} is in the future.")
    return day


def partial_date(value: str) -> tuple[dt.date, DatePrecision]:
    """An action's date as the export writes it: 2019, 2019-06 or 2019-06-14."""
    value = value.strip()
    if not value:
        raise _Invalid(f"give the date the action was taken ({DATE_HINT}).")
    match = re.fullmatch(r"(\d{4})(-\d{2}(-\d{2})?)?", value)
    if not match:
        raise _Invalid(f"{value} is not a date ({DATE_HINT}).")
    try:
        return parse_partial_date(value)
    except NotADate as refusal:
        if int(match[1]) < 1900:
            raise _Invalid(str(refusal)) from None  # the date rule: from 1900 onwards
        raise _Invalid(f"{value} is not a date ({DATE_HINT}).") from None


def _json_objects(value: str, keys: tuple[str, ...], what: str) -> list[dict]:
    """A JSON array of objects with only `keys` (an empty cell: no items)."""
    value = value.strip()
    if not value:
        return []
    try:
        items = json.loads(value, parse_float=Decimal)
    except ValueError as problem:
        raise _Invalid(f"this is not valid JSON ({problem}); write a JSON array of {what}, or leave it empty.") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _Invalid(f"write a JSON array of {what}: [{{...}}, {{...}}], each with the keys {', '.join(keys)}.")
    for item in items:
        unknown = set(item) - set(keys)
        if unknown:
            raise _Invalid(f"unknown key {', '.join(sorted(unknown))} (the keys are {', '.join(keys)}).")
    return items


def _optional_string(item: dict, key: str, model, column: str, what: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(f"each {what}'s {key} must be a string or null.")
    return _short_text(value, model, column)


def figures(value: str) -> list[dict]:
    """The figures JSON, as `operations.record_action` takes them."""
    result = []
    for item in _json_objects(value, FIGURE_KEYS, "figures"):
        number = item.get("value")
        if isinstance(number, bool) or not isinstance(number, str | int | Decimal | type(None)):
            raise _Invalid('each figure\'s value must be a number written as a string, e.g. "2037.5".')
        if isinstance(number, str):
            number = _decimal(number)
        year = item.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR):
            raise _Invalid(f"a figure's year must be a number such as 2020 (or null), not {json.dumps(year, default=str)}.")
        result.append(
            {
                "label": _optional_string(item, "label", ActionFigure, "label", "figure"),
                "value": None if number is None else Decimal(number),
                "unit": _optional_string(item, "unit", ActionFigure, "unit", "figure"),
                "year": year,
                "period_note": _optional_string(item, "period_note", ActionFigure, "period_note", "figure"),
            }
        )
    operations.check_figures(result)
    return result


def links(value: str) -> list[dict]:
    """The evidence links JSON, as `operations.record_action` takes them."""
    result = []
    for item in _json_objects(value, LINK_KEYS, "links"):
        url = item.get("url")
        if not isinstance(url, str):
            raise _Invalid('each link needs a "url": a web address starting with https:// or http://.')
        result.append(
            {
                "url": _short_text(url, EvidenceLink, "url", required="a link's url is empty."),
                "title": _optional_string(item, "title", EvidenceLink, "title", "link"),
            }
        )
    operations.check_evidence_links(result)
    return result


class _Row:
    """One data row being checked: its cells, and the errors found in them."""

    def __init__(self, batch: Batch, file: str | None, number: int, cells: dict[str, str]):
        self.batch, self.file, self.number, self.cells = batch, file, number, cells
        self.valid = True

    def error(self, column: str | None, message: str) -> None:
        message = message[:1].upper() + message[1:]
        self.batch.errors.append(RowError(self.number, column, message.rstrip(".") + ".", self.file))
        self.valid = False

    def cell(self, column: str, parse: Callable, *args, **kwargs):
        """`parse` of the column's cell; None (and an error) when it is refused."""
        try:
            return parse(self.cells.get(column, ""), *args, **kwargs)
        except (_Invalid, operations.OperationRefused, RuleNotMet) as problem:
            self.error(column, str(problem))
            return None


class _PledgeRow(_Row):
    def __init__(self, batch, file, number, cells, taken: set[str]):
        super().__init__(batch, file, number, cells)
        self.taken = taken

    def check(self) -> None:
        names = self.batch.names
        slug = self.cell("slug", self._slug)
        title = self.cell("title", _short_text, Pledge, "title", required="a pledge needs a title.")
        state = self.cell("state", _state)
        forum = self.cell("forum", lambda v: names.forums.find(v) if v.strip() else None)
        themes = self.cell("themes", names.themes.find_all)
        countries = self.cell("countries", names.countries.find_all)
        region = self.cell("region", _short_text, Pledge, "region")
        period_start = self.cell("period_start", _year)
        period_end = self.cell("period_end", _year)
        if period_start is not None and period_end is not None and period_end < period_start:
            self.error("period_end", f"the last year ({period_end}) is before the first ({period_start}).")
        period_note = self.cell("period_note", _short_text, Pledge, "period_note")
        budget_amount = self.cell("budget_amount", _budget)
        budget_currency = self.cell("budget_currency", _currency)
        if budget_amount is not None and budget_currency is None and not self.cells.get("budget_currency", "").strip():
            self.error("budget_currency", "say which currency the budget is in, e.g. AUD.")
        if budget_currency is not None and budget_amount is None and not self.cells.get("budget_amount", "").strip():
            self.error("budget_amount", "give the budget amount too, or leave the currency empty.")
        budget_note = self.cell("budget_note", _short_text, Pledge, "budget_note")
        lead = self.cell("lead_signatory", self._organisation, required="a pledge needs a lead signatory.")
        others = self.cell("other_signatories", names.organisations.find_all)
        published_on = self.cell("published_on", _day)
        completed_on = self.cell("completed_on", _day)
        text = self.cells.get("text", "")
        actions_intro = self.cells.get("actions_intro", "").strip() and self.cells["actions_intro"]
        if state is not None:
            self._check_dates(state, published_on, completed_on)
        if not self.valid:
            # Its actions (in the same import) are not checked against another pledge.
            self.batch._new.setdefault(self.cells.get("slug", "").strip(), None)
            return
        pledge = Pledge(
            slug=slug,
            title=title,
            status=state,
            text=text,
            forum=forum,
            region=region,
            period_start=period_start,
            period_end=period_end,
            period_note=period_note,
            budget_amount=budget_amount,
            budget_currency=budget_currency,
            budget_note=budget_note,
            actions_intro=actions_intro or None,
            themes=themes,
            countries=countries,
            published_at=_moment(published_on) if state != PledgeWorkflow.draft.value else None,
            completed_at=_moment(completed_on) if state == PledgeWorkflow.done.value else None,
        )
        pledge.signatories = [PledgeSignatory(organisation=lead, is_lead=True, position=0)] + [
            PledgeSignatory(organisation=org, is_lead=False, position=i)
            for i, org in enumerate((org for org in others if org is not lead), start=1)
        ]
        if state != PledgeWorkflow.draft.value:
            # The workflow's rule for starting (publishing) a pledge: a pledge imported as
            # published must meet it too.
            self.cell("text", lambda _value: pledge.workflow.check_ready_to_publish())
            if not self.valid:
                self.batch._new[slug] = None
                return
        self.batch._new[slug] = pledge
        self.batch.pledges.append(pledge)

    def _slug(self, value: str) -> str:
        slug = value.strip()
        if not slug:
            raise _Invalid("give the pledge's slug, its address: letters, digits and dashes, e.g. regional-protection.")
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) or len(slug) > _length(Pledge, "slug"):
            raise _Invalid(f"“{slug}” is not a slug: use lower-case letters, digits and single dashes, e.g. regional-protection.")
        if slug in operations.RESERVED_SLUGS:
            raise _Invalid(f"“{slug}” is the address of a page, not of a pledge: choose another slug.")
        if slug in self.taken:
            raise _Invalid(f"a pledge with the slug “{slug}” already exists.")
        if slug in self.batch._slug_rows:
            file, row = self.batch._slug_rows[slug]
            where = f"row {row}" + (f" of {file}" if file != self.file else "")
            raise _Invalid(f"the slug “{slug}” is already used on {where}.")
        self.batch._slug_rows[slug] = (self.file, self.number)
        return slug

    def _organisation(self, value: str, required: str):
        if not value.strip():
            raise _Invalid(required)
        return self.batch.names.organisations.find(value)

    def _check_dates(self, state: str, published_on, completed_on) -> None:
        if state == PledgeWorkflow.draft.value and published_on is not None:
            self.error("published_on", "a draft is not published: leave published_on empty, or give the state.")
        if state != PledgeWorkflow.done.value and completed_on is not None:
            self.error("completed_on", "only a done pledge has a completion day: leave it empty, or make the state done.")
        if published_on is not None and completed_on is not None and completed_on < published_on:
            self.error("completed_on", f"the pledge was done ({completed_on}) before it was published ({published_on}).")


def _state(value: str) -> str:
    states = PledgeWorkflow.state_values()
    if value.strip() not in states:
        shown = f"“{value.strip()}” is not a state" if value.strip() else "give the state"
        raise _Invalid(f"{shown}: use {', '.join(states[:-1])} or {states[-1]}.")
    return value.strip()


def _budget(value: str) -> Decimal | None:
    amount = _decimal(value)
    if amount is not None:
        operations.check_budget(amount)
    return amount


def _currency(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise _Invalid(f"“{value}” is not a currency code: use three capital letters, e.g. AUD, CHF or USD.")
    return value


def _moment(day: dt.date | None) -> dt.datetime:
    """A day from the file as the moment stored (its start); no day: now."""
    return dt.datetime.combine(day, dt.time()) if day is not None else utcnow()


class _ActionRow(_Row):
    def __init__(self, batch, file, number, cells, existing: dict[str, Pledge], taken: set[tuple[str, int]]):
        super().__init__(batch, file, number, cells)
        self.existing, self.taken = existing, taken

    def check(self) -> None:
        names = self.batch.names
        slug, pledge = self.cell("pledge", self._pledge) or (None, None)
        position = self.cell("position", self._position, slug)
        when = self.cell("date", self._date)
        heading = self.cells.get("heading", "").strip() or None
        summary = self.cell("summary", self._summary)
        details = self.cells.get("details", "")
        attributed_to = self.cell("attributed_to", self._attributed_to, pledge)
        organisations = self.cell("organisations", self._organisations, pledge)
        action_figures = self.cell("figures", figures)
        action_links = self.cell("links", links)
        if not self.valid:
            return
        date, precision = when
        action = ActionTaken(
            attributed_to=attributed_to,
            date=date,
            date_precision=precision,
            heading=heading,
            summary=summary,
            details=details,
            position=position,
            organisations=organisations,
            figures=[ActionFigure(position=i, **figure) for i, figure in enumerate(action_figures)],
            links=[EvidenceLink(position=i, **link) for i, link in enumerate(action_links)],
        )
        self.batch.actions.append((slug, action))

    def _pledge(self, value: str) -> tuple[str, Pledge | None]:
        """The pledge's slug, and the pledge when its signatories can be checked (None
        when it is a row of this import that has errors of its own)."""
        slug = value.strip()
        if not slug:
            raise _Invalid("give the slug of the pledge the action was taken towards.")
        if slug in self.batch._new:
            return slug, self.batch._new[slug]
        if slug in self.existing:
            return slug, self.existing[slug]
        raise _Invalid(f"there is no pledge “{slug}”, in the tracker or in this import.")

    def _position(self, value: str, slug: str | None) -> int:
        value = value.strip()
        if not re.fullmatch(r"\d{1,9}", value):
            raise _Invalid(f"{value or 'an empty cell'} is not a position: give the action's place in its pledge's list (0, 1, 2 …).")
        position = int(value)
        if slug is not None:
            if (slug, position) in self.taken:
                raise _Invalid(f"the pledge “{slug}” already has an action at position {position}.")
            earlier = self.batch._positions.get((slug, position))
            if earlier is not None:
                raise _Invalid(f"row {earlier} already gives the pledge “{slug}” an action at position {position}.")
            self.batch._positions[(slug, position)] = self.number
        return position

    def _date(self, value: str) -> tuple[dt.date, DatePrecision]:
        date, precision = partial_date(value)
        operations.check_action_date(date)
        return date, precision

    def _summary(self, value: str) -> str:
        operations.check_action_summary(value)
        return value.strip()

    def _attributed_to(self, value: str, pledge: Pledge | None) -> Organisation:
        if not value.strip():
            raise _Invalid("name the signatory that recorded the action.")
        organisation = self.batch.names.organisations.find(value)
        if pledge is not None and organisation.id not in _signatory_ids(pledge):
            raise _Invalid(f"{organisation.name} is not a signatory of the pledge “{pledge.slug}”.")
        return organisation

    def _organisations(self, value: str, pledge: Pledge | None) -> list[Organisation]:
        organisations = self.batch.names.organisations.find_all(value)
        if pledge is not None:
            operations.check_action_organisations(organisations, _signatory_ids(pledge))
        elif not organisations:
            operations.check_action_organisations(organisations, set())
        return organisations


def _signatory_ids(pledge: Pledge) -> set[int]:
    """(A new pledge's signatories know their organisation, not yet its id column.)"""
    return {signatory.organisation_id or signatory.organisation.id for signatory in pledge.signatories}
