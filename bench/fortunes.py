"""Baseline (b) of `make bench`: TechEmpower's "Fortunes" test on Flask, Flask-SQLAlchemy
and Jinja — one ORM query of a small table, and an autoescaped template.

    DATABASE_URL=... gunicorn -c bench/gunicorn.conf.py --pythonpath bench fortunes:app
    DATABASE_URL=... python bench/fortunes.py setup   # the `fortune` table and its 12 rows

As TechEmpower's rules ask: every request reads all the rows with one query, adds one
fortune in memory, sorts by message and renders an HTML table (one fortune is a <script>,
which the template's autoescaping must neutralise). It uses the tracker's database and the
production configuration's engine options, so the ratio tracker/fortunes isolates what the
tracker does beyond "one query + one template". The table is created by bench/run.py before
the servers start (two workers creating it at once would race), not by the app.
"""

import os
import sys
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

HERE = Path(__file__).resolve().parent
sys.path.insert(1, str(HERE.parent))  # config.py, for the production engine options

from config import ProductionConfig, database_url  # noqa: E402

# TechEmpower's twelve fortunes (id, message), as in its database set-up scripts.
FORTUNES = [
    (1, "fortune: No such file or directory"),
    (2, "A computer scientist is someone who fixes things that aren't broken."),
    (3, "After enough decimal places, nobody gives a damn."),
    (4, "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1"),
    (5, "A computer program does what you tell it to do, not what you want it to do."),
    (6, "Emacs is a nice operating system, but I prefer UNIX. \u2014 Tom Christaensen"),
    (7, "Any program that runs right is obsolete."),
    (8, "A list is only as strong as its weakest link. \u2014 Donald Knuth"),
    (9, "Feature: A bug with seniority."),
    (10, "Computers make very fast, very accurate mistakes."),
    (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
    (12, "\u30d5\u30ec\u30fc\u30e0\u30ef\u30fc\u30af\u306e\u30d9\u30f3\u30c1\u30de\u30fc\u30af"),
]
ADDITIONAL = "Additional fortune added at request time."


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Fortune(db.Model):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    message: Mapped[str] = mapped_column(sa.String(2048))


def _url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("bench/fortunes.py needs DATABASE_URL (the tracker's bench database)")
    return database_url(url)


def create_app() -> Flask:
    app = Flask(__name__, template_folder=str(HERE / "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = _url()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(ProductionConfig.SQLALCHEMY_ENGINE_OPTIONS)
    db.init_app(app)

    @app.get("/fortunes")
    def fortunes():
        rows = db.session.scalars(sa.select(Fortune)).all()
        # A transient object, never added to the session: nothing is written.
        rows.append(Fortune(id=0, message=ADDITIONAL))
        rows.sort(key=lambda fortune: fortune.message)
        return render_template("fortunes.html", fortunes=rows)

    return app


def setup_table(url: str) -> int:
    """Create the `fortune` table with TechEmpower's rows where missing; returns the row count."""
    engine = sa.create_engine(database_url(url))
    try:
        Base.metadata.create_all(engine, tables=[Fortune.__table__])
        with engine.begin() as connection:
            present = set(connection.scalars(sa.select(Fortune.id)))
            missing = [{"id": id_, "message": message} for id_, message in FORTUNES if id_ not in present]
            if missing:
                connection.execute(sa.insert(Fortune.__table__), missing)
            return connection.scalar(sa.select(sa.func.count()).select_from(Fortune.__table__))
    finally:
        engine.dispose()


if __name__ == "__main__":
    if sys.argv[1:] != ["setup"]:
        sys.exit("usage: DATABASE_URL=... python bench/fortunes.py setup")
    print(f"fortune table ready: {setup_table(_url())} rows")
else:
    app = create_app()
