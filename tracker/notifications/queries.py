"""What the notification centre reads: a person's notifications, newest first, and how many
they have not read (the bell)."""

from __future__ import annotations

import sqlalchemy as sa

from ..core.extensions import db
from .models import Notification


def unread_count(user_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def newest_first(user_id: int) -> sa.Select[Notification]:
    return sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())
