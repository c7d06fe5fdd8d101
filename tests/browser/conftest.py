"""A real server and real Chromium for the browser tests.

The app runs in a thread of this process, on the test run's database, with CSRF
protection ON (unlike the view tests), and holds the demo data while a module's tests run.
"""

import threading

import pytest
from werkzeug.serving import make_server

from tests.factories import take_transition
from tracker import create_app
from tracker.core.extensions import db
from tracker.pledges import signatures
from tracker.pledges.operations import create_pledge, record_action

from ..databases import empty_all_tables

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, not a Playwright download (there is no internet to download from);
# no sandbox inside containers, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _whole_bodies(app):
    """Hand Werkzeug's development server each body whole, its file already closed.

    When Chromium drops a connection mid-response (it navigates on while a stylesheet is
    still being sent), that server gives up before it closes the response, so a static
    file's handle is left open and Python reports it (a ResourceWarning the suite treats as
    an error) in whichever test happens to be running: a flaky failure of the harness, not of
    the app (gunicorn closes responses). Reading the body first leaves nothing to close."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture(scope="session")
def live_app(schema_url):
    """The app behind the browser. It needs an instance of its own: the server thread
    pushes its own contexts, and CSRF must be on as in production."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url, "WTF_CSRF_ENABLED": True})
    server = make_server("127.0.0.1", 0, _whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-app", daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    try:
        yield app
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live_app):
    """pytest-playwright gives every page this base, so tests can `page.goto("/")`."""
    return live_app.config["LIVE_URL"]


@pytest.fixture(scope="module")
def demo_data(live_app):
    """The demo data, loaded once for a module's tests and emptied afterwards so the
    rest of the suite starts from an empty database again."""
    from tracker.data.demo import load_demo

    with live_app.app_context():
        load_demo()
        db.session.commit()
        db.session.remove()
    yield
    with live_app.app_context():
        db.session.remove()
        empty_all_tables()


@pytest.fixture
def signed_pledge(live_app, demo_data):
    """A factory: `signed_pledge("Title", state="in_progress", actions=["Trained…"])` writes a
    pledge led by the demo data's Australian Red Cross and co-signed by the Philippine Red
    Cross (whose staff accept the invitation), through the operations as their staff would, and returns its slug. A browser test
    then starts from the state it is about instead of clicking its way there."""
    import datetime as dt

    import sqlalchemy as sa

    from tracker.accounts.models import Organisation, User
    from tracker.data import demo

    def make(title: str, state: str = "draft", actions=()) -> str:
        with live_app.app_context():
            author = db.session.scalar(sa.select(User).where(User.email == demo.ARC_STAFF))
            co_signatory = db.session.scalar(sa.select(Organisation).where(Organisation.name == demo.PRC))
            pledge = create_pledge(
                author,
                title=title,
                lead=author.organisation,
                co_signatories=[co_signatory],
                text="Train volunteers in restoring family links along migration routes.",
            )
            prc_staff = db.session.scalar(sa.select(User).where(User.email == demo.PRC_STAFF))
            signatures.accept_invitation(pledge, prc_staff)  # the Philippine Red Cross signs too
            for summary in actions:
                record_action(
                    pledge, author, date=dt.date(2020, 5, 1), summary=summary, organisations=[author.organisation]
                )
            if state in ("in_progress", "done"):
                take_transition(pledge, "start", author)
            if state == "done":
                take_transition(pledge, "complete", author)
            db.session.commit()
            slug = pledge.slug
            db.session.remove()
        return slug

    return make
