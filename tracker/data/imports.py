"""Imports from the web: an admin uploads files (CSV, or XLSX workbooks), reads the preview —
every row checked, what would be created and what was derived, every error by row and column —
and confirms; then everything is written at once, or nothing (`open_data`).

The files wait in `PendingImport` between the preview and the confirmation, and are checked
again, whole, when the admin confirms: what was written meanwhile (a slug taken, an
organisation added) is taken into account, and nothing is written unless all of it is right.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from ..core import access
from ..core.columns import utcnow
from ..core.extensions import db
from . import open_data
from .models import PENDING_FOR, PendingImport
from .open_data import Batch
from .open_data.workbooks import files_of


def upload(actor: User, uploads: list[tuple[str, bytes]], *, create_missing: bool = True) -> PendingImport:
    """Keep what an admin uploaded for its preview (`open_data.workbooks.Unreadable` for a
    file that is neither UTF-8 CSV nor XLSX). Imports left unconfirmed for a day go."""
    access.require(actor, "administer")
    files = files_of(uploads)
    db.session.execute(sa.delete(PendingImport).where(PendingImport.uploaded_at < utcnow() - PENDING_FOR))
    pending = PendingImport(
        uploaded_by_id=actor.id, files=[[name, text] for name, text in files], create_missing=create_missing
    )
    db.session.add(pending)
    db.session.flush()
    return pending


def check(pending: PendingImport, actor: User) -> Batch:
    """Every row of the import checked (nothing written): the preview."""
    access.require(actor, "view", pending)
    return open_data.read(pending.file_list, create_missing=pending.create_missing)


def confirm(pending: PendingImport, actor: User) -> Batch:
    """Check the import again and write all of it, by `actor` (history: "imported"); or,
    when a row is wrong now, nothing (the batch says why: `batch.ok` is false)."""
    access.require(actor, "confirm", pending)
    batch = open_data.read(pending.file_list, create_missing=pending.create_missing)
    if batch.ok:
        batch.write(actor)
        db.session.delete(pending)
    return batch
