"""Public pages are sent from a kept render until the data version moves, and a change is
on the very next request — whichever worker answers it (tracker/core/web/render_cache.py,
tracker/core/version_board.py)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.accounts.models import OrganisationKind
from tracker.core import data_version
from tracker.core.extensions import db
from tracker.core.version_board import VersionBoard
from tracker.pledges.operations import record_action, set_indicators

from .databases import empty_all_tables
from .factories import Factories

ROOT = Path(__file__).resolve().parent.parent


def _statements(client, url, **kwargs):
    """The response to GET `url` and the SQL statements it ran."""
    db.session.commit()
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url, **kwargs)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return response, statements


def test_a_public_page_seen_again_is_sent_without_asking_the_database(client, make):
    pledge = make.pledge_in_progress(title="Safe water for Suva")
    first, ran = _statements(client, f"/pledges/{pledge.slug}")
    assert first.status_code == 200 and ran  # rendered from the records

    again, ran_again = _statements(client, f"/pledges/{pledge.slug}")
    assert again.status_code == 200
    assert ran_again == []
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Security-Policy"]  # every response still gets the site's headers


def test_an_unchanged_page_is_answered_304_without_asking_the_database(client, make):
    pledge = make.pledge_in_progress()
    etag = client.get(f"/pledges/{pledge.slug}").headers["ETag"]
    response, ran = _statements(client, f"/pledges/{pledge.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert ran == []


def test_a_change_is_on_the_very_next_request(client, make):
    pledge = make.pledge_in_progress()
    url = f"/pledges/{pledge.slug}"
    assert b"Trained forty volunteers" not in client.get(url).get_data()
    client.get(url)  # now kept

    make.action(pledge, summary="Trained forty volunteers in first aid.")
    db.session.commit()

    assert b"Trained forty volunteers" in client.get(url).get_data()
    assert b"Trained forty volunteers" in client.get("/actions.atom").get_data()


def test_a_change_to_one_pledge_keeps_every_other_pledges_page(app, client, make, requests_reaching_flask):
    water, first_aid = make.pledge_in_progress(title="Clean water"), make.pledge_in_progress(title="First aid")
    water_page, first_aid_page = f"/pledges/{water.slug}", f"/pledges/{first_aid.slug}"
    kept = {
        url: client.get(url) for url in (water_page, first_aid_page, f"/api/v1/pledges/{first_aid.slug}", "/pledges")
    }

    make.action(water, summary="Trained forty volunteers in first aid.")
    db.session.commit()

    reached = len(requests_reaching_flask)
    for url in (first_aid_page, f"/api/v1/pledges/{first_aid.slug}"):  # not this pledge's change
        again, ran = _statements(app.test_client(), url)
        assert ran == [] and again.get_data() == kept[url].get_data()
        current = app.test_client().get(url, headers={"If-None-Match": kept[url].headers["ETag"]})
        assert current.status_code == 304  # the visitor's copy is still good
    assert len(requests_reaching_flask) == reached  # answered in front of Flask, from the kept render
    changed = client.get(water_page, headers={"If-None-Match": kept[water_page].headers["ETag"]})
    assert changed.status_code == 200 and b"Trained forty volunteers" in changed.get_data()
    listed = client.get("/pledges", headers={"If-None-Match": kept["/pledges"].headers["ETag"]})
    assert listed.status_code == 200  # a list shows every pledge: it moves with each


def test_a_change_beyond_one_pledge_moves_every_pledges_page(client, make):
    organisation = make.organisation(name="Tonga Red Cross Society")
    pledge = make.pledge_in_progress(title="Cyclone shelters", lead=organisation)
    url = f"/pledges/{pledge.slug}"
    etag = client.get(url).headers["ETag"]
    client.get(url)  # kept

    organisation.name = "Tonga Red Cross"  # on the page, but not the pledge's own record
    db.session.commit()

    page = client.get(url, headers={"If-None-Match": etag})
    assert page.status_code == 200 and b"Tonga Red Cross Society" not in page.get_data()


def test_a_change_to_a_pledges_own_rows_moves_its_pages_alone(client, make):
    """Rows of a pledge's own (an indicator, an action's evidence link), changed by
    themselves: its pages move, another pledge's stay kept."""
    pledge, other = make.pledge_in_progress(title="Blood donors"), make.pledge_in_progress(title="Shelters")
    staff = make.staff(organisation=pledge.lead_signatory)
    set_indicators(pledge, staff, [{"name": "Donors registered", "unit": "people", "target_value": "500"}])
    action = make.action(pledge, links=[{"url": "https://example.org/report", "title": "Annual report 2024"}])
    db.session.commit()
    pages = [f"/pledges/{pledge.slug}", f"/api/v1/pledges/{pledge.slug}"]
    for url in (*pages, f"/pledges/{other.slug}", *pages, f"/pledges/{other.slug}"):
        client.get(url)  # each kept

    pledge.indicators[0].name = "Blood donors registered"
    db.session.commit()
    assert all("Blood donors registered" in client.get(url).get_data(as_text=True) for url in pages)
    action.links[0].title = "Annual report 2025"
    db.session.commit()
    assert all("Annual report 2025" in client.get(url).get_data(as_text=True) for url in pages)

    _, ran = _statements(client, f"/pledges/{other.slug}")
    assert ran == []


