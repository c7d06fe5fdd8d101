"""The data version, pinned on a board that every process of the app on this machine reads
for free.

Public pages are answered from their cached render, or with 304 Not Modified, whenever the
data version has not moved (see `conditional`). Asking the database for the version on
every request would cost a round trip — more than the rest of such an answer — so the
version is also kept on a *board*: a small file that each process (every gunicorn worker,
the flask CLI) maps into memory. The database stays the truth; the board is its copy:

- after a commit that moved the version, the committing process writes the new number on
  the board *before* it answers, so the very next request, to whichever worker, sees it;
- the board only ever moves forward, so two commits published out of order leave the
  higher number;
- the board also holds a *generation*, a random number drawn whenever the board is
  (re)started from the database: when the database's number does not match the board's
  at a process's first look, or when data is restored or bulk-loaded (`reset`). Caches key
  their entries by (generation, number), so a database swapped for another one whose
  counter happens to say the same number never meets the old renders.

Readers take no lock: the writer bumps a sequence number before and after it writes
(odd while writing), and a reader that saw the sequence change reads again (a seqlock).
Writers serialise on an advisory lock of the file (fcntl.flock).

The board also keeps, beside that number, what changed:

- the *site* number moves only with a change that is not confined to one page's records
  (a theme renamed, a roundtable edited, a restore);
- each *scope* (a pledge's pages, named by the app: "pledge:<slug>") has a slot holding the
  number of the last change confined to it. Scopes share a fixed number of slots (hashed),
  so two scopes may share one: a change to one then also moves the other, never less.

A page that shows only one scope's records (a pledge's page) is keyed by (site number, its
slot), so it is kept across changes to every other pledge; every other page is keyed by the
number itself. Every value only moves forward within a generation, so no pair is ever seen
twice for different records.

One board per database per machine: the file is named after the database's URL. Several
machines behind a load balancer cannot share a file, so they share a `RedisBoard` instead:
the same board in Redis (the default whenever REDIS_URL is set), read with one round trip
per request — far less than the database's — and written by every machine's commits. With
Redis unreachable, a process asks the database instead (always right, only slower), and a
number it could not publish is published with its next look at the board.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import secrets
import struct
import threading
import zlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import redis

log = logging.getLogger(__name__)

# sequence, generation, number, changed_at (microseconds since the epoch, UTC), site, site's changed_at
_HEADER = struct.Struct("<QQqqqq")
# each scope slot: number, changed_at
_SLOT = struct.Struct("<qq")
SLOTS = 16384
_SLOTS_AT = 64
_SIZE = -(-(_SLOTS_AT + SLOTS * _SLOT.size) // mmap.PAGESIZE) * mmap.PAGESIZE


def slot_of(scope: str) -> int:
    """The slot a scope's changes are kept in (the same in every process: not `hash`)."""
    return zlib.crc32(scope.encode("utf-8", "surrogateescape")) % SLOTS


@dataclass(frozen=True)
class Reading:
    generation: int
    number: int  # moves with every change
    changed_at_us: int
    site: int  # moves with every change not confined to scopes
    site_changed_at_us: int
    scope: int = 0  # the asked scope's slot: its last change's number (0: none in this generation)
    scope_changed_at_us: int = 0


