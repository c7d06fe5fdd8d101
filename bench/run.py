#!/usr/bin/env python3
"""`make bench`: the tracker's throughput against two baselines, under one gunicorn set-up.

    .venv/bin/python bench/run.py [--scale 1] [--rounds 5] [--duration 5] [--warmup 2]
                                  [--connections 16] [--also-scale 10] [--sqlite] [--quick]
                                  [--uncached] [--regenerate] [--check] [--manifest FILE]

What it does, in order:

1. Data. For each (engine, scale) it needs, it runs bench/generate.py unless that data set's
   manifest (bench/out/manifest-<postgresql|sqlite>-<scale>.json) is there, names the same
   database and scale, was made from the same bench/generate.py and migrations (a digest kept
   beside it, <manifest>.sources; without one, the manifest must be newer than those files),
   and the database still holds the pledges it lists (--regenerate forces it). PostgreSQL: tracker_bench (scale 1),
   tracker_bench10 (scale 10); SQLite: bench/out/bench-1.db. The runs that write (the
   record-an-action POST) use a fresh copy of the generated database made for the run
   (PostgreSQL: CREATE DATABASE <name>_run TEMPLATE <name>; SQLite: a copy of the file), so
   every run starts from the same data and the generated data stays pristine.
2. Servers. Three gunicorn servers, every one with bench/gunicorn.conf.py (2 sync workers):
   bench/hello.py (a bare Flask hello-world), bench/fortunes.py (TechEmpower's "Fortunes":
   one ORM query + one Jinja template) and the tracker (wsgi:app, TRACKER_ENV=production, a
   random SECRET_KEY, REDIS_URL), each on a free local port. The tracker's keys in Redis
   (those under its key prefixes) are deleted before each tracker server starts; nothing
   else in Redis is touched.
3. Sessions. It logs in as the data set's staff member and co-chair the way a browser does
   (CSRF token from the login form, the session cookie sent back by hand: production
   cookies are Secure, which a cookie jar would not send over plain http), and reads the
   record-an-action form of every pledge the staff member may record actions on.
4. Measurement. wrk (-t2 -c16 --latency, bench/wrk/cycle.lua for every endpoint): a
   warm-up pass of every endpoint (discarded), then R rounds; in each round every endpoint
   runs once, hello-world first, then Fortunes, then the tracker's endpoints in an order
   rotated by one each round. An endpoint's ratio in a round is its requests per second
   over hello-world's in that round; the report gives the median and the min–max over the
   rounds, the median req/s and latency percentiles, and the responses whose status was
   not the expected one (200; 304 for the conditional GET; 302/303 for the POST) together
   with wrk's socket errors: these must be 0, or the run fails (exit 1) after the report.
   After each run it waits until the server has answered what wrk left in flight (drain),
   so that no endpoint's leftovers load the next one; the POST's effect is checked by
   counting the rows it added. Each run also measures the CPU time other processes on the
   machine took (a shared machine disturbs the numbers: the tables show it).
5. Scale (--also-scale 10). Two trackers side by side, on scale 1 (a fresh copy) and on
   scale 10, serve the pledge page, the list and the API list, interleaved in the same
   rounds: p95 at scale 10 over p95 at scale 1 (target <= 1.5). With --uncached, the same
   again with the tracker's render cache off (its switch read from config.py).
6. --sqlite: the scale-1 tracker endpoints on SQLite too, for comparison.
7. Report: Markdown on stdout, bench/out/latest.md, bench/out/latest.json (with the
   machine, versions, data counts and every round's raw numbers), and the block between
   the bench:results markers in bench/RESULTS.md.

--check: instead of the report, a check of the instrument itself: every endpoint is run
once with gunicorn's access log on, and wrk's counts are compared with the server's (and,
for the POST, with the rows added to the actions table).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html.parser
import http.client
import http.cookies
import importlib.metadata
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
LOGS = OUT / "logs"
GENERATE = BENCH / "generate.py"
GUNICORN_CONF = BENCH / "gunicorn.conf.py"
WRK_SCRIPT = BENCH / "wrk" / "cycle.lua"
RESULTS_MD = BENCH / "RESULTS.md"
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_DATABASES = {1: "tracker_bench", 10: "tracker_bench10"}
REDIS_URL = "redis://127.0.0.1:6379/0"
WRK_THREADS = 2

# The targets: ratio of req/s to hello-world's, in the same run (scale 1, PostgreSQL).
TARGETS = {
    "page": 0.6,
    "not_modified": 0.7,
    "list": 0.4,
    "api_list": 0.4,
    "dashboard": 0.25,
    "record_action": 0.2,
}
SCALE_P95_TARGET = 1.5  # p95 at scale 10 / p95 at scale 1, for the list and detail pages
DISTURBED = 0.10  # a run during which other processes took more of the machine's CPU than this
FEW_RESPONSES = 20  # fewer responses than this in a round: the row is marked as resting on few samples
# The data counts the Markdown shows (latest.json has them all).
SHOWN_COUNTS = (
    "pledges",
    "actions",
    "organisations",
    "users",
    "roundtables",
    "recommendations",
    "progress_updates",
    "history",
)

LABELS = {
    "hello": "hello-world (bench/hello.py)",
    "fortunes": "Fortunes (bench/fortunes.py)",
    "page": "public pledge page",
    "not_modified": "conditional GET → 304",
    "list": "public list, filter + search",
    "api_list": "API pledge list (same filters)",
    "dashboard": "co-chair follow-through dashboard",
    "record_action": "record an action (POST)",
}
ERRORS_NOTE = (
    "errors: responses with a status other than the expected one (200; 304 for the conditional "
    "GET; 302/303 for the record-an-action POST, whose success is a redirect), plus wrk's socket "
    'errors (connect/read/write/timeout). The issue\'s "non-2xx" count: it must be 0.'
)


class BenchError(Exception):
    """The run cannot go on: said in one message, then exit 2."""


def say(message: str = "") -> None:
    print(message, flush=True)


# --- HTTP, by hand -----------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookie(self, name: str = "session") -> str | None:
        for value in self.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(value)
            if name in jar:
                return jar[name].value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(
    port: int, method: str, path: str, headers: dict | None = None, body: str | None = None, timeout: float = 120
) -> Reply:
    """One request on its own connection, headers exactly as given (no User-Agent: wrk sends
    none either, and Flask-Login's session protection hashes it)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body.encode() if body is not None else None, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


class FormReader(html.parser.HTMLParser):
    """The forms of a page: each one's attributes and its fields, in order, as (name, value,
    kind) with kind one of input types, "textarea", "select", "button"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: list | None = None
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        if tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields.append([attrs["name"], attrs.get("value", "on" if kind in ("checkbox", "radio") else ""), kind])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], "", "textarea"]
            fields.append(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None, "select"]
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if self._select[1] is None or "selected" in attrs:
                self._select[1] = attrs.get("value", "")
        elif tag == "button" and attrs.get("name"):
            fields.append([attrs["name"], attrs.get("value", ""), "button"])

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea is not None and self._textarea[1].startswith(("\r\n", "\n")):
                # HTML drops a newline right after <textarea>: a browser would not send it.
                self._textarea[1] = self._textarea[1].split("\n", 1)[1]
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def read_forms(page: str) -> list[dict]:
    reader = FormReader()
    reader.feed(page)
    return reader.forms


def csrf_token(page: str) -> str:
    for form in read_forms(page):
        for name, value, _ in form["fields"]:
            if name == "csrf_token" and value:
                return value
    raise BenchError("no csrf_token field on the page")


# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


_RUNNING_SERVERS: list[Server] = []  # for CpuMeter


class Server:
    """One gunicorn, with bench/gunicorn.conf.py, on a free local port. Its output goes to
    bench/out/logs/<name>.log."""

    def __init__(
        self,
        name: str,
        app: str,
        ready_path: str,
        env: dict | None = None,
        access_log: Path | None = None,
    ):
        self.name, self.app, self.ready_path = name, app, ready_path
        self.env = env or {}
        self.access_log = access_log
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log_path = LOGS / f"{name}.log"

    def start(self) -> Server:
        self.port = free_port()
        env = {**os.environ, **self.env, "BENCH_BIND": f"127.0.0.1:{self.port}", "BENCH_NAME": f"bench-{self.name}"}
        env.pop("BENCH_ACCESS_LOG", None)
        if self.access_log:
            env["BENCH_ACCESS_LOG"] = str(self.access_log)
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")  # noqa: SIM115  (the server writes to it until stop() closes it)
        # Its own session, so a Ctrl+C in the terminal reaches this script (which stops the
        # server in its `finally`) rather than killing the server half-way through a round.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), self.app],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        _RUNNING_SERVERS.append(self)
        deadline = time.monotonic() + 90
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"server {self.name} exited ({self.process.returncode}): see {self.log_path}\n{self.log_tail()}"
                )
            try:
                reply = fetch(self.port, "GET", self.ready_path)
                if reply.status == 200:
                    return self
                last = f"status {reply.status}"
            except OSError as problem:
                last = str(problem)
            time.sleep(0.2)
        raise BenchError(
            f"server {self.name} did not answer GET {self.ready_path} in 90 s ({last}): see {self.log_path}"
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if self in _RUNNING_SERVERS:
            _RUNNING_SERVERS.remove(self)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the master stops its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this script started, by its id
            process.wait(timeout=10)


# --- data --------------------------------------------------------------------------------------


@dataclass
class DataSet:
    engine: str  # "pg" or "sqlite"
    scale: int
    url: str
    manifest_path: Path
    manifest: dict = field(default_factory=dict)
    run_url: str = ""  # the copy a run writes to

    @property
    def name(self) -> str:
        return f"{'PostgreSQL' if self.engine == 'pg' else 'SQLite'} scale {self.scale:g}"


def data_set(engine: str, scale: int, pg_server: str) -> DataSet:
    if engine == "pg":
        url = f"{pg_server}/{PG_DATABASES.get(scale, 'tracker_bench' + f'{scale:g}'.replace('.', '_'))}"
    else:
        url = f"sqlite:///{OUT / f'bench-{scale:g}.db'}"
    # bench/generate.py's own default manifest name, so a data set it made by hand is found.
    return DataSet(engine, scale, url, OUT / f"manifest-{'postgresql' if engine == 'pg' else 'sqlite'}-{scale:g}.json")


def _engine(url: str):
    import sqlalchemy as sa

    return sa.create_engine(url, poolclass=__import__("sqlalchemy.pool", fromlist=["NullPool"]).NullPool)


def scalar(url: str, sql: str):
    import sqlalchemy as sa

    engine = _engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def _sources() -> list[Path]:
    """What the generated data depends on: the generator and the schema's migrations."""
    return [
        source for source in [GENERATE, *sorted((ROOT / "migrations" / "versions").glob("*.py"))] if source.exists()
    ]


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for source in _sources():
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp_path(data: DataSet) -> Path:
    return data.manifest_path.with_suffix(".sources")


def _stale_reason(data: DataSet) -> str | None:
    """Why the data set must be generated again, or None if its manifest still holds."""
    if not data.manifest_path.exists():
        return "no manifest yet"
    try:
        manifest = json.loads(data.manifest_path.read_text())
    except ValueError:
        return "unreadable manifest"
    if manifest.get("scale") != data.scale:
        return f"manifest is for scale {manifest.get('scale')}"
    if manifest.get("database_url") != data.url:
        return f"manifest names another database ({manifest.get('database_url')})"
    stamp = _stamp_path(data)
    if stamp.exists() and stamp.stat().st_mtime >= data.manifest_path.stat().st_mtime:
        # Generated by this script: the sources it was generated from, exactly.
        if stamp.read_text().strip() != _sources_digest():
            return "bench/generate.py or the migrations changed since it was generated"
    else:  # generated by hand: judged by the files' times
        made = data.manifest_path.stat().st_mtime
        newer = [source.name for source in _sources() if source.stat().st_mtime > made]
        if newer:
            return f"changed since it was generated: {', '.join(newer[:3])}"
    try:
        pledges = scalar(data.url, "SELECT count(*) FROM pledges")
    except Exception as problem:
        return f"database not readable ({type(problem).__name__})"
    expected = (manifest.get("counts") or {}).get("pledges")
    if not pledges or (expected is not None and pledges != expected):
        return f"database holds {pledges} pledges, the manifest says {expected}"
    data.manifest = manifest
    return None


def ensure_data(data: DataSet, regenerate: bool) -> None:
    reason = "--regenerate" if regenerate else _stale_reason(data)
    if reason is None:
        say(f"data: {data.name} is ready ({data.manifest_path.relative_to(ROOT)})")
        return
    if not GENERATE.exists():
        raise BenchError(f"{GENERATE.relative_to(ROOT)} is missing: cannot generate {data.name}")
    say(f"data: generating {data.name} ({reason}) …")
    started = time.monotonic()
    command = [
        sys.executable,
        str(GENERATE),
        "--scale",
        f"{data.scale:g}",
        "--database-url",
        data.url,
        "--manifest",
        str(data.manifest_path),
    ]
    _stamp_path(data).unlink(missing_ok=True)
    digest = _sources_digest()
    if subprocess.run(command, cwd=ROOT).returncode != 0:
        raise BenchError(f"bench/generate.py failed for {data.name}")
    _stamp_path(data).write_text(digest + "\n")
    data.manifest = json.loads(data.manifest_path.read_text())
    say(f"data: {data.name} generated in {time.monotonic() - started:.0f} s")


def fresh_copy(data: DataSet) -> str:
    """A copy of the generated database for one run to write to; returns its URL."""
    import sqlalchemy as sa

    if data.engine == "sqlite":
        source = Path(sa.make_url(data.url).database)
        copy = source.with_name(source.stem + "-run" + source.suffix)
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, copy)
        data.run_url = f"sqlite:///{copy}"
        return data.run_url
    url = sa.make_url(data.url)
    copy_name = f"{url.database}_run"
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)'))
            # PostgreSQL copies a database only while nobody is connected to it: wait a
            # while for others (a server looking at the data, a check) to let go.
            deadline = time.monotonic() + 60
            while True:
                try:
                    connection.execute(sa.text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{url.database}"'))
                    break
                except sa.exc.OperationalError as problem:
                    if "being accessed by other users" not in str(problem) or time.monotonic() > deadline:
                        users = connection.execute(
                            sa.text(
                                "SELECT pid, application_name, client_addr, state FROM pg_stat_activity "
                                "WHERE datname = :name"
                            ),
                            {"name": url.database},
                        ).all()
                        raise BenchError(
                            f"cannot copy {url.database}: other sessions are connected to it "
                            f"(pid, application, address, state: {[tuple(map(str, row)) for row in users]}); "
                            "stop them and run again"
                        ) from None
                    time.sleep(2)
    finally:
        engine.dispose()
    data.run_url = url.set(database=copy_name).render_as_string(hide_password=False)
    return data.run_url


def setup_fortunes(url: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / "fortunes.py"), "setup"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BenchError(f"bench/fortunes.py setup failed:\n{result.stdout}{result.stderr}")


# --- Redis -------------------------------------------------------------------------------------


def tracker_key_prefixes() -> list[str]:
    """The prefixes of the tracker's keys in Redis: every `…KEY_PREFIX = "…"` in config.py
    and the tracker's modules (the log-in throttle's RATELIMIT_KEY_PREFIX, the render
    cache's KEY_PREFIX …), read from the source so that a new one is found too."""
    assignment = re.compile(r"""^\s*[A-Z_]*KEY_PREFIX\s*=\s*["']([^"']+)["']""", re.MULTILINE)
    prefixes = set()
    for source in [ROOT / "config.py", *sorted((ROOT / "tracker").rglob("*.py"))]:
        prefixes.update(assignment.findall(source.read_text()))
    return sorted(prefixes)


def flush_tracker_keys(redis_url: str) -> int:
    """Delete the tracker's keys, and only those (never FLUSHALL/FLUSHDB: the Redis may be
    shared). Flask-Limiter keys look like LIMITS:LIMITER/<prefix>/…; a cache's, <prefix>…"""
    import redis

    client = redis.Redis.from_url(redis_url)
    deleted = 0
    try:
        for prefix in tracker_key_prefixes():
            for pattern in (f"{prefix}*", f"LIMITS:LIMITER/{prefix}/*"):
                keys = list(client.scan_iter(match=pattern, count=1000))
                for start in range(0, len(keys), 500):
                    deleted += client.delete(*keys[start : start + 500])
    finally:
        client.close()
    return deleted


# --- the endpoints -----------------------------------------------------------------------------


@dataclass
class Endpoint:
    key: str
    label: str
    server: Server
    expected: frozenset
    requests: Callable[[], list[tuple]]  # called just before each run: [(method, path, body)]
    headers: Callable[[], dict] = dict
    after: Callable[[dict], None] | None = None  # called with the run's result (checks)


class Tracker:
    """What the endpoints of one tracker server need: its data set's manifest, the logged-in
    cookies, the record-an-action bodies."""

    # How many different pledge pages (and searches) the page, list and API endpoints cycle
    # through (--pages): 1 by default, the one page and one search the issue names. More means
    # more renders after each POST moves the data version (every kept render is then new).
    pages = 1

    def __init__(self, server: Server, data: DataSet):
        self.server, self.data, self.manifest = server, data, data.manifest
        self.staff_cookie = self.cochair_cookie = ""
        self.action_bodies: list[tuple[str, str]] = []
        self.actions_before = 0

    # Sessions -------------------------------------------------------------------------------
    def log_in(self, email: str) -> str:
        port = self.server.port
        page = fetch(port, "GET", "/auth/login")
        if page.status != 200:
            raise BenchError(f"GET /auth/login answered {page.status}")
        cookie = page.cookie()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            headers["Cookie"] = f"session={cookie}"
        body = urllib.parse.urlencode(
            {
                "csrf_token": csrf_token(page.text),
                "email": email,
                "password": self.manifest["password"],
                "submit": "Log in",
            }
        )
        answer = fetch(port, "POST", "/auth/login", headers, body)
        session = answer.cookie()
        if answer.status not in (302, 303) or not session or "/auth/login" in (answer.headers.get("Location") or ""):
            raise BenchError(f"log-in as {email} failed: status {answer.status}, {answer.text[:300]!r}")
        # Follow the redirect as a browser does: the landing page shows the one-off "Logged in
        # as …" message and the session cookie it sets no longer holds it. wrk replays one
        # cookie for the whole run; replaying the cookie with the message still pending would
        # make every request a first visit after logging in (never a kept page).
        landing = urllib.parse.urlsplit(answer.headers.get("Location") or "/").path or "/"
        shown = fetch(port, "GET", landing, {"Cookie": f"session={session}"})
        return f"session={shown.cookie() or session}"

    def prepare_sessions(self) -> None:
        port = self.server.port
        self.staff_cookie = self.log_in(self.manifest["staff_email"])
        self.cochair_cookie = self.log_in(self.manifest["cochair_email"])
        dashboard = fetch(port, "GET", "/roundtables/follow-through", {"Cookie": self.cochair_cookie})
        if dashboard.status != 200:
            raise BenchError(f"the co-chair's dashboard answered {dashboard.status} after logging in")
        # The record-an-action form of every pledge the staff member works on: the fields as
        # the page gives them (CSRF token, the organisation ticked, the empty figure/link
        # rows), with a date and a summary typed in.
        self.action_bodies = []
        for slug in self.manifest["action_pledge_slugs"]:
            path = f"/pledges/{urllib.parse.quote(slug)}/actions/new"
            form_page = fetch(port, "GET", path, {"Cookie": self.staff_cookie})
            if form_page.status != 200:
                raise BenchError(f"GET {path} as {self.manifest['staff_email']} answered {form_page.status}")
            forms = [f for f in read_forms(form_page.text) if any(name == "summary" for name, _, _ in f["fields"])]
            if not forms:
                raise BenchError(f"no record-an-action form on {path}")
            fields = []
            for name, value, kind in forms[0]["fields"]:
                if kind in ("submit", "button") and name != "submit":
                    continue  # "Add another figure/link" would re-show the form instead of saving
                if name == "date":
                    value = "2025-06-15"
                elif name == "summary":
                    value = "Benchmark action recorded by make bench (bench/run.py)."
                fields.append((name, value or ""))
            if not any(name == "organisations" for name, _ in fields):
                raise BenchError(f"the form on {path} has no organisation ticked")
            self.action_bodies.append((path, urllib.parse.urlencode(fields)))

    # Requests ----------------------------------------------------------------------------------
    def page_requests(self):
        return [
            ("GET", f"/pledges/{urllib.parse.quote(slug)}", None)
            for slug in self.manifest["pledge_slugs"][: self.pages]
        ]

    def list_requests(self):
        return [("GET", f"/pledges{query}", None) for query in self.manifest["list_queries"][: self.pages]]

    def api_requests(self):
        return [("GET", f"/api/v1/pledges{query}", None) for query in self.manifest["list_queries"][: self.pages]]

    def current_etag(self) -> dict:
        """The validator the pages answer with now (the data version moves with every POST,
        so this is read just before each run), checked to give a 304."""
        path = f"/pledges/{urllib.parse.quote(self.manifest['pledge_slugs'][0])}"
        page = fetch(self.server.port, "GET", path)
        etag = page.headers.get("ETag")
        if page.status != 200 or not etag:
            raise BenchError(f"GET {path} answered {page.status} with ETag {etag!r}: no validator to send")
        again = fetch(self.server.port, "GET", path, {"If-None-Match": etag})
        if again.status != 304:
            raise BenchError(f"GET {path} with If-None-Match: {etag} answered {again.status}, not 304")
        return {"If-None-Match": etag}

    def action_requests(self):
        return [("POST", path, body) for path, body in self.action_bodies]

    def action_headers(self):
        return {"Cookie": self.staff_cookie, "Content-Type": "application/x-www-form-urlencoded"}

    # The POST's effect, counted in the database ------------------------------------------
    def count_actions(self) -> int:
        return scalar(self.data.run_url or self.data.url, "SELECT count(*) FROM actions")

    def before_actions(self):
        self.actions_before = self.count_actions()
        return self.action_requests()

    def after_actions(self, result: dict) -> None:
        created = self.count_actions() - self.actions_before
        redirects = sum(count for status, count in result["statuses"].items() if int(status) in (302, 303))
        result["actions_created"] = created
        # wrk stops counting at the deadline; the server finishes what it had been sent (at
        # most one request per connection; drain() waited for it) — so created is
        # redirects … redirects + connections.
        result["actions_check"] = redirects <= created <= redirects + result["connections"]

    def endpoints(self, suffix: str = "", label_suffix: str = "", which=None) -> list[Endpoint]:
        ok = frozenset({200})
        every = [
            Endpoint("page", LABELS["page"], self.server, ok, self.page_requests),
            Endpoint("list", LABELS["list"], self.server, ok, self.list_requests),
            Endpoint(
                "not_modified",
                LABELS["not_modified"],
                self.server,
                frozenset({304}),
                self.page_requests,
                self.current_etag,
            ),
            Endpoint("api_list", LABELS["api_list"], self.server, ok, self.api_requests),
            Endpoint(
                "dashboard",
                LABELS["dashboard"],
                self.server,
                ok,
                lambda: [("GET", "/roundtables/follow-through", None)],
                lambda: {"Cookie": self.cochair_cookie},
            ),
            Endpoint(
                "record_action",
                LABELS["record_action"],
                self.server,
                frozenset({302, 303}),
                self.before_actions,
                self.action_headers,
                self.after_actions,
            ),
        ]
        chosen = [e for e in every if which is None or e.key in which]
        for endpoint in chosen:
            endpoint.key += suffix
            endpoint.label += label_suffix
        return chosen


# --- who used the CPU during a run ------------------------------------------------------------------
#
# This machine may be shared (tests, builds): other work during a run disturbs it, and a
# ratio too when the disturbance changes within a round. So every run also measures the CPU
# time that went to processes other than the benchmark's own (its servers, wrk, this
# script) and the database and Redis: the machine's busy time (/proc/stat) less theirs.

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_SERVICES = ("postgres", "redis-server")


def _processes() -> dict[int, tuple[str, int, int]]:
    """pid -> (command name, parent pid, CPU ticks used) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        found[int(entry.name)] = (name, int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class CpuMeter:
    """CPU shares over one run: the benchmark's own processes, the database and Redis, and
    everything else ("others": what disturbs the measurement)."""

    def __init__(self, servers: list[Server]):
        self.roots = {server.process.pid for server in servers if server.process}

    def _split(self) -> tuple[int, int]:
        processes = self._last = _processes()
        ours = services = 0
        for pid, (name, parent, ticks) in processes.items():
            if pid in self.roots or parent in self.roots:
                ours += ticks
            elif name.startswith(_SERVICES):
                services += ticks
        return ours, services

    def __enter__(self):
        try:
            self.start = (_machine_ticks(), self._split(), os.times())
        except (OSError, ValueError):
            self.start = None
        return self

    def __exit__(self, *exc):
        self.shares = None
        if self.start is None:
            return
        try:
            (busy_0, total_0), (ours_0, services_0), times_0 = self.start
            (busy_1, total_1), (ours_1, services_1), times_1 = _machine_ticks(), self._split(), os.times()
        except (OSError, ValueError):
            return
        total = max(1, total_1 - total_0)
        # This script and its children (wrk, reaped during the run), in seconds.
        mine = sum(times_1[:4]) - sum(times_0[:4])
        ours = (ours_1 - ours_0) + mine * _TICK
        services = services_1 - services_0
        others = max(0, (busy_1 - busy_0) - ours - services)
        self.shares = {
            "benchmark": round(ours / total, 3),
            "database_redis": round(services / total, 3),
            "others": round(others / total, 3),
        }


# --- wrk ---------------------------------------------------------------------------------------


def run_wrk(endpoint: Endpoint, duration: int, connections: int, on_ready: Callable[[], None] | None = None) -> dict:
    """One wrk run of the endpoint; `on_ready` is called once its requests are prepared (the
    ETag fetched, the actions counted), just before wrk starts."""
    requests = endpoint.requests()
    headers = endpoint.headers()
    lines = [f"H\t{name}\t{value}" for name, value in headers.items()]
    for method, path, body in requests:
        if any(ch in f"{path}{body or ''}" for ch in "\t\n\r"):
            raise BenchError(f"a tab or newline in a request of {endpoint.key}")
        lines.append("\t".join(["R", method, path] + ([body] if body else [])))
    # Kept after the run (bench/out/wrk/<endpoint>.txt), to see what was sent.
    requests_file = OUT / "wrk" / f"{endpoint.key.replace('@', '-scale')}.txt"
    requests_file.parent.mkdir(parents=True, exist_ok=True)
    requests_file.write_text("\n".join(lines) + "\n")
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        f"http://127.0.0.1:{endpoint.server.port}",
        "--",
        str(requests_file),
        str(WRK_THREADS),
    ]
    if on_ready:
        on_ready()
    with CpuMeter(_RUNNING_SERVERS) as meter:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
        drained = drain(endpoint.server)  # timed from wrk's exit, right after its deadline
    found = [line for line in finished.stdout.splitlines() if line.startswith("BENCH-JSON ")]
    if finished.returncode != 0 or not found:
        raise BenchError(
            f"wrk failed on {endpoint.key} (exit {finished.returncode}):\n{finished.stdout}\n{finished.stderr}"
        )
    result = json.loads(found[-1].removeprefix("BENCH-JSON "))
    result["connections"] = connections
    result["cpu"] = meter.shares
    if not result["requests"]:  # no response at all: wrk's percentiles are 0, not a measurement
        result["latency_ms"] = dict.fromkeys(result["latency_ms"])
    result["drain_s"] = drained
    result["bytes_per_response"] = round(result["bytes"] / result["requests"]) if result["requests"] else None
    unexpected = {status: count for status, count in result["statuses"].items() if int(status) not in endpoint.expected}
    result["unexpected"] = sum(unexpected.values())
    result["unexpected_statuses"] = unexpected
    result["socket_error_count"] = sum(result["socket_errors"].values())
    result["errors"] = result["unexpected"] + result["socket_error_count"]
    if endpoint.after:
        endpoint.after(result)
    return result


_OPEN_STATES = {"01", "03", "08"}  # ESTABLISHED, SYN_RECV, CLOSE_WAIT (see /proc/net/tcp)


def open_connections(port: int) -> int:
    """The server's connections on `port` that it has not finished with: accepted or still
    in the listen backlog (ESTABLISHED), or closed by the client and not yet answered
    (CLOSE_WAIT). A sync worker closes the connection once it has answered."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] in _OPEN_STATES:
                count += 1
    return count


def drain(server: Server, timeout: float = 900) -> float:
    """Wait until the server has answered everything wrk left behind. At its deadline wrk
    drops the requests it has sent (up to one per connection, some still in the listen
    backlog), but the server still answers them: without this, a slow endpoint's leftovers
    would eat into the next endpoint's measurement (and the POST's into its count)."""
    started = time.monotonic()
    while open_connections(server.port):  # /proc/net/tcp: a fraction of a millisecond
        if time.monotonic() - started > timeout:
            raise BenchError(f"server {server.name} still busy {timeout:.0f} s after wrk stopped")
        time.sleep(0.005)
    return round(time.monotonic() - started, 3)


# --- schedule ----------------------------------------------------------------------------------


@dataclass
class Phase:
    """Endpoints measured together: a warm-up, then rounds, every endpoint once a round."""

    name: str
    title: str
    fixed: list[Endpoint]  # run first in every round, in this order (hello, Fortunes)
    rotated: list  # Endpoints, or tuples of Endpoints kept together (rotated as one)
    results: dict = field(default_factory=dict)  # key -> [result per round]
    seconds: float = 0.0

    def order(self, round_index: int) -> list[Endpoint]:
        shift = round_index % len(self.rotated) if self.rotated else 0
        order = list(self.fixed)
        for item in self.rotated[shift:] + self.rotated[:shift]:
            if isinstance(item, tuple):
                # A pair compared with itself (scale 1 / scale 10): which goes first alternates.
                order.extend(item if round_index % 2 == 0 else tuple(reversed(item)))
            else:
                order.append(item)
        return order

    def endpoints(self) -> list[Endpoint]:
        return self.order(0)


def run_phase(phase: Phase, args, rounds: int | None = None) -> None:
    rounds = rounds or args.rounds
    started = time.monotonic()
    endpoints = phase.endpoints()
    say(f"\n== {phase.title}: warm-up, {args.warmup:g} s per endpoint ==")
    for endpoint in endpoints:
        result = run_wrk(endpoint, args.warmup, args.connections)
        say(f"warm-up: {endpoint.label}: {result['rps']:.0f} req/s{_drained(result)}{_problems(result)}")
        phase.results.setdefault("_warmup", {})[endpoint.key] = result
    for round_index in range(rounds):
        hello_rps = None
        for endpoint in phase.order(round_index):
            result = run_wrk(endpoint, args.duration, args.connections)
            phase.results.setdefault(endpoint.key, []).append(result)
            if endpoint.key == "hello":
                hello_rps = result["rps"]
            ratio = f" (×{result['rps'] / hello_rps:.2f} hello)" if hello_rps and endpoint.key != "hello" else ""
            say(
                f"round {round_index + 1}/{rounds}: {endpoint.label}: {result['rps']:.0f} req/s{ratio}, "
                f"p50 {_ms(result['latency_ms']['p50'])} ms, p99 {_ms(result['latency_ms']['p99'])} ms"
                f"{_drained(result)}{_problems(result)}"
            )
    phase.seconds = time.monotonic() - started


def _drained(result: dict) -> str:
    return f", {result['drain_s']:.0f} s to drain" if result["drain_s"] >= 2 else ""


def _problems(result: dict) -> str:
    notes = []
    others = (result.get("cpu") or {}).get("others", 0)
    if others > DISTURBED:
        notes.append(f"other processes took {others:.0%} of the CPU")
    if result["unexpected"]:
        notes.append(f"{result['unexpected']} unexpected statuses {result['unexpected_statuses']}")
    if result["socket_error_count"]:
        notes.append(f"socket errors {result['socket_errors']}")
    if "actions_created" in result:
        notes.append(
            f"{result['actions_created']} actions created" + ("" if result["actions_check"] else " (MISMATCH)")
        )
    return (" — " + "; ".join(notes)) if notes else ""


def _censored(run: dict) -> bool:
    """Whether the run's p95 may be low: wrk's percentiles count answered requests only, and
    up to one request per connection was still unanswered at its deadline. Those matter when
    they are slow (the last was answered drain_s after the deadline, so its latency was at
    least that: above the p95) and many enough to move the p95 (over 1% of the requests)."""
    if run["latency_ms"]["p95"] is None:
        return True
    unanswered_share = run["connections"] / (run["requests"] + run["connections"])
    return run["drain_s"] * 1000 > run["latency_ms"]["p95"] and unanswered_share > 0.01


def _median_of(runs: list[dict], percentile: str) -> float | None:
    """The median over the rounds of a latency percentile, of the rounds that had responses."""
    values = [run["latency_ms"][percentile] for run in runs if run["latency_ms"][percentile] is not None]
    return statistics.median(values) if values else None


def summarise(phase: Phase) -> dict:
    """Per endpoint: ratios to hello-world per round (median, min, max), median req/s and
    latency percentiles, totals."""
    hello = phase.results.get("hello", [])
    summary = {}
    for endpoint in phase.endpoints():
        runs = phase.results.get(endpoint.key, [])
        if not runs:
            continue
        ratios = [run["rps"] / base["rps"] for run, base in zip(runs, hello, strict=False)] if hello else []
        summary[endpoint.key] = {
            "label": endpoint.label,
            "rounds": len(runs),
            "ratio_median": statistics.median(ratios) if ratios else None,
            "ratio_min": min(ratios) if ratios else None,
            "ratio_max": max(ratios) if ratios else None,
            "ratios": ratios,
            "rps_median": statistics.median(run["rps"] for run in runs),
            "p50_ms": _median_of(runs, "p50"),
            "p95_ms": _median_of(runs, "p95"),
            "p99_ms": _median_of(runs, "p99"),
            "fewest_responses": min(run["requests"] for run in runs),
            "censored": any(_censored(run) for run in runs),
            "bytes_per_response": statistics.median(run["bytes_per_response"] or 0 for run in runs),
            "others_cpu_max": max((run["cpu"] or {}).get("others", 0) for run in runs),
            "others_cpu_median": statistics.median((run["cpu"] or {}).get("others", 0) for run in runs),
            "requests": sum(run["requests"] for run in runs),
            "statuses": dict(sum((Counter(run["statuses"]) for run in runs), Counter())),
            "unexpected": sum(run["unexpected"] for run in runs),
            "socket_errors": sum(run["socket_error_count"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "actions_created": sum(run.get("actions_created", 0) for run in runs)
            if "actions_created" in runs[0]
            else None,
            "actions_check": all(run.get("actions_check", True) for run in runs),
        }
    # Warm-up runs count for errors too: a failure there is a failure.
    warmup_errors = sum(run["errors"] for run in phase.results.get("_warmup", {}).values())
    return {
        "title": phase.title,
        "seconds": round(phase.seconds, 1),
        "endpoints": summary,
        "warmup_errors": warmup_errors,
    }


# --- report ------------------------------------------------------------------------------------


def _num(value, digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ms(value) -> str:
    return "—" if value is None else (f"{value:.1f}" if value < 100 else f"{value:.0f}")


def _others(row: dict) -> str:
    text = f"{row['others_cpu_median']:.0%}"
    return text if row["others_cpu_max"] <= DISTURBED else f"{text} (max {row['others_cpu_max']:.0%})"


def throughput_table(summary: dict) -> list[str]:
    lines = [
        f"#### {summary['title']}",
        "",
        (
            "| endpoint | ratio to hello (median) | min–max | req/s | p50 ms | p95 ms | p99 ms | requests | errors "
            "| bytes/response | others' CPU |"
        ),
        "| --- | ---: | :---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in summary["endpoints"].items():
        few = " †" if row["fewest_responses"] < FEW_RESPONSES else ""
        cut = " ‡" if row["censored"] else ""
        ratio = "1" if key == "hello" else _num(row["ratio_median"])
        spread = "—" if key == "hello" else f"{_num(row['ratio_min'])}–{_num(row['ratio_max'])}"
        errors = str(row["errors"]) if not row["errors"] else f"**{row['errors']}**"
        lines.append(
            f"| {row['label']}{few} | {ratio} | {spread} | {row['rps_median']:.0f} | {_ms(row['p50_ms'])} | "
            f"{_ms(row['p95_ms'])}{cut} | {_ms(row['p99_ms'])}{cut} | {row['requests']} | {errors} | {row['bytes_per_response']:.0f} | {_others(row)} |"
        )
    if any(row["censored"] for row in summary["endpoints"].values()):
        lines += [
            "",
            (
                "‡ may be low: wrk's percentiles count answered requests only, and in at least one round the requests "
                "still unanswered when wrk stopped (one per connection, over 1% of that round's) included one slower "
                "than the p95 (the server answered it after the deadline by more than the p95)."
            ),
        ]
    lines += [
        "",
        (
            "bytes/response: as wrk read them, headers included. Others' CPU: the share of the machine's CPU that "
            "went to processes other than the benchmark's own (its servers, wrk, PostgreSQL, Redis) during the runs, "
            f"median over the rounds, with the maximum when above {DISTURBED:.0%}: other work was then competing "
            "with the measurement, and its numbers are disturbed."
        ),
    ]
    if any(row["fewest_responses"] < FEW_RESPONSES for row in summary["endpoints"].values()):
        lines += [
            "",
            (
                f"† fewer than {FEW_RESPONSES} responses in at least one round: its ratio and percentiles rest on few "
                "samples (a longer --duration gives more)."
            ),
        ]
    return lines


def targets_table(summary: dict) -> list[str]:
    lines = [
        "#### Targets (ratio to hello-world, median over the rounds)",
        "",
        "| endpoint | target | measured | |",
        "| --- | ---: | ---: | --- |",
    ]
    for key, target in TARGETS.items():
        row = summary["endpoints"].get(key)
        if row is None:
            continue
        met = row["ratio_median"] is not None and row["ratio_median"] >= target
        lines.append(
            f"| {row['label']} | ≥ {target:g} | {_num(row['ratio_median'])} | {'met' if met else '**not met**'} |"
        )
    return lines


def scale_rows(summary: dict, variant: str, small, big) -> list[dict]:
    rows = []
    for key in ("page", "list", "api_list"):
        one, ten = summary["endpoints"].get(f"{key}@{small:g}"), summary["endpoints"].get(f"{key}@{big:g}")
        if not one or not ten:
            continue
        ratio = ten["p95_ms"] / one["p95_ms"] if one["p95_ms"] and ten["p95_ms"] is not None else None
        rows.append(
            {
                "endpoint": LABELS[key],
                "variant": variant,
                "p95_1": one["p95_ms"],
                "p95_10": ten["p95_ms"],
                "ratio": ratio,
                "target": SCALE_P95_TARGET if key in ("page", "list") else None,
                "rps_1": one["rps_median"],
                "rps_10": ten["rps_median"],
                "scales": [small, big],
                "censored": one["censored"] or ten["censored"],
            }
        )
    return rows


def scale_table(rows: list[dict]) -> list[str]:
    small, big = rows[0]["scales"] if rows else (1, 10)
    lines = [
        f"#### Scale {big:g} against scale {small:g} (p95 latency, median over the rounds)",
        "",
        (
            f"| endpoint | render cache | p95 scale {small:g} ms | p95 scale {big:g} ms | scale {big:g} / scale {small:g} | target | "
            f"| req/s {small:g} → {big:g} |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        if row["target"] is None:
            verdict, target = "(no target)", "—"
        else:
            met = row["ratio"] is not None and row["ratio"] <= row["target"]
            verdict, target = ("met" if met else "**not met**"), f"≤ {row['target']:g}"
        if row.get("censored"):
            verdict += " ‡"
        lines.append(
            f"| {row['endpoint']} | {row['variant']} | {_ms(row['p95_1'])} | {_ms(row['p95_10'])} | "
            f"{_num(row['ratio'])} | {target} | {verdict} | {row['rps_1']:.0f} → {row['rps_10']:.0f} |"
        )
    if any(row.get("censored") for row in rows):
        lines += ["", "‡ a p95 here may be low (see ‡ in the throughput tables): the verdict is uncertain."]
    return lines


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def cpu_busy(seconds: float = 2.0) -> float:
    """The share of the machine's CPU time spent busy over `seconds` (from /proc/stat): other
    work on the machine while it measures disturbs every number, ratios less so."""

    def sample():
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values[:8]), idle

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return 1 - (idle_1 - idle_0) / max(1, total_1 - total_0)


def machine_metadata(args, data_sets: list[DataSet]) -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
        wrk_version = re.sub(r"\s*Copyright.*", "", wrk_version).strip()
    except (OSError, IndexError):
        wrk_version = "?"
    try:
        pg_version = scalar(f"{args.pg_server}/postgres", "SHOW server_version")
    except Exception:
        pg_version = "?"
    try:
        import redis

        client = redis.Redis.from_url(args.redis_url)
        redis_version = client.info("server").get("redis_version", "?")
        client.close()
    except Exception:
        redis_version = "?"
    return {
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "flask": _version("flask"),
        "sqlalchemy": _version("sqlalchemy"),
        "gunicorn": _version("gunicorn"),
        "psycopg": _version("psycopg"),
        "postgresql": pg_version,
        "redis": redis_version,
        "wrk": wrk_version,
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_busy_before": round(cpu_busy(), 3),
        "rounds": args.rounds,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "connections": args.connections,
        "pages": getattr(args, "pages", None),
        "wrk_threads": WRK_THREADS,
        "gunicorn_config": "bench/gunicorn.conf.py: 2 sync workers, no access log, loglevel warning",
        "data": {data.name: {"counts": data.manifest.get("counts"), "database": _hide(data.url)} for data in data_sets},
    }


def _hide(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def render_markdown(meta: dict, report: dict) -> str:
    lines = [
        (
            f"Run of {meta['date']} on {meta['cpu']} ({meta['cores']} cores), Linux {meta['kernel']}; "
            f"Python {meta['python']}, Flask {meta['flask']}, SQLAlchemy {meta['sqlalchemy']}, gunicorn {meta['gunicorn']}, "
            f"PostgreSQL {meta['postgresql']}, Redis {meta['redis']}, {meta['wrk']}."
        ),
        "",
        (
            f"{meta['rounds']} rounds of {meta['duration_s']:g} s per endpoint after a {meta['warmup_s']:g} s warm-up; "
            f"wrk -t{meta['wrk_threads']} -c{meta['connections']}; {meta['gunicorn_config']}; the tracker with "
            "TRACKER_ENV=production and Redis. Ratio = the endpoint's req/s over hello-world's in the same round."
        ),
        "",
    ]
    if meta.get("pages"):
        lines[-1:-1] = [
            (
                f"The pledge page, 304, list and API endpoints each cycle through {meta['pages']} different "
                f"address{'es' if meta['pages'] != 1 else ''} (--pages)."
            ),
            "",
        ]
    busy = meta.get("cpu_busy_before") or 0
    if busy > 0.15:
        lines += [
            (
                f"**Warning: the machine was {busy:.0%} busy with other work just before the run (load average "
                f"{meta['load_average_start'][0]:g} at the start, {meta.get('load_average_end', ['?'])[0]} at the end): "
                "every number is disturbed, the absolute ones most.**"
            ),
            "",
        ]
    for name, info in meta["data"].items():
        counts = info.get("counts") or {}
        shown = ", ".join(f"{counts[key]:,} {key.replace('_', ' ')}" for key in SHOWN_COUNTS if key in counts)
        lines.append(f"- Data, {name}: {shown or '?'}")
    lines.append("")
    for summary in report["phases"]:
        lines += throughput_table(summary) + [""]
        if summary.get("targets"):
            lines += targets_table(summary) + [""]
        for note in summary.get("notes", []):
            lines.append(f"_{note}_")
            lines.append("")
    if report.get("scale_rows"):
        lines += scale_table(report["scale_rows"]) + [""]
        small, big = report["scale_rows"][0]["scales"]
        lines.append(
            f"_The scale comparison runs two trackers side by side (on a fresh copy of the scale-{small:g} data, "
            f"and on the scale-{big:g} data) in the same rounds, with no POSTs in between._"
        )
        lines.append("")
    for note in report.get("notes", []):
        lines.append(f"_{note}_")
        lines.append("")
    lines.append(f"_{ERRORS_NOTE}_")
    return "\n".join(lines).rstrip() + "\n"


def write_results(markdown: str, meta: dict, report: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latest.md").write_text(markdown)
    (OUT / "latest.json").write_text(json.dumps({"meta": meta, **report}, indent=2, default=str) + "\n")
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
    else:
        text = f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        missing = " and ".join(marker for marker in (BEGIN, END) if marker not in text) or f"{END} after {BEGIN}"
        raise BenchError(
            f"{RESULTS_MD.relative_to(ROOT)} lacks {missing}: the block between the two is where each run "
            "writes its tables. Nothing was written there; bench/out/latest.md and latest.json were."
        )
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    RESULTS_MD.write_text(f"{head}{BEGIN}\n{markdown}{END}{tail}")


# --- the render-cache switch (if the tracker has one) ---------------------------------------------


def render_cache_switch() -> tuple[str, str] | None:
    """(environment variable, value) that turns the tracker's render cache off, read from
    config.py; None if it has no such switch."""
    source = (ROOT / "config.py").read_text()
    if "RENDER_CACHE" not in source:
        return None
    found = re.search(r"""environ(?:\.get\(|\[)\s*["']([A-Z0-9_]*RENDER_CACHE[A-Z0-9_]*)["']""", source)
    if not found:
        return None
    return found.group(1), "0"


# --- main --------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1, help="the scale of the main data set (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per endpoint per round (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per endpoint (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument(
        "--also-scale",
        type=float,
        default=None,
        metavar="N",
        help="compare p95 at scale N with the main scale (0: don't)",
    )
    parser.add_argument("--sqlite", action="store_true", help="the tracker endpoints on SQLite too")
    parser.add_argument(
        "--pages", type=int, default=1, help="pledge pages and searches each read endpoint cycles through (default 1)"
    )
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 s, 1 s warm-up: for trying the runner out")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if its manifest holds")
    parser.add_argument("--check", action="store_true", help="check wrk's counts against the server's access log")
    parser.add_argument("--manifest", type=Path, help="use this manifest's database as is (no generation)")
    parser.add_argument(
        "--scale-manifest", type=Path, help="with --manifest: this manifest's database as the larger scale"
    )
    parser.add_argument(
        "--uncached",
        action="store_true",
        help="repeat the scale comparison with the tracker's render cache off (long while uncached pages are slow)",
    )
    parser.add_argument("--uncached-rounds", type=int, default=3, help="rounds of that comparison (default 3)")
    parser.add_argument(
        "--pg-server", default=PG_SERVER, help=f"PostgreSQL server URL, no database (default {PG_SERVER})"
    )
    parser.add_argument("--redis-url", default=REDIS_URL, help=f"default {REDIS_URL}")
    parser.add_argument("--fail-on-targets", action="store_true", help="exit 1 when a target is not met")
    args = parser.parse_args(argv)
    Tracker.pages = args.pages
    if args.quick:
        args.rounds, args.duration, args.warmup, args.uncached_rounds = 2, 2, 1, 2
    if args.rounds < 1 or args.duration < 1 or args.warmup < 1 or args.connections < WRK_THREADS:
        parser.error(
            "need --rounds >= 1, --duration and --warmup >= 1 (whole seconds: wrk takes no fractions) and --connections >= 2"
        )
    return args


class Run:
    """The servers of one run, stopped whatever happens."""

    def __init__(self, args):
        self.args = args
        self.servers: list[Server] = []
        self.secret_key = secrets.token_hex(32)

    def start(self, server: Server) -> Server:
        self.servers.append(server)
        server.start()
        say(f"server: {server.name} on 127.0.0.1:{server.port} ({server.app})")
        return server

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.servers:
            self.servers.remove(server)

    def stop_all(self) -> None:
        for server in reversed(self.servers):
            try:
                server.stop()
            except Exception as problem:
                say(f"could not stop {server.name}: {problem}")
        self.servers.clear()

    def tracker(self, name: str, url: str, extra_env: dict | None = None, access_log: Path | None = None) -> Server:
        flushed = flush_tracker_keys(self.args.redis_url)
        if flushed:
            say(f"redis: deleted {flushed} tracker keys")
        # The data version board (config.py DATA_VERSION_BOARD: a file every worker reads the
        # data version from) of this server alone, new for each start: the run's database copy
        # is made afresh under the same name, so a board left by an earlier run must not be met.
        board = OUT / "boards" / f"{name}.board"
        board.parent.mkdir(parents=True, exist_ok=True)
        board.unlink(missing_ok=True)
        env = {
            "TRACKER_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": url,
            "REDIS_URL": self.args.redis_url,
            "DATA_VERSION_BOARD": str(board),
            **(extra_env or {}),
        }
        return self.start(Server(name, "wsgi:app", "/pledges", env, access_log))


def take_lock():
    """One run at a time on this machine, from whichever checkout: two would share its two
    cores (and the databases, and Redis), and each would measure the other. The lock file is
    in the temporary directory, not the checkout, and the lock goes with the process,
    however it ends."""
    import fcntl
    import tempfile

    lock = open(Path(tempfile.gettempdir()) / "pledge-tracker-bench.lock", "a+")  # noqa: SIM115  (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "?"
        raise BenchError(f"another bench/run.py is running (pid {holder}): wait for it to finish") from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def main(argv=None) -> int:
    args = parse_args(argv)
    lock = take_lock()  # noqa: F841 - held until the process ends
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (make bench installs Debian's package: apt-get install wrk)")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        import redis

        redis.Redis.from_url(args.redis_url, socket_connect_timeout=3).ping()
    except Exception as problem:
        raise BenchError(
            f"Redis is not reachable at {args.redis_url} ({problem}): the tracker is measured with it"
        ) from None

    # 1. Data.
    def given(path: Path) -> DataSet:
        manifest = json.loads(path.read_text())
        engine = "sqlite" if manifest["database_url"].startswith("sqlite") else "pg"
        return DataSet(engine, manifest.get("scale", args.scale), manifest["database_url"], path, manifest)

    if args.manifest:
        main_data = given(args.manifest)
        args.also_scale = None
    else:
        main_data = data_set("pg", args.scale, args.pg_server)
        ensure_data(main_data, args.regenerate)
    data_sets = [main_data]
    big_data = sqlite_data = None
    if args.scale_manifest and not args.check:
        big_data = given(args.scale_manifest)
        data_sets.append(big_data)
    elif args.also_scale and not args.check:
        big_data = data_set("pg", args.also_scale, args.pg_server)
        ensure_data(big_data, args.regenerate)
        data_sets.append(big_data)
    if args.sqlite and not args.check:
        sqlite_data = data_set("sqlite", args.scale, args.pg_server)
        ensure_data(sqlite_data, args.regenerate)
        data_sets.append(sqlite_data)
    data_seconds = time.monotonic() - started

    fresh_copy(main_data)
    setup_fortunes(main_data.run_url)
    say(f"data: this run writes to a fresh copy, {_hide(main_data.run_url)}")
    meta = machine_metadata(args, data_sets)
    report: dict = {"phases": [], "notes": []}
    run = Run(args)
    access_logs = {}
    if args.check:
        for name in ("hello", "fortunes", "tracker"):
            access_logs[name] = LOGS / f"{name}.access.log"
            LOGS.mkdir(parents=True, exist_ok=True)
            access_logs[name].write_text("")

    def stop_on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGINT, stop_on_signal)  # also when started with SIGINT ignored (a background job)
    try:
        # 2. Servers.
        hello = run.start(Server("hello", "bench.hello:app", "/", access_log=access_logs.get("hello")))
        fortunes = run.start(
            Server(
                "fortunes",
                "bench.fortunes:app",
                "/fortunes",
                {"DATABASE_URL": main_data.run_url},
                access_logs.get("fortunes"),
            )
        )
        tracker_server = run.tracker("tracker", main_data.run_url, access_log=access_logs.get("tracker"))
        tracker = Tracker(tracker_server, main_data)
        tracker.prepare_sessions()
        say(
            f"sessions: logged in as {main_data.manifest['staff_email']} and {main_data.manifest['cochair_email']}; "
            f"{len(tracker.action_bodies)} record-an-action forms read"
        )
        ok = frozenset({200})
        hello_endpoint = Endpoint("hello", LABELS["hello"], hello, ok, lambda: [("GET", "/", None)])
        fortunes_endpoint = Endpoint("fortunes", LABELS["fortunes"], fortunes, ok, lambda: [("GET", "/fortunes", None)])

        if args.check:
            return check_instrument(args, [hello_endpoint, fortunes_endpoint, *tracker.endpoints()], access_logs)

        # 4. The main phase.
        main_phase = Phase(
            "main",
            f"Scale {main_data.scale:g}, PostgreSQL"
            if main_data.engine == "pg"
            else f"Scale {main_data.scale:g}, SQLite",
            [hello_endpoint, fortunes_endpoint],
            tracker.endpoints(),
        )
        run_phase(main_phase, args)
        main_summary = summarise(main_phase)
        main_summary["targets"] = True
        post = main_summary["endpoints"].get("record_action")
        if post:
            main_summary["notes"] = [
                f"The POST runs created {post['actions_created']} actions (counted in the database), "
                f"against {post['statuses'].get('302', 0) + post['statuses'].get('303', 0)} redirects counted by wrk"
                + ("" if post["actions_check"] else ": MISMATCH beyond the requests cut off at the end of a run")
                + ". Each round's order of the tracker endpoints is rotated, so every endpoint follows the POST "
                "(which moves the data version) once in a while."
            ]
        report["phases"].append(main_summary)
        say("\n" + "\n".join(throughput_table(main_summary) + [""] + targets_table(main_summary)))

        # 5. Scale 1 against scale N, side by side.
        if big_data:
            run.stop(tracker_server)
            variants = [("on", {})]
            switch = render_cache_switch()
            if switch and args.uncached:
                variants.append(("off", {switch[0]: switch[1]}))
            elif switch:
                report["notes"].append(
                    f"Scale comparison with the render cache off ({switch[0]}={switch[1]}): not run this time "
                    "(bench/run.py --uncached; make bench BENCH_ARGS=--uncached)."
                )
            else:
                report["notes"].append(
                    "The tracker has no render-cache switch in config.py: no uncached variant was run."
                )
            report["scale_rows"] = []
            for variant, extra_env in variants:
                fresh_copy(main_data)
                one = Tracker(run.tracker(f"tracker-scale{main_data.scale:g}", main_data.run_url, extra_env), main_data)
                ten = Tracker(run.tracker(f"tracker-scale{big_data.scale:g}", big_data.url, extra_env), big_data)
                which = ("page", "list", "api_list")
                pairs = list(
                    zip(
                        one.endpoints(f"@{main_data.scale:g}", f", scale {main_data.scale:g}", which),
                        ten.endpoints(f"@{big_data.scale:g}", f", scale {big_data.scale:g}", which),
                        strict=False,
                    )
                )
                title = f"Scale {main_data.scale:g} and scale {big_data.scale:g} side by side, PostgreSQL, render cache {variant}"
                if variant == "on" and not switch:
                    title = f"Scale {main_data.scale:g} and scale {big_data.scale:g} side by side, PostgreSQL"
                phase = Phase(f"scale-{variant}", title, [hello_endpoint], pairs)
                run_phase(phase, args, args.uncached_rounds if variant == "off" else args.rounds)
                summary = summarise(phase)
                report["phases"].append(summary)
                rows = scale_rows(summary, variant if switch else "—", main_data.scale, big_data.scale)
                report["scale_rows"] += rows
                say("\n" + "\n".join(throughput_table(summary) + [""] + scale_table(rows)))
                run.stop(one.server)
                run.stop(ten.server)

        # 6. SQLite.
        if sqlite_data:
            if tracker_server in run.servers:
                run.stop(tracker_server)
            fresh_copy(sqlite_data)
            lite = Tracker(run.tracker("tracker-sqlite", sqlite_data.run_url), sqlite_data)
            lite.prepare_sessions()
            phase = Phase(
                "sqlite", f"Scale {sqlite_data.scale:g}, SQLite (for comparison)", [hello_endpoint], lite.endpoints()
            )
            run_phase(phase, args)
            summary = summarise(phase)
            report["phases"].append(summary)
            say("\n" + "\n".join(throughput_table(summary)))
    finally:
        run.stop_all()
        try:
            flush_tracker_keys(args.redis_url)  # leave no page renders of a database about to go
        except Exception as problem:
            say(f"redis: could not delete the tracker's keys: {problem}")

    # 7. Report.
    meta["seconds"] = {"data": round(data_seconds), "total": round(time.monotonic() - started)}
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    markdown = render_markdown(meta, report)
    write_results(markdown, meta, report)
    say("\n" + "=" * 100 + "\n")
    say(markdown)
    say(
        f"Written: bench/out/latest.md, bench/out/latest.json, bench/RESULTS.md ({meta['seconds']['total']} s in all, "
        f"{meta['seconds']['data']} s of it on data)."
    )
    errors = sum(row["errors"] for phase in report["phases"] for row in phase["endpoints"].values())
    errors += sum(phase["warmup_errors"] for phase in report["phases"])
    mismatched = [
        phase["title"] for phase in report["phases"] for row in phase["endpoints"].values() if not row["actions_check"]
    ]
    status = 0
    if errors:
        say(
            f"\nFAILED: {errors} errors (unexpected statuses or socket errors): see the tables and bench/out/latest.json."
        )
        status = 1
    if mismatched:
        say(f"\nFAILED: the actions created do not match the POSTs answered ({', '.join(mismatched)}).")
        status = 1
    if args.fail_on_targets:
        main_summary = report["phases"][0]
        missed = [
            key
            for key, target in TARGETS.items()
            if ((main_summary["endpoints"].get(key) or {}).get("ratio_median") or 0) < target
        ]
        missed += [
            f"{row['endpoint']} at scale {row['scales'][1]:g}"
            for row in report.get("scale_rows", [])
            if row["target"] and (row["ratio"] is None or row["ratio"] > row["target"])
        ]
        if missed:
            say(f"\nFAILED: targets not met: {', '.join(missed)}")
            status = 1
    return status


# --- --check: the instrument against the server's own count -----------------------------------------


def check_instrument(args, endpoints: list[Endpoint], access_logs: dict) -> int:
    """Every endpoint once, with gunicorn's access log on: wrk's count of responses against
    the lines the server logged (gunicorn logs a request when it has answered it; wrk drops
    those still in flight at its deadline, at most one per connection), wrk's statuses
    against the logged ones, and the POST's redirects against the rows added."""
    say(f"\n== Check: wrk against the server's access log, {args.duration:g} s per endpoint ==")
    rows = []
    failed = False
    for endpoint in endpoints:
        log = access_logs[endpoint.server.name]
        before = []
        result = run_wrk(
            endpoint,
            args.duration,
            args.connections,
            lambda before=before, log=log: before.append(len(log.read_text().splitlines())),
        )
        time.sleep(0.2)  # drain() waited for the server to close every connection: the lines are written
        logged = log.read_text().splitlines()[before[0] :]
        server_statuses = Counter(line.rsplit(" ", 1)[-1] for line in logged)
        wrk_statuses = Counter(dict(result["statuses"]))
        extra = len(logged) - result["requests"]
        ok = 0 <= extra <= args.connections and all(
            0 <= server_statuses.get(status, 0) - count <= args.connections for status, count in wrk_statuses.items()
        )
        ok = ok and result["errors"] == 0 and result.get("actions_check", True)
        if "actions_created" in result:  # every redirect the server sent is one action saved
            ok = ok and result["actions_created"] == server_statuses.get("302", 0) + server_statuses.get("303", 0)
        failed |= not ok
        rows.append(
            f"| {endpoint.label} | {result['requests']} | {len(logged)} | {extra} | "
            f"{dict(wrk_statuses)} | {dict(server_statuses)} | {result.get('actions_created', '—')} | {'ok' if ok else '**MISMATCH**'} |"
        )
        say(f"check: {endpoint.label}: wrk {result['requests']}, server {len(logged)}{_problems(result)}")
    say(
        "\n| endpoint | wrk responses | server log lines | server − wrk | wrk statuses | server statuses | actions created | |"
    )
    say("| --- | ---: | ---: | ---: | --- | --- | ---: | --- |")
    for row in rows:
        say(row)
    say(
        f"\n(server − wrk may be 0 … {args.connections}: the requests in flight when wrk stops are answered "
        "and logged by the server but not counted by wrk.)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as problem:
        print(f"\nbench: {problem}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("\nbench: interrupted; the servers were stopped.", file=sys.stderr)
        sys.exit(130)
