"""Fixtures shared by the whole suite.

The suite runs on SQLite unless TEST_DATABASE_URL names a PostgreSQL server; then it
creates a database of its own for this run and drops it afterwards (`make test` runs both).
"""
import os
import uuid

import pytest
import sqlalchemy as sa

from config import database_url
from tracker import create_app
from tracker.extensions import db

from .factories import Factories

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = PG_URL.startswith("postgres")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if ON_POSTGRES else 'SQLite'}"


@pytest.fixture(scope="session")
def database_url_for_run(tmp_path_factory):
    """A database for this test run alone."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    server = sa.make_url(database_url(PG_URL))
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _schema(database_url_for_run):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url_for_run})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url_for_run


def _empty_all_tables():
    """Back to an empty schema. TRUNCATE on PostgreSQL (history's append-only trigger
    guards rows, not TRUNCATE); SQLite has no TRUNCATE, so its schema is rebuilt."""
    if db.engine.dialect.name == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.drop_all()
        db.create_all()


@pytest.fixture
def app(_schema):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _schema})
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories that build the world a test needs: `make.pledge(...)`, `make.user(...)`."""
    return Factories()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email, password="demo-password"):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


