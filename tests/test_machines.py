"""Two app servers behind one load balancer are one site: separate processes with separate
instance folders (as two machines have), on one database and one Redis. What they must agree
on lives there — the data version and kept renders (Redis), logins and e-mail (the database),
the log-in throttle's counters (Redis) — never in one machine's files. And the endpoints a
load balancer and an operator ask: /healthz, /readyz, /metrics (tracker/monitoring)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import redis
import requests

from bench.run import read_forms

from .databases import own_database

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "demo-password"
STAFF = "staff.arc@example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:  # the machine's Redis (README) is part of the test set-up
        pytest.fail(f"Redis is needed at {REDIS_URL}: {exc}")
    client.flushdb()
    yield client
    client.flushdb()


ACCESS_LOGS: dict[str, Path] = {}  # each server's access log (its standard output), by address


@contextlib.contextmanager
def _server(env: dict, instance: Path):
    """One machine: gunicorn as production runs it (deploy/gunicorn.conf.py) with two
    workers, its own instance folder, its workers' metrics summed through a folder of its own
    (as deploy/pledge-tracker-web.service gives it)."""
    port = _free_port()
    metrics = instance / "metrics"
    log = instance.parent / f"{instance.name}.log"
    ACCESS_LOGS[f"http://127.0.0.1:{port}"] = access_log = instance.parent / f"{instance.name}.access.log"
    with log.open("wb") as errors, access_log.open("wb") as accesses:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env={
                **env,
                "INSTANCE_PATH": str(instance),
                "PROMETHEUS_MULTIPROC_DIR": str(metrics),
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "2",
            },
            stdout=accesses,
            stderr=errors,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if requests.get(base + "/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            else:
                pytest.fail(f"the app server did not start: {log.read_text()}")
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=20)


@pytest.fixture(scope="module")
def two_machines(tmp_path_factory, shared_redis):
    """Two app servers (A, B) on one database, loaded with the demo data, and one Redis."""
    folder = tmp_path_factory.mktemp("machines")
    with own_database(folder, "two_machines") as database:
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "REDIS_URL": REDIS_URL,
            "SECRET_KEY": "one-secret-key-for-every-app-server-of-the-site",
            "TRACKER_ENV": "development",
            "INSTANCE_PATH": str(folder / "loader"),
        }
        env.pop("DATA_VERSION_BOARD", None)
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
        subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
        with _server(env, folder / "machine-a") as a, _server(env, folder / "machine-b") as b:
            yield a, b
        for machine in ("machine-a", "machine-b"):  # nothing of the site in a machine's own files
            assert sorted(path.name for path in (folder / machine).iterdir()) == ["metrics"]


def _form(page: str, having: str) -> list[tuple[str, str]]:
    forms = [form for form in read_forms(page) if any(name == having for name, _, _ in form["fields"])]
    assert forms, f"no form with a {having!r} field"
    # As a browser sends it with the main button pressed (not "Add another figure", say).
    return [
        (name, value or "")
        for name, value, kind in forms[0]["fields"]
        if kind not in ("submit", "button") or name == "submit"
    ]


def _log_in(browser: requests.Session, base: str, email: str = STAFF, password: str = PASSWORD) -> requests.Response:
    page = browser.get(f"{base}/auth/login")
    fields = dict(_form(page.text, "password"))
    fields.update(email=email, password=password)
    return browser.post(f"{base}/auth/login", data=fields, allow_redirects=False)


def _my_pledge(browser: requests.Session, base: str) -> str:
    """The address of a pledge in progress the staff member's organisation leads."""
    workspace = browser.get(f"{base}/pledges/mine")
    assert workspace.status_code == 200, workspace.status_code
    for form_page in _links(workspace.text, "/actions/new"):
        return form_page.removesuffix("/actions/new")
    pytest.fail("no pledge the staff member can record an action on")


def _links(page: str, ending: str) -> list[str]:
    import re

    return [urllib.parse.unquote(href) for href in re.findall(r'href="([^"]+)"', page) if href.endswith(ending)]


