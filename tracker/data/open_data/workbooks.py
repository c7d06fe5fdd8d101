"""Spreadsheets as an import reads them: each sheet of an XLSX workbook (openpyxl) is one file
of the import, its first row the header, written as the CSV text the rest of the import
reads — so a workbook and CSV files are checked by the same rules, with the same words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ...core.i18n import _l
from .columns import BOM


class Unreadable(Exception):
    """The file is neither UTF-8 CSV nor an XLSX workbook; `str()` says what to do (in the
    reader's language: the message is a lazy `_l`)."""


def files_of(uploads: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """The import's files (name, CSV text) from what was uploaded: CSV files as they are, a
    workbook as one file per sheet ("book.xlsx › Pledges"). `Unreadable` names the file."""
    files: list[tuple[str, str]] = []
    for name, data in uploads:
        if data[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm")):
            files += _sheets(name, data)
        else:
            try:
                files.append((name, data.decode("utf-8-sig")))
            except UnicodeDecodeError:
                raise Unreadable(
                    _l(
                        "%(file)s: this is not UTF-8 text. Save it as “CSV UTF-8” (or upload the .xlsx workbook).",
                        file=name,
                    )
                ) from None
    return files


def _sheets(name: str, data: bytes) -> list[tuple[str, str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Unreadable(
            _l(
                "%(file)s: this is not an XLSX workbook that can be read. Save it again as .xlsx, or as CSV UTF-8.",
                file=name,
            )
        ) from None
    sheets = []
    try:
        for sheet in workbook.worksheets:
            out = io.StringIO(newline="")
            writer = csv.writer(out)
            for row in sheet.iter_rows(values_only=True):
                writer.writerow([_text(value) for value in row])
            text = out.getvalue()
            if text.strip(",\r\n"):
                sheets.append((f"{name} › {sheet.title}", text))
    finally:
        workbook.close()
    return sheets


def _text(value: object) -> str:
    """A cell as the CSV format writes it: days as 2019-06-14, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(str(value)))
    return str(value)


def template(columns: list[str]) -> str:
    """An empty import file of one kind: its header row."""
    return BOM + ",".join(columns) + "\r\n"
