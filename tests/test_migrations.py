"""The migrations build exactly the schema the models describe, and can be undone.

Each test gets a fresh, empty database of its own on the engine the suite runs against:
a temporary SQLite file, or `tracker_mig_<random>` on the PostgreSQL server named by
TEST_DATABASE_URL (created here, dropped afterwards).

After a model change, write a migration (see README "Migrations") and run this file on
both engines:

    .venv/bin/pytest tests/test_migrations.py
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/pytest tests/test_migrations.py
"""

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.databases import own_database
from tracker import create_app
from tracker.accounts.models import Organisation
from tracker.core.extensions import db, described_by_models
from tracker.core.history import HistoryEntry
from tracker.pledges.models import Pledge, PledgeSignatory
from tracker.pledges.search import document_matches


@pytest.fixture
def empty_database_url(tmp_path):
    """The URL of a new, empty database, removed after the test."""
    with own_database(tmp_path, "tracker_mig") as url:
        yield url


@pytest.fixture
def migration_app(empty_database_url):
    """An app bound to the empty database, inside an app context (Flask-Migrate needs one)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _table_names() -> set[str]:
    """The tables the models describe that the database has (not the full-text index's own)."""
    names = sa.inspect(db.engine).get_table_names()
    return {name for name in names if described_by_models(None, name, "table", True, None)}


def _model_table_names() -> set[str]:
    return set(db.metadata.tables)


def _leftovers() -> dict[str, list[str]]:
    """Everything in the database that a migration could have created, but alembic_version."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(
                sa.text(
                    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
                )
            )
            found = {}
            for kind, name in rows:
                found.setdefault(kind, []).append(name)
            return found
        queries = {
            "table": "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'",
            "sequence": "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'public'",
            "type": "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') "
            "AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)",
            "function": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public'",
            "trigger": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
        }
        found = {kind: [row[0] for row in conn.execute(sa.text(sql))] for kind, sql in queries.items()}
        return {kind: names for kind, names in found.items() if names}


def _insert_history_entry(conn) -> None:
    conn.execute(
        sa.insert(HistoryEntry.__table__).values(
            occurred_at=sa.func.current_timestamp(),
            record_type="pledge",
            record_id=1,
            timeline_type="pledge",
            timeline_id=1,
            event="created",
            changes={},
        )
    )


def _assert_history_is_append_only() -> None:
    with db.engine.begin() as conn:
        _insert_history_entry(conn)
    for statement in ("UPDATE history SET comment = 'rewritten'", "DELETE FROM history"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*), max(comment) FROM history")).one() == (1, None)


def test_migrations_have_a_single_head(migration_app):
    config = migration_app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_head_on_an_empty_database_creates_every_table(migration_app):
    assert _table_names() == set()

    flask_migrate.upgrade()

    assert _table_names() == _model_table_names() | {"alembic_version"}


# The indexes written per database are not in the models (described_by_models); SQLAlchemy
# says it cannot reflect an expression's index on SQLite.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_models_and_migrations_agree(migration_app):
    flask_migrate.upgrade()

    # What autogenerate would put in a new migration: nothing.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True, "include_object": described_by_models}
        )
        assert compare_metadata(context, db.metadata) == []
    # And the command people run, with migrations/env.py's own settings.
    result = migration_app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_downgrade_base_removes_everything_and_upgrade_head_works_again(migration_app):
    flask_migrate.upgrade()

    flask_migrate.downgrade(revision="base")

    assert _leftovers() == {}
    flask_migrate.upgrade()
    assert _table_names() == _model_table_names() | {"alembic_version"}
    _assert_history_is_append_only()


def _load_demo_through_the_cli(app) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return result.output


def test_upgrade_downgrade_upgrade_with_the_demo_loading_after_each_upgrade(migration_app):
    """The round trip CI makes on both engines: upgrade head, load the demo, downgrade to
    base with all that data in place, upgrade head again, load the demo again."""
    flask_migrate.upgrade()
    first = _load_demo_through_the_cli(migration_app)
    assert "Loaded demo data: 7 pledges" in first
    db.session.remove()

    flask_migrate.downgrade(revision="base")
    assert _leftovers() == {}

    flask_migrate.upgrade()
    assert _load_demo_through_the_cli(migration_app) == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 7


def test_history_refuses_update_and_delete_after_upgrade(migration_app):
    flask_migrate.upgrade()

    _assert_history_is_append_only()


def test_migrated_schema_enforces_one_lead_and_known_states(migration_app):
    flask_migrate.upgrade()
    organisations = Organisation.__table__
    pledges = Pledge.__table__
    signatories = PledgeSignatory.__table__
    now = sa.func.current_timestamp()
    with db.engine.begin() as conn:
        for org_id, name in ((1, "Australian Red Cross"), (2, "DFAT")):
            conn.execute(sa.insert(organisations).values(id=org_id, name=name, kind="government", created_at=now))
        conn.execute(
            sa.insert(pledges).values(
                id=1,
                slug="regional-protection",
                title="Regional Protection",
                text="",
                status="draft",
                created_at=now,
                updated_at=now,
            )
        )
        conn.execute(sa.insert(signatories).values(pledge_id=1, organisation_id=1, is_lead=True))
        # raw SQL, so the migration's server defaults apply: not lead, position 0
        conn.execute(sa.text("INSERT INTO pledge_signatories (pledge_id, organisation_id) VALUES (1, 2)"))
        assert conn.execute(
            sa.select(signatories.c.is_lead, signatories.c.position).where(signatories.c.organisation_id == 2)
        ).one() == (False, 0)

    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:  # a second lead
        conn.execute(sa.update(signatories).where(signatories.c.organisation_id == 2).values(is_lead=True))
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:  # a state the workflow does not know
        conn.execute(sa.text("UPDATE pledges SET status = 'archived' WHERE id = 1"))


def test_upgrading_existing_data_attributes_each_action_to_its_lead_signatory(migration_app):
    """0002 on a database that already holds actions: none is left without an owner."""
    flask_migrate.upgrade(revision="0001")
    now = "2026-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, created_at) VALUES "
            "(1, 'Australian Red Cross', 'national_society', :now), (2, 'DFAT', 'government', :now)"
        ), {"now": now})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, version) "
            "VALUES (1, 'regional-protection', 'Regional Protection', 'Text', 'in_progress', :now, :now, 1)"
        ), {"now": now})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledge_signatories (pledge_id, organisation_id, is_lead, position) "
            "VALUES (1, 2, :no, 1), (1, 1, :yes, 0)"
        ), {"yes": True, "no": False})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO actions (id, pledge_id, date, date_precision, summary, details, position, created_at, updated_at, version) "
            "VALUES (1, 1, '2019-06-01', 'day', 'Organised roundtables', '', 0, :now, :now, 1)"
        ), {"now": now})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT attributed_to_id FROM actions")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT confirmed FROM organisations WHERE id = 2")).scalar_one() in (True, 1)


def test_upgrading_existing_data_dates_each_agreed_recommendation_from_its_history(migration_app):
    """0003 on a database that already holds recommendations: an agreed one takes the day
    of its `agree` entry (stale is counted from it); a draft has none."""
    flask_migrate.upgrade(revision="0002")
    now = "2026-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO roundtables (id, slug, title, start_date, summary, is_public, created_at, updated_at, version) "
            "VALUES (1, 'bali', 'Bali Process roundtable', '2018-05-14', '', :yes, :now, :now, 1)"
        ), {"now": now, "yes": True})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO recommendations (id, roundtable_id, text, status, review_comment_public, created_at, updated_at, version) "
            "VALUES (1, 1, 'Formalise coordination', 'in_progress', :no, :now, :now, 2),"
            " (2, 1, 'Share contacts', 'draft', :no, :now, :now, 1)"
        ), {"now": now, "no": False})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO history (occurred_at, record_type, record_id, timeline_type, timeline_id, event, changes) VALUES "
            "('2026-03-04 10:30:00', 'recommendation', 1, 'recommendation', 1, 'agree', '{}'),"
            "('2026-02-01 09:00:00', 'recommendation', 1, 'recommendation', 1, 'created', '{}')"
        ))  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, agreed_on FROM recommendations")).all())
    assert str(rows[1]) == "2026-03-04"
    assert rows[2] is None


def test_upgrading_actions_that_share_a_place_numbers_their_pledge_again_in_page_order(migration_app):
    """0007 on a database where actions recorded at the same instant share a place: their
    pledge's list is numbered again in the order the page showed it, another pledge's list
    is left as it was, and from then on the database refuses a shared place."""
    flask_migrate.upgrade(revision="0006")
    now = "2026-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, confirmed, created_at) "
            "VALUES (1, 'Philippine Red Cross', 'national_society', :yes, :now)"
        ), {"now": now, "yes": True})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, version) VALUES "
            "(1, 'family-links', 'Family links', 'Text', 'in_progress', :now, :now, 1),"
            " (2, 'first-aid', 'First aid', 'Text', 'in_progress', :now, :now, 1)"
        ), {"now": now})  # fmt: skip
        places = [(1, 1, 0), (2, 1, 1), (3, 1, 1), (4, 1, 1), (5, 1, 2), (6, 2, 0), (7, 2, 5)]
        for action_id, pledge_id, position in places:
            conn.execute(sa.text(
                "INSERT INTO actions (id, pledge_id, attributed_to_id, date, date_precision, summary, details, position, "
                "created_at, updated_at, version) "
                "VALUES (:id, :pledge, 1, '2020-05-14', 'day', :summary, '', :position, :now, :now, 1)"
            ), {"id": action_id, "pledge": pledge_id, "summary": f"Action {action_id}", "position": position, "now": now})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT id, position FROM actions")).all())
    assert rows == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 0, 7: 5}
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE actions SET position = 0 WHERE id = 2"))


def test_upgrading_signatories_keeps_every_signature_and_then_refuses_a_lead_only_invited(migration_app):
    """0008 on a database that already holds signatories: each keeps its signature (nothing
    the register showed disappears), and from then on the database refuses an unknown
    consent state and a lead that has not signed."""
    flask_migrate.upgrade(revision="0007")
    now = "2026-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, confirmed, created_at) VALUES "
            "(1, 'Australian Red Cross', 'national_society', :yes, :now), (2, 'DFAT', 'government', :yes, :now)"
        ), {"now": now, "yes": True})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, version) "
            "VALUES (1, 'regional-protection', 'Regional Protection', 'Text', 'in_progress', :now, :now, 1)"
        ), {"now": now})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledge_signatories (pledge_id, organisation_id, is_lead, position) "
            "VALUES (1, 1, :yes, 0), (1, 2, :no, 1)"
        ), {"yes": True, "no": False})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT organisation_id, status FROM pledge_signatories ORDER BY 1")).all()
    assert [tuple(row) for row in rows] == [(1, "signed"), (2, "signed")]
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE pledge_signatories SET status = 'maybe' WHERE organisation_id = 2"))
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE pledge_signatories SET status = 'invited' WHERE organisation_id = 1"))


def test_upgrading_existing_texts_keeps_them_markdown_and_new_ones_are_plain_in_english(migration_app):
    """0012 on a database that holds pledges and actions written as Markdown: they stay
    Markdown (their pages do not change), in English, with no source; a row written after it
    without a format is plain text, and an unknown format is refused by the database."""
    flask_migrate.upgrade(revision="0011")
    now = "2026-01-01 00:00:00"
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, confirmed, created_at) "
            "VALUES (1, 'Philippine Red Cross', 'national_society', :yes, :now)"
        ), {"now": now, "yes": True})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, version) "
            "VALUES (1, 'family-links', 'Family links', 'We **will**', 'in_progress', :now, :now, 1)"
        ), {"now": now})  # fmt: skip
        conn.execute(sa.text(
            "INSERT INTO actions (id, pledge_id, attributed_to_id, date, date_precision, summary, details, position, "
            "created_at, updated_at, version) VALUES (1, 1, 1, '2020-05-14', 'day', 'Done', '*a*', 0, :now, :now, 1)"
        ), {"now": now})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT text_format, language, source_url FROM pledges")).one() == (
            "markdown",
            "en",
            None,
        )
        assert conn.execute(sa.text("SELECT text_format, language FROM actions")).one() == ("markdown", None)
        conn.execute(sa.text(
            "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, changed_at, version) "
            "VALUES (2, 'first-aid', 'First aid', 'Text', 'draft', :now, :now, :now, 1)"
        ), {"now": now})  # fmt: skip
        assert conn.execute(sa.text("SELECT text_format, language FROM pledges WHERE id = 2")).one() == ("plain", "en")
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE pledges SET text_format = 'html' WHERE id = 1"))


def test_upgrading_counts_each_pledges_last_action_and_latest_change_from_its_actions(migration_app):
    """0027 on a database with pledges and actions: each pledge's latest current action's
    date (a withdrawn one does not count) and when its page last changed are on its row."""
    flask_migrate.upgrade(revision="0026")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, confirmed, created_at) "
            "VALUES (1, 'Philippine Red Cross', 'national_society', :yes, '2020-01-01 00:00:00')"
        ), {"yes": True})  # fmt: skip
        for pledge_id, updated in ((1, "2021-01-01 00:00:00"), (2, "2022-03-01 00:00:00")):
            conn.execute(sa.text(
                "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, version) "
                "VALUES (:id, :slug, 'Family links', '', 'in_progress', '2020-01-01 00:00:00', :updated, 1)"
            ), {"id": pledge_id, "slug": f"family-links-{pledge_id}", "updated": updated})  # fmt: skip
        for action_id, date, updated, withdrawn in (
            (1, "2021-05-14", "2021-05-20 10:00:00", None),
            (2, "2021-09-01", "2022-02-01 09:30:00", "2022-02-01 09:30:00"),  # withdrawn: not the latest
        ):
            conn.execute(sa.text(
                "INSERT INTO actions (id, pledge_id, attributed_to_id, date, date_precision, summary, details, "
                "position, created_at, updated_at, withdrawn_at, version) "
                "VALUES (:id, 1, 1, :date, 'day', 'Done', '', :id, :updated, :updated, :withdrawn, 1)"
            ), {"id": action_id, "date": date, "updated": updated, "withdrawn": withdrawn})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT id, last_action_on, changed_at, actions_count FROM pledges ORDER BY id"))
    assert [(row.id, str(row.last_action_on), str(row.changed_at), row.actions_count) for row in rows] == [
        (1, "2021-05-14", "2022-02-01 09:30:00", 1),  # its withdrawal was the last change
        (2, "None", "2022-03-01 00:00:00", 0),  # no action: its own change
    ]


def _found(term: str) -> list[int]:
    return list(db.session.scalars(sa.select(Pledge.id).where(document_matches(term)).order_by(Pledge.id)))


def test_upgrading_makes_each_pledge_and_its_current_actions_found_by_their_words(migration_app):
    """0028 on a database with pledges and actions: search words for every searched text
    (translations too), each pledge's search document (a withdrawn action left out) and the
    full-text index that the register searches — which then follows every later change."""
    flask_migrate.upgrade(revision="0027")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisations (id, name, kind, confirmed, created_at) "
            "VALUES (1, 'Croix-Rouge française', 'national_society', :yes, '2020-01-01 00:00:00')"
        ), {"yes": True})  # fmt: skip
        for pledge_id, title, text in (
            (1, "Engagement pour les années 2016 à 2019", "Les autorités françaises et la Croix-Rouge française"),
            (2, "تعهد الجمعية الوطنية", "في المَدِينَة"),
        ):
            conn.execute(sa.text(
                "INSERT INTO pledges (id, slug, title, text, status, created_at, updated_at, changed_at, version) "
                "VALUES (:id, :slug, :title, :text, 'in_progress', '2020-01-01 00:00:00', '2020-01-01 00:00:00', "
                "'2020-01-01 00:00:00', 1)"
            ), {"id": pledge_id, "slug": f"pledge-{pledge_id}", "title": title, "text": text})  # fmt: skip
        for action_id, summary, withdrawn, translations in (
            (1, "Formación del Cuerpo Militar de Sanidad.", None, '{"en": {"summary": "Training of medics"}}'),
            (2, "Taller único en Cochabamba.", "2022-02-01 09:30:00", None),  # withdrawn: never found
        ):
            conn.execute(sa.text(
                "INSERT INTO actions (id, pledge_id, attributed_to_id, date, date_precision, summary, details, "
                "position, created_at, updated_at, withdrawn_at, version, translations) "
                "VALUES (:id, 1, 1, '2021-05-14', 'day', :summary, '', :id, '2021-05-20 10:00:00', "
                "'2021-05-20 10:00:00', :withdrawn, 1, :translations)"
            ), {"id": action_id, "summary": summary, "withdrawn": withdrawn, "translations": translations})  # fmt: skip
    flask_migrate.upgrade()
    with db.engine.begin() as conn:
        texts = dict(conn.execute(sa.text("SELECT id, search_text FROM pledges")).all())
    assert texts[1] == "engagement pour les annees 2016 a 2019\nles autorites francaises et la croix rouge francaise"
    assert texts[2] == "تعهد جمعية وطنية\nفي مدينة"  # the article taken off, the harakat too
    assert _found("AUTORITÉS") == _found("croix-rouge") == _found("cuerpo milit") == _found("medics") == [1]
    assert _found("المدينة") == _found("مدينة") == [2]
    assert _found("cochabamba") == _found("autoritarian") == []
    # The index follows the rows after the upgrade, whoever writes them.
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE pledges SET search_document = 'nouvelle phrase' WHERE id = 2"))
        conn.execute(sa.text("DELETE FROM actions WHERE pledge_id = 1"))
        conn.execute(sa.text("DELETE FROM pledges WHERE id = 1"))
    assert _found("nouvelle") == [2] and _found("medics") == []
    assert _found("مدينة") == []