def test_a_change_through_one_machine_is_on_the_very_next_request_through_the_other(two_machines):
    a, b = two_machines
    staff = requests.Session()
    assert _log_in(staff, a).status_code in (302, 303)
    pledge = _my_pledge(staff, b)  # logged in through A, working through B
    public = requests.Session()
    for base in (a, b, a, b):  # both machines render the page and keep it
        page = public.get(base + pledge)
        assert page.status_code == 200 and "Water tanks for Ha'apai" not in page.text
    other = next(link for link in _links(public.get(a + "/pledges").text, "") if _is_pledge_page(link, pledge))
    other_etag = public.get(a + other).headers["ETag"]

    form_page = staff.get(f"{b}{pledge}/actions/new")
    fields = [
        (name, "2025-06-15" if name == "date" else "Water tanks for Ha'apai installed." if name == "summary" else value)
        for name, value in _form(form_page.text, "summary")
    ]
    recorded = staff.post(f"{b}{pledge}/actions/new", data=fields, allow_redirects=False)
    assert recorded.status_code in (302, 303), recorded.text[:500]

    assert "Water tanks for Ha&#39;apai installed." in public.get(a + pledge).text
    assert "Water tanks for Ha&#39;apai installed." in public.get(b + pledge).text
    etag = public.get(a + pledge).headers["ETag"]
    assert public.get(b + pledge, headers={"If-None-Match": etag}).status_code == 304  # one validator for the site
    for base in (a, b):  # another pledge's page did not change: the copy a visitor holds is still good
        assert public.get(base + other, headers={"If-None-Match": other_etag}).status_code == 304


def _is_pledge_page(link: str, besides: str) -> bool:
    """Is `link` the address of a pledge's page, other than `besides`?"""
    parts = link.split("?")[0].split("/")
    return len(parts) == 3 and parts[1] == "pledges" and parts[2] not in ("", "mine", "new") and link != besides


def test_logging_out_through_one_machine_ends_the_login_on_both(two_machines):
    a, b = two_machines
    browser = requests.Session()
    assert _log_in(browser, b).status_code in (302, 303)
    copied = browser.cookies.copy()  # the same cookie, kept by a stolen or second tab
    assert browser.get(f"{a}/pledges/mine", allow_redirects=False).status_code == 200

    logout_page = browser.get(f"{a}/pledges/mine")
    browser.post(f"{a}/auth/logout", data=dict(_form(logout_page.text, "csrf_token")), allow_redirects=False)

    stale = requests.Session()
    stale.cookies.update(copied)
    for base in (a, b):
        answer = stale.get(f"{base}/pledges/mine", allow_redirects=False)
        assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]


def test_the_log_in_throttle_counts_failures_on_every_machine(two_machines):
    a, b = two_machines
    stranger = requests.Session()
    for attempt in range(5):  # the limit per account and address: 5 in 15 minutes
        assert _log_in(stranger, (a, b)[attempt % 2], "cochair.id@example.org", "wrong guess").status_code == 422
    assert _log_in(stranger, a, "cochair.id@example.org", "wrong guess").status_code == 429
    assert _log_in(stranger, b, "cochair.id@example.org", PASSWORD).status_code == 429


def test_a_load_balancer_asks_whether_a_machine_lives_and_can_serve(two_machines):
    a, _b = two_machines
    live = requests.get(f"{a}/healthz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = requests.get(f"{a}/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}
    assert "no-store" in ready.headers["Cache-Control"]


