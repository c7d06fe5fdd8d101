"""The pledges' reminder, sent by `flask --app wsgi notifications remind` once a day: to its
signatories' staff, of a pledge in progress with no action for 6 months (the rule the staff
workspace shows, `timeline.QUIET_AFTER_MONTHS`) — once per quiet spell: the milestone names
the day it has been quiet since (its latest action, or its publication), so a new action
starts a new spell."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core.dates import format_date
from ..core.extensions import db
from ..notifications import reminders
from ..notifications.operations import notify
from . import mails
from .models import Pledge, PledgeSignatory
from .timeline import QUIET_AFTER_MONTHS, months_before
from .workflow import IN_PROGRESS

SUBJECT = "pledge"


def remind_quiet(today: dt.date) -> int:
    """Signatories' staff, of the pledges in progress with no action for 6 months."""
    quiet_since = months_before(today, QUIET_AFTER_MONTHS)
    published_before = dt.datetime.combine(quiet_since, dt.time())  # one published later is not quiet yet
    pledges = db.session.scalars(
        sa.select(Pledge)
        .where(Pledge.status == IN_PROGRESS, Pledge.published_at < published_before)
        .options(selectinload(Pledge.signatory_rows).joinedload(PledgeSignatory.organisation))
        .order_by(Pledge.id)
    ).all()
    sent = 0
    for pledge in pledges:
        since = pledge.last_action_on or (pledge.published_at.date() if pledge.published_at else today)
        if since >= quiet_since:
            continue
        people = reminders.first_time(mails.signatories_staff(pledge), SUBJECT, pledge.id, f"quiet:{since}", today)
        context = {"pledge_title": pledge.title, "slug": pledge.slug, "since": format_date(since)}
        context["since_on"] = since.isoformat()  # (written in each reader's language when sent)
        sent += len(notify(mails.QUIET_PLEDGE, people, context))
    return sent


def init_app(app: object = None) -> None:
    """File the pledges' reminder with `remind` (the app does, when it is built)."""
    reminders.register("pledges in progress with no action for 6 months", remind_quiet)
