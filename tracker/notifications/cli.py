"""The notifications' commands, for cron or systemd timers:

- `flask --app wsgi notifications deliver`: the outbox's worker, one pass, or `--loop` (a
  service that keeps running);
- `flask --app wsgi notifications remind`: the day's reminders (each at most once per record,
  person and milestone, however often it runs), then the daily digests;
- `flask --app wsgi notifications digest`: the daily digests alone (one per person per day).

"Today" is the app's clock (`TODAY` fixes it)."""

from __future__ import annotations

import signal
import time
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from ..core import clock
from ..core.extensions import db
from ..core.i18n import _l
from . import delivery, digest, reminders

notifications_cli = AppGroup(
    "notifications", help="E-mail: deliver what the outbox holds; send the day's reminders and digests."
)


class _Stop:
    """Set by SIGTERM/SIGINT: the loop finishes the message in hand, then stops."""

    requested = False

    def __call__(self, *_args: Any) -> None:
        self.requested = True


@notifications_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running: deliver, wait, deliver again.")
@click.option(
    "--interval", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds between passes."
)
@click.option("--batch", type=click.IntRange(min=1), default=delivery.BATCH, show_default=True)
def deliver(loop: bool, interval: float, batch: int) -> None:
    """Send every queued message that is due; retry later what the mail server does not take."""
    try:
        if not loop:
            _report(delivery.deliver_due(limit=batch), always=True)
            return
        _loop(interval, batch)
    except delivery.MailNotConfigured as problem:
        raise click.ClickException(str(problem)) from None
    finally:
        db.session.remove()


def _loop(interval: float, batch: int) -> None:
    stop = _Stop()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(
        str(_l("Delivering every %(interval)s s; stop with Ctrl+C or SIGTERM.", interval=format(interval, "g"))),
        err=True,
    )
    while not stop.requested:
        tally = delivery.deliver_due(limit=batch)
        _report(tally)
        db.session.remove()
        if tally.handled < batch:  # a full batch: more may be waiting, go on at once
            _sleep(interval, stop)


def _sleep(seconds: float, stop: _Stop) -> None:
    deadline = time.monotonic() + seconds
    while not stop.requested and time.monotonic() < deadline:
        time.sleep(min(0.2, seconds))


def _report(tally: Any, always: bool = False) -> None:
    if tally.handled or always:
        said = _l(
            "Sent %(sent)s; to retry later %(retrying)s; failed %(failed)s.",
            sent=tally.sent,
            retrying=tally.retrying,
            failed=tally.failed,
        )
        click.echo(str(said))


@notifications_cli.command("remind")
@click.option("--no-digest", is_flag=True, help="Leave the daily digests to `notifications digest`.")
def remind(no_digest: bool) -> None:
    """Send today's reminders (due soon, overdue, awaiting verification), then the digests."""
    today = clock.today()
    try:
        for name, produce in reminders.producers():
            count = produce(today)
            db.session.commit()  # each kind's reminders, once recorded, are never sent again
            click.echo(str(_l("Reminders of %(name)s: %(count)s.", name=name, count=count)))
        if not no_digest:
            _digests(today)
    finally:
        db.session.remove()


@notifications_cli.command("digest")
def send_digests() -> None:
    """Send today's daily digests (at most one per person per day)."""
    try:
        _digests(clock.today())
    finally:
        db.session.remove()


def _digests(today: Any) -> None:
    count = digest.send_digests(today)
    db.session.commit()
    click.echo(str(_l("Daily digests: %(count)s.", count=count)))


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
