"""Backup and restore (`tracker/data/backup.py`, `flask --app wsgi data backup|restore`).

What people rely on: a backup holds every record of every table — the history and the
accounts too, with password hashes and never a password — and restoring it into a new,
migrated database gives the same data back: backed up again, the file is byte-identical,
on SQLite, on PostgreSQL, and from one to the other. A restore that cannot be done whole
writes nothing at all.

Every test works on databases of its own, migrated with `flask db upgrade` (a restore
checks the Alembic revision): on SQLite temporary files; under TEST_DATABASE_URL new
PostgreSQL databases (`tests.databases.own_database`), dropped afterwards. The round trip
is run for each pair of the engines available: SQLite to SQLite always, and on a
PostgreSQL run also SQLite to PostgreSQL, PostgreSQL to SQLite and PostgreSQL to PostgreSQL.
"""

import contextlib
import copy
import datetime as dt
import io
import itertools
import json
from decimal import Decimal

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tracker import create_app
from tracker.accounts import logins
from tracker.accounts.mails import request_password_reset
from tracker.accounts.models import Role, User
from tracker.core import data_version, files
from tracker.core.extensions import db
from tracker.core.files import Upload
from tracker.core.history import HistoryEntry, record_history
from tracker.data import backup, imports
from tracker.data.demo import DEMO_PASSWORD, load_demo
from tracker.notifications import reminders
from tracker.notifications.digest import send_digests
from tracker.notifications.models import EmailChoice
from tracker.notifications.operations import set_email_choice
from tracker.pledges import followers
from tracker.pledges.mails import SIGNATURE_INVITATION
from tracker.pledges.models import ActionFigure, ActionTaken, Pledge, PledgeFollower
from tracker.pledges.operations import create_pledge, record_action, withdraw_action
from tracker.roundtables.mails import DUE
from tracker.roundtables.models import ProgressUpdate, Recommendation, RecommendationIndicator, UpdateFile

from .databases import ON_POSTGRES, own_database
from .evidence import pdf_bytes, png_bytes
from .factories import Factories

TODAY = dt.date(2025, 3, 1)
ENGINES = ["sqlite", "postgresql"] if ON_POSTGRES else ["sqlite"]
UNDER_TEST = ENGINES[-1]  # the engine this run of the suite is about

# Text that a careless writer or reader would damage: non-ASCII letters, every kind of quote,
# a backslash, newlines (LF, CRLF, U+2028), a tab, emoji (outside the BMP), right-to-left
# script, and length.
ODD = "Zoë’s «pledge» “double” \"straight\" 'single' back\\slash\nnew line\r\nCRLF\u2028sep\ttab 🌏🙂👩🏽‍⚕️ ½ 中文 עברית"
LONG_ODD = ("Ünïcödé 🌏 line\n" * 20_000) + ODD


# --- databases of the tests' own ---------------------------------------------------------


@contextlib.contextmanager
def database(engine: str, directory, name: str):
    """The URL of a new, empty database on `engine`, removed afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{directory / (name + '.db')}"
    else:
        with own_database(directory, name) as url:
            yield url


@contextlib.contextmanager
def tracker(url: str, revision: str | None = "head"):
    """An app bound to the database at `url`, inside its app context, migrated to `revision`
    (None: not migrated at all)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if revision:
            flask_migrate.upgrade(revision=revision)
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def new_tracker(engine: str, directory, name: str, revision: str | None = "head"):
    with database(engine, directory, name) as url, tracker(url, revision) as app:
        yield app


