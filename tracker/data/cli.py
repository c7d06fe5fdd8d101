"""Command-line commands: `flask --app wsgi demo load`, and the open data:
`flask --app wsgi data import FILE…`, `data export-pledges FILE`, `data export-actions FILE`;
and the whole database: `data backup FILE`, `data restore FILE` (see `backup`)."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app, url_for
from flask.cli import AppGroup

from ..accounts.models import User
from ..core import access
from ..core.extensions import db
from ..core.listing import ListState
from ..pledges import catalogue
from ..pledges.models import Pledge
from . import backup, open_data
from .demo import load_demo
from .open_data.workbooks import Unreadable, files_of

demo_cli = AppGroup("demo", help="Demo data built from the seed documents.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Load only when the database holds no pledges.")
def demo_load(if_empty: bool):
    """Load the demo data (idempotent; refused in the production config)."""
    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("Demo data is refused in the production config.")
    loaded = load_demo(only_if_empty=if_empty)
    db.session.commit()
    click.echo(loaded)


data_cli = AppGroup(
    "data", help="The open data: pledges.csv and actions.csv, exported and imported; backup and restore."
)


@data_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
@click.option(
    "--create-missing",
    is_flag=True,
    help="Create the organisations, forums, themes and countries the files name that are not in the "
    "tracker yet (needs --as).",
)
@click.option("--as", "as_email", metavar="EMAIL", help="The admin the import is recorded as, in history.")
def data_import(files: tuple[str, ...], dry_run: bool, create_missing: bool, as_email: str | None):
    """Import pledges and actions from FILES: CSV (UTF-8) files in the open-data format, or
    XLSX workbooks (each sheet one file); each file's kind is told by its header row, and
    pledges are imported first. Every row of every file is checked first: any error, and
    nothing at all is written. The web's Administration › Import does the same, with a preview."""
    actor = None
    if as_email:
        actor = db.session.scalar(sa.select(User).where(User.email == as_email.strip().lower()))
        if actor is None or not access.can(actor, "administer"):
            raise click.UsageError(f"--as {as_email}: no admin has this e-mail address.")
    elif create_missing:
        raise click.UsageError("--create-missing needs --as EMAIL: the admin who creates what is missing.")
    texts: list[tuple[str, str]] = []
    try:
        for path in files:
            with open(path, "rb") as file:
                texts += files_of([(path, file.read())])
    except Unreadable as problem:
        click.echo(str(problem), err=True)
        click.echo("Nothing imported: 1 error.", err=True)
        sys.exit(1)
    batch = open_data.read(texts, create_missing=create_missing)
    errors = [str(error) for error in batch.errors]
    if errors:
        for error in errors:
            click.echo(error, err=True)
        click.echo(f"Nothing imported: {len(errors)} error{'' if len(errors) == 1 else 's'}.", err=True)
        sys.exit(1)
    for derived in batch.derived:
        click.echo(f"{derived.file}: Row {derived.row}, column {derived.column}: {derived.value} ({derived.how}).")
    if dry_run:
        click.echo(f"Checked {batch.summary()}: no errors; nothing written (dry run).")
        return
    batch.write(actor)
    db.session.commit()
    click.echo(f"Imported {batch.summary()}.")


_BASE_URL = click.option(
    "--base-url",
    help="The tracker's public address, for the url column (e.g. https://pledges.example.org); "
    "by default the PUBLIC_BASE_URL setting, or SERVER_NAME.",
)


@data_cli.command("export-pledges")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@_BASE_URL
def data_export_pledges(file: str, base_url: str | None):
    """Write pledges.csv (every published pledge) to FILE ("-": standard output), byte for
    byte as the web download /pledges.csv."""
    with _public_address(base_url):
        _write(file, open_data.export_pledges(catalogue.PLEDGES.select(ListState()), _permalink))


@data_cli.command("export-actions")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def data_export_actions(file: str):
    """Write actions.csv (the current actions of every published pledge) to FILE ("-":
    standard output), byte for byte as the web download /actions.csv."""
    _write(file, open_data.export_actions(catalogue.PLEDGES.select(ListState())))


_MEETING_EXPORTS = {
    "meetings": open_data.export_meetings,
    "outcomes": open_data.export_outcomes,
    "recommendations": lambda: open_data.export_recommendations(public=False),
    "public-recommendations": lambda: open_data.export_recommendations(public=True),
    "progress-updates": open_data.export_updates,
}


@data_cli.command("export")
@click.argument("kind", type=click.Choice(sorted(_MEETING_EXPORTS)))
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
def data_export(kind: str, file: str):
    """Write every meeting, outcome, recommendation or progress update as an import file to
    FILE ("-": standard output): "recommendations" with its private contact columns, as an
    admin downloads it; "public-recommendations" as the web download /recommendations.csv."""
    _write(file, _MEETING_EXPORTS[kind]())


@data_cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
def data_backup(file: str):
    """Write every record of the database to FILE ("-": standard output) as JSON, for `data
    restore`: drafts, contacts, the history and the accounts too (password hashes; the
    tracker never stores a password). The same data always gives the same bytes."""
    try:
        # Lazy: the file is created only once everything has been read.
        with click.open_file(file, "wb", lazy=True) as out:
            tally = backup.write_backup(out)
    except backup.BackupError as error:
        raise click.ClickException(f"Nothing backed up: {error}") from None
    where = "standard output" if file == "-" else file
    click.echo(f"Backed up {tally.records} records from {tally.tables} tables to {where}.", err=True)


@data_cli.command("restore")
@click.argument("file", type=click.File("rb"))
def data_restore(file):
    """Load a backup made by `data backup` from FILE ("-": standard input) into this
    database, which must be empty and migrated to the backup's revision (`flask --app wsgi db
    upgrade`). All or nothing: any problem, and nothing at all is written."""
    try:
        tally = backup.restore(file.read())
    except backup.RestoreRefused as error:
        raise click.ClickException(f"Nothing restored: {error}") from None
    where = "standard input" if file.name == "<stdin>" else file.name
    click.echo(f"Restored {tally.records} records into {tally.tables} tables from {where}.")


def _permalink(pledge: Pledge) -> str:
    """The pledge's public page (in the public address's request context, or SERVER_NAME's)."""
    return url_for("pledges.show", slug=pledge.slug, _external=True)


def _public_address(base_url: str | None) -> Any:
    """Where the pledges' public pages are, so their links can be written."""
    base_url = base_url or current_app.config.get("PUBLIC_BASE_URL")
    if base_url:
        return current_app.test_request_context("/", base_url=base_url)
    if current_app.config.get("SERVER_NAME"):
        return contextlib.nullcontext()
    raise click.UsageError("Give the tracker's public address with --base-url (e.g. https://pledges.example.org).")


def _write(file: str, text: str) -> None:
    data = text.encode("utf-8")
    if file == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with open(file, "wb") as out:
        out.write(data)
    click.echo(f"Wrote {file}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
    app.cli.add_command(data_cli)
