#!/usr/bin/env python3
"""`make bench`: the tracker's throughput against two baselines, under one gunicorn set-up.

    .venv/bin/python bench/run.py [--scale 1] [--rounds 5] [--duration 5] [--warmup 2]
                                  [--connections 16] [--also-scale 10] [--sqlite] [--quick]
                                  [--only cached,uncached,mixed] [--skip PHASES]
                                  [--uncached-rounds 3] [--writes-per-second 2] [--search-repeats 3]
                                  [--regenerate] [--check] [--manifest FILE] [--fail-on-targets]

By default it runs three phases, so that the report tells the truth about the kept renders as
well as with them: the cached phase (render cache on), the uncached phase (render cache off:
what a render itself costs) and the mixed phase (public reads while staff record actions).
`--only`/`--skip` leave phases out for a quick look; `--quick` makes every phase short.

What it does, in order:

1. Data. For each (engine, scale) it needs, it runs bench/generate.py unless that data set's
   manifest (bench/out/manifest-<postgresql|sqlite>-<scale>.json) is there, names the same
   database and scale, was made from the same bench/generate.py and migrations (a digest kept
   beside it, <manifest>.sources; without one, the manifest must be newer than those files),
   and the database still holds the pledges it lists (--regenerate forces it). PostgreSQL: tracker_bench (scale 1),
   tracker_bench10 (scale 10); SQLite: bench/out/bench-1.db. The runs that write (the
   record-an-action POST, the mixed phase) use a fresh copy of the generated database made
   for the phase (PostgreSQL: CREATE DATABASE <name>_run TEMPLATE <name>; SQLite: a copy of
   the file), so every phase starts from the same data and the generated data stays pristine.
2. Servers. Gunicorn servers, every one with bench/gunicorn.conf.py (2 sync workers):
   bench/hello.py (a bare Flask hello-world), bench/fortunes.py (TechEmpower's "Fortunes":
   one ORM query + one Jinja template) and the tracker (wsgi:app, TRACKER_ENV=production, a
   random SECRET_KEY, REDIS_URL, METRICS_TOKEN and a PROMETHEUS_MULTIPROC_DIR of its own, so
   that /metrics sums its workers), each on a free local port; a tracker server per phase.
   The tracker's keys in Redis (those under its key prefixes) are deleted before each tracker
   server starts; nothing else in Redis is touched.
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
   The public endpoints (PUBLIC): a pledge page, /pledges with no filter, /pledges with a
   filter and a search, the home page, the API list with the same filters, and the API
   search (?q= alone).
5. The cached phase (render cache on), at the main scale: every public endpoint, the
   conditional GET (304), the co-chair's dashboard and the record-an-action POST. Then, with
   --also-scale N (make bench: 10), two trackers side by side, on scale 1 (a fresh copy) and
   on scale N, every public endpoint of each interleaved in the same rounds: p95 at scale N
   over p95 at scale 1 (target <= 1.5 for the list).
6. The uncached phase (render cache off, its switch read from config.py, --uncached-rounds
   rounds): every public endpoint at the main scale and, with --also-scale, side by side at
   scale N (req/s at N over req/s at 1 too). Then one search at a time: /pledges?q=<word> for
   the first five search words of the data set's list queries, --search-repeats times each,
   one request at a time on the largest scale's tracker: median and p95 in ms.
7. The mixed phase (render cache on, a fresh copy of the main data): a writer thread records
   an action as the staff member at a steady --writes-per-second (2) for the whole phase,
   while wrk measures each public endpoint one after another (hello-world first in each
   round). The kept renders' hit ratio of each endpoint — tracker_kept_renders_total
   {outcome="sent"|"not_modified"|"rendered"} at /metrics, read with METRICS_TOKEN just
   before and just after each of its runs (the metric has no endpoint label) — is
   (sent + not_modified) / all; the report gives req/s, p50/p95/p99, the hit ratio, the
   renders, and the writes done against those planned (each one checked: a redirect, and a
   row added).
8. --sqlite: the scale-1 tracker endpoints on SQLite too, for comparison.
9. Report: Markdown on stdout, bench/out/latest.md and bench/out/latest.json (with the
   machine, versions, data counts and every round's raw numbers), ending with the targets
   table: every target of the issue, met / not met (or not measured, and why). A full run —
   every phase, not --quick — also writes the block between the bench:results markers in
   bench/RESULTS.md; a --quick run or one with --only/--skip leaves the recorded results be.
   --fail-on-targets: exit 1 when a target is not met.

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
import threading
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

# The public endpoints: each one in every phase, and in the scale comparison.
PUBLIC = ("page", "pledges", "list", "home", "api_list", "api_search")
PHASES = ("cached", "uncached", "mixed")

# The issue's targets (issue 22). Ratios: req/s over hello-world's in the same round, median
# over the rounds, PostgreSQL, c=16. Each is reported met / not met (or not measured) in the
# targets table at the end of the report (`evaluate_targets`).
CACHED_TARGETS = {"dashboard": 0.25, "record_action": 0.1}  # render cache on, scale 1
EARLIER_CACHED_TARGETS = {"page": 0.6, "not_modified": 0.7, "list": 0.4, "api_list": 0.4}  # parts 1-4
SCALE_P95_TARGET = 1.5  # render cache on: p95 at scale 10 / p95 at scale 1 (the list; the detail page earlier)
# Render cache off: (endpoint, "small" or "big" scale, ratio to hello-world at least).
UNCACHED_TARGETS = [
    ("page", "small", 0.15),
    ("page", "big", 0.15),
    ("list", "small", 0.05),
    ("pledges", "small", 0.1),
    ("home", "small", 0.1),
    ("api_search", "small", 0.05),
]
UNCACHED_RATE_TARGET = ("list", 0.5)  # render cache off: req/s at scale 10 >= half of scale 1's
ONE_SEARCH_TARGET_MS = 100  # render cache off, scale 10: one search at a time, p95 under this
MIXED_WRITES_PER_SECOND = 2.0  # the mixed phase's staff writes (record an action)
MIXED_HIT_RATIO_TARGET = 0.90  # the pledge page's kept renders during the mixed phase
MIXED_P95_TARGET_MS = 50  # every public endpoint's p95 during the mixed phase
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
    "pledges": "public list /pledges (no filter)",
    "list": "public list, filter + search",
    "home": "home page /",
    "not_modified": "conditional GET → 304",
    "api_list": "API pledge list (same filters)",
    "api_search": "API search (?q= only)",
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

    def search_words(self) -> list[str]:
        """The search words of the data set's list queries (each finds at least one published
        pledge, bench/generate.py), in order, each once."""
        words = []
        for query in self.manifest["list_queries"]:
            for word in urllib.parse.parse_qs(query.lstrip("?")).get("q", []):
                if word not in words:
                    words.append(word)
        if not words:
            raise BenchError(f"no search word in the list queries of {self.data.manifest_path}")
        return words

    def api_search_requests(self):
        return [
            ("GET", "/api/v1/pledges?" + urllib.parse.urlencode({"q": word}), None)
            for word in self.search_words()[: self.pages]
        ]

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
            Endpoint("pledges", LABELS["pledges"], self.server, ok, lambda: [("GET", "/pledges", None)]),
            Endpoint("list", LABELS["list"], self.server, ok, self.list_requests),
            Endpoint("home", LABELS["home"], self.server, ok, lambda: [("GET", "/", None)]),
            Endpoint(
                "not_modified",
                LABELS["not_modified"],
                self.server,
                frozenset({304}),
                self.page_requests,
                self.current_etag,
            ),
            Endpoint("api_list", LABELS["api_list"], self.server, ok, self.api_requests),
            Endpoint("api_search", LABELS["api_search"], self.server, ok, self.api_search_requests),
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


# --- kept renders, writes, one search at a time ---------------------------------------------------

_KEPT_LINE = re.compile(
    r'^tracker_kept_renders_total\{[^}]*outcome="([a-z_]+)"[^}]*\}\s+([0-9.eE+-]+)\s*$', re.MULTILINE
)
KEPT_OUTCOMES = ("sent", "not_modified", "rendered")


def scrape_kept_renders(server: Server) -> dict[str, float]:
    """The tracker's count of cacheable pages by how they were answered, summed over its
    workers (tracker_kept_renders_total{outcome=…} at /metrics, tracker/monitoring): "sent"
    (a kept render), "not_modified" (304) and "rendered" (nothing kept would do)."""
    token = server.env.get("METRICS_TOKEN")
    reply = fetch(server.port, "GET", "/metrics", {"Authorization": f"Bearer {token}"}, timeout=30)
    if reply.status != 200:
        raise BenchError(f"GET /metrics on {server.name} answered {reply.status} (METRICS_TOKEN sent)")
    counts = dict.fromkeys(KEPT_OUTCOMES, 0.0)
    for outcome, value in _KEPT_LINE.findall(reply.text):
        counts[outcome] = counts.get(outcome, 0.0) + float(value)
    return counts


def hit_ratio(kept: dict | None) -> float | None:
    """(sent + not_modified) / all, or None when no cacheable page was asked for."""
    if not kept:
        return None
    total = sum(kept.get(outcome, 0) for outcome in KEPT_OUTCOMES)
    return (kept.get("sent", 0) + kept.get("not_modified", 0)) / total if total else None


def scraped_around(endpoint: Endpoint) -> Endpoint:
    """The endpoint with its run between two scrapes of the kept renders: result["kept"] is
    the difference. The metric has no endpoint label, so each endpoint runs on its own
    between the scrapes (the writer's POSTs are never kept pages). Also notes the run's
    time window, for the writes made during it."""
    requests, after = endpoint.requests, endpoint.after
    before: dict = {}

    def scraped_requests():
        before["kept"] = scrape_kept_renders(endpoint.server)
        before["at"] = time.monotonic()
        return requests()

    def scraped_after(result: dict) -> None:
        result["window"] = (before["at"], time.monotonic())
        kept = scrape_kept_renders(endpoint.server)
        result["kept"] = {outcome: kept[outcome] - before["kept"].get(outcome, 0) for outcome in kept}
        if after:
            after(result)

    endpoint.requests, endpoint.after = scraped_requests, scraped_after
    return endpoint


class Writer(threading.Thread):
    """A staff member recording actions at a steady rate: one POST of a record-an-action
    form every 1/rate s, on the schedule (a late one goes at once, the next keeps to the
    schedule; one at a time, so when a POST takes longer than the interval fewer are done
    than planned)."""

    LATE = 0.25  # s after its planned time: a write counted as late

    def __init__(self, tracker: Tracker, rate: float):
        super().__init__(name="bench-writer", daemon=True)
        self.tracker, self.rate = tracker, rate
        self.writes: list[dict] = []  # {start, end, status, late}
        self.started_at = self.stopped_at = 0.0
        self._stop_event = threading.Event()

    def run(self) -> None:
        bodies = self.tracker.action_bodies
        headers = self.tracker.action_headers()
        port = self.tracker.server.port
        self.started_at = time.monotonic()
        number = 0
        while not self._stop_event.is_set():
            due = self.started_at + number / self.rate
            if self._stop_event.wait(max(0.0, due - time.monotonic())):
                break
            path, body = bodies[number % len(bodies)]
            start = time.monotonic()
            try:
                status = fetch(port, "POST", path, headers, body, timeout=60).status
            except (OSError, http.client.HTTPException) as problem:
                status = type(problem).__name__
            self.writes.append({"start": start, "end": time.monotonic(), "status": status, "late": start - due})
            number += 1
        self.stopped_at = time.monotonic()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=120)
        if not self.stopped_at:
            self.stopped_at = time.monotonic()

    def planned(self, start: float | None = None, end: float | None = None) -> int:
        """The writes the schedule asked for between start and end; the whole phase by default
        (the first at its start, then one every 1/rate s)."""
        if start is None and end is None:
            return int((self.stopped_at - self.started_at) * self.rate) + 1
        start = self.started_at if start is None else max(start, self.started_at)
        end = self.stopped_at if end is None else end
        return max(0, round((end - start) * self.rate))

    def done(self, start: float | None = None, end: float | None = None) -> list[dict]:
        return [
            write
            for write in self.writes
            if (start is None or write["start"] >= start) and (end is None or write["start"] < end)
        ]

    def summary(self) -> dict:
        statuses = Counter(str(write["status"]) for write in self.writes)
        ok = sum(count for status, count in statuses.items() if status in ("302", "303"))
        seconds = [write["end"] - write["start"] for write in self.writes]
        return {
            "rate": self.rate,
            "seconds": round(self.stopped_at - self.started_at, 1),
            "planned": self.planned(),
            "done": len(self.writes),
            "redirects": ok,
            "errors": len(self.writes) - ok,
            "statuses": dict(statuses),
            "late": sum(1 for write in self.writes if write["late"] > self.LATE),
            "p50_ms": round(statistics.median(seconds) * 1000, 1) if seconds else None,
            "max_ms": round(max(seconds) * 1000, 1) if seconds else None,
        }


def _percentile(values: list[float], share: float) -> float | None:
    """The `share` percentile (0-1) of the values, interpolated between the nearest two."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def one_search_at_a_time(tracker: Tracker, words: list[str], repeats: int) -> dict:
    """`/pledges?q=<word>` one request at a time (a new connection each, as the sync workers
    close it), `repeats` times for each word: how long one person waits for a search when
    nobody else is asking anything."""
    say(f"\n== One search at a time: /pledges?q=… on {tracker.data.name}, {len(words)} words × {repeats} ==")
    times: list[float] = []
    per_word = {}
    errors = 0
    for word in words:
        path = "/pledges?" + urllib.parse.urlencode({"q": word})
        mine = []
        for _ in range(repeats):
            start = time.perf_counter()
            reply = fetch(tracker.server.port, "GET", path, timeout=120)
            mine.append((time.perf_counter() - start) * 1000)
            errors += reply.status != 200
        times += mine
        per_word[word] = round(statistics.median(mine), 1)
        say(f"search {word!r}: {', '.join(f'{ms:.0f}' for ms in mine)} ms")
    return {
        "scale": tracker.data.scale,
        "data": tracker.data.name,
        "words": words,
        "repeats": repeats,
        "samples": len(times),
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "per_word_median_ms": per_word,
        "errors": errors,
    }


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
        if any("kept" in run for run in runs):  # the kept renders counted around each run
            kept = {
                outcome: round(sum((run.get("kept") or {}).get(outcome, 0) for run in runs))
                for outcome in KEPT_OUTCOMES
            }
            summary[endpoint.key]["kept"] = kept
            summary[endpoint.key]["hit_ratio"] = hit_ratio(kept)
    # Warm-up runs count for errors too: a failure there is a failure.
    warmup_errors = sum(run["errors"] for run in phase.results.get("_warmup", {}).values())
    return {
        "name": phase.name,
        "title": phase.title,
        "seconds": round(phase.seconds, 1),
        "endpoints": summary,
        "warmup_errors": warmup_errors,
    }


# --- report ------------------------------------------------------------------------------------


def _num(value, digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ratio(value) -> str:
    """A ratio to hello-world: three decimals below 0.1, where the targets of the uncached
    pages lie (0.05, 0.1), two above."""
    return "—" if value is None else (f"{value:.3f}" if value < 0.1 else f"{value:.2f}")


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
        ratio = "1" if key == "hello" else _ratio(row["ratio_median"])
        spread = "—" if key == "hello" else f"{_ratio(row['ratio_min'])}–{_ratio(row['ratio_max'])}"
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


def mixed_table(summary: dict) -> list[str]:
    """The mixed phase: the public endpoints read while a staff member records actions."""
    writer = summary["writer"]
    lines = [
        f"#### {summary['title']}",
        "",
        (
            "| endpoint | req/s | ratio to hello (median) | p50 ms | p95 ms | p99 ms | kept-render hit ratio | renders "
            "| writes during its runs (done / planned) | requests | errors | others' CPU |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in summary["endpoints"].items():
        few = " †" if row["fewest_responses"] < FEW_RESPONSES else ""
        cut = " ‡" if row["censored"] else ""
        ratio = "1" if key == "hello" else _ratio(row["ratio_median"])
        kept = row.get("kept")
        hits = "—" if row.get("hit_ratio") is None else f"{row['hit_ratio']:.1%}"
        renders = "—" if not kept else f"{kept['rendered']:.0f}"
        writes = "—" if "writes_done" not in row else f"{row['writes_done']} / {row['writes_planned']}"
        errors = str(row["errors"]) if not row["errors"] else f"**{row['errors']}**"
        lines.append(
            f"| {row['label']}{few} | {row['rps_median']:.0f} | {ratio} | {_ms(row['p50_ms'])} | "
            f"{_ms(row['p95_ms'])}{cut} | {_ms(row['p99_ms'])}{cut} | {hits} | {renders} | {writes} | "
            f"{row['requests']} | {errors} | {_others(row)} |"
        )
    late = f", {writer['late']} of them late by more than {Writer.LATE:g} s" if writer["late"] else ""
    lines += [
        "",
        (
            f"Writes: {writer['done']} records of an action done of {writer['planned']} planned "
            f"({writer['rate']:g} a second for {writer['seconds']:g} s, the whole phase){late}; "
            f"{writer['redirects']} answered with the redirect of a saved action"
            + (f", **{writer['errors']} otherwise** {writer['statuses']}" if writer["errors"] else "")
            + f"; {writer['actions_created']} actions added in the database; a write took "
            f"{_ms(writer['p50_ms'])} ms (median), {_ms(writer['max_ms'])} ms at most."
        ),
        "",
        (
            "Kept-render hit ratio: the kept renders sent (or answered 304) over every cacheable page asked for "
            "(tracker_kept_renders_total at /metrics, all workers summed, read before and after each endpoint's "
            "runs: the metric has no endpoint label, so each endpoint runs on its own between the two readings). "
            "Renders: the pages that had to be rendered, every write moving the data version."
        ),
    ]
    if any(row["censored"] for row in summary["endpoints"].values()):
        lines += ["", "‡ may be low (see ‡ under the throughput tables)."]
    return lines


def one_search_table(result: dict) -> list[str]:
    words = ", ".join(f"{word} {ms:.0f}" for word, ms in result["per_word_median_ms"].items())
    return [
        f"#### One search at a time, render cache off, {result['data']}",
        "",
        "| searches | median ms | p95 ms | max ms | errors |",
        "| ---: | ---: | ---: | ---: | ---: |",
        (
            f"| {result['samples']} | {_ms(result['median_ms'])} | {_ms(result['p95_ms'])} | {_ms(result['max_ms'])} "
            f"| {result['errors']} |"
        ),
        "",
        (
            f"`/pledges?q=<word>`, one request at a time, {result['repeats']} for each of {len(result['words'])} "
            f"words of the data set's list queries (median ms each: {words})."
        ),
    ]


def scale_rows(summary: dict, variant: str, small, big) -> list[dict]:
    rows = []
    for key in PUBLIC:
        one, ten = summary["endpoints"].get(f"{key}@{small:g}"), summary["endpoints"].get(f"{key}@{big:g}")
        if not one or not ten:
            continue
        ratio = ten["p95_ms"] / one["p95_ms"] if one["p95_ms"] and ten["p95_ms"] is not None else None
        rate = ten["rps_median"] / one["rps_median"] if one["rps_median"] else None
        target = None
        if variant == "on" and key in ("page", "list"):
            target = ("p95", SCALE_P95_TARGET)
        elif variant == "off" and key == UNCACHED_RATE_TARGET[0]:
            target = ("rate", UNCACHED_RATE_TARGET[1])
        rows.append(
            {
                "key": key,
                "endpoint": LABELS[key],
                "variant": variant,
                "p95_1": one["p95_ms"],
                "p95_10": ten["p95_ms"],
                "ratio": ratio,
                "rate": rate,
                "target": target,
                "rps_1": one["rps_median"],
                "rps_10": ten["rps_median"],
                "scales": [small, big],
                "censored": one["censored"] or ten["censored"],
            }
        )
    return rows


def scale_met(row: dict) -> bool | None:
    if row["target"] is None:
        return None
    kind, value = row["target"]
    if kind == "p95":
        return row["ratio"] is not None and row["ratio"] <= value
    return row["rate"] is not None and row["rate"] >= value


def scale_table(rows: list[dict]) -> list[str]:
    small, big = rows[0]["scales"] if rows else (1, 10)
    lines = [
        f"#### Scale {big:g} against scale {small:g} (median over the rounds)",
        "",
        (
            f"| endpoint | render cache | p95 scale {small:g} ms | p95 scale {big:g} ms | p95 {big:g} / {small:g} "
            f"| req/s {small:g} → {big:g} | req/s {big:g} / {small:g} | target | |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        met = scale_met(row)
        if row["target"] is None:
            verdict, target = "(no target)", "—"
        else:
            kind, value = row["target"]
            target = f"p95 ≤ {value:g}×" if kind == "p95" else f"req/s ≥ {value:g}×"
            verdict = "met" if met else "**not met**"
        if row.get("censored"):
            verdict += " ‡"
        lines.append(
            f"| {row['endpoint']} | {row['variant']} | {_ms(row['p95_1'])} | {_ms(row['p95_10'])} | "
            f"{_num(row['ratio'])} | {row['rps_1']:.0f} → {row['rps_10']:.0f} | {_num(row['rate'])} | {target} | {verdict} |"
        )
    if any(row.get("censored") for row in rows):
        lines += ["", "‡ a p95 here may be low (see ‡ in the throughput tables): the verdict is uncertain."]
    return lines


def evaluate_targets(report: dict) -> list[dict]:
    """Every target of the issue, met (True), not met (False) or not measured (None, with why)."""
    phases = {summary["name"]: summary for summary in report["phases"]}
    small, big = report.get("scales") or (1, None)
    big_name = f"scale {big:g}" if big else "scale 10"
    rows: list[dict] = []

    def add(group, what, target, measured, met, note=""):
        rows.append({"group": group, "what": what, "target": target, "measured": measured, "met": met, "note": note})

    def endpoint(phase: str, key: str) -> dict | None:
        return ((phases.get(phase) or {}).get("endpoints") or {}).get(key)

    def missing(phase: str, key: str = "") -> str:
        if phase not in phases:
            return f"the {phase} phase did not run"
        return f"not in the {phase} phase" if key else ""

    def ratio_target(group, phase, key, suffix, scale_name, least, why_absent=""):
        what = f"{LABELS[key]}, {scale_name}: ratio to hello-world"
        row = endpoint(phase, key + suffix) if suffix is not None else None
        if row is None:
            add(group, what, f"≥ {least:g}×", "—", None, missing(phase) or why_absent or "not measured")
            return
        value = row["ratio_median"]
        add(group, what, f"≥ {least:g}×", _ratio(value), value is not None and value >= least)

    # Render cache off.
    group = "render cache off"
    no_big = f"no {big_name} in this run: --also-scale"
    for key, which, least in UNCACHED_TARGETS:
        scale = small if which == "small" else big
        name = f"scale {small:g}" if which == "small" else big_name
        ratio_target(group, "uncached", key, f"@{scale:g}" if scale else None, name, least, no_big)
    key, least = UNCACHED_RATE_TARGET
    one, ten = endpoint("uncached", f"{key}@{small:g}"), endpoint("uncached", f"{key}@{big:g}") if big else None
    what = f"{LABELS[key]}: req/s at {big_name} over scale {small:g}"
    if one and ten and one["rps_median"]:
        rate = ten["rps_median"] / one["rps_median"]
        add(
            group,
            what,
            f"≥ {least:g}",
            f"{_num(rate)} ({ten['rps_median']:.1f} / {one['rps_median']:.1f})",
            rate >= least,
        )
    else:
        add(group, what, f"≥ {least:g}", "—", None, missing("uncached") or no_big)
    search = report.get("one_search")
    what = f"one search at a time (/pledges?q=…), {big_name}: p95"
    if search is None:
        add(group, what, f"< {ONE_SEARCH_TARGET_MS} ms", "—", None, missing("uncached") or "not measured")
    else:
        measured = f"{_ms(search['p95_ms'])} ms (median {_ms(search['median_ms'])} ms)"
        if big is None or search["scale"] != big:
            add(
                group,
                what,
                f"< {ONE_SEARCH_TARGET_MS} ms",
                measured,
                None,
                f"measured at scale {search['scale']:g} only",
            )
        else:
            add(
                group,
                what,
                f"< {ONE_SEARCH_TARGET_MS} ms",
                measured,
                search["p95_ms"] < ONE_SEARCH_TARGET_MS and not search["errors"],
            )

    # The mixed phase.
    group = f"mixed ({MIXED_WRITES_PER_SECOND:g} writes/s)"
    row = endpoint("mixed", "page")
    what = f"{LABELS['page']}: kept-render hit ratio"
    if row is None or row.get("hit_ratio") is None:
        add(group, what, f"≥ {MIXED_HIT_RATIO_TARGET:.0%}", "—", None, missing("mixed") or "no cacheable page counted")
    else:
        kept = row["kept"]
        measured = f"{row['hit_ratio']:.1%} ({kept['rendered']:.0f} renders of {sum(kept.values()):.0f})"
        add(group, what, f"≥ {MIXED_HIT_RATIO_TARGET:.0%}", measured, row["hit_ratio"] >= MIXED_HIT_RATIO_TARGET)
    for key in PUBLIC:
        row = endpoint("mixed", key)
        what = f"{LABELS[key]}: p95"
        if row is None or row["p95_ms"] is None:
            add(group, what, f"≤ {MIXED_P95_TARGET_MS} ms", "—", None, missing("mixed", key) or "no response")
        else:
            note = "‡: may be low" if row["censored"] else ""
            add(
                group,
                what,
                f"≤ {MIXED_P95_TARGET_MS} ms",
                f"{_ms(row['p95_ms'])} ms",
                row["p95_ms"] <= MIXED_P95_TARGET_MS,
                note,
            )

    # Render cache on.
    def cached(group, targets):
        for key, least in targets.items():
            ratio_target(group, "cached", key, "", f"scale {small:g}", least)

    def scale_target(group, key):
        what = f"{LABELS[key]}: p95 at {big_name} over scale {small:g}"
        found = [r for r in report.get("scale_rows", []) if r["variant"] == "on" and r["key"] == key]
        if not found:
            add(group, what, f"≤ {SCALE_P95_TARGET:g}", "—", None, missing("cached") or no_big)
        else:
            note = "uncertain (‡)" if found[0]["censored"] else ""
            add(group, what, f"≤ {SCALE_P95_TARGET:g}", _num(found[0]["ratio"]), scale_met(found[0]), note)

    cached("render cache on", CACHED_TARGETS)
    scale_target("render cache on", "list")
    cached("render cache on (earlier parts)", EARLIER_CACHED_TARGETS)
    scale_target("render cache on (earlier parts)", "page")
    return rows


def targets_table(rows: list[dict]) -> list[str]:
    lines = [
        "#### Targets",
        "",
        "Ratios: req/s over hello-world's in the same round, median over the rounds; p95: median over the rounds.",
        "",
        "| | target | measured | |",
        "| --- | ---: | ---: | --- |",
    ]
    for row in rows:
        if row["met"] is None:
            verdict = f"not measured ({row['note']})" if row["note"] else "not measured"
        else:
            verdict = ("met" if row["met"] else "**not met**") + (f" ({row['note']})" if row["note"] else "")
        lines.append(f"| {row['group']}: {row['what']} | {row['target']} | {row['measured']} | {verdict} |")
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
                f"The pledge page, 304, list with filter and search, API list and API search each cycle through "
                f"{meta['pages']} different "
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
    phases = ", ".join(report.get("phases_run") or [])
    lines += [
        f"Phases run: {phases or '?'} ({' '.join(report.get('phase_options') or []) or 'the default: all three'}).",
        "",
    ]
    # The scale comparison and the one search at a time right after the last phase they come from.
    names = [summary["name"] for summary in report["phases"]]
    after = max((i for i, name in enumerate(names) if name in ("cached-scale", "uncached")), default=len(names) - 1)
    for index, summary in enumerate(report["phases"]):
        if summary.get("kind") == "mixed":
            lines += mixed_table(summary) + [""]
        else:
            lines += throughput_table(summary) + [""]
        for note in summary.get("notes", []):
            lines.append(f"_{note}_")
            lines.append("")
        if index != after:
            continue
        if report.get("scale_rows"):
            lines += scale_table(report["scale_rows"]) + [""]
            small, big = report["scale_rows"][0]["scales"]
            lines.append(
                f"_The scale comparison runs two trackers side by side (on a fresh copy of the scale-{small:g} data, "
                f"and on the scale-{big:g} data) in the same rounds, with no POSTs in between._"
            )
            lines.append("")
        if report.get("one_search"):
            lines += one_search_table(report["one_search"]) + [""]
    lines += targets_table(evaluate_targets(report)) + [""]
    for note in report.get("notes", []):
        lines.append(f"_{note}_")
        lines.append("")
    lines.append(f"_{ERRORS_NOTE}_")
    return "\n".join(lines).rstrip() + "\n"


def write_results(markdown: str, meta: dict, report: dict, record: bool = True) -> None:
    """bench/out/latest.md and latest.json always; bench/RESULTS.md's block only when `record`
    (a full run: not --quick, every phase)."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latest.md").write_text(markdown)
    (OUT / "latest.json").write_text(json.dumps({"meta": meta, **report}, indent=2, default=str) + "\n")
    if not record:
        return
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
        description=__doc__.split("\n\n")[0],
        epilog=(
            "phases (all three by default):\n"
            "  cached    render cache on: every endpoint at the main scale, then (--also-scale N)\n"
            "            every public endpoint at scale 1 and scale N side by side\n"
            "  uncached  render cache off: every public endpoint (at scale 1 and N side by side),\n"
            "            then one search at a time on the largest scale\n"
            "  mixed     render cache on: every public endpoint while staff record an action\n"
            f"            {MIXED_WRITES_PER_SECOND:g} times a second; kept renders' hit ratio from /metrics\n"
            "The report ends with the issue's targets, each met / not met / not measured. Only a full\n"
            "run (every phase, not --quick) writes bench/RESULTS.md; every run writes bench/out/latest.*.\n"
            "The module's docstring (bench/run.py) says how each part is measured."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        help="scale N beside the main scale, render cache on and off, and one search at a time there "
        "(make bench: 10; 0: don't)",
    )
    parser.add_argument("--sqlite", action="store_true", help="the tracker endpoints on SQLite too")
    parser.add_argument(
        "--pages", type=int, default=1, help="pledge pages and searches each read endpoint cycles through (default 1)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2 rounds of 2 s, 1 s warm-up, one search per word: for trying the runner out "
        "(never writes bench/RESULTS.md)",
    )
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if its manifest holds")
    parser.add_argument("--check", action="store_true", help="check wrk's counts against the server's access log")
    parser.add_argument("--manifest", type=Path, help="use this manifest's database as is (no generation)")
    parser.add_argument(
        "--scale-manifest", type=Path, help="with --manifest: this manifest's database as the larger scale"
    )
    parser.add_argument(
        "--only",
        metavar="PHASES",
        help="run only these phases, comma-separated, of cached, uncached, mixed (default: all three); "
        "e.g. --only cached for a quick look at the kept renders",
    )
    parser.add_argument("--skip", metavar="PHASES", help="leave these phases out, e.g. --skip mixed,uncached")
    parser.add_argument(
        "--uncached", action="store_true", help="(the uncached phase runs by default now; kept for old command lines)"
    )
    parser.add_argument("--uncached-rounds", type=int, default=3, help="rounds of the uncached phase (default 3)")
    parser.add_argument(
        "--writes-per-second",
        type=float,
        default=MIXED_WRITES_PER_SECOND,
        help=f"the mixed phase's records of an action per second (default {MIXED_WRITES_PER_SECOND:g}, the issue's)",
    )
    parser.add_argument(
        "--search-repeats", type=int, default=3, help="one search at a time: requests per word (default 3)"
    )
    parser.add_argument(
        "--pg-server", default=PG_SERVER, help=f"PostgreSQL server URL, no database (default {PG_SERVER})"
    )
    parser.add_argument("--redis-url", default=REDIS_URL, help=f"default {REDIS_URL}")
    parser.add_argument("--fail-on-targets", action="store_true", help="exit 1 when a target is not met")
    args = parser.parse_args(argv)
    Tracker.pages = args.pages
    if args.quick:
        args.rounds, args.duration, args.warmup, args.uncached_rounds, args.search_repeats = 2, 2, 1, 2, 1
    if args.rounds < 1 or args.duration < 1 or args.warmup < 1 or args.connections < WRK_THREADS:
        parser.error(
            "need --rounds >= 1, --duration and --warmup >= 1 (whole seconds: wrk takes no fractions) and --connections >= 2"
        )
    if args.writes_per_second <= 0 or args.search_repeats < 1 or args.uncached_rounds < 1:
        parser.error("need --writes-per-second > 0, --search-repeats >= 1 and --uncached-rounds >= 1")

    def phases(text: str, option: str) -> list[str]:
        named = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in named if name not in PHASES]
        if unknown or not named:
            parser.error(f"{option}: phases are {', '.join(PHASES)} (got {text!r})")
        return named

    chosen = phases(args.only, "--only") if args.only else list(PHASES)
    if args.skip:
        chosen = [name for name in chosen if name not in phases(args.skip, "--skip")]
    if not chosen:
        parser.error("--only and --skip leave no phase to run")
    args.phases = [name for name in PHASES if name in chosen]
    args.phase_options = [
        f"{option} {value}" for option, value in (("--only", args.only), ("--skip", args.skip)) if value
    ]
    # bench/RESULTS.md keeps the recorded results of a full run: only such a run replaces them.
    args.record = not args.quick and args.phases == list(PHASES)
    return args


class Run:
    """The servers of one run, stopped whatever happens."""

    def __init__(self, args):
        self.args = args
        self.servers: list[Server] = []
        self.secret_key = secrets.token_hex(32)
        self.metrics_token = secrets.token_urlsafe(24)

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
        # Its metrics (/metrics, read with METRICS_TOKEN): every worker's numbers summed from
        # files in a directory of its own, empty at each start (bench/gunicorn.conf.py).
        metrics = OUT / "metrics" / name
        shutil.rmtree(metrics, ignore_errors=True)
        metrics.mkdir(parents=True)
        env = {
            "TRACKER_ENV": "production",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": url,
            "REDIS_URL": self.args.redis_url,
            "DATA_VERSION_BOARD": str(board),
            "METRICS_TOKEN": self.metrics_token,
            "PROMETHEUS_MULTIPROC_DIR": str(metrics),
            # Every API request is counted, as in production (tracker/core/web/api_rate_limit.py),
            # but the load comes from one address: a limit it never reaches.
            "API_RATE_LIMIT": "1000000000 per minute",
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
        ok = frozenset({200})
        hello_endpoint = Endpoint("hello", LABELS["hello"], hello, ok, lambda: [("GET", "/", None)])
        fortunes_endpoint = Endpoint("fortunes", LABELS["fortunes"], fortunes, ok, lambda: [("GET", "/fortunes", None)])
        small = main_data.scale
        report["scales"] = [small, big_data.scale if big_data else None]
        report["phases_run"] = args.phases
        report["phase_options"] = args.phase_options

        if args.check or "cached" in args.phases:
            tracker_server = run.tracker("tracker", main_data.run_url, access_log=access_logs.get("tracker"))
            tracker = Tracker(tracker_server, main_data)
            tracker.prepare_sessions()
            say(
                f"sessions: logged in as {main_data.manifest['staff_email']} and {main_data.manifest['cochair_email']}; "
                f"{len(tracker.action_bodies)} record-an-action forms read"
            )
            if args.check:
                return check_instrument(args, [hello_endpoint, fortunes_endpoint, *tracker.endpoints()], access_logs)

            # 4. The cached phase: every endpoint at the main scale, render cache on.
            main_phase = Phase(
                "cached",
                f"Render cache on: scale {small:g}, " + ("PostgreSQL" if main_data.engine == "pg" else "SQLite"),
                [hello_endpoint, fortunes_endpoint],
                tracker.endpoints(),
            )
            run_phase(main_phase, args)
            main_summary = summarise(main_phase)
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
            say("\n" + "\n".join(throughput_table(main_summary)))
            run.stop(tracker_server)

            # 5. Scale 1 against scale N, side by side, render cache on.
            if big_data:
                report["scale_rows"] = []
                summary, rows, one, ten = scale_phase(run, args, hello_endpoint, main_data, big_data, "on", {})
                report["phases"].append(summary)
                report["scale_rows"] += rows
                run.stop(one.server)
                run.stop(ten.server)

        # 6. The uncached phase: every public endpoint with the render cache off, at the main
        # scale and (side by side) at scale N; then one search at a time.
        if "uncached" in args.phases:
            switch = render_cache_switch()
            if not switch:
                report["notes"].append(
                    "The tracker has no render-cache switch in config.py: the uncached phase was not run."
                )
            else:
                summary, rows, search = uncached_phase(
                    run, args, hello_endpoint, main_data, big_data, {switch[0]: switch[1]}
                )
                report["phases"].append(summary)
                report.setdefault("scale_rows", []).extend(rows)
                report["one_search"] = search

        # 7. The mixed phase: the public endpoints read while a staff member writes.
        if "mixed" in args.phases:
            report["phases"].append(mixed_phase(run, args, hello_endpoint, main_data))

        # 8. SQLite.
        if sqlite_data:
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

    # 9. Report.
    meta["seconds"] = {"data": round(data_seconds), "total": round(time.monotonic() - started)}
    meta["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    markdown = render_markdown(meta, report)
    report["targets"] = evaluate_targets(report)
    write_results(markdown, meta, report, record=args.record)
    say("\n" + "=" * 100 + "\n")
    say(markdown)
    if args.record:
        written = "bench/out/latest.md, bench/out/latest.json, bench/RESULTS.md"
    else:
        why = "a --quick run" if args.quick else "not every phase ran"
        written = f"bench/out/latest.md, bench/out/latest.json (not bench/RESULTS.md: {why}; its recorded results stay)"
    say(f"Written: {written} ({meta['seconds']['total']} s in all, {meta['seconds']['data']} s of it on data).")
    errors = sum(row["errors"] for phase in report["phases"] for row in phase["endpoints"].values())
    errors += sum(phase["warmup_errors"] for phase in report["phases"])
    errors += sum((phase.get("writer") or {}).get("errors", 0) for phase in report["phases"])
    errors += (report.get("one_search") or {}).get("errors", 0)
    mismatched = [
        phase["title"] for phase in report["phases"] for row in phase["endpoints"].values() if not row["actions_check"]
    ]
    mismatched += [
        phase["title"]
        for phase in report["phases"]
        if phase.get("writer") and phase["writer"]["actions_created"] != phase["writer"]["redirects"]
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
        missed = [f"{row['group']}: {row['what']}" for row in report["targets"] if row["met"] is False]
        if missed:
            say(f"\nFAILED: targets not met: {'; '.join(missed)}")
            status = 1
    return status


def scale_phase(run: Run, args, hello_endpoint: Endpoint, main_data: DataSet, big_data: DataSet, variant: str, env):
    """Two trackers side by side, on a fresh copy of the main data and on the larger scale's
    data, every public endpoint of each in the same rounds (the pairs kept together). The
    two servers are left running: the caller stops them."""
    small, big = main_data.scale, big_data.scale
    fresh_copy(main_data)
    suffix = "" if variant == "on" else "-uncached"
    one = Tracker(run.tracker(f"tracker-scale{small:g}{suffix}", main_data.run_url, env), main_data)
    ten = Tracker(run.tracker(f"tracker-scale{big:g}{suffix}", big_data.url, env), big_data)
    pairs = list(
        zip(
            one.endpoints(f"@{small:g}", f", scale {small:g}", PUBLIC),
            ten.endpoints(f"@{big:g}", f", scale {big:g}", PUBLIC),
            strict=True,
        )
    )
    phase = Phase(
        "cached-scale" if variant == "on" else "uncached",
        f"Render cache {variant}: scale {small:g} and scale {big:g} side by side, PostgreSQL",
        [hello_endpoint],
        pairs,
    )
    run_phase(phase, args, args.rounds if variant == "on" else args.uncached_rounds)
    summary = summarise(phase)
    rows = scale_rows(summary, variant, small, big)
    say("\n" + "\n".join(throughput_table(summary) + [""] + scale_table(rows)))
    return summary, rows, one, ten


def uncached_phase(run: Run, args, hello_endpoint: Endpoint, main_data: DataSet, big_data: DataSet | None, env):
    """Every public endpoint with the render cache off (what a render costs), at the main
    scale and, side by side, at the larger one; then one search at a time on the largest."""
    if big_data:
        summary, rows, one, ten = scale_phase(run, args, hello_endpoint, main_data, big_data, "off", env)
    else:
        fresh_copy(main_data)
        one = ten = Tracker(
            run.tracker(f"tracker-scale{main_data.scale:g}-uncached", main_data.run_url, env), main_data
        )
        phase = Phase(
            "uncached",
            f"Render cache off: scale {main_data.scale:g}, PostgreSQL",
            [hello_endpoint],
            one.endpoints(f"@{main_data.scale:g}", f", scale {main_data.scale:g}", PUBLIC),
        )
        run_phase(phase, args, args.uncached_rounds)
        summary, rows = summarise(phase), []
        say("\n" + "\n".join(throughput_table(summary)))
    search = one_search_at_a_time(ten, ten.search_words()[:5], args.search_repeats)
    say("\n" + "\n".join(one_search_table(search)))
    for server in {one.server, ten.server}:
        run.stop(server)
    return summary, rows, search


def mixed_phase(run: Run, args, hello_endpoint: Endpoint, main_data: DataSet) -> dict:
    """The tracker with its render cache on (a fresh copy of the main data), every public
    endpoint measured one after another while a staff member records an action at a steady
    rate for the whole phase; the kept renders counted around each endpoint's runs."""
    fresh_copy(main_data)
    tracker = Tracker(run.tracker("tracker-mixed", main_data.run_url), main_data)
    tracker.prepare_sessions()
    endpoints = [scraped_around(endpoint) for endpoint in tracker.endpoints(which=PUBLIC)]
    rate = args.writes_per_second
    phase = Phase(
        "mixed",
        f"Mixed: public reads while staff record actions at {rate:g} a second, render cache on, "
        f"scale {main_data.scale:g}, PostgreSQL",
        [hello_endpoint],
        endpoints,
    )
    actions_before = tracker.count_actions()
    writer = Writer(tracker, rate)
    say(f"\nwriter: recording an action {rate:g} times a second as {main_data.manifest['staff_email']}")
    writer.start()
    try:
        run_phase(phase, args)
    finally:
        writer.stop()
    summary = summarise(phase)
    summary["kind"] = "mixed"
    summary["writer"] = {**writer.summary(), "actions_created": tracker.count_actions() - actions_before}
    for key, row in summary["endpoints"].items():
        if key == "hello":
            continue
        windows = [run["window"] for run in phase.results.get(key, []) if "window" in run]
        row["writes_done"] = sum(len(writer.done(start, end)) for start, end in windows)
        row["writes_planned"] = sum(writer.planned(start, end) for start, end in windows)
    run.stop(tracker.server)
    say("\n" + "\n".join(mixed_table(summary)))
    return summary


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
