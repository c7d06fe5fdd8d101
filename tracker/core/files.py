"""Evidence files — a report, a photo, a circulation e-mail saved as PDF — attached to an
action taken or a progress update, kept in the database (every app server sees them, and
backup and restore carry them).

What a file is comes from its bytes (`filetype`), never from its name: a renamed executable
is refused whatever it is called. Only documents people send as evidence are taken — PDF,
images, office documents — up to a configured size (EVIDENCE_MAX_BYTES, 10 MB by default).
Each area keeps its own files' table (`pledges.models.ActionFile`, `roundtables.models.
UpdateFile`) with the columns of `EvidenceFileColumns`; its routes serve a file only to
those who may see the record it belongs to, always as a download.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar

import filetype
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .changes import InvalidField
from .columns import utcnow

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# At most this many files on one action or update.
MAX_FILES = 10

# What may be attached: the extension filetype names -> (MIME type, what people call it).
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "png": ("image/png", "PNG image"),
    "jpg": ("image/jpeg", "JPEG image"),
    "gif": ("image/gif", "GIF image"),
    "webp": ("image/webp", "WebP image"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint presentation"),
    "doc": ("application/msword", "Word document"),
    "xls": ("application/vnd.ms-excel", "Excel workbook"),
    "ppt": ("application/vnd.ms-powerpoint", "PowerPoint presentation"),
    "odt": ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet"),
    "odp": ("application/vnd.oasis.opendocument.presentation", "OpenDocument presentation"),
}
ACCEPTED = "a PDF, an image (PNG, JPEG, GIF or WebP) or an office document (Word, Excel, PowerPoint or OpenDocument)"
# What the browser's file picker offers (the bytes are what is checked).
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in KINDS) + ",.jpeg"


def size_in_words(size: int) -> str:
    """ "12.4 MB", "340 KB", "512 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} byte{'' if size == 1 else 's'}"


@dataclass(frozen=True)
class Upload:
    """A file as it was sent: its name on the sender's computer and its bytes."""

    filename: str
    data: bytes


def _as_sent(filename: str | None) -> str:
    """The file's name as its sender's computer gave it: its last path part, without control
    or bidirectional characters, its spaces single, at most 200 characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return " ".join(name.split()).strip(". ")[:200]


def safe_name(filename: str | None, extension: str) -> str:
    """The file's name as it is kept and offered back: as sent (`_as_sent`), ending with its
    real extension."""
    name = _as_sent(filename) or "evidence"
    stem = name.rsplit(".", 1)[0] if "." in name else name
    real = "jpg" if extension == "jpg" else extension
    return f"{stem[:190]}.{real}"


def check(upload: Upload, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """An upload checked — not empty, not too large, a kind that may be attached, judged by
    its bytes — as the columns of a file record; else InvalidField saying what to do."""
    named = f"“{_as_sent(upload.filename)}”" if _as_sent(upload.filename) else "The file"
    if not upload.data:
        raise InvalidField("files", f"{named} is empty: choose the file again.")
    if len(upload.data) > max_bytes:
        raise InvalidField(
            "files",
            f"{named} is {size_in_words(len(upload.data))}; a file may be at most {size_in_words(max_bytes)}. "
            "Attach a smaller version (a PDF of fewer pages, a smaller photo).",
        )
    kind = filetype.guess(upload.data)
    extension = kind.extension if kind is not None else None
    if extension not in KINDS:
        raise InvalidField("files", f"{named} is not {ACCEPTED}, whatever its name says: it was not attached.")
    return {
        "filename": safe_name(upload.filename, extension),
        "content_type": KINDS[extension][0],
        "size": len(upload.data),
        "sha256": hashlib.sha256(upload.data).hexdigest(),
        "data": upload.data,
    }


def check_all(uploads: list[Upload], kept: int, max_bytes: int = DEFAULT_MAX_BYTES) -> list[dict[str, Any]]:
    """Several uploads, each checked; `kept` files are already there (at most MAX_FILES in all)."""
    if kept + len(uploads) > MAX_FILES:
        raise InvalidField("files", f"At most {MAX_FILES} files may be attached to one record.")
    return [check(upload, max_bytes) for upload in uploads]


class EvidenceFileColumns:
    """The columns every evidence file has (a mixin for each area's file model)."""

    noun: ClassVar[str] = "file"
    # No page shows a file's bytes: adding one moves the data version through its record.

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # loaded only to be served
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def kind_label(self) -> str:
        return next((label for mime, label in KINDS.values() if mime == self.content_type), "File")

    @property
    def size_label(self) -> str:
        return size_in_words(self.size)

    def describe(self) -> str:
        """For history: "report.pdf (PDF, 340 KB)"."""
        return f"{self.filename} ({self.kind_label}, {self.size_label})"