def fill() -> None:
    """The demo data, and records made to be hard to carry: odd and long text, an account
    without a password, a withdrawn action, a figure with decimals, nested JSON in history;
    and a browser's login."""
    load_demo(today=TODAY)
    make = Factories()
    author = make.staff(name=ODD[:200])
    logins.start(author, remembered=True)
    make.user(role=Role.STAFF, organisation=author.organisation).password_hash = None  # invited, no password yet
    pledge = make.pledge(author=author, title="Zoë’s “pledge” 🌏", budget_amount=Decimal("1234567.89"),
                         budget_currency="EUR")  # fmt: skip
    action = make.action(
        pledge, author=author, summary=ODD,
        figures=[{"label": "people trained", "value": Decimal("2037.5"), "unit": "people", "year": 2020}],
        links=[{"url": "https://example.org/a?b=1&c=“2”", "title": "Report"}],
        files=[Upload("Zoë’s report 🌏.pdf", pdf_bytes()), Upload("photo.png", png_bytes())],
    )  # fmt: skip
    withdraw_action(action, author, reason=ODD)
    # Text no form takes today, as a record kept from before (a backup carries what is there):
    # line breaks in one-line fields, and texts beyond today's limits.
    pledge.text, pledge.contact_name, action.details = LONG_ODD, ODD[:200], LONG_ODD
    action.links[0].title = ODD[:300]
    action.withdrawn_at = dt.datetime(2025, 2, 3, 4, 5, 6)  # a whole second: still written with microseconds
    # The outbox and a person's choice: a queued e-mail, and a kind turned off.
    request_password_reset(author.email)
    set_email_choice(author.id, SIGNATURE_INVITATION, EmailChoice.OFF)
    # Someone of the public following a published pledge by e-mail, confirmed.
    published = db.session.scalars(
        sa.select(Pledge).where(Pledge.published_at.is_not(None)).order_by(Pledge.id)
    ).first()
    followers.ask_to_follow(published, "lena.hartmann@example.net")
    followers.confirm(followers.confirmation_token(db.session.scalar(sa.select(PledgeFollower))))
    # A day's reminders (the demo has recommendations due and overdue), kept for the daily
    # digest of everyone who chose it, and that digest.
    for user_id in db.session.scalars(sa.select(User.id).where(User.active)):
        set_email_choice(user_id, DUE, EmailChoice.DAILY)
    for _name, produce in reminders.producers():
        produce(TODAY)
    assert send_digests(TODAY) > 0
    nested = {"list": [1, 2.5, None, True, "\n"], "z": {}, "a": []}
    record_history(pledge, "noted", author, comment=LONG_ODD, changes={"ü 🌏": [None, ODD], "nested": nested})
    # A recommendation as its source has it: the States that made it, in the source's order.
    recommendation = db.session.scalars(sa.select(Recommendation).order_by(Recommendation.id)).first()
    recommendation.recommending = [make.organisation("Zoë’s State 🌏"), make.organisation("Ängland")]
    recommendation.reference, recommendation.response = "121.1", "supported"
    # What one aims at in numbers, with a figure an update reported for it (decimals too).
    update = db.session.scalars(sa.select(ProgressUpdate).order_by(ProgressUpdate.id)).first()
    indicator = RecommendationIndicator(name="Officials trained", unit="people", target_value=Decimal("40.5"))
    update.recommendation.indicators = [indicator]
    update.indicator, update.value = indicator, Decimal("12.25")
    update.files = [UpdateFile(**files.check(Upload("minutes.pdf", pdf_bytes())))]
    update.link_url = "https://example.org/minutes?x=“1”"
    # An import an admin uploaded and has not confirmed yet (its files, kept as text).
    imports.upload(make.admin(), [("pledges.csv", f"title,state\r\n{ODD[:200]},draft\r\n".encode())])
    db.session.commit()


def backup_bytes() -> bytes:
    out = io.BytesIO()
    backup.write_backup(out)
    return out.getvalue()


def record_counts() -> dict[str, int]:
    """Records in each table of the database (those of the models that it has)."""
    with db.engine.connect() as conn:
        present = set(sa.inspect(conn).get_table_names())
        return {
            t.name: conn.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables
            if t.name in present
        }


