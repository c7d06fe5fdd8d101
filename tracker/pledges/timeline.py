"""A pledge's actions taken as its pages show them: grouped under their headings, and
the latest one for a list of pledges."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..core.dates import DatePrecision
from ..core.extensions import db
from .models import ActionTaken

_FINEST_FIRST = (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)


@dataclass
class ActionGroup:
    heading: str | None
    actions: list[ActionTaken] = field(default_factory=list)


def group_by_heading(actions: list[ActionTaken]) -> list[ActionGroup]:
    """Consecutive actions sharing a heading form one group, in the pledge's own order
    (the seed pages list actions under sentences such as "Collaboration has been
    strengthened …, including:"). A heading that comes back later starts a new group
    rather than pulling later actions out of their place."""
    groups: list[ActionGroup] = []
    for action in actions:
        heading = (action.heading or "").strip() or None
        if not groups or groups[-1].heading != heading:
            groups.append(ActionGroup(heading))
        groups[-1].actions.append(action)
    return groups


@dataclass(frozen=True)
class LatestAction:
    date: dt.date
    precision: DatePrecision


def latest_actions(pledge_ids: list[int]) -> dict[int, LatestAction]:
    """The date of each pledge's latest current (not withdrawn) action, in two queries
    whatever the number of pledges or actions. Of actions on the same date, the most
    precisely dated one is kept."""
    if not pledge_ids:
        return {}
    current = sa.and_(ActionTaken.pledge_id.in_(pledge_ids), ActionTaken.withdrawn_at.is_(None))
    latest = (
        sa.select(ActionTaken.pledge_id, sa.func.max(ActionTaken.date).label("date"))
        .where(current)
        .group_by(ActionTaken.pledge_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ActionTaken.pledge_id, ActionTaken.date, ActionTaken.date_precision)
        .join(latest, sa.and_(ActionTaken.pledge_id == latest.c.pledge_id, ActionTaken.date == latest.c.date))
        .where(current)
    )
    result: dict[int, LatestAction] = {}
    for pledge_id, date, precision in rows:
        if date is None:  # (never: the join is on the latest date; undated actions have none)
            continue
        known = result.get(pledge_id)
        if known is None or _FINEST_FIRST.index(precision) < _FINEST_FIRST.index(known.precision):
            result[pledge_id] = LatestAction(date, precision)
    return result


# A pledge in progress with no action for this long gets a reminder on its staff's home.
QUIET_AFTER_MONTHS = 6


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day when it is shorter)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))


@dataclass(frozen=True)
class PledgeActivity:
    """What "my organisation's pledges" shows about each pledge's actions."""

    actions_count: int
    latest: LatestAction | None
    is_quiet: bool  # in progress, and no action for QUIET_AFTER_MONTHS


def pledge_activity(pledges, today: dt.date) -> dict[int, PledgeActivity]:
    """Count, latest date and the quiet-pledge reminder for each pledge, in three queries."""
    ids = [pledge.id for pledge in pledges]
    if not ids:
        return {}
    counts = dict(
        db.session.execute(
            sa.select(ActionTaken.pledge_id, sa.func.count(ActionTaken.id))
            .where(ActionTaken.pledge_id.in_(ids), ActionTaken.withdrawn_at.is_(None))
            .group_by(ActionTaken.pledge_id)
        ).all()
    )
    latest = latest_actions(ids)
    quiet_since = months_before(today, QUIET_AFTER_MONTHS)
    result = {}
    for pledge in pledges:
        last = latest.get(pledge.id)
        # Without any action, the pledge has been quiet since it was published.
        last_activity = last.date if last else (pledge.published_at.date() if pledge.published_at else today)
        result[pledge.id] = PledgeActivity(
            actions_count=counts.get(pledge.id, 0),
            latest=last,
            is_quiet=pledge.status == "in_progress" and last_activity < quiet_since,
        )
    return result
