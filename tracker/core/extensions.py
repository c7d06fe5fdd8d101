"""The Flask extensions, created unbound and initialised once in `create_app`."""

import sqlalchemy as sa
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, identical on SQLite and PostgreSQL, so migrations can name them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every area's models subclass this SQLAlchemy 2.0 base directly, so that mypy knows
    them (Flask-SQLAlchemy's `db.Model` is not a type it can check). `db.Model` is made from
    it and shares its registry and metadata: `db.metadata`, `db.create_all()`, the migrations
    and `db.session` see every model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def described_by_models(object, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate's `include_object`: False for what the database has on purpose
    beyond the models — the public search's trigram indexes, on PostgreSQL only (migration
    0005), the indexes of the latest actions, written per database (0027), and the register's
    full-text index and order (0028) — so that `flask db check` does not offer to drop them."""
    if type_ == "table" and reflected and name is not None and name.startswith("pledges_search"):
        return False  # the register's full-text index on SQLite: an FTS5 table and its own (0028)
    if type_ == "column" and reflected and name == "search_vector":
        return False  # … and on PostgreSQL: the pledges' words, a generated column (0028)
    return not (
        type_ == "index"
        and reflected
        and name is not None
        and name.endswith(("_trgm", "_latest_taken", "_latest_recorded", "_fts", "_order"))
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
