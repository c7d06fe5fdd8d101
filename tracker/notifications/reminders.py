"""Reminders: what `flask --app wsgi notifications remind` sends, once a day.

Each area files the reminders it produces (`register`): a function of the day ("today", from
the app's clock) that notifies people of what is due. A reminder is sent to a person at most
once per record and milestone ("due in 30 days of 1 January 2030"), however many times the
command runs: `first_time` records each in `sent_reminders`, whose unique constraint also
settles two runs at the same moment (the second waits for the first, then finds the row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import sqlalchemy as sa

from ..core.extensions import db
from .kinds import Text
from .models import Recipient, SentReminder

# A day's reminders of one kind: how many notifications it made.
Producer = Callable[[dt.date], int]

_PRODUCERS: dict[Text, Producer] = {}


def register(name: Text, producer: Producer) -> None:
    """File `producer` under `name` (in words: "recommendations due or overdue"; a message
    marked with `_l`, which `remind` says in the reader's language)."""
    _PRODUCERS[name] = producer


def producers() -> list[tuple[Text, Producer]]:
    return list(_PRODUCERS.items())


def first_time(
    people: Iterable[Recipient], subject: str, subject_id: int, milestone: str, today: dt.date
) -> list[Recipient]:
    """Those of `people` (active) not yet reminded of `milestone` of the record `subject`
    `subject_id`, each now recorded as reminded, in the caller's transaction."""
    already = set(
        db.session.scalars(
            sa.select(SentReminder.user_id).where(
                SentReminder.subject == subject,
                SentReminder.subject_id == subject_id,
                SentReminder.milestone == milestone,
            )
        )
    )
    fresh = []
    for person in people:
        if not person.active or person.id in already:
            continue
        try:
            with db.session.begin_nested():  # a run at the same moment may have recorded it first
                db.session.add(
                    SentReminder(
                        user_id=person.id, subject=subject, subject_id=subject_id, milestone=milestone, sent_on=today
                    )
                )
                db.session.flush()
        except sa.exc.IntegrityError:
            continue
        already.add(person.id)
        fresh.append(person)
    return fresh
