"""Command-line commands: `flask --app wsgi demo load`."""
import click
from flask import current_app
from flask.cli import AppGroup

from .extensions import db

demo_cli = AppGroup("demo", help="Demo data built from the seed documents.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Load only when the database holds no pledges.")
def demo_load(if_empty: bool):
    """Load the demo data (idempotent; refused in the production config)."""
    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("Demo data is refused in the production config.")
    from .demo import load_demo

    loaded = load_demo(only_if_empty=if_empty)
    db.session.commit()
    click.echo(loaded)


def init_app(app):
    app.cli.add_command(demo_cli)
