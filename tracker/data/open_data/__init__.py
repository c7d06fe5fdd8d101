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

The package: `columns` (the format), `export`, and the import — `reading` (files),
`rows` (each row, checked), `cells` (each cell), `batch` (what would be written).
"""

from .batch import Batch, ImportRefused, RowError
from .columns import ACTION_COLUMNS, ORGANISATION_COLUMNS, PLEDGE_COLUMNS
from .export import (
    export_actions,
    export_meetings,
    export_organisations,
    export_outcomes,
    export_pledges,
    export_recommendations,
    export_updates,
)
from .reading import kind_of, read, read_actions, read_pledges

__all__ = [
    "ACTION_COLUMNS",
    "ORGANISATION_COLUMNS",
    "PLEDGE_COLUMNS",
    "Batch",
    "ImportRefused",
    "RowError",
    "export_actions",
    "export_meetings",
    "export_organisations",
    "export_outcomes",
    "export_pledges",
    "export_recommendations",
    "export_updates",
    "kind_of",
    "read",
    "read_actions",
    "read_pledges",
]
