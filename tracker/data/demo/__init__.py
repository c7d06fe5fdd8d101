"""Demo data built from the seed documents (`shared/seeds/000–004`), for `flask demo load`.

The records are data files beside this module (see README.md here), loaded as an admin loads
any real records: the organisations, pledges, actions taken, the roundtable and its outcomes
through the import (`open_data`: every row checked, each record's history says "Imported");
the forums, themes, countries and accounts from `reference.json`; and the follow-through of
the roundtable's recommendations (`follow_through.json`) through the workflow, as its
co-chairs and owners would — its days counted back from `today`, so a demo always has
recommendations due soon and one overdue.

Loading is idempotent: every record is found by its natural key (an organisation's name, an
account's e-mail, a pledge's slug, a meeting's title…) and only what is missing is made. An
existing record is never changed — not even a demo account's password. Nothing is committed
here: the caller commits once.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from ...accounts.models import Organisation, Role, User
from ...core import csv_cells
from ...core.extensions import db
from ...core.i18n import _l, _n
from ...core.text import slugify
from ...pledges.models import Pledge
from ...roundtables import operations as roundtables
from ...roundtables.models import Roundtable
from ...taxonomy.models import Country, Forum, ForumKind, Theme
from .. import open_data

DATA = Path(__file__).parent
DEMO_PASSWORD = "demo-password"

# Names and accounts other code (and the tests) refer to.
ARC = "Australian Red Cross"
PRC = "Philippine Red Cross"
ADMIN_EMAIL = "admin@example.org"
ARC_STAFF = "staff.arc@example.org"
PRC_STAFF = "staff.prc@example.org"
DFAT_STAFF = "staff.dfat@example.org"
AHRC_STAFF = "staff.ahrc@example.org"
AU_CO_CHAIR = "cochair.au@example.org"
ID_CO_CHAIR = "cochair.id@example.org"
BALI_ROUNDTABLE_SLUG = "bali-process-government-civil-society-roundtable-2018"

# The import files, in the order they are read, each with the column that names a record.
FILES = {
    "organisations.csv": "name",
    "pledges.csv": "slug",
    "actions.csv": "pledge",
    "meetings.csv": "meeting",
    "outcomes.csv": "meeting",
}


@dataclass
class _Tally:
    """What one load made: the summary, and whether anything changed at all."""

    pledges: int = 0
    actions: int = 0
    roundtables: int = 0
    recommendations: int = 0
    accounts: int = 0
    other: int = 0  # organisations, forums, themes, countries

    def summary(self) -> str:
        if not any(vars(self).values()):
            return str(_l("Demo data already loaded; nothing changed."))
        parts = [
            _n("%(num)s pledge", "%(num)s pledges", self.pledges),
            _n("%(num)s action", "%(num)s actions", self.actions),
            _n("%(num)s roundtable", "%(num)s roundtables", self.roundtables),
            _n("%(num)s recommendation", "%(num)s recommendations", self.recommendations),
            _n("%(num)s account", "%(num)s accounts", self.accounts),
        ]
        return str(_l("Loaded demo data: %(counts)s.", counts=", ".join(map(str, parts))))


def load_demo(only_if_empty: bool = False, today: dt.date | None = None) -> str:
    """Add whatever of the demo data is missing, and say what was added.

    `only_if_empty`: do nothing when the database already holds any pledge (for a
    deployment that loads the demo on first start). `today` anchors the recommendations'
    due dates and progress updates. Flushes but never commits.
    """
    if only_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)):
        return str(_l("The database already holds pledges; demo data not loaded."))
    loader = _Loader(today or dt.date.today())
    loader.load()
    return loader.tally.summary()


def _json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class _Loader:
    def __init__(self, today: dt.date):
        self.today = today
        self.tally = _Tally()
        self.users: dict[str, User] = {}
        self.reference = _json("reference.json")

    def load(self) -> None:
        self._reference_data()
        self._accounts(admins=True)
        self._import()
        self._accounts(admins=False)
        self._follow_through()
        db.session.flush()

    def _get_or_make(self, model, key: dict, **fields):
        record = db.session.scalar(sa.select(model).filter_by(**key))
        if record is None:
            record = model(**key, **fields)
            db.session.add(record)
            db.session.flush()
            self.tally.other += 1
        return record

    def _reference_data(self) -> None:
        for forum in self.reference["forums"]:
            fields = {name: value for name, value in forum.items() if name != "name"}
            self._get_or_make(Forum, {"name": forum["name"]}, **fields | {"kind": ForumKind(forum["kind"])})
        for name in self.reference["themes"]:
            self._get_or_make(Theme, {"slug": slugify(name)}, name=name)
        for country in self.reference["countries"]:
            self._get_or_make(Country, {"name": country["name"]}, iso_code=country["iso_code"])

    def _accounts(self, *, admins: bool) -> None:
        """The demo accounts (all with DEMO_PASSWORD): the admin first (who imports), the
        others once their organisations are there."""
        for account in self.reference["accounts"]:
            role = Role(account["role"])
            if (role is Role.ADMIN) != admins:
                continue
            user = db.session.scalar(sa.select(User).where(User.email == account["email"]))
            if user is None:
                organisation = account["organisation"]
                user = User(
                    email=account["email"],
                    name=account["name"],
                    role=role,
                    organisation=db.session.scalar(sa.select(Organisation).where(Organisation.name == organisation))
                    if organisation
                    else None,
                )
                user.password_hash = _demo_password_hash()
                db.session.add(user)
                db.session.flush()
                self.tally.accounts += 1
            self.users[account["email"]] = user

    def _import(self) -> None:
        """The records of the data files that are not in the tracker yet, through the import."""
        known = {
            "organisations.csv": set(db.session.scalars(sa.select(Organisation.name))),
            "pledges.csv": set(db.session.scalars(sa.select(Pledge.slug))),
            "meetings.csv": set(db.session.scalars(sa.select(Roundtable.title))),
        }
        known["actions.csv"], known["outcomes.csv"] = known["pledges.csv"], known["meetings.csv"]
        files = [(name, _without(name, FILES[name], known[name])) for name in FILES]
        batch = open_data.read([(name, text) for name, text in files if text is not None])
        if batch.errors:  # (the data files are checked by the tests: this is a programming error)
            raise RuntimeError("The demo data files do not import: " + "; ".join(map(str, batch.errors)))
        batch.write(self.users[ADMIN_EMAIL])
        self.tally.other += len(batch.organisations)
        self.tally.pledges += len(batch.pledges)
        self.tally.actions += len(batch.actions)
        self.tally.roundtables += len(batch.meetings)
        self._new_meetings = {meeting.slug for meeting in batch.meetings}

    def _follow_through(self) -> None:
        """The roundtable's recommendations, followed through by its co-chairs and owners."""
        plan = _json("follow_through.json")
        if plan["meeting"] not in self._new_meetings:
            return
        roundtable = db.session.scalars(sa.select(Roundtable).where(Roundtable.slug == plan["meeting"])).one()
        agreed_on = self.today - dt.timedelta(days=plan["agreed_days_ago"])
        for seed in plan["recommendations"]:
            self._recommendation(roundtable, seed, agreed_on)

    def _recommendation(self, roundtable: Roundtable, seed: dict[str, Any], agreed_on: dt.date) -> None:
        group, place = seed["outcome"]
        outcome = roundtable.outcome_groups[group].outcomes[place]
        owners = [
            db.session.scalar(sa.select(Organisation).where(Organisation.name == name)) for name in seed["owners"]
        ]
        recommendation = roundtables.create_recommendation(
            roundtable,
            self.users[seed["created_by"]],
            text=outcome.as_recommendation(),
            owners=[owner for owner in owners if owner is not None],
            due_date=self.today + dt.timedelta(days=seed["due_in_days"]),
            outcome=outcome,
        )
        self.tally.recommendations += 1
        if seed["agreed_by"] is None:
            return
        roundtables.take_transition(recommendation, "agree", self.users[seed["agreed_by"]], today=agreed_on)
        for days_ago, author, text in seed.get("updates", []):
            day = self.today - dt.timedelta(days=days_ago)
            roundtables.post_progress_update(recommendation, self.users[author], text=text, date=day)
        if "completed" in seed:
            days_ago, owner_staff, what_was_done = seed["completed"]
            day = self.today - dt.timedelta(days=days_ago)
            roundtables.take_transition(
                recommendation, "complete", self.users[owner_staff], what_was_done=what_was_done, today=day
            )
        if "review" in seed:
            event, co_chair, reason = seed["review"]
            roundtables.take_transition(recommendation, event, self.users[co_chair], reason=reason)


def _without(name: str, column: str, known: set[str]) -> str | None:
    """The data file `name` without the rows whose `column` names a record the tracker has;
    None when no row is left."""
    text = (DATA / name).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    index = rows[0].index(column)
    kept = [row for row in rows[1:] if csv_cells.unescape(row[index]) not in known]
    if not kept:
        return None
    out = io.StringIO(newline="")
    csv.writer(out).writerows([rows[0], *kept])
    return out.getvalue()


@functools.cache
def _demo_password_hash() -> str:
    """One hash for every demo account, made once per process: the password is public
    anyway, and scrypt is slow on purpose (seven hashes per load, in every test that loads)."""
    return generate_password_hash(DEMO_PASSWORD)