def head_revision(app) -> str:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory) -> bytes:
    """A backup of a filled database on the engine under test."""
    with new_tracker(UNDER_TEST, tmp_path_factory.mktemp("backup"), "tracker_backup_source"):
        fill()
        return backup_bytes()


@pytest.fixture
def target(tmp_path):
    """A new database on the engine under test, migrated to head: what a restore expects."""
    with new_tracker(UNDER_TEST, tmp_path, "tracker_backup_target") as app:
        yield app


@pytest.fixture(scope="module")
def empty_database_url(tmp_path_factory):
    """One new database migrated to head, shared by the refused restores: each of them
    checks that it wrote nothing, so each finds it as new."""
    with database(UNDER_TEST, tmp_path_factory.mktemp("refusals"), "tracker_backup_refusals") as url:
        with tracker(url):
            pass  # migrated
        yield url


@pytest.fixture
def untouched_target(empty_database_url):
    with tracker(empty_database_url, revision=None) as app:
        assert {name: n for name, n in record_counts().items() if n} == {"data_version": 1}
        yield app


# --- the round trip ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "destination"),
    [pytest.param(a, b, id=f"{a}-to-{b}") for a, b in itertools.product(ENGINES, ENGINES)],
)
def test_backup_restored_into_a_new_database_and_backed_up_again_is_byte_identical(source, destination, tmp_path):
    with new_tracker(source, tmp_path, "tracker_backup_from"):
        fill()
        first = backup_bytes()
        counts = record_counts()
    with new_tracker(destination, tmp_path, "tracker_backup_to"):
        tally = backup.restore(first)
        second = backup_bytes()

        assert second == first
        assert record_counts() == counts
        assert (tally.records, tally.tables) == (sum(counts.values()), len(counts))
        # And the application reads back exactly what was written.
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.title == "Zoë’s “pledge” 🌏"))
        assert pledge.text == LONG_ODD
        assert pledge.budget_amount == Decimal("1234567.89")
        action = pledge.actions[0]
        assert (action.summary, action.details) == (ODD, LONG_ODD)
        assert action.withdrawn_at is not None
        assert [f.value for f in action.figures] == [Decimal("2037.50")]
        entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.event == "noted"))
        assert entry.comment == LONG_ODD
        assert entry.changes["ü 🌏"] == [None, ODD]
        assert entry.changes["nested"] == {"list": [1, 2.5, None, True, "\n"], "z": {}, "a": []}


def test_every_table_of_the_models_is_in_the_backup_and_each_holds_records(demo_backup):
    tables = json.loads(demo_backup)["tables"]

    assert set(tables) == set(db.metadata.tables)  # a table added later cannot be forgotten
    # The filled database exercises every table, so the round trip tests every one of them.
    assert [name for name, rows in tables.items() if not rows] == []
    for table in db.metadata.sorted_tables:
        assert all(set(row) == set(table.columns.keys()) for row in tables[table.name]), table.name


def test_the_file_is_sorted_indented_utf8_json_with_a_header_from_the_data_alone(demo_backup, target):
    text = demo_backup.decode("utf-8")
    document = json.loads(text)

    assert {key: document[key] for key in ("format", "format_version", "alembic_revision")} == {
        "format": "pledge-tracker-backup",
        "format_version": 1,
        "alembic_revision": head_revision(target),
    }
    assert set(document) == {"format", "format_version", "alembic_revision", "tables"}  # no "written at"
    assert text == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    assert "🌏" in text  # written as itself, not as \ud83c\udf0f
    # Rows in primary-key order.
    for table in db.metadata.sorted_tables:
        keys = [tuple(row[c.name] for c in table.primary_key.columns) for row in document["tables"][table.name]]
        assert keys == sorted(keys), table.name


