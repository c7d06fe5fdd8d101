"""`flask --app wsgi notifications deliver`: the outbox's worker, one pass (for cron or a
systemd timer) or `--loop` (a service that keeps running)."""

from __future__ import annotations

import signal
import time
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from ..core.extensions import db
from . import delivery

notifications_cli = AppGroup("notifications", help="E-mail: deliver what the outbox holds.")


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
    click.echo(f"Delivering every {interval:g} s; stop with Ctrl+C or SIGTERM.", err=True)
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
        click.echo(f"Sent {tally.sent}; to retry later {tally.retrying}; failed {tally.failed}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
