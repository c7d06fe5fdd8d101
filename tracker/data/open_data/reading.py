"""Reading an import: files of either kind, told apart by their header rows, checked row by
row into a `Batch`. Nothing is written until `Batch.write`, and then only without errors."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import sqlalchemy as sa

from ...core import csv_cells
from ...core.extensions import db
from ...core.i18n import _l
from ...pledges.models import ActionTaken, Pledge
from .batch import Batch, RowError, pledges_named
from .cells import ReferenceData
from .columns import BOM, COLUMNS, PLEDGE_NAMES, REQUIRED_COLUMNS
from .meetings import MeetingRow, Meetings, OutcomeRow, RecommendationRow
from .organisation_rows import OrganisationRow
from .rows import ActionRow, PledgeRow, pledge_name
from .updates import UpdateRow

# No cell is refused by the CSV parser for its size (its default stops at 128 KiB): each is
# checked by its column's limit, which says which row and column, and by how much.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


# The files of meetings and what they issued, by the columns that tell each apart.
MEETING_KINDS_BY_COLUMNS = [
    ("meetings", {"start_date"}),
    ("outcomes", {"outcome"}),
    ("progress_updates", {"recommendation"}),
    ("recommendations", {"text"}),
]
# The order files are read in: what later files name comes first.
ORDER = ("organisations", "meetings", "outcomes", "recommendations", "progress_updates", "pledges", "actions")


def kind_of(text: str) -> str | None:
    """The kind of file (one of `ORDER`), from its header row; None when it is none of them."""
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")), [])
    names = {csv_cells.unescape(name).strip() for name in header}
    if "meeting" in names:  # (a meeting's records: pledges' and actions' files have no such column)
        for kind, columns in MEETING_KINDS_BY_COLUMNS:
            if columns <= names:
                return kind
        return None
    if {"name", "kind"} <= names:
        return "organisations"
    if {"slug", "title"} <= names or ("state" in names and names & {"title", "text"}):
        return "pledges"
    if "summary" in names and names & set(PLEDGE_NAMES):
        return "actions"
    return None


_UNKNOWN_HEADER = _l(
    "the header row is not one of an import file: see the columns of each kind "
    "(pledges: title, state …; actions: pledge, summary …; organisations: name, kind …; "
    "meetings: meeting, start_date …; recommendations: meeting, text …)."
)


def read(files: Iterable[tuple[str | None, str]], *, create_missing: bool = False) -> Batch:
    """Check files (name, text) of any kind, told apart by their header rows, in `ORDER`: so
    that actions may belong to pledges of the same import, recommendations to its meetings. Writes nothing. With
    `create_missing`, names of organisations, forums, themes and countries that are not in
    the tracker are to be created (`Batch.names.missing()`), not errors."""
    batch = Batch(_names=ReferenceData(create_missing=create_missing))
    kinds = [(name, text, kind_of(text)) for name, text in files]
    for name, _text, kind in kinds:
        if kind is None:
            batch.errors.append(RowError(1, None, str(_UNKNOWN_HEADER), name))
    rows = {
        "organisations": OrganisationRow,
        "meetings": MeetingRow,
        "outcomes": OutcomeRow,
        "recommendations": RecommendationRow,
        "progress_updates": UpdateRow,
    }
    if {kind for _name, _text, kind in kinds} & set(rows) - {"organisations"}:
        batch.meetings_index = Meetings()  # (loaded only for files that name meetings)
    for kind in ORDER:
        for name, text, file_kind in kinds:
            if file_kind != kind:
                continue
            if kind == "pledges":
                read_pledges(text, batch=batch, file=name)
            elif kind == "actions":
                read_actions(text, batch=batch, file=name)
            else:
                for number, row in _rows(text, kind, batch, name):
                    rows[kind](batch, name, number, row).check()
    return batch


def read_pledges(text: str, *, batch: Batch | None = None, file: str | None = None) -> Batch:
    """Check every row of a pledges file, into `batch` (a new one by default)."""
    batch = batch if batch is not None else Batch()
    rows = _rows(text, "pledges", batch, file)
    slugs = [row.get("slug", "").strip() for _number, row in rows]
    taken = set(db.session.scalars(sa.select(Pledge.slug).where(Pledge.slug.in_(set(slugs))))) if slugs else set()
    for number, row in rows:
        PledgeRow(batch, file, number, row, taken).check()
    return batch


def read_actions(text: str, *, batch: Batch | None = None, file: str | None = None) -> Batch:
    """Check every row of an actions file, into `batch` — which holds the pledges of the
    same import, if any (read them first)."""
    batch = batch if batch is not None else Batch()
    rows = _rows(text, "actions", batch, file)
    named = {pledge_name(row) for _number, row in rows} - set(batch._new) - set(batch._aliases)
    existing = pledges_named(named)
    taken = _positions_taken(pledge for pledge in existing.values() if pledge is not None)
    for number, row in rows:
        ActionRow(batch, file, number, row, existing, taken).check()
    return batch


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
        said = _l("this is not a readable CSV file (%(problem)s).", problem=problem)
        batch.errors.append(RowError(reader.line_num, None, str(said), file))
        return []
    if not records:
        batch.errors.append(RowError(1, None, str(_l("the file is empty: it needs a header row.")), file))
        return []
    header = [csv_cells.unescape(name).strip() for name in records[0]]
    header_errors = _header_errors(header, kind)
    for message in header_errors:
        batch.errors.append(RowError(1, None, message, file))
    if header_errors:
        return []
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # an empty line, as spreadsheets often leave at the end
        if len(record) > len(header):
            said = _l(
                "it has %(cells)s cells, but the header row names %(columns)s columns.",
                cells=len(record),
                columns=len(header),
            )
            batch.errors.append(RowError(number, None, str(said), file))
            continue
        rows.append((number, {name: csv_cells.unescape(cell) for name, cell in zip(header, record, strict=False)}))
    return rows


# What a header row lacks or has too much of, for each kind of file (whole sentences: the
# kind's name is not glued into them).
_NOT_A_COLUMN = {
    "organisations": lambda name, columns: _l(
        "“%(name)s” is not a column of the organisations file (its columns: %(columns)s).", name=name, columns=columns
    ),
    "meetings": lambda name, columns: _l(
        "“%(name)s” is not a column of the meetings file (its columns: %(columns)s).", name=name, columns=columns
    ),
    "outcomes": lambda name, columns: _l(
        "“%(name)s” is not a column of the outcomes file (its columns: %(columns)s).", name=name, columns=columns
    ),
    "recommendations": lambda name, columns: _l(
        "“%(name)s” is not a column of the recommendations file (its columns: %(columns)s).", name=name, columns=columns
    ),
    "progress_updates": lambda name, columns: _l(
        "“%(name)s” is not a column of the progress_updates file (its columns: %(columns)s).",
        name=name,
        columns=columns,
    ),
    "pledges": lambda name, columns: _l(
        "“%(name)s” is not a column of the pledges file (its columns: %(columns)s).", name=name, columns=columns
    ),
    "actions": lambda name, columns: _l(
        "“%(name)s” is not a column of the actions file (its columns: %(columns)s).", name=name, columns=columns
    ),
}
_NEEDS_A_COLUMN = {
    "organisations": lambda name: _l("the organisations file needs a column %(name)s.", name=name),
    "meetings": lambda name: _l("the meetings file needs a column %(name)s.", name=name),
    "outcomes": lambda name: _l("the outcomes file needs a column %(name)s.", name=name),
    "recommendations": lambda name: _l("the recommendations file needs a column %(name)s.", name=name),
    "progress_updates": lambda name: _l("the progress_updates file needs a column %(name)s.", name=name),
    "pledges": lambda name: _l("the pledges file needs a column %(name)s.", name=name),
    "actions": lambda name: _l("the actions file needs a column %(name)s.", name=name),
}


def _header_errors(header: list[str], kind: str) -> list[str]:
    """What is wrong with a file's header row: unknown, repeated and missing columns."""
    columns = COLUMNS[kind]
    errors = []
    for name in header:
        if name not in columns:
            errors.append(str(_NOT_A_COLUMN[kind](name, ", ".join(columns))))
        elif header.count(name) > 1:
            errors.append(str(_l("the column %(name)s appears more than once.", name=name)))
    for name in REQUIRED_COLUMNS[kind]:
        if name not in header:
            errors.append(str(_NEEDS_A_COLUMN[kind](name)))
    if kind == "actions" and not set(header) & set(PLEDGE_NAMES):
        errors.append(str(_l("the actions file needs a column pledge (or pledge_source_reference, or pledge_title).")))
    return list(dict.fromkeys(errors))
