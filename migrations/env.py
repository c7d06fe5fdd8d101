"""Alembic environment for Flask-Migrate (`flask --app wsgi db ...`).

Flask-Migrate's generated env.py, customised in six places (each marked CUSTOM below):

1. Logging: alembic.ini's logging is applied without disabling loggers that already exist,
   and not at all under a TESTING app (tests/test_migrations.py runs migrations in pytest).
2. `compare_server_default=True`: `flask db check` and autogenerate also compare column
   server defaults, so a default changed in the models is not silently missed.
3. Boolean server defaults are rendered as `sa.true()` / `sa.false()`. Left alone, alembic
   renders them as the generating database spells them (`sa.text('0')` on SQLite), which
   PostgreSQL refuses for a boolean column.
4. When autogenerate creates the `history` table it also creates its append-only triggers
   (`tracker.core.history.create_history_triggers`) and drops them before the table on downgrade:
   triggers are not part of the metadata, so autogenerate would otherwise leave them out.
5. The engine is taken from Flask-SQLAlchemy 3 directly (no deprecated `get_engine()`).
6. The search's trigram indexes (migration 0005, PostgreSQL only) are not in the models;
   autogenerate and `flask db check` leave them alone instead of offering to drop them —
   nor the other indexes written per database (0027, 0028: `described_by_models`), whose
   expressions SQLAlchemy says it cannot reflect on SQLite (that warning is silenced).

With these, the initial migration can be regenerated from the models unedited: see the
"Migrations" part of README.md.
"""

import logging
import warnings
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate import renderers
from alembic.operations import ops
from flask import current_app

from tracker.core.extensions import described_by_models

warnings.filterwarnings(  # CUSTOM 6
    "ignore", message="Skipped unsupported reflection of expression-based index", category=sa.exc.SAWarning
)

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# CUSTOM 1: under a test run the host (pytest) owns logging: alembic's fileConfig would
# replace the root logger's handlers with one bound to a stream pytest closes later. Elsewhere,
# keep existing loggers (the default, True, silences every logger created before).
if not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    # CUSTOM 5: Flask-SQLAlchemy 3 only. The generated fallback tried db.get_engine() first,
    # which is deprecated there: a DeprecationWarning that fails the suite (filterwarnings=error).
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


# CUSTOM 3: portable boolean server defaults.
def render_item(type_, obj, autogen_context):
    if type_ == "server_default" and isinstance(obj, sa.schema.DefaultClause):
        if isinstance(obj.arg, sa.sql.elements.True_):
            return "sa.true()"
        if isinstance(obj.arg, sa.sql.elements.False_):
            return "sa.false()"
    return False  # alembic's default rendering


# CUSTOM 4: the history table's append-only triggers, as an operation autogenerate can emit.
class HistoryTriggersOp(ops.MigrateOperation):
    """Create (or, reversed, drop) the triggers that make `history` append-only."""

    def __init__(self, create=True):
        self.create = create

    def reverse(self):
        return HistoryTriggersOp(create=not self.create)


@renderers.dispatch_for(HistoryTriggersOp)
def _render_history_triggers(autogen_context, op):
    name = "create_history_triggers" if op.create else "drop_history_triggers"
    autogen_context.imports.add(f"from tracker.core.history import {name}")
    return f"{name}(op.get_bind())"


def _add_history_triggers(script):
    """Triggers right after `history` is created; dropped right before it is dropped."""
    upgrade, downgrade = script.upgrade_ops.ops, script.downgrade_ops.ops
    for i, op in enumerate(upgrade):
        if isinstance(op, ops.CreateTableOp) and op.table_name == "history":
            # after the batch ops creating its indexes, if any
            while (
                i + 1 < len(upgrade)
                and isinstance(upgrade[i + 1], ops.ModifyTableOps)
                and upgrade[i + 1].table_name == "history"
            ):
                i += 1
            upgrade.insert(i + 1, HistoryTriggersOp(create=True))
            break
    for i, op in enumerate(downgrade):
        if isinstance(op, ops.DropTableOp) and op.table_name == "history":
            # batch ops dropping its indexes may come just before: drop triggers first of all
            while (
                i > 0 and isinstance(downgrade[i - 1], ops.ModifyTableOps) and downgrade[i - 1].table_name == "history"
            ):
                i -= 1
            downgrade.insert(i, HistoryTriggersOp(create=False))
            break


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")
                return
            _add_history_triggers(script)

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("compare_server_default", True)  # CUSTOM 2
    conf_args.setdefault("render_item", render_item)  # CUSTOM 3
    conf_args.setdefault("include_object", described_by_models)  # CUSTOM 6

    connectable = get_engine()

    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
