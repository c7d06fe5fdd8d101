"""Cells of the CSV files people open in spreadsheets: text a spreadsheet shows as text,
never runs as a formula — and, for the open data, read back exactly as it was.

A cell starting with = + - @ (or a tab or a carriage return) would be run as a formula
by Excel, LibreOffice or Google Sheets ("CSV injection"), so `escape` puts an apostrophe
in front of it; spreadsheets show such a cell as text, without the apostrophe. A value
that itself starts with an apostrophe is escaped too, which makes the escaping
unambiguous: `unescape` removes exactly one apostrophe, and only from a cell `escape`
would have made (an apostrophe followed by one of those characters or by another
apostrophe), so `unescape(escape(value)) == value` for every value.
"""

from __future__ import annotations

# What a cell may start with only behind an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_STARTS = (*FORMULA_STARTS, "'")


def escape(value) -> str:
    """`value` as a cell: None is empty, anything else its text, with an apostrophe in
    front when it starts like a formula (or with an apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_ESCAPED_STARTS) else text


def unescape(cell: str) -> str:
    """The value `escape` made `cell` from: one leading apostrophe removed when what follows
    it would have needed one; any other cell exactly as it is."""
    if cell.startswith("'") and cell[1:].startswith(_ESCAPED_STARTS):
        return cell[1:]
    return cell
