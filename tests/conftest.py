"""Fixtures shared by the whole suite.

The suite runs on SQLite unless TEST_DATABASE_URL names a PostgreSQL server; then it
creates a database of its own for this run and drops it afterwards (`make test` runs both).
"""

import sqlite3

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from tracker import create_app
from tracker.core import data_version
from tracker.core.extensions import db
from tracker.core.web.security import limiter

from .databases import ON_POSTGRES, PG_URL, empty_all_tables, own_database
from .factories import Factories


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_without_fsync(dbapi_connection, _record):
    """The test databases are thrown away: SQLite need not wait for the disk (the schema
    is rebuilt after every test, which is otherwise most of a test's time)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + PG_URL if ON_POSTGRES else 'SQLite'}"


@pytest.fixture(scope="session")
def database_url_for_run(tmp_path_factory):
    """A database for this test run alone."""
    with own_database(tmp_path_factory.mktemp("db"), "tracker_test") as url:
        yield url


@pytest.fixture(scope="session")
def schema_url(database_url_for_run):
    """The run's database with every table created: its URL."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url_for_run})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url_for_run


class CommittingClient(FlaskClient):
    """Each request starts as it would on a server.

    Requests run in the test's app context, so they share its session and its `g`. The
    client therefore commits what the test has made (a view that rolls back a refused change
    would otherwise roll back the test's records with it), and forgets the user Flask-Login
    cached in `g` (so the session cookie alone says who is logged in)."""

    def open(self, *args, **kwargs):
        db.session.commit()
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(schema_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url})
    app.test_client_class = CommittingClient
    # Each test's throttle counts from zero, like a new server's (every test client is
    # 127.0.0.1, so counts would otherwise carry over from one test to the next).
    limiter.reset()
    with app.app_context():
        # Each process reads the data version from the database once, on first use, to
        # start its version board; done here, a test's first request is like any other.
        data_version.current()
        yield app
        db.session.remove()
        empty_all_tables()
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


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a free port, and the app pointed at it (tests/mail.py)."""
    from .mail import SMTPServer

    server = SMTPServer()
    server.start()
    server.configure(app)
    yield server
    server.stop()


@pytest.fixture
def deliver(app):
    """One pass of the outbox's worker, as `flask --app wsgi notifications deliver` makes it
    (`deliver(now=…)` to make it later)."""
    from tracker.notifications import delivery

    def run(now=None):
        return delivery.deliver_due(now=now)

    return run
