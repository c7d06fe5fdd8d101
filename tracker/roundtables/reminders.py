"""The recommendations' reminders, sent by `flask --app wsgi notifications remind` once a day:

- to the owners' staff, of a recommendation in progress: when it is due within 30 days,
  within 7 days, and once it is overdue — then again every week while it stays overdue;
- to the co-chairs, of one marked done that has awaited their verification for 7 days.

Each milestone is named with the date it is counted from ("due_30:2030-01-01"), so a
reminder goes once per recommendation, person and milestone however often `remind` runs,
and a new due date (or a new "done" after a send-back) has milestones of its own. A run that
was missed is caught up: the next one sends the latest milestone reached, not every one.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..core.extensions import db
from ..notifications import reminders
from ..notifications.operations import notify
from . import mails
from .models import Recommendation, RecommendationOwner, Roundtable
from .workflow import DONE, IN_PROGRESS

DUE_SOON_DAYS = 30
DUE_VERY_SOON_DAYS = 7
AWAITING_DAYS = 7
SUBJECT = "recommendation"

_LOADED = (
    selectinload(Recommendation.owners).joinedload(RecommendationOwner.organisation),
    joinedload(Recommendation.roundtable).selectinload(Roundtable.co_chairs),
)


def due_milestone(due: dt.date, today: dt.date) -> tuple[str, int] | None:
    """(milestone, days left) of a recommendation due on `due`, as of `today` — days left
    below 0 when it is overdue; None when it is not due within 30 days yet. (The days are
    kept in the notification's context: its subject, summary and e-mail say them, in their
    reader's language and plural, `mails.DUE`.)"""
    days = (due - today).days
    if days < 0:
        week = (-days - 1) // 7  # the day after the due date, then every 7 days
        return f"overdue:{due.isoformat()}:{week}", days
    if days > DUE_SOON_DAYS:
        return None
    milestone = "due_7" if days <= DUE_VERY_SOON_DAYS else "due_30"
    return f"{milestone}:{due.isoformat()}", days


def remind_due(today: dt.date) -> int:
    """Owners' staff, of what they own that is due within 30 days or overdue."""
    due = db.session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.status == IN_PROGRESS,
            Recommendation.due_date.is_not(None),
            Recommendation.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .options(*_LOADED)
        .order_by(Recommendation.id)
    ).all()
    sent = 0
    for recommendation in due:
        milestone = due_milestone(recommendation.due_date, today) if recommendation.due_date else None
        if milestone is None:
            continue
        name, days = milestone
        people = reminders.first_time(mails.owners_staff(recommendation), SUBJECT, recommendation.id, name, today)
        context = mails.context_of(recommendation) | {"days": days}
        sent += len(notify(mails.DUE, people, context))
    return sent


def remind_awaiting_verification(today: dt.date) -> int:
    """Co-chairs, of what was marked done 7 days ago or more and is not verified yet."""
    waiting = db.session.scalars(
        sa.select(Recommendation)
        .where(
            Recommendation.status == DONE,
            Recommendation.completed_on <= today - dt.timedelta(days=AWAITING_DAYS),
        )
        .options(*_LOADED)
        .order_by(Recommendation.id)
    ).all()
    sent = 0
    for recommendation in waiting:
        if recommendation.completed_on is None:  # (never: the query says so)
            continue
        name = f"awaiting_verification:{recommendation.completed_on.isoformat()}"
        people = reminders.first_time(mails.co_chairs(recommendation), SUBJECT, recommendation.id, name, today)
        days = (today - recommendation.completed_on).days
        sent += len(notify(mails.AWAITING_VERIFICATION, people, mails.context_of(recommendation) | {"days": days}))
    return sent


def init_app(app: object = None) -> None:
    """File the recommendations' reminders with `remind` (the app does, when it is built)."""
    reminders.register("recommendations due soon or overdue", remind_due)
    reminders.register("recommendations awaiting verification", remind_awaiting_verification)