def test_each_address_is_kept_apart(client, make):
    make.pledge_in_progress(title="Clean water")
    make.pledge_in_progress(title="First aid training")
    everything = client.get("/pledges").get_data(as_text=True)
    searched = client.get("/pledges?q=water").get_data(as_text=True)
    assert "First aid training" in everything
    assert "Clean water" in searched and "First aid training" not in searched
    assert client.get("/api/v1/pledges").get_json()["total"] == 2  # JSON stays JSON


def test_logged_in_pages_are_never_kept_nor_served_from_the_anonymous_copy(client, auth, make):
    staff = make.staff()
    pledge = make.pledge_in_progress(author=staff)
    url = f"/pledges/{pledge.slug}"
    client.get(url)
    client.get(url)  # kept for anonymous visitors
    auth.login(staff.email)

    mine, ran = _statements(client, url)
    assert ran  # rendered for them
    assert b"Record an action" in mine.get_data() and staff.name.encode() in mine.get_data()
    assert "private" in mine.headers["Cache-Control"]

    auth.logout()
    anonymous = client.get(url).get_data()
    assert b"Record an action" not in anonymous and staff.name.encode() not in anonymous


def test_a_page_with_a_one_off_message_is_not_kept(client, auth, make):
    staff = make.staff()
    auth.login(staff.email)
    logged_out = client.post("/auth/logout", follow_redirects=True)  # "You have logged out." on the home page
    assert logged_out.status_code == 200
    home_again = client.get(logged_out.request.path).get_data(as_text=True)
    message = "logged out"
    assert message in logged_out.get_data(as_text=True).lower()
    assert message not in home_again.lower()


def test_the_cache_can_be_switched_off(app, client, make):
    app.config["RENDER_CACHE"] = False
    app.extensions["render_cache"].enabled = False
    pledge = make.pledge_in_progress()
    client.get(f"/pledges/{pledge.slug}")
    _, ran = _statements(client, f"/pledges/{pledge.slug}")
    assert ran


# --- the board -----------------------------------------------------------------------


def test_the_board_only_moves_forward_and_is_read_by_every_process_that_opens_it(tmp_path):
    one, other = VersionBoard(tmp_path / "b"), VersionBoard(tmp_path / "b")  # two workers
    one.start_from(5, 1)
    started = other.read()
    assert started.number == 5 and started.generation

    one.publish(7, 2)
    other.publish(6, 3)  # a commit published after a later one
    assert other.read().number == one.read().number == 7
    assert one.read().generation == started.generation

    one.reset(3, 4)  # a restore: lower number, new generation
    assert other.read().number == 3 and other.read().generation != started.generation


def test_the_board_keeps_what_each_change_was_confined_to(tmp_path):
    board_checks(VersionBoard(tmp_path / "b"), VersionBoard(tmp_path / "b"))


def board_checks(one, other):
    """A change confined to scopes moves them and the number, not the site; an older
    change published late still moves its scope; a new generation starts every scope again.
    (The same for the file board and the Redis board.)"""
    one.start_from(5, 1)
    site = other.read("pledge:water")
    assert (site.number, site.site, site.scope) == (5, 5, 0)

    one.publish(7, 2, {"pledge:water"})
    other.publish(6, 3, {"pledge:first-aid"})  # committed before 7, published after it
    water, first_aid, shelters = (other.read(f"pledge:{slug}") for slug in ("water", "first-aid", "shelters"))
    assert water.number == 7 and water.site == 5 and (water.scope, water.scope_changed_at_us) == (7, 2)
    assert first_aid.scope == 6 and shelters.scope == 0 and shelters.site == 5

    one.publish(8, 4)  # beyond one pledge
    assert (other.read("pledge:shelters").site, other.read("pledge:water").scope) == (8, 7)

    one.reset(3, 5)  # a restore: lower numbers, every scope starts again
    one.publish(4, 6, {"pledge:water"})
    restored = other.read("pledge:water")
    assert (restored.number, restored.site, restored.scope) == (4, 3, 4)
    assert other.read("pledge:first-aid").scope == 0