def test_values_are_written_by_column_type(demo_backup):
    tables = json.loads(demo_backup)["tables"]
    pledge = next(row for row in tables["pledges"] if row["title"] == "Zoë’s “pledge” 🌏")
    action = next(row for row in tables["actions"] if row["pledge_id"] == pledge["id"])
    organisation = tables["organisations"][0]

    assert pledge["budget_amount"] == "1234567.89"  # exact decimals: strings with the column's scale
    assert [f["value"] for f in tables["action_figures"] if f["action_id"] == action["id"]] == ["2037.50"]
    assert dt.datetime.strptime(pledge["created_at"], "%Y-%m-%dT%H:%M:%S.%f")  # naive UTC, microseconds
    assert action["withdrawn_at"] == "2025-02-03T04:05:06.000000"  # always six digits, even zeros
    assert dt.date.fromisoformat(action["date"]) and len(action["date"]) == 10
    assert organisation["kind"] in {"national_society", "government", "international_organisation",
                                    "civil_society", "other"}  # fmt: skip  # enums by stored value
    assert organisation["confirmed"] is True
    assert isinstance(tables["history"][0]["changes"], dict)  # JSON as JSON, not a string in a string


def test_accounts_are_backed_up_with_their_password_hashes_never_a_password(demo_backup):
    text = demo_backup.decode("utf-8")
    users = json.loads(text)["tables"]["users"]

    assert DEMO_PASSWORD not in text
    assert "admin@example.org" in {user["email"] for user in users}
    hashes = [user["password_hash"] for user in users if user["password_hash"]]
    assert len(hashes) == len(users) - 1  # the invited account has none yet
    assert all(h.startswith(("scrypt:", "pbkdf2:")) for h in hashes)


# --- after a restore ---------------------------------------------------------------------


def test_a_restored_tracker_works_new_records_get_fresh_ids_and_logins_still_work(demo_backup, target):
    before = data_version.current()
    backup.restore(demo_backup)
    restored = json.loads(demo_backup)["tables"]
    largest = {name: max(row["id"] for row in rows) for name, rows in restored.items() if rows and "id" in rows[0]}

    assert data_version.current().number == restored["data_version"][0]["number"] != before.number
    staff = db.session.scalar(sa.select(User).where(User.email == "staff.arc@example.org"))
    assert staff.check_password(DEMO_PASSWORD)
    pledge = create_pledge(staff, title="Made after the restore", lead=staff.organisation)
    action = record_action(
        pledge, staff, date=dt.date(2025, 1, 2), summary="Done", organisations=[staff.organisation],
        figures=[{"label": "people", "value": Decimal(3)}],
    )  # fmt: skip
    db.session.commit()

    assert pledge.id == largest["pledges"] + 1
    assert action.id == largest["actions"] + 1
    assert action.figures[0].id == largest["action_figures"] + 1
    assert db.session.scalar(sa.select(sa.func.max(HistoryEntry.id))) > largest["history"]
    assert data_version.current().number == restored["data_version"][0]["number"] + 1  # moves on as ever


def test_the_cli_backs_up_to_a_file_or_standard_output_and_restores(demo_backup, tmp_path):
    source_file, second_file = tmp_path / "backup.json", tmp_path / "again.json"
    expected = json.loads(demo_backup)["tables"]
    records = sum(map(len, expected.values()))
    with new_tracker(UNDER_TEST, tmp_path, "tracker_backup_cli_from") as app:
        backup.restore(demo_backup)
        written = app.test_cli_runner().invoke(args=["data", "backup", str(source_file)])
        to_stdout = app.test_cli_runner().invoke(args=["data", "backup", "-"])
    with new_tracker(UNDER_TEST, tmp_path, "tracker_backup_cli_to") as app:
        restored = app.test_cli_runner().invoke(args=["data", "restore", str(source_file)])
        again = app.test_cli_runner().invoke(args=["data", "backup", str(second_file)])

    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert written.stderr == f"Backed up {records} records from {len(expected)} tables to {source_file}.\n"
    assert source_file.read_bytes() == demo_backup
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout_bytes == demo_backup
    assert to_stdout.stderr == f"Backed up {records} records from {len(expected)} tables to standard output.\n"
    assert restored.exit_code == 0, restored.output
    assert restored.stdout == f"Restored {records} records into {len(expected)} tables from {source_file}.\n"
    assert again.exit_code == 0
    assert second_file.read_bytes() == demo_backup


