"""The data version: one number that moves on with every committed change to the records
the tracker shows, and the time it last moved.

Public pages and the API take their HTTP validators from it (see `conditional`): an ETag
and a Last-Modified that change the moment anything is saved, whoever saves it and however
(a form, the CLI import, the demo loader), because the number is moved by the session
itself just before it commits, never by the code that made the change.

The number moves at the very end of the transaction, after everything else is flushed, so
the lock on its row is held only for the instant before COMMIT: two writers never wait on
each other in a cycle. Once committed, the new number is pinned on the version board
(`version_board`), where every worker reads it without asking the database.

The session also notes what a commit changed: areas name the *scope* a record's changes are
confined to (`scoped`: a pledge's actions change only that pledge's pages). A commit whose
every change is scoped moves only those scopes and the number; any other change moves the
whole site. A page that shows one scope alone asks for `current(scope)` and is kept across
changes elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import settings
from .columns import table_of, utcnow
from .extensions import Base, db
from .version_board import Reading, RedisBoard, VersionBoard, default_path, redis_key

log = logging.getLogger(__name__)


class DataVersion(Base):
    """One row: a number that moves on with every committed change to what the tracker
    shows, and when it last moved. Public pages and the API derive their HTTP validators
    (ETag, Last-Modified) from it, so a change is visible on the very next request
    (see `data_version`)."""

    __tablename__ = "data_version"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    moves_data_version: ClassVar[bool] = False


def _shown(record: object) -> bool:
    """Does a change to `record` alter a page the public can see? Models whose rows no
    public page shows (accounts, history entries, this counter) say `moves_data_version = False`."""
    return getattr(type(record), "moves_data_version", True)


_CHANGED = "data_version_changed"
_SCOPES = "data_version_scopes"  # what the changes so far are confined to; None: the whole site
_MOVED = "data_version_moved"
_NEVER = dt.datetime(2000, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Version:
    number: int
    changed_at: dt.datetime  # naive UTC, like every time the database keeps
    # Which run of the board the number belongs to (see version_board): 0 when read from
    # the database itself. Caches key their entries by (generation, tag).
    generation: int = 0
    # For one scope's pages: "<site number>.<scope's number>", which moves with every
    # change they may show and no other; empty for every other page (the number decides).
    scoped_tag: str = ""

    @property
    def tag(self) -> str:
        """What renders and validators of a page at this version are keyed by."""
        return self.scoped_tag or str(self.number)


# Who names a record's scope, by model (`scoped`): its changes alter only the pages of the
# scopes returned; None when they may alter more.
_SCOPERS: dict[type, Callable[[Any], set[str] | None]] = {}


def scoped(*models: type, by: Callable[[Any], set[str] | None]) -> None:
    """Changes to rows of `models` alter only the pages of the scopes `by(record)` names (None:
    it cannot tell, and the whole site moves). Rows of every other model move the site."""
    for model in models:
        _SCOPERS[model] = by


def current(scope: str | None = None) -> Version:
    """The data version now — for the pages of `scope` alone, if given: from the board when
    there is one (no database round trip), else from the database (which knows no scopes:
    its number moves with every change)."""
    board = _board()
    if board is None:
        return stored()
    reading = board.read(scope)
    if reading is None:  # Redis unreachable, or emptied since: the database is the truth
        version = stored()
        board.start_from(version.number, _microseconds(version.changed_at))
        return version
    return _version_of(reading, scope)


def pinned(app: Any, scope: str | None = None) -> Version | None:
    """The version board's reading, without the database: None if there is no board, or
    this process has not started it yet (its first `current()` does)."""
    state = app.extensions.get("version_board")
    if state is None or not state.started or state.board is None:
        return None
    reading = state.board.read(scope)
    return _version_of(reading, scope) if reading is not None else None


def _version_of(reading: Reading, scope: str | None) -> Version:
    if scope is None:
        return Version(reading.number, _moment(reading.changed_at_us), reading.generation)
    return Version(
        reading.number,
        _moment(max(reading.site_changed_at_us, reading.scope_changed_at_us)),
        reading.generation,
        f"{reading.site}.{reading.scope}",
    )


def _moment(microseconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=microseconds)


def stored() -> Version:
    """The data version as the database has it (0 for a database never written)."""
    row = db.session.execute(sa.select(DataVersion.number, DataVersion.changed_at).where(DataVersion.id == 1)).first()
    if row is None:
        return Version(0, _NEVER)
    return Version(row.number, row.changed_at)


def reset_board() -> None:
    """After data is replaced wholesale (a restore, a bulk load): start the board again from
    the database, under a new generation, so no cached render of the old data is served."""
    board = _board()
    if board is not None:
        version = stored()
        board.reset(version.number, _microseconds(version.changed_at))


def _board(*, started: bool = True) -> VersionBoard | RedisBoard | None:
    """This app's board, opened on first use in each process; None when DATA_VERSION_BOARD
    is "off" or the board cannot be opened. `started`: on the process's first read, the
    board is checked against the database (`VersionBoard.start_from`); publishing a commit
    needs no such check (and may not run SQL)."""
    app = settings.app_or_none()
    if app is None:
        return None
    state = app.extensions.get("version_board")
    if state is None:
        state = app.extensions["version_board"] = _BoardState(_open_board(app))
    if started and not state.started and state.board is not None:
        version = stored()
        state.board.start_from(version.number, _microseconds(version.changed_at))
        state.started = True
    return state.board


@dataclass
class _BoardState:
    board: VersionBoard | RedisBoard | None
    started: bool = False


def _open_board(app: Any) -> VersionBoard | RedisBoard | None:
    setting = app.config.get("DATA_VERSION_BOARD")
    if setting == "off":
        return None
    if setting == "redis" or (not setting and app.config.get("REDIS_URL")):
        if not app.config.get("REDIS_URL"):
            raise RuntimeError('DATA_VERSION_BOARD = "redis" needs REDIS_URL')
        return RedisBoard(app.config["REDIS_URL"], redis_key(app.config["SQLALCHEMY_DATABASE_URI"]))
    try:
        if setting == "memory":
            return VersionBoard(None)
        return VersionBoard(setting or default_path(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"]))
    except OSError as exc:
        log.warning("No data version board (%s): the database is asked on every request", exc)
        return None


def _microseconds(moment: dt.datetime) -> int:
    return (moment.replace(tzinfo=None) - _EPOCH) // dt.timedelta(microseconds=1)


@sa.event.listens_for(Session, "after_flush")
def _note_shown_changes(session: Session, _flush_context) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _shown(obj) and (obj not in session.dirty or session.is_modified(obj)):
            session.info[_CHANGED] = True
            _note_scope(session, obj)
    # Many-to-many rows (themes, co-chairs …) change with their owner, which is dirty then.


def _note_scope(session: Session, record: object) -> None:
    scopes = session.info.get(_SCOPES, set())
    if scopes is None:  # the whole site moves already
        return
    scoper = _SCOPERS.get(type(record))
    found = scoper(record) if scoper is not None else None
    session.info[_SCOPES] = scopes | found if found else None


@sa.event.listens_for(Session, "before_commit")
def _move_on(session: Session) -> None:
    session.flush()  # everything else first: the counter's row is locked last
    scopes = session.info.pop(_SCOPES, None)
    if not session.info.pop(_CHANGED, False):
        return
    connection = session.connection()
    table = table_of(DataVersion)
    now = utcnow()
    moved = connection.execute(
        table.update()
        .where(table.c.id == 1)
        .values(number=table.c.number + 1, changed_at=now)
        .returning(table.c.number)
    ).first()
    if moved is None:  # a database emptied since it was created
        connection.execute(table.insert().values(id=1, number=1, changed_at=now))
    session.info[_MOVED] = (moved.number if moved else 1, now, scopes)


@sa.event.listens_for(Session, "after_commit")
def _pin_on_the_board(session: Session) -> None:
    moved = session.info.pop(_MOVED, None)
    if moved is not None and settings.app_or_none() is not None:
        board = _board(started=False)  # no SQL may run here
        if board is not None:
            number, changed_at, scopes = moved
            board.publish(number, _microseconds(changed_at), scopes)


@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_CHANGED, None)
    session.info.pop(_SCOPES, None)
    session.info.pop(_MOVED, None)
