"""Databases of the tests' own: the suite never touches a database it did not create."""

import contextlib
import os
import uuid

import sqlalchemy as sa

from config import database_url
from tracker.core import data_version
from tracker.core.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


@contextlib.contextmanager
def own_database(directory, prefix: str):
    """The URL of a new, empty database: a SQLite file in `directory`, or, when
    TEST_DATABASE_URL names a PostgreSQL server, `<prefix>_<random>` there, dropped after."""
    if not ON_POSTGRES:
        yield f"sqlite:///{directory / (prefix + '.db')}"
        return
    server = sa.make_url(database_url(PG_URL))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_all_tables():
    """Back to an empty schema. TRUNCATE on PostgreSQL (history's append-only trigger
    guards rows, not TRUNCATE); SQLite has no TRUNCATE, so its schema is rebuilt."""
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.drop_all()
        db.create_all()
    # Like a restore, a wholesale replacement: the app's version board starts again (a new
    # generation), or a long-lived app (the browser tests' server) would count on from its
    # old number and send renders of records that are gone.
    data_version.reset_board()
    db.session.remove()  # reset_board read the database: give its connection back to the pool
