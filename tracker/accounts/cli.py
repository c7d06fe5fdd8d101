"""Command-line commands of the accounts area: `flask --app wsgi accounts create-admin EMAIL
NAME`, the first admin of a new site (README, "Production on a Debian server"), who then
invites everyone else from the admin pages."""

from __future__ import annotations

import click
from flask import Flask, current_app, url_for
from flask.cli import AppGroup

from ..core.changes import InvalidField, OperationRefused
from ..core.extensions import db
from . import operations

accounts_cli = AppGroup("accounts", help="Accounts: the first admin of a new site.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.argument("name")
def create_admin(email: str, name: str) -> None:
    """Create the site's first admin and print the link at which they set their password."""
    try:
        user, token = operations.create_first_admin(email=email, name=name)
    except (InvalidField, OperationRefused) as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        link = url_for("auth.set_password", token=token, _external=True)
    days = current_app.config["SET_PASSWORD_LINK_MAX_AGE"] // 86400
    click.echo(f"Admin {user.email} created. They set their password at (good for {days} days):\n{link}")


def init_app(app: Flask) -> None:
    app.cli.add_command(accounts_cli)
