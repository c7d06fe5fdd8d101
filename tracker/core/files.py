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
from babel.support import LazyProxy
from sqlalchemy.orm import Mapped, mapped_column

from .changes import InvalidField
from .columns import utcnow
from .i18n import _l, _n
from .wording import N_

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# At most this many files on one action or update.
MAX_FILES = 10

# What may be attached: the extension filetype names -> (MIME type, what people call it, in
# English as history keeps it; shown in the reader's language: `kind_label`).
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", "PDF"),
    "png": ("image/png", N_("PNG image")),
    "jpg": ("image/jpeg", N_("JPEG image")),
    "gif": ("image/gif", N_("GIF image")),
    "webp": ("image/webp", N_("WebP image")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", N_("Word document")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", N_("Excel workbook")),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        N_("PowerPoint presentation"),
    ),
    "doc": ("application/msword", N_("Word document")),
    "xls": ("application/vnd.ms-excel", N_("Excel workbook")),
    "ppt": ("application/vnd.ms-powerpoint", N_("PowerPoint presentation")),
    "odt": ("application/vnd.oasis.opendocument.text", N_("OpenDocument text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", N_("OpenDocument spreadsheet")),
    "odp": ("application/vnd.oasis.opendocument.presentation", N_("OpenDocument presentation")),
}
# What the browser's file picker offers (the bytes are what is checked).
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in KINDS) + ",.jpeg"


def size_in_words(size: int, *, english: bool = False) -> str:
    """ "12.4 MB", "340 KB", "512 bytes": in the reader's language, or in English (`english`,
    what history keeps)."""
    if english:
        return _size_in_english(size)
    return str(_size(size))


def _size(size: int) -> LazyProxy:
    """The size in words, put in the reader's language when it is shown."""
    if size >= 1024 * 1024:
        return _l("%(size)s MB", size=format(size / (1024 * 1024), ".1f").removesuffix(".0"))
    if size >= 1024:
        return _l("%(size)s KB", size=round(size / 1024))
    return _n("%(num)s byte", "%(num)s bytes", size)


def _size_in_english(size: int) -> str:
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


def _check_size(upload: Upload, name: str, max_bytes: int) -> None:
    """Refused: an empty file, or one larger than `max_bytes`."""
    if not upload.data:
        raise InvalidField(
            "files",
            _l("“%(name)s” is empty: choose the file again.", name=name)
            if name
            else _l("The file is empty: choose the file again."),
        )
    if len(upload.data) > max_bytes:
        sizes = {"name": name, "size": _size(len(upload.data)), "most": _size(max_bytes)}
        raise InvalidField(
            "files",
            _l(
                "“%(name)s” is %(size)s; a file may be at most %(most)s. "
                "Attach a smaller version (a PDF of fewer pages, a smaller photo).",
                **sizes,
            )
            if name
            else _l(
                "The file is %(size)s; a file may be at most %(most)s. "
                "Attach a smaller version (a PDF of fewer pages, a smaller photo).",
                **sizes,
            ),
        )


def check(upload: Upload, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """An upload checked — not empty, not too large, a kind that may be attached, judged by
    its bytes — as the columns of a file record; else InvalidField saying what to do."""
    name = _as_sent(upload.filename)
    _check_size(upload, name, max_bytes)
    kind = filetype.guess(upload.data)
    extension = kind.extension if kind is not None else None
    if extension not in KINDS:
        raise InvalidField(
            "files",
            _l(
                "“%(name)s” is not a PDF, an image (PNG, JPEG, GIF or WebP) or an office document "
                "(Word, Excel, PowerPoint or OpenDocument), whatever its name says: it was not attached.",
                name=name,
            )
            if name
            else _l(
                "The file is not a PDF, an image (PNG, JPEG, GIF or WebP) or an office document "
                "(Word, Excel, PowerPoint or OpenDocument), whatever its name says: it was not attached."
            ),
        )
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
        raise InvalidField(
            "files",
            _n(
                "At most %(num)s file may be attached to one record.",
                "At most %(num)s files may be attached to one record.",
                MAX_FILES,
            ),
        )
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
    def _kind_in_english(self) -> str:
        return next((label for mime, label in KINDS.values() if mime == self.content_type), "File")

    @property
    def kind_label(self) -> str:
        """What kind of file it is, in the reader's language ("PNG image")."""
        english = self._kind_in_english
        return str(_l("File") if english == "File" else _l(english))

    @property
    def size_label(self) -> str:
        return size_in_words(self.size)

    def describe(self) -> str:
        """For history, in English: "report.pdf (PDF, 340 KB)"."""
        return f"{self.filename} ({self._kind_in_english}, {size_in_words(self.size, english=True)})"
