"""An import waiting for its admin's word: the files uploaded, kept until they are confirmed
(or abandoned), so that what the preview showed is what is written — checked again, whole,
when the admin confirms."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.columns import utcnow
from ..core.extensions import Base

# How long an import waits for its admin to confirm it; older ones are deleted.
PENDING_FOR = dt.timedelta(days=1)


def _token() -> str:
    return secrets.token_urlsafe(16)


class PendingImport(Base):
    __tablename__ = "pending_imports"
    moves_data_version: ClassVar[bool] = False  # (nothing public changes until it is written)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=_token)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The files as [[name, text], …] (a workbook's sheets each as a CSV text).
    files: Mapped[Any] = mapped_column(sa.JSON)
    create_missing: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    uploaded_by: Mapped[User] = relationship()

    @property
    def file_list(self) -> list[tuple[str, str]]:
        return [(name, text) for name, text in self.files]

    @property
    def expired(self) -> bool:
        return self.uploaded_at < utcnow() - PENDING_FOR
