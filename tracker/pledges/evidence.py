"""Evidence files attached to an action taken (core.files has what they may be)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import files
from ..core.extensions import Base


class ActionFile(files.EvidenceFileColumns, Base):
    """A report, photo or document an action's signatory attached as its evidence."""

    __tablename__ = "action_files"
    # No page lists a file's bytes, and its record moves its action's page anyway.

    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # (Named, not imported: the pledge's models import this module.)
    action: Mapped[Any] = relationship("ActionTaken", back_populates="files")