def test_a_process_starting_keeps_a_board_that_agrees_with_the_database(tmp_path):
    board = VersionBoard(tmp_path / "b")
    board.start_from(9, 1)
    generation = board.read().generation

    VersionBoard(tmp_path / "b").start_from(9, 1)  # a second worker starts
    assert board.read().generation == generation  # renders kept so far stay good

    VersionBoard(tmp_path / "b").start_from(4, 1)  # the database was replaced meanwhile
    assert board.read().number == 4 and board.read().generation != generation


@contextlib.contextmanager
def _two_workers(database_url, board, **config):
    """Two apps on one database and one board file, like two gunicorn workers; their
    records are removed afterwards (as the `app` fixture's are)."""
    workers = [
        create_app({"SQLALCHEMY_DATABASE_URI": database_url, "DATA_VERSION_BOARD": str(board), **config})
        for _ in range(2)
    ]
    try:
        yield workers
    finally:
        for app in workers:
            with app.app_context():
                db.session.remove()
                empty_all_tables()
                db.engine.dispose()


def test_a_change_made_by_one_worker_is_on_the_next_request_to_another(schema_url, tmp_path):
    with _two_workers(schema_url, tmp_path / "shared.board") as (worker_a, worker_b):
        with worker_a.app_context():
            pledge = Factories().pledge_in_progress()
            db.session.commit()
            url = f"/pledges/{pledge.slug}"
        a, b = worker_a.test_client(), worker_b.test_client()
        for client in (a, b, a, b):
            assert b"Sandbags for Tonga" not in client.get(url).get_data()

        with worker_a.app_context():
            pledge = db.session.scalar(sa.select(type(pledge)).where(type(pledge).slug == pledge.slug))
            Factories().action(pledge, summary="Sandbags for Tonga before the cyclone season.")
            db.session.commit()

        assert b"Sandbags for Tonga" in b.get(url).get_data()
        assert b"Sandbags for Tonga" in a.get(url).get_data()


@pytest.fixture
def redis_url():
    import redis

    url = "redis://127.0.0.1:6379/14"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:  # the machine's Redis (README) is part of the test set-up
        pytest.fail(f"Redis is needed at {url}: {exc}")
    yield url
    for key in client.scan_iter("tracker:page:*"):
        client.delete(key)


def test_with_redis_a_page_rendered_by_one_worker_is_sent_by_the_others(schema_url, tmp_path, redis_url):
    with _two_workers(schema_url, tmp_path / "shared.board", REDIS_URL=redis_url) as (worker_a, worker_b):
        with worker_a.app_context():
            slug = Factories().pledge_in_progress(title="Shared render").slug
            db.session.commit()
            rendered = worker_a.test_client().get(f"/pledges/{slug}").get_data()
        with worker_b.app_context():
            data_version.current()  # the worker has started (its board read from the database)
            response, ran = _statements(worker_b.test_client(), f"/pledges/{slug}")
        assert ran == []
        assert response.get_data() == rendered


def test_redis_being_down_only_means_rendering(app, client, make):
    from tracker.core.web.render_cache import RenderCache

    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions["render_cache"] = RenderCache(app)
    pledge = make.pledge_in_progress(title="Still served")
    for _ in range(2):
        response = client.get(f"/pledges/{pledge.slug}")
        assert response.status_code == 200 and b"Still served" in response.get_data()


# --- real gunicorn workers -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_gunicorn_workers_show_a_change_on_the_next_request(tmp_path):
    database = f"sqlite:///{tmp_path / 'served.db'}"
    board = tmp_path / "served.board"
    env = {**os.environ, "DATABASE_URL": database, "DATA_VERSION_BOARD": str(board), "TRACKER_ENV": "development"}
    env.pop("REDIS_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "DATA_VERSION_BOARD": str(board)})
        with app.app_context():
            from tracker.accounts.models import User
            from tracker.pledges.models import Pledge

            author = db.session.scalar(sa.select(User).where(User.email == "staff.arc@example.org"))
            pledge = next(
                p
                for p in db.session.scalars(sa.select(Pledge))
                if p.status == "in_progress" and p.lead_signatory == author.organisation
            )
            url = f"{base}/pledges/{pledge.slug}"
            for _ in range(20):  # both workers render and keep it
                with urllib.request.urlopen(url) as answer:
                    assert b"Cyclone shelters rebuilt" not in answer.read()
            record_action(
                pledge,
                author,
                date=pledge.published_at.date(),
                summary="Cyclone shelters rebuilt in Vanuatu.",
                organisations=[author.organisation],
            )
            db.session.commit()
            db.engine.dispose()
        for _ in range(20):
            with urllib.request.urlopen(url) as answer:
                assert b"Cyclone shelters rebuilt" in answer.read()
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)


# --- the WSGI layer in front of Flask ---------------------------------------------------


@pytest.fixture
def requests_reaching_flask(app):
    seen = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1) and None)
    return seen