def test_backing_up_a_database_that_was_never_migrated_is_refused_and_no_file_is_made(tmp_path):
    out = tmp_path / "backup.json"
    with new_tracker(UNDER_TEST, tmp_path, "tracker_backup_unmigrated", revision=None) as app:
        db.create_all()
        result = app.test_cli_runner().invoke(args=["data", "backup", str(out)])

    assert result.exit_code == 1
    assert "Nothing backed up: This database has no Alembic revision" in result.stderr
    assert not out.exists()


# --- refusals: nothing written -----------------------------------------------------------


def refused(app, data: bytes, tmp_path) -> str:
    """Restore `data` through the command line; check it was refused and wrote nothing."""
    before = record_counts()
    path = tmp_path / "backup.json"
    path.write_bytes(data)
    result = app.test_cli_runner().invoke(args=["data", "restore", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert record_counts() == before
    return result.stderr


def test_a_database_that_is_not_empty_is_refused(demo_backup, target, tmp_path):
    Factories().organisation(name="Already here")
    db.session.commit()

    message = refused(target, demo_backup, tmp_path)

    assert message.startswith("Error: Nothing restored: This database is not empty (organisations hold records)")


@pytest.mark.parametrize(("revision", "expected"), [
    ("0003", "This database is at revision 0003, the backup at "),
    (None, "This database is not migrated: run `flask --app wsgi db upgrade "),
])  # fmt: skip
def test_a_database_at_another_revision_is_refused(demo_backup, tmp_path, revision, expected):
    with new_tracker(UNDER_TEST, tmp_path, "tracker_backup_old", revision=revision) as app:
        if revision is None:
            db.create_all()  # the right tables, but no revision to say so

        assert expected in refused(app, demo_backup, tmp_path)


def _changed(edit):
    """The demo backup, with `edit` applied to its document."""

    def make(original: bytes) -> bytes:
        document = copy.deepcopy(json.loads(original))
        edit(document)
        return backup.serialise(document)

    return make


def _row(table: str, number: int = 0):
    return lambda document: document["tables"][table][number]


GARBAGE = {
    "not JSON": (lambda original: b"pledges,actions\n1,2\n", "This is not a backup: it is not UTF-8 JSON"),
    "not UTF-8": (lambda original: original.replace("Zoë".encode(), "Zoë".encode("latin-1")), "not UTF-8 JSON"),
    "JSON, not a backup": (lambda original: b'{"pledges": []}', 'no "format": "pledge-tracker-backup"'),
    "a later format": (
        _changed(lambda d: d.update(format_version=2)),
        "version 2 of the format; this tracker reads version 1",
    ),
    "an unknown table": (
        _changed(lambda d: d["tables"].update(pledge_ratings=[])),
        "names tables this tracker does not have: pledge_ratings",
    ),
    "a missing table": (_changed(lambda d: d["tables"].pop("history")), "lacks tables this tracker has: history"),
    "an unknown column": (
        _changed(lambda d: _row("pledges")(d).update(rating=5)),
        "pledges, record 1: columns this tracker does not have: rating",
    ),
    "a missing column": (_changed(lambda d: _row("users")(d).pop("email")), "users, record 1: missing columns: email"),
    "an impossible date": (
        _changed(lambda d: _row("actions", 2)(d).update(date="2019-13-01")),
        "actions, record 3, column date: '2019-13-01' cannot be restored",
    ),
    "a number as text": (
        _changed(lambda d: _row("pledges")(d).update(version="1")),
        "pledges, record 1, column version: '1' cannot be restored (expected a whole number)",
    ),
    "a flag as a number": (
        _changed(lambda d: _row("users")(d).update(active=1)),
        "users, record 1, column active: 1 cannot be restored (expected true or false)",
    ),
    "an amount that is not a number": (
        _changed(lambda d: _row("action_figures")(d).update(value="lots")),
        "action_figures, record 1, column value: 'lots' cannot be restored",
    ),
    "an empty required value": (
        _changed(lambda d: _row("history", 4)(d).update(event=None)),
        "history, record 5, column event: None cannot be restored (this column is never empty)",
    ),
    "a time with an offset": (
        _changed(lambda d: _row("history")(d).update(occurred_at="2025-01-01T10:00:00+02:00")),
        "times are naive UTC",
    ),
    # Only the database can see these: it refuses in the last tables, after the first ones
    # were inserted, and the transaction takes them all back.
    "an unknown state": (
        _changed(lambda d: _row("recommendations")(d).update(status="archived")),
        "The database refused the records of recommendations",
    ),
    "a duplicate id": (
        _changed(lambda d: d["tables"]["history"].append(dict(d["tables"]["history"][0]))),
        "The database refused the records of history",
    ),
}


@pytest.mark.parametrize("kind", GARBAGE)
def test_a_file_that_is_not_a_backup_of_this_tracker_is_refused_and_nothing_is_written(
    kind, demo_backup, untouched_target, tmp_path
):
    make, expected = GARBAGE[kind]

    message = refused(untouched_target, make(demo_backup), tmp_path)

    assert expected in message
    assert data_version.current().number == 1  # the migrated database's own row, untouched


def test_a_restore_refused_by_the_database_leaves_the_earlier_tables_empty(demo_backup, target):
    # A duplicate id in one of the last tables: only the database sees it.
    broken = _changed(lambda d: d["tables"]["history"].append(dict(d["tables"]["history"][0])))(demo_backup)

    with pytest.raises(backup.RestoreRefused, match="The database refused the records of history"):
        backup.restore(broken)

    counts = record_counts()
    assert counts.pop("data_version") == 1
    assert set(counts.values()) == {0}
    # And the same database then takes the good backup.
    backup.restore(demo_backup)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionTaken)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionFigure)) > 0


