"""The daily digest: one e-mail a day gathering the notifications a person chose to get
"in a daily digest", sent by `flask --app wsgi notifications digest` (and by `remind`).

At most one digest per person per day, however many times it runs: `Digest` has one row per
person and day (a unique constraint, which also settles two runs at the same moment), and a
notification joins exactly one digest (claimed `WHERE digest_id IS NULL`). What a person has
since turned off, or may no longer read (the kind's `check`), is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core import i18n
from ..core.dates import format_date
from ..core.extensions import db
from ..core.i18n import _l, _n
from . import kinds
from .models import Digest, EmailChoice, Notification, Recipient
from .operations import email_choice, queue_mail

# A digest lists this many notifications; the rest are counted, and in the notification centre.
MAX_ITEMS = 50


class _NothingClaimed(Exception):
    """Another run gathered these notifications first."""


def send_digests(today: dt.date) -> int:
    """Queue today's digest of each person who has notifications kept for one; how many."""
    waiting = db.session.scalars(
        sa.select(Notification.user_id)
        .where(Notification.kept_for_digest.is_(True), Notification.digest_id.is_(None))
        .distinct()
        .order_by(Notification.user_id)
    ).all()
    return sum(1 for user_id in waiting if _send_digest(user_id, today))


def _send_digest(user_id: int, today: dt.date) -> bool:
    already = db.session.scalar(sa.select(Digest.id).where(Digest.user_id == user_id, Digest.day == today))
    if already is not None:
        return False
    kept = db.session.scalars(
        sa.select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.kept_for_digest.is_(True),
            Notification.digest_id.is_(None),
        )
        .options(joinedload(Notification.user))
        .order_by(Notification.id)
    ).all()
    if not kept:
        return False
    person = kept[0].user
    declared = {kind.name for kind in kinds.declared()}
    turned_off = {name for name in {n.kind for n in kept} & declared if email_choice(user_id, name) is EmailChoice.OFF}
    wanted = [n for n in kept if n.kind not in turned_off and _still_theirs(n, person)]
    for notification in kept:
        if notification not in wanted:
            notification.kept_for_digest = False  # turned off, or no longer theirs to read
    if not wanted:
        db.session.flush()
        return False
    try:
        with db.session.begin_nested():
            gathered = _claim(person, today, wanted)
    except (sa.exc.IntegrityError, _NothingClaimed):
        return False
    queue_mail(
        DAILY_DIGEST.name,
        person.email,
        user_id=person.id,
        to_name=person.name,
        context=_context(gathered, today),
    )
    return True


def _claim(person: Recipient, today: dt.date, wanted: list[Notification]) -> list[Notification]:
    """Today's digest of `person`, with those of `wanted` no other run gathered first."""
    digest = Digest(user_id=person.id, day=today)
    db.session.add(digest)
    db.session.flush()
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_([n.id for n in wanted]), Notification.digest_id.is_(None))
        .values(digest_id=digest.id)
        .execution_options(synchronize_session=False)
    )
    gathered = db.session.scalars(
        sa.select(Notification)
        .where(Notification.digest_id == digest.id)
        .order_by(Notification.id)
        .execution_options(populate_existing=True)
    ).all()
    if not gathered:
        raise _NothingClaimed
    return list(gathered)


def _still_theirs(notification: Notification, person: Recipient) -> bool:
    """The person's to read still (active, and the kind's check agrees)."""
    if not person.active:
        return False
    try:
        kind = kinds.get(notification.kind)
    except LookupError:
        return False
    if kind.check is not None:
        try:
            kind.check(person.id, notification.context)
        except kinds.NotDeliverable:
            return False
    return True


def _context(gathered: list[Notification], today: dt.date) -> dict[str, Any]:
    items = []
    for notification in gathered[:MAX_ITEMS]:
        kind = kinds.get(notification.kind)
        endpoint, values = kind.page_of(notification.context) or (None, {})
        items.append(
            {
                # What it says is worded when the digest is sent, in its reader's language
                # (`in_readers_words`); these are kept for a digest queued before.
                "kind": notification.kind,
                "context": notification.context,
                "created_on": notification.created_at.date().isoformat(),
                "summary": kind.summary_of(notification.context),
                "endpoint": endpoint,
                "values": values,
                "date": format_date(notification.created_at),
            }
        )
    count = len(gathered)
    return {
        "items": items,
        "more": count - len(items),
        "count": count,
        "count_words": str(_n("%(num)s notification", "%(num)s notifications", count)),
        "day": format_date(today),
        "day_on": today.isoformat(),
    }


def in_readers_words(context: Mapping[str, Any]) -> dict[str, Any]:
    """The digest's words, in the language of the person it is sent to (`kinds.Kind.prepare`,
    which delivery runs in that language): each item's summary and day, the count, the day."""
    locale = i18n.reading_format_locale()
    items = [
        item | {"summary": kinds.get(item["kind"]).summary_of(item["context"]),
                "date": format_date(dt.date.fromisoformat(item["created_on"]), None, locale)}
        if "kind" in item else item
        for item in context.get("items", [])
    ]  # fmt: skip
    words = {"items": items, "count_words": str(_n("%(num)s notification", "%(num)s notifications", context["count"]))}
    if context.get("day_on"):
        words["day"] = format_date(dt.date.fromisoformat(context["day_on"]), None, locale)
    return words


# The notifications area's own kind: the one e-mail a day that gathers what a person chose
# to get in a daily digest, worded when it is sent, in its reader's language.
DAILY_DIGEST = kinds.declare(
    kinds.Kind(
        "daily_digest",
        subject=_l("%(site_name)s: your daily digest (%(count_words)s)"),
        label=_l("in a daily digest"),
        digest=True,
        prepare=in_readers_words,
    )
)