class VersionBoard:
    """A board in a file (shared by every process that opens the same path) or, for
    ``path=None``, in this process's memory only (one app in tests)."""

    def __init__(self, path: Path | str | None):
        self.path = path = Path(path) if path is not None else None
        self._thread_lock = threading.Lock()  # flock does not keep this process's threads apart
        if path is None:
            self._fd = None
            self._map = mmap.mmap(-1, _SIZE)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < _SIZE:
                os.ftruncate(self._fd, _SIZE)  # a new file reads as zeros: "never written"
            self._map = mmap.mmap(self._fd, _SIZE)

    def read(self, scope: str | None = None) -> Reading | None:
        """What the board says (with `scope`'s slot), or None if it has never been written."""
        at = _SLOTS_AT + slot_of(scope) * _SLOT.size if scope is not None else None
        while True:
            before, generation, number, changed_at, site, site_at = _HEADER.unpack_from(self._map)
            scoped = _SLOT.unpack_from(self._map, at) if at is not None else (0, 0)
            if before % 2 == 0 and _HEADER.unpack_from(self._map)[0] == before:
                return Reading(generation, number, changed_at, site, site_at, *scoped) if generation else None

    def publish(self, number: int, changed_at_us: int, scopes: Collection[str] | None = None) -> None:
        """A commit moved the version to `number`: pin it up unless a later one already is.
        `scopes`: the only scopes it changed; None for a change to the whole site."""
        with self._writing():
            current = self.read()
            if current is None:
                self._start(number, changed_at_us)
                return
            self._begin()
            if number > current.number:
                self._set(8, current.generation, number, changed_at_us)
            if scopes is None:
                if number > current.site:
                    self._set(32, number, changed_at_us)
            else:
                for slot in {slot_of(scope) for scope in scopes}:
                    at = _SLOTS_AT + slot * _SLOT.size
                    if number > _SLOT.unpack_from(self._map, at)[0]:
                        _SLOT.pack_into(self._map, at, number, changed_at_us)
            self._end()

    def start_from(self, number: int, changed_at_us: int) -> None:
        """A process's first look: keep the board if it agrees with the database, else
        start it again (new generation) from the database's number."""
        with self._writing():
            current = self.read()
            if current is None or current.number != number:
                self._start(number, changed_at_us)

    def reset(self, number: int, changed_at_us: int) -> None:
        """The data was replaced wholesale (a restore, a bulk load): forget every render."""
        with self._writing():
            self._start(number, changed_at_us)

    def _start(self, number: int, changed_at_us: int) -> None:
        """A new generation at `number`, every scope's slot empty."""
        self._begin()
        self._map[_SLOTS_AT : _SLOTS_AT + SLOTS * _SLOT.size] = bytes(SLOTS * _SLOT.size)
        self._set(8, _new_generation(), number, changed_at_us, number, changed_at_us)
        self._end()

    def _begin(self) -> None:
        struct.pack_into("<Q", self._map, 0, _HEADER.unpack_from(self._map)[0] + 1)  # odd: readers wait

    def _end(self) -> None:
        struct.pack_into("<Q", self._map, 0, _HEADER.unpack_from(self._map)[0] + 1)

    def _set(self, offset: int, *values: int) -> None:
        struct.pack_into(f"<{len(values)}q", self._map, offset, *values)

    def _writing(self):
        return _FileLock(self._fd, self._thread_lock)


class _FileLock:
    def __init__(self, fd: int | None, thread_lock: threading.Lock):
        self._fd = fd
        self._thread_lock = thread_lock

    def __enter__(self):
        self._thread_lock.acquire()
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(self, *_exc):
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()


def _new_generation() -> int:
    return secrets.randbits(63) | 1  # never 0, which means "never written"


def default_path(instance_path: str, database_url: str) -> Path:
    """instance/data-version-<digest of the database URL>.board: one board per database."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(instance_path) / f"data-version-{digest}.board"


# A new generation at ARGV[1] (number), ARGV[2] (changed_at), ARGV[3] (generation): every
# scope's slot (fields "s<slot>", "t<slot>") goes with the old one.
_START = """
local function start(key, number, changed_at, generation)
  redis.call('DEL', key)
  redis.call('HSET', key, 'generation', generation, 'number', number, 'changed_at', changed_at,
             'site', number, 'site_changed_at', changed_at)
end
"""
# KEYS[1]: the board; ARGV: number, changed_at, a new generation (used if there is none
# yet), then the slots of the scopes changed (none: the whole site).
_PUBLISH = (
    _START
    + """