def test_the_backup_holds_the_database_as_of_one_instant(demo_backup, target):
    """A record written while the backup reads (here: after its first table) is not in it:
    otherwise a backup could hold a history entry without its record, or the reverse."""
    backup.restore(demo_backup)
    history_before = len(json.loads(demo_backup)["tables"]["history"])
    # SQLite: a short wait, for the writer is made to wait by the backup's read.
    writer = sa.create_engine(db.engine.url, **({"connect_args": {"timeout": 0.2}} if UNDER_TEST == "sqlite" else {}))
    tables_read, meanwhile = [], []

    @sa.event.listens_for(db.engine, "before_cursor_execute")
    def write_meanwhile(_conn, _cursor, statement, *_args):
        if not statement.startswith("SELECT") or "alembic_version" in statement:
            return
        tables_read.append(statement)
        if len(tables_read) != 2:
            return  # write once, when the first table has been read in full
        try:
            with writer.begin() as other:
                other.execute(sa.insert(HistoryEntry.__table__).values(
                    occurred_at=dt.datetime(2025, 1, 1), record_type="pledge", record_id=1, timeline_type="pledge",
                    timeline_id=1, event="written meanwhile", changes={},
                ))  # fmt: skip
            meanwhile.append("committed")  # PostgreSQL: the backup reads from its snapshot
        except sa.exc.OperationalError as error:
            assert "database is locked" in str(error)  # noqa: PT017  SQLite: writers wait until the backup is done
            meanwhile.append("waited")

    try:
        written = json.loads(backup_bytes())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", write_meanwhile)
        writer.dispose()

    assert meanwhile == ["committed" if UNDER_TEST == "postgresql" else "waited"]
    assert len(written["tables"]["history"]) == history_before