def test_the_metrics_are_not_public_but_an_admin_reads_every_workers_counts(two_machines):
    a, _b = two_machines
    assert requests.get(f"{a}/metrics").status_code == 404
    assert requests.get(f"{a}/metrics", headers={"Authorization": "Bearer guess"}).status_code == 404
    staff = requests.Session()
    _log_in(staff, a)
    assert staff.get(f"{a}/metrics").status_code == 404

    admin = requests.Session()
    _log_in(admin, a, "admin@example.org")
    before = _sample(admin.get(f"{a}/metrics"), LIST_ANSWERED)
    for _ in range(12):  # answered by either worker
        assert admin.get(f"{a}/pledges").status_code == 200
    metrics = admin.get(f"{a}/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["Content-Type"].startswith("text/plain")
    assert _sample(metrics, LIST_ANSWERED) == before + 12  # both workers' counts, summed
    assert _sample(metrics, 'tracker_kept_renders_total{outcome="rendered"}') >= 2


LIST_ANSWERED = 'flask_http_request_duration_seconds_count{endpoint="pledges.index",method="GET",status="200"}'


def _sample(metrics: requests.Response, name: str) -> float:
    """The value of one sample (labels as written) in Prometheus's text format; 0 if absent."""
    assert metrics.status_code == 200, metrics.status_code
    for line in metrics.text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


# --- the data version board in Redis ----------------------------------------------------


def test_the_redis_board_only_moves_forward_and_every_process_reads_it(shared_redis):
    from tracker.core.version_board import RedisBoard

    one, other = RedisBoard(REDIS_URL, "tracker:data-version:test"), RedisBoard(REDIS_URL, "tracker:data-version:test")
    assert one.read() is None  # never written
    one.publish(5, 1_000)
    assert other.read().number == 5 and other.read().changed_at_us == 1_000
    other.publish(3, 900)  # a commit published late: the higher number stays
    assert one.read().number == 5
    generation = one.read().generation
    other.start_from(5, 1_000)  # a process starting on the same database keeps the renders
    assert one.read().generation == generation
    other.start_from(2, 800)  # the database was replaced meanwhile: every render is forgotten
    assert one.read().number == 2 and one.read().generation != generation


def test_the_redis_board_keeps_what_each_change_was_confined_to(shared_redis):
    from tracker.core.version_board import RedisBoard

    from .test_render_cache import board_checks

    board_checks(
        RedisBoard(REDIS_URL, "tracker:data-version:scoped"), RedisBoard(REDIS_URL, "tracker:data-version:scoped")
    )


def test_a_number_redis_did_not_take_is_published_before_the_next_reading(shared_redis, monkeypatch):
    from tracker.core.version_board import RedisBoard

    board = RedisBoard(REDIS_URL, "tracker:data-version:late")
    board.publish(7, 1)
    sent = board._publish

    def down(**_kwargs):
        raise redis.ConnectionError("Redis restarting")

    monkeypatch.setattr(board, "_publish", down)
    board.publish(8, 2, {"pledge:water"})  # the commit stands; Redis missed it
    board.publish(9, 3, {"pledge:shelters"})  # and this one
    monkeypatch.setattr(board, "_publish", sent)
    assert RedisBoard(REDIS_URL, "tracker:data-version:late").read().number == 7  # not yet
    assert board.read().number == 9
    late = RedisBoard(REDIS_URL, "tracker:data-version:late").read("pledge:first-aid")
    assert late.number == 9 and late.site == 9  # what they changed is not kept: the whole site moved


def test_with_redis_unreachable_every_request_asks_the_database_and_changes_still_show(schema_url):
    from tracker import create_app
    from tracker.core.extensions import db

    from .databases import empty_all_tables
    from .factories import Factories

    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url, "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        with app.app_context():
            pledge = Factories().pledge_in_progress(title="Still in step")
            db.session.commit()
            client = app.test_client()
            assert client.get(f"/pledges/{pledge.slug}").status_code == 200
            Factories().action(pledge, summary="Boats repaired in Haiphong.")
            db.session.commit()
            assert "Boats repaired in Haiphong." in client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
            assert client.get("/readyz").status_code == 503
            assert client.get("/readyz").json == {
                "status": "not ready",
                "checks": {"database": "ok", "redis": "ConnectionError"},
            }
    finally:
        with app.app_context():
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()


def test_a_machine_whose_database_does_not_answer_is_not_ready_but_lives():
    from tracker import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "checks": {"database": "OperationalError"}}


def test_the_access_log_never_holds_the_secret_of_a_one_time_link(two_machines):
    a, _b = two_machines
    secret = "WzEsIiJd.axTpjA.ylDHo7f7K2tKC3rgIpPDursiEyQ"
    paths = [f"/auth/set-password/{secret}", f"/auth/reset-password/{secret}", f"/following/confirm/{secret}"]
    for path in paths:
        assert requests.get(a + path, allow_redirects=False).status_code in (200, 302, 404)
    # (gunicorn writes a request's line after its answer has left: wait for the last one)
    deadline = time.monotonic() + 10
    while "/following/confirm/" not in (log := ACCESS_LOGS[a].read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "/auth/set-password/[token]" in log and "/following/confirm/[token]" in log
    assert secret not in log