local current = redis.call('HGET', KEYS[1], 'number')
if not current then
  start(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
  return
end
local number = tonumber(ARGV[1])
if number > tonumber(current) then
  redis.call('HSET', KEYS[1], 'number', ARGV[1], 'changed_at', ARGV[2])
end
if #ARGV == 3 then
  if number > tonumber(redis.call('HGET', KEYS[1], 'site') or '0') then
    redis.call('HSET', KEYS[1], 'site', ARGV[1], 'site_changed_at', ARGV[2])
  end
end
for i = 4, #ARGV do
  if number > tonumber(redis.call('HGET', KEYS[1], 's' .. ARGV[i]) or '0') then
    redis.call('HSET', KEYS[1], 's' .. ARGV[i], ARGV[1], 't' .. ARGV[i], ARGV[2])
  end
end
"""
)
# The same first three arguments: keep the board if it agrees with the database, else start it again.
_START_FROM = (
    _START
    + """
local current = redis.call('HGET', KEYS[1], 'number')
if (not current) or tonumber(current) ~= tonumber(ARGV[1]) then
  start(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
end
"""
)
_RESET = _START + "start(KEYS[1], ARGV[1], ARGV[2], ARGV[3])"
_FIELDS = ["generation", "number", "changed_at", "site", "site_changed_at"]


class RedisBoard:
    """The board in Redis, one hash per database (`redis_key`): shared by every process of
    every machine that uses the same Redis. Its methods never raise for Redis: reading
    then answers None (the caller asks the database), and a change that could not be
    published is kept and published before this process's next reading (as a change to the
    whole site: what it changed need not be remembered)."""

    def __init__(self, url: str, key: str):
        self.key = key
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._publish = self._client.register_script(_PUBLISH)
        self._start_from = self._client.register_script(_START_FROM)
        self._reset = self._client.register_script(_RESET)
        self._unpublished: tuple[int, int, frozenset[int] | None] | None = None
        self._lock = threading.Lock()

    def read(self, scope: str | None = None) -> Reading | None:
        fields = list(_FIELDS)
        if scope is not None:
            slot = slot_of(scope)
            fields += [f"s{slot}", f"t{slot}"]
        try:
            if self._unpublished is not None:
                self._send_unpublished()
            values = cast(list[bytes | None], self._client.hmget(self.key, fields))
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); asking the database", exc)
            return None
        if any(value is None for value in values[:5]):
            return None
        return Reading(*(int(value or 0) for value in values))

    def publish(self, number: int, changed_at_us: int, scopes: Collection[str] | None = None) -> None:
        slots = frozenset(slot_of(scope) for scope in scopes) if scopes is not None else None
        with self._lock:
            pending = self._unpublished
            if pending is None:
                self._unpublished = (number, changed_at_us, slots)
            else:  # one still waiting: both go as one change to the whole site
                self._unpublished = (max(number, pending[0]), max(changed_at_us, pending[1]), None)
        try:
            self._send_unpublished()
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); version %s published later", exc, number)

    def _send_unpublished(self) -> None:
        with self._lock:
            pending, self._unpublished = self._unpublished, None
        if pending is None:
            return
        number, changed_at_us, slots = pending
        try:
            self._publish(keys=[self.key], args=[number, changed_at_us, _new_generation(), *sorted(slots or ())])
        except redis.RedisError:
            with self._lock:
                if self._unpublished is not None:
                    later = self._unpublished
                    pending = (max(number, later[0]), max(changed_at_us, later[1]), None)
                self._unpublished = pending
            raise

    def start_from(self, number: int, changed_at_us: int) -> None:
        try:
            self._start_from(keys=[self.key], args=[number, changed_at_us, _new_generation()])
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); asking the database", exc)

    def reset(self, number: int, changed_at_us: int) -> None:
        try:
            self._reset(keys=[self.key], args=[number, changed_at_us, _new_generation()])
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); not reset", exc)


def redis_key(database_url: str) -> str:
    """tracker:data-version:<digest of the database URL>: one board per database, so every
    app server must name the database by the same URL (one shared settings file)."""
    return "tracker:data-version:" + hashlib.sha256(database_url.encode()).hexdigest()[:16]
