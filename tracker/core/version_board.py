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
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import redis

log = logging.getLogger(__name__)

# sequence, generation, number, changed_at (microseconds since the epoch, UTC)
_LAYOUT = struct.Struct("<QQqq")
_SIZE = mmap.PAGESIZE


@dataclass(frozen=True)
class Reading:
    generation: int
    number: int
    changed_at_us: int


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

    def read(self) -> Reading | None:
        """What the board says, or None if it has never been written."""
        while True:
            before, generation, number, changed_at = _LAYOUT.unpack_from(self._map)
            if before % 2 == 0 and _LAYOUT.unpack_from(self._map)[0] == before:
                return Reading(generation, number, changed_at) if generation else None

    def publish(self, number: int, changed_at_us: int) -> None:
        """A commit moved the version to `number`: pin it up unless a later one already is."""
        with self._writing():
            current = self.read()
            if current is None:
                self._write(_new_generation(), number, changed_at_us)
            elif number > current.number:
                self._write(current.generation, number, changed_at_us)

    def start_from(self, number: int, changed_at_us: int) -> None:
        """A process's first look: keep the board if it agrees with the database, else
        start it again (new generation) from the database's number."""
        with self._writing():
            current = self.read()
            if current is None or current.number != number:
                self._write(_new_generation(), number, changed_at_us)

    def reset(self, number: int, changed_at_us: int) -> None:
        """The data was replaced wholesale (a restore, a bulk load): forget every render."""
        with self._writing():
            self._write(_new_generation(), number, changed_at_us)

    def _write(self, generation: int, number: int, changed_at_us: int) -> None:
        sequence = _LAYOUT.unpack_from(self._map)[0]
        struct.pack_into("<Q", self._map, 0, sequence + 1)  # odd: readers wait
        _LAYOUT.pack_into(self._map, 0, sequence + 1, generation, number, changed_at_us)
        struct.pack_into("<Q", self._map, 0, sequence + 2)

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


# KEYS[1]: the board; ARGV: number, changed_at, a new generation (used if there is none yet).
_PUBLISH = """
local current = redis.call('HGET', KEYS[1], 'number')
if not current then
  redis.call('HSET', KEYS[1], 'generation', ARGV[3], 'number', ARGV[1], 'changed_at', ARGV[2])
elseif tonumber(ARGV[1]) > tonumber(current) then
  redis.call('HSET', KEYS[1], 'number', ARGV[1], 'changed_at', ARGV[2])
end
"""
# The same arguments: keep the board if it agrees with the database, else start it again.
_START_FROM = """
local current = redis.call('HGET', KEYS[1], 'number')
if (not current) or tonumber(current) ~= tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'generation', ARGV[3], 'number', ARGV[1], 'changed_at', ARGV[2])
end
"""


class RedisBoard:
    """The board in Redis, one hash per database (`redis_key`): shared by every process of
    every machine that uses the same Redis. Its methods never raise for Redis: reading
    then answers None (the caller asks the database), and a number that could not be
    published is kept and published before this process's next reading."""

    def __init__(self, url: str, key: str):
        self.key = key
        self._client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._publish = self._client.register_script(_PUBLISH)
        self._start_from = self._client.register_script(_START_FROM)
        self._unpublished: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def read(self) -> Reading | None:
        try:
            if self._unpublished is not None:
                self._send_unpublished()
            generation, number, changed_at = cast(
                list[bytes | None], self._client.hmget(self.key, ["generation", "number", "changed_at"])
            )
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); asking the database", exc)
            return None
        if generation is None or number is None or changed_at is None:
            return None
        return Reading(int(generation), int(number), int(changed_at))

    def publish(self, number: int, changed_at_us: int) -> None:
        with self._lock:
            if self._unpublished is None or number > self._unpublished[0]:
                self._unpublished = (number, changed_at_us)
        try:
            self._send_unpublished()
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); version %s published later", exc, number)

    def _send_unpublished(self) -> None:
        with self._lock:
            pending, self._unpublished = self._unpublished, None
        if pending is None:
            return
        try:
            self._publish(keys=[self.key], args=[pending[0], pending[1], _new_generation()])
        except redis.RedisError:
            with self._lock:
                if self._unpublished is None or pending[0] > self._unpublished[0]:
                    self._unpublished = pending
            raise

    def start_from(self, number: int, changed_at_us: int) -> None:
        try:
            self._start_from(keys=[self.key], args=[number, changed_at_us, _new_generation()])
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); asking the database", exc)

    def reset(self, number: int, changed_at_us: int) -> None:
        try:
            self._client.hset(
                self.key, mapping={"generation": _new_generation(), "number": number, "changed_at": changed_at_us}
            )
        except redis.RedisError as exc:
            log.warning("Data version board: Redis unavailable (%s); not reset", exc)


def redis_key(database_url: str) -> str:
    """tracker:data-version:<digest of the database URL>: one board per database, so every
    app server must name the database by the same URL (one shared settings file)."""
    return "tracker:data-version:" + hashlib.sha256(database_url.encode()).hexdigest()[:16]
