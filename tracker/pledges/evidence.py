"""Evidence of an action taken: files attached to it (core.files has what they may be) and links."""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import files
from ..core.extensions import Base
from ..core.limits import Limit


class ActionFile(files.EvidenceFileColumns, Base):
    """A report, photo or document an action's signatory attached as its evidence."""

    __tablename__ = "action_files"
    # No page lists a file's bytes, and its record moves its action's page anyway.

    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    # (Named, not imported: the pledge's models import this module.)
    action: Mapped[Any] = relationship("ActionTaken", back_populates="files")


class EvidenceLink(Base):
    """A link an action gives as its evidence (a published report, a news item)."""

    __tablename__ = "evidence_links"
    limits: ClassVar[dict[str, Limit]] = {"url": Limit(2_000), "title": Limit(300)}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    title: Mapped[str | None] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    action: Mapped[Any] = relationship("ActionTaken", back_populates="links")