def test_a_visitor_without_a_login_cookie_is_answered_before_flask(app, make, requests_reaching_flask):
    pledge = make.pledge_in_progress(title="Kept in front")
    db.session.commit()
    url = f"/pledges/{pledge.slug}"
    first = app.test_client().get(url)
    assert len(requests_reaching_flask) == 1

    again = app.test_client().get(url)
    head = app.test_client().head(url)
    current = app.test_client().get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert len(requests_reaching_flask) == 1  # none of them built a Flask request
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert head.status_code == 200 and head.get_data() == b""
    assert current.status_code == 304 and current.get_data() == b""
    assert current.headers["ETag"] == first.headers["ETag"] and "Content-Type" not in current.headers


def test_a_visitor_with_a_login_cookie_always_reaches_flask(app, auth, client, make, requests_reaching_flask):
    staff = make.staff()
    pledge = make.pledge_in_progress(author=staff)
    app.test_client().get(f"/pledges/{pledge.slug}")  # kept
    auth.login(staff.email)
    seen = len(requests_reaching_flask)
    assert b"Record an action" in client.get(f"/pledges/{pledge.slug}").get_data()
    assert len(requests_reaching_flask) == seen + 1


def test_only_public_pages_are_kept(app, make, requests_reaching_flask):
    draft = make.pledge(title="Not yet published")
    db.session.commit()
    for url in ("/auth/login", "/no-such-page", f"/pledges/{draft.slug}"):
        for _ in range(2):
            app.test_client().get(url)
    assert len(requests_reaching_flask) == 6


# --- a co-chair's dashboard, kept for them ------------------------------------------------


def _co_chaired_roundtable(make, text):
    government = make.organisation(kind=OrganisationKind.GOVERNMENT)
    roundtable = make.roundtable(co_chairs=[government])
    make.recommendation(roundtable, text=text)
    return make.co_chair(organisation=government), roundtable


def test_a_co_chairs_dashboard_seen_again_is_their_kept_render(client, auth, make):
    co_chair, _ = _co_chaired_roundtable(make, "Share data on missing migrants.")
    auth.login(co_chair.email)
    welcomed = client.get("/roundtables/follow-through").get_data(as_text=True)  # "Logged in as …": not kept
    first, ran = _statements(client, "/roundtables/follow-through")
    again, ran_again = _statements(client, "/roundtables/follow-through")
    assert "Logged in as User" in welcomed and "Logged in as User" not in first.get_data(as_text=True)

    assert "Share data on missing migrants." in first.get_data(as_text=True)
    assert again.get_data() == first.get_data()
    assert len(ran_again) <= 2 < len(ran)  # who is logged in and their unread count (the bell), nothing else
    assert "private" in again.headers["Cache-Control"]


def test_a_change_is_on_the_co_chairs_next_dashboard(client, auth, make):
    co_chair, roundtable = _co_chaired_roundtable(make, "Share data on missing migrants.")
    auth.login(co_chair.email)
    client.get("/roundtables/follow-through")
    client.get("/roundtables/follow-through")

    make.recommendation(roundtable, text="Fund safe shelters in transit towns.")
    db.session.commit()

    assert "Fund safe shelters in transit towns." in client.get("/roundtables/follow-through").get_data(as_text=True)


def test_a_kept_dashboard_is_never_sent_to_anyone_else(app, make):
    mine, roundtable = _co_chaired_roundtable(make, "Share data on missing migrants.")
    theirs, _ = _co_chaired_roundtable(make, "Open a regional hotline.")
    outsider = make.staff()
    db.session.commit()
    clients = {}
    for person in (mine, theirs, outsider):
        clients[person.email] = app.test_client()
        clients[person.email].post("/auth/login", data={"email": person.email, "password": "demo-password"})

    assert "Share data" in clients[mine.email].get("/roundtables/follow-through").get_data(as_text=True)
    other = clients[theirs.email].get("/roundtables/follow-through").get_data(as_text=True)
    assert "Open a regional hotline." in other and "Share data" not in other
    assert clients[outsider.email].get(f"/roundtables/{roundtable.slug}/follow-through").status_code == 403
    assert "Share data" not in clients[outsider.email].get("/roundtables/follow-through").get_data(as_text=True)


def test_a_co_chair_moved_to_another_government_no_longer_sees_the_old_dashboard(client, auth, make):
    co_chair, _ = _co_chaired_roundtable(make, "Share data on missing migrants.")
    auth.login(co_chair.email)
    assert "Share data" in client.get("/roundtables/follow-through").get_data(as_text=True)

    co_chair.organisation = make.organisation(
        kind=OrganisationKind.GOVERNMENT
    )  # an account change: no new data version
    db.session.commit()

    assert "Share data" not in client.get("/roundtables/follow-through").get_data(as_text=True)
