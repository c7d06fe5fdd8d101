"""Every page costs the same number of SQL statements whatever it lists: no N+1, ever.

A page that loads its rows, then each row's children one query at a time, is fast with the
three records a developer has and slow with the three hundred a real register holds. So
every page and API endpoint (every GET route of `app.url_map` but the static files) is
requested with 3 rows and again with 300, and must execute exactly as many statements both
times. "Rows" are what the page lists or shows: pledges on a list, actions on a pledge's
page, recommendations on a roundtable or dashboard, users and history entries on the admin
pages, progress updates on a recommendation — each complete with its children (signatories,
themes, countries, figures, links, owners …), every child its own record: N+1 usually hides
in the children, and a many-to-one whose record is already in the session costs nothing, so
shared records would hide it.

QUERY_COUNTED is the table: endpoint -> who is logged in, which rows are grown (a builder),
the address. A GET route missing from it fails `test_every_page_has_a_query_count`, so a new
page gets its line. Pages that differ for logged-in people are measured for them too.

Lists show a page of ITEMS_PER_PAGE (20): with 300 rows the page is full, with 3 it is not;
either way it must cost the same. Rows are added by multi-row INSERTs (the factories take
~20 ms a pledge), as completely as the operations would write them.

Each request is measured in an app context of its own (a fresh session, as on a server) by
a fresh client, after the setup is committed; the render cache is off, and the data version
must have moved between the two measurements, so neither is a kept render.

`test_hot_pages_load_nothing_lazily` renders the busiest pages with `raiseload("*")` forced
on every ORM SELECT of the request (and any other lazy load refused): what a page reads
must be loaded eagerly by its view's query.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import raiseload

from tests.evidence import pdf_bytes
from tests.factories import take_transition
from tracker import create_app
from tracker.accounts import addresses, passwords
from tracker.accounts import operations as accounts
from tracker.accounts.models import Organisation, OrganisationKind, Role, User
from tracker.core import clock, data_version
from tracker.core.columns import utcnow
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.core.files import Upload
from tracker.core.history import HistoryEntry
from tracker.data import imports
from tracker.data.models import PendingImport
from tracker.notifications.models import MailStatus, Notification, OutgoingMail
from tracker.notifications.operations import unsubscribe_token
from tracker.pledges import followers
from tracker.pledges.evidence import EvidenceLink
from tracker.pledges.mails import SIGNATURE_INVITATION
from tracker.pledges.models import (
    ActionFigure,
    ActionTaken,
    Pledge,
    PledgeFollower,
    PledgeIndicator,
    PledgeSignatory,
    action_organisations,
    pledge_countries,
    pledge_themes,
)
from tracker.roundtables import mails as recommendation_mails
from tracker.roundtables.models import (
    Outcome,
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationIndicator,
    RecommendationOwner,
    RecommendingOrganisation,
    Roundtable,
    roundtable_co_chairs,
    roundtable_participants,
)
from tracker.roundtables.operations import add_outcome, add_outcome_group, create_recommendation, post_progress_update
from tracker.taxonomy import operations as taxonomy
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

from .conftest import CommittingClient
from .databases import empty_all_tables
from .factories import _PASSWORD_HASH, PASSWORD, Factories

FEW, MANY = 3, 300

# Routes that serve files, not pages: no database behind them.
NOT_PAGES = {"static", "bootstrap.static", "api_docs.asset"}

# --- the app --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_app(schema_url):
    """One app for the module (a new app per test would compile every template again). Any
    cache of rendered pages is off: each measurement must be of a real render."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url, "RENDER_CACHE": False})
    app.test_client_class = CommittingClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(shared_app):
    """The shared app in this test's own app context, emptied afterwards (as conftest's is).
    The tables were emptied since the last test: the data version starts again, under a new
    generation (the board only ever moves forward otherwise)."""
    with shared_app.app_context():
        data_version.reset_board()
        yield shared_app
        db.session.remove()
        empty_all_tables()


# --- rows, in bulk ----------------------------------------------------------------------------

_serial = itertools.count(1)


def _serials(k: int) -> list[int]:
    return [next(_serial) for _ in range(k)]


def _insert(model, rows: list[dict], key: str | None = None) -> list[int]:
    """One multi-row INSERT (Core's: the ORM's bulk insert splits rows by which values are
    None). With `key` (a column unique among the rows), the new rows' ids in the order of
    `rows`: SQLite returns them in no promised order, and ordering them with
    sort_by_parameter_order would make it insert row by row."""
    if not rows:
        return []
    table = model if isinstance(model, sa.Table) else model.__table__
    if key is None:
        db.session.execute(table.insert(), rows)
        return []
    ids = {value: id_ for id_, value in db.session.execute(table.insert().returning(table.c.id, table.c[key]), rows)}
    return [ids[row[key]] for row in rows]


_link = _insert  # rows without an id of their own: link tables, signatories, owners


def _organisations(k: int, prefix: str, kind=OrganisationKind.NATIONAL_SOCIETY) -> list[int]:
    """k organisations, every fourth one proposed by staff (awaiting an admin)."""
    return _insert(
        Organisation,
        key="name",
        rows=[
            {"name": f"{prefix} {i}", "short_name": f"{prefix[:3].upper()}{i}", "kind": kind, "country": "Fiji",
             "confirmed": i % 4 != 0}
            for i in _serials(k)
        ],
    )  # fmt: skip


def _users(organisation_ids: list[int], role=Role.STAFF) -> list[int]:
    """A person of each organisation given, every fifth one deactivated."""
    return _insert(
        User,
        key="email",
        rows=[
            {"email": f"person{i}@example.org", "name": f"Person {i}", "role": role, "organisation_id": org,
             "password_hash": _PASSWORD_HASH, "active": bool(i % 5)}
            for i, org in zip(_serials(len(organisation_ids)), organisation_ids, strict=True)
        ],
    )  # fmt: skip


def _forums(k: int, kind=ForumKind.CONFERENCE) -> list[int]:
    return _insert(
        Forum,
        key="name",
        rows=[
            {
                "name": f"Forum {i}",
                "slug": f"forum-{i}",
                "short_name": f"F{i}",
                "kind": kind,
                "year": 2019,
                "description": "A forum.",
            }
            for i in _serials(k)
        ],
    )


def _themes(k: int) -> list[int]:
    return _insert(Theme, [{"name": f"Theme {i}", "slug": f"theme-{i}"} for i in _serials(k)], key="slug")


def _countries(k: int) -> list[int]:
    return _insert(Country, [{"name": f"Country {i}", "iso_code": None} for i in _serials(k)], key="name")


def _history(rows: list[tuple]) -> None:
    """(record_type, record_id, timeline_type, timeline_id, event, actor_id, changes) each."""
    _insert(
        HistoryEntry,
        [
            {"record_type": record_type, "record_id": record_id, "timeline_type": timeline_type,
             "timeline_id": timeline_id, "event": event, "actor_id": actor_id, "changes": changes,
             "from_state": None, "to_state": None, "comment": "Because."}
            for record_type, record_id, timeline_type, timeline_id, event, actor_id, changes in rows
        ],
    )  # fmt: skip


_PRECISIONS = (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)


def _actions(
    pledge_ids, attributed, involved, creators, *, start: int = 0, headings=(None,), withdrawn_by=None
) -> list[int]:
    """One action per pledge id given (ids may repeat), each with two organisations
    involved, two figures and two evidence links; every fourth withdrawn if `withdrawn_by`."""
    now = utcnow()
    serials = _serials(len(pledge_ids))
    ids = _insert(
        ActionTaken,
        key="summary",
        rows=[
            {"pledge_id": pledge_id, "attributed_to_id": org, "created_by_id": creator,
             "date": dt.date(2019, 1, 1) + dt.timedelta(days=i), "date_precision": _PRECISIONS[i % 3],
             "heading": headings[(n // 2) % len(headings)], "summary": f"Organised roundtable {i} on regional protection.",
             "details": f"Details of action {i}, with **Markdown**.", "position": start + n,
             "withdrawn_at": now if withdrawn_by and n % 4 == 3 else None,
             "withdrawn_by_id": withdrawn_by if withdrawn_by and n % 4 == 3 else None}
            for n, (i, pledge_id, org, creator) in enumerate(zip(serials, pledge_ids, attributed, creators, strict=True))
        ],
    )  # fmt: skip
    _link(
        action_organisations,
        [
            {"action_id": a, "organisation_id": org}
            for a, *orgs in zip(ids, attributed, involved, strict=True)
            for org in orgs
        ],
    )
    # An indicator of its pledge for each action (so k on one pledge's page), with a target;
    # the action's first figure counts towards it.
    indicators = _insert(
        PledgeIndicator,
        key="name",
        rows=[
            {"pledge_id": pledge_id, "name": f"People trained {i}", "unit": "people", "baseline_value": Decimal(0),
             "target_value": Decimal(5000), "target_date": dt.date(2027, 12, 31), "combine": "sum", "position": start + n}
            for n, (i, pledge_id) in enumerate(zip(serials, pledge_ids, strict=True))
        ],
    )  # fmt: skip
    _insert(
        ActionFigure,
        [
            {"action_id": a, "label": label, "value": Decimal(1000 + n), "unit": "people", "year": 2020,
             "period_note": None if n % 2 else "Jan–Jun 2020", "position": p,
             "indicator_id": indicator if p == 0 else None}
            for n, (a, indicator) in enumerate(zip(ids, indicators, strict=True))
            for p, label in enumerate(("People trained", "Officials reached"))
        ],
    )  # fmt: skip
    _insert(
        EvidenceLink,
        [
            {"action_id": a, "url": f"https://example.org/report/{a}/{p}", "title": f"Report {p}", "position": p}
            for a in ids
            for p in range(2)
        ],
    )
    return ids


# --- the world ----------------------------------------------------------------------------------


class World:
    """The records the addresses name and the visitors, made with the factories when first
    needed; and, grown by the row builders below, what the pages list."""

    def __init__(self, make):
        self.make = make

    # The visitors.
    @cached_property
    def signatory_org(self) -> Organisation:
        return self.make.organisation("Signatory Red Cross", short_name="SRC")

    @cached_property
    def staff(self) -> User:
        """Staff of the organisation that leads the pledge and co-signs every listed pledge."""
        return self.make.staff(organisation=self.signatory_org, name="Amira Staff")

    @cached_property
    def government(self) -> Organisation:
        return self.make.organisation("Government of Co-chairs", kind=OrganisationKind.GOVERNMENT)

    @cached_property
    def co_chair(self) -> User:
        return self.make.co_chair(organisation=self.government, name="Chen Co-chair")

    @cached_property
    def owner_org(self) -> Organisation:
        return self.make.organisation("Owner Red Crescent")

    @cached_property
    def owner(self) -> User:
        return self.make.staff(organisation=self.owner_org, name="Olu Owner")

    @cached_property
    def admin(self) -> User:
        return self.make.admin(name="Ada Admin")

    def visitor(self, name: str) -> User | None:
        return None if name == ANONYMOUS else getattr(self, name)

    # The records addresses name.
    @cached_property
    def forum(self) -> Forum:
        return taxonomy.create_forum(self.admin, name="Global Refugee Forum", kind=ForumKind.CONFERENCE, year=2019)

    @cached_property
    def theme(self) -> Theme:
        return taxonomy.create_theme(self.admin, name="Protection")

    @cached_property
    def country(self) -> Country:
        return taxonomy.create_country(self.admin, name="Fiji", iso_code="FJ")

    @cached_property
    def organisation(self) -> Organisation:
        return self.make.organisation("Organisation for the admin pages")

    @cached_property
    def pending_import(self) -> PendingImport:
        """An import the admin uploaded, waiting for its preview to be confirmed: pledges that
        name an organisation there and one to create, a forum, countries, and their actions."""
        files = [
            ("pledges.csv", (
                b"source_reference,title,state,forum,lead_signatory,other_signatories,countries,text,source_url\r\n"
                b"P1,,in_progress,Council of Delegates,Signatory Red Cross,New Society,Fiji; Tonga,We pledge.,https://x.org/1\r\n"
                b"P2,Second,draft,,New Society,,,,\r\n"
            )),
            ("actions.csv", b"pledge,date,summary,attributed_to\r\nP1,,Trained volunteers.,Signatory Red Cross\r\n"),
        ]  # fmt: skip
        return imports.upload(self.admin, files)

    @cached_property
    def invitation(self) -> tuple[User, str]:
        return accounts.invite_user(
            self.admin,
            email="invited@example.org",
            name="Invited Person",
            role=Role.STAFF,
            organisation=self.organisation,
        )

    @cached_property
    def follower(self) -> PledgeFollower:
        """Someone of the public following the pledge by e-mail (not yet confirmed)."""
        followers.ask_to_follow(self.pledge, "follower@example.net")
        return db.session.scalar(sa.select(PledgeFollower).where(PledgeFollower.pledge_id == self.pledge.id))

    @cached_property
    def pledge(self) -> Pledge:
        """Published, led by the staff's organisation, with a forum, a theme and a country."""
        country = Country(name="Fiji", iso_code="FJ")
        db.session.add(country)
        pledge = self.make.pledge(
            author=self.staff, title="The regional protection pledge", forum_id=self.forum.id, themes=[self.theme],
            countries=[country], co_signatories=[self.owner_org], period_start=2019, period_end=2023,
            budget_amount=Decimal(80_000_000), budget_currency="AUD", region="Asia-Pacific",
        )  # fmt: skip
        take_transition(pledge, "start", self.staff)
        return pledge

    @cached_property
    def action(self) -> ActionTaken:
        """An action of the pledge, recorded by the staff's organisation (the one they edit)."""
        return self.make.action(
            self.pledge,
            author=self.staff,
            organisations=[self.signatory_org, self.owner_org],
            figures=[{"label": "People trained", "value": Decimal(2037), "unit": "people", "year": 2020}],
            links=[{"url": "https://example.org/report", "title": "Report"}],
            files=[Upload("report.pdf", pdf_bytes())],
        )

    @cached_property
    def roundtable(self) -> Roundtable:
        roundtable = self.make.roundtable(co_chairs=[self.government], title="Bali roundtable", slug="bali")
        group = add_outcome_group(roundtable, self.co_chair, heading="On coordination:")
        add_outcome(group, self.co_chair, text="formalising national mechanisms; and")
        return roundtable

    @cached_property
    def group(self) -> OutcomeGroup:
        return self.roundtable.outcome_groups[0]

    @cached_property
    def outcome(self) -> Outcome:
        return self.group.outcomes[0]

    @cached_property
    def recommendation(self) -> Recommendation:
        """Agreed, in the public roundtable, owned by the owner's organisation, with an update."""
        recommendation = create_recommendation(
            self.roundtable, self.co_chair, text="Formalise national coordination mechanisms.", owners=[self.owner_org],
            due_date=dt.date(2030, 1, 1), outcome=self.outcome, group=self.group,
        )  # fmt: skip
        take_transition(recommendation, "agree", self.co_chair)
        post_progress_update(
            recommendation, self.owner, text="A first meeting was held.", date=dt.date(2020, 1, 1),
            files=[Upload("minutes.pdf", pdf_bytes())],
        )  # fmt: skip
        return recommendation

    def touch(self) -> None:
        """A change through the ORM, so the data version moves (bulk INSERTs do not move it)."""
        self.make.organisation()


# --- the rows each page lists --------------------------------------------------------------------
# Each builder adds `k` rows (and their children) to the world; a page's rows are grown by 3,
# measured, grown by 297 more and measured again.


def pledges(w: World, k: int) -> None:
    """k pledges (a third of them drafts, a third done), each led by an organisation of its
    own and co-signed by the staff's organisation and another, with a forum, two themes, two
    countries, an action taken (figures, links, organisations) and their history."""
    leads, partners = _organisations(k, "Lead Society"), _organisations(k, "Partner Society")
    forums, themes, countries = _forums(k), _themes(2 * k), _countries(2 * k)
    authors = _users(leads)
    now = utcnow()
    serials = _serials(k)
    states = [("in_progress", "done", "draft")[n % 3] for n in range(k)]
    ids = _insert(
        Pledge,
        key="slug",
        rows=[
            {"slug": f"regional-protection-{i}", "title": f"Regional protection {i}",
             "text": f"Strengthen regional protection for vulnerable migrants ({i}).", "status": state,
             "forum_id": forum, "region": "Asia-Pacific", "period_start": 2019, "period_end": 2023 + n % 3,
             "budget_amount": Decimal(1000 * i), "budget_currency": "AUD", "budget_note": "annually",
             "actions_intro": "Progress includes:", "contact_name": "Contact", "contact_email": "contact@example.org",
             "published_at": None if state == "draft" else now - dt.timedelta(days=n),
             "completed_at": now if state == "done" else None, "created_by_id": author}
            for n, (i, state, forum, author) in enumerate(zip(serials, states, forums, authors, strict=True))
        ],
    )  # fmt: skip
    signatory = w.signatory_org.id
    # Every other partner is only invited (and not shown): lists must not load or count it apart.
    _link(
        PledgeSignatory,
        [
            {"pledge_id": p, "organisation_id": org, "is_lead": position == 0, "position": position,
             "status": "invited" if position == 2 and n % 2 else "signed"}
            for n, (p, lead, partner) in enumerate(zip(ids, leads, partners, strict=True))
            for position, org in enumerate((lead, signatory, partner))
        ],
    )  # fmt: skip
    _link(
        pledge_themes, [{"pledge_id": p, "theme_id": t} for n, p in enumerate(ids) for t in themes[2 * n : 2 * n + 2]]
    )
    _link(
        pledge_countries,
        [{"pledge_id": p, "country_id": c} for n, p in enumerate(ids) for c in countries[2 * n : 2 * n + 2]],
    )
    actions = _actions(ids, leads, partners, authors)
    _history(
        [("pledge", p, "pledge", p, "created", a, {}) for p, a in zip(ids, authors, strict=True)]
        + [("action_taken", action, "pledge", p, "action_recorded", a, {"summary": [None, "Organised"]})
           for action, p, a in zip(actions, ids, authors, strict=True)]
    )  # fmt: skip


def invitations(w: World, k: int) -> None:
    """k draft pledges, each written by staff of an organisation of its own (which leads) and
    inviting the staff's organisation to sign — every third to lead too — with a forum."""
    leads, forums = _organisations(k, "Inviting Society"), _forums(k)
    authors = _users(leads)
    now = utcnow()
    ids = _insert(
        Pledge,
        key="slug",
        rows=[
            {"slug": f"invitation-{i}", "title": f"Invitation {i}", "text": f"Protect migrants together ({i}).",
             "status": "draft", "forum_id": forum, "created_by_id": author}
            for i, forum, author in zip(_serials(k), forums, authors, strict=True)
        ],
    )  # fmt: skip
    _link(
        PledgeSignatory,
        [
            {"pledge_id": p, "organisation_id": org, "is_lead": invited is None, "position": position,
             "status": "signed" if invited is None else "invited", "invited_to_lead": invited == 0,
             "invited_by_id": None if invited is None else author,
             "invited_at": None if invited is None else now - dt.timedelta(minutes=n)}
            for n, (p, lead, author) in enumerate(zip(ids, leads, authors, strict=True))
            for position, (org, invited) in enumerate(((lead, None), (w.signatory_org.id, n % 3)))
        ],
    )  # fmt: skip
    _history([("pledge", p, "pledge", p, "created", a, {}) for p, a in zip(ids, authors, strict=True)])


def pledge_actions(w: World, k: int) -> None:
    """k actions on the pledge (every fourth withdrawn), each recorded by a co-signatory of
    its own (so k signatories), with figures, links and organisations; k more themes and
    countries on the pledge; and k history entries by k people."""
    pledge = w.pledge
    w.action  # noqa: B018  (the one the staff edit is there too)
    signatories = _organisations(k, "Co-signatory")
    people = _users(signatories)
    start = 1000 + next(_serial)
    _link(
        PledgeSignatory,
        [
            {"pledge_id": pledge.id, "organisation_id": org, "is_lead": False, "position": start + n}
            for n, org in enumerate(signatories)
        ],
    )
    _link(pledge_themes, [{"pledge_id": pledge.id, "theme_id": t} for t in _themes(k)])
    _link(pledge_countries, [{"pledge_id": pledge.id, "country_id": c} for c in _countries(k)])
    actions = _actions(
        [pledge.id] * k, signatories, [w.signatory_org.id] * k, people, start=start,
        headings=("Coordination has been strengthened, including:", None, "Training:"), withdrawn_by=people[0],
    )  # fmt: skip
    _history(
        [("action_taken", action, "pledge", pledge.id, "action_recorded", person, {"summary": [None, "Organised"]})
         for action, person in zip(actions, people, strict=True)]
        + [("pledge", pledge.id, "pledge", pledge.id, "edited", person, {"title": ["Old title", "New title"]}) for person in people]
    )  # fmt: skip


# Where a recommendation stands: (state, due in so many days, sent back). Any three in a row
# of the cycle put one in each of the owners' "needs attention" lists (overdue, due soon,
# sent back): a list left empty would skip its children's query and make 3 rows look cheaper.
OVERDUE, DUE_SOON, LATER = -10, 10, 400
_SITUATIONS = (
    ("in_progress", OVERDUE, False),
    ("in_progress", DUE_SOON, True),
    ("done", LATER, False),
    ("verified", LATER, True),  # verified after being sent back once
    ("draft", LATER, False),
    ("in_progress", LATER, True),
)


def _situations(k: int, cycle=_SITUATIONS) -> list[tuple]:
    return [cycle[n % len(cycle)] for n in range(k)]


def _recommendation_rows(w: World, roundtable_ids, group_ids, outcome_ids, leads, reviewers, situations) -> list[int]:
    """Recommendations (one per roundtable id given, in the `situations` given), each led by
    an organisation of its own and co-owned by the owner's, with two progress updates once
    agreed: by the lead, and by a former owner (owners change)."""
    today = clock.today()
    now = utcnow()
    serials = _serials(len(roundtable_ids))
    states = [state for state, _due, _sent_back in situations]
    rows = []
    for n, (i, roundtable, group, outcome, reviewer, (state, due_in, sent_back)) in enumerate(
        zip(serials, roundtable_ids, group_ids, outcome_ids, reviewers, situations, strict=True)
    ):
        due = today + dt.timedelta(days=due_in)
        rows.append(
            {"roundtable_id": roundtable, "outcome_id": outcome, "group_id": group, "text": f"Recommendation {i}.",
             "status": state, "due_date": due, "agreed_on": None if state == "draft" else today - dt.timedelta(days=200),
             "contact_name": "Contact", "contact_email": "contact@example.org",
             "verified_at": now if state == "verified" else None, "verified_by_id": reviewer if state == "verified" else None,
             "verified_comment": "Well done." if state == "verified" else None,
             "sent_back_at": now - dt.timedelta(days=1) if sent_back else None,
             "sent_back_by_id": reviewer if sent_back else None,
             "sent_back_reason": "Say more." if sent_back else None,
             "review_comment_public": n % 2 == 0, "created_by_id": reviewer}
        )  # fmt: skip
    ids = _insert(Recommendation, rows, key="text")
    former = _organisations(len(ids), "Former owner")
    # Each made by two States, in the source's order: the lead (named first) and a former owner.
    _link(
        RecommendingOrganisation,
        [
            {"recommendation_id": r, "organisation_id": org, "position": position}
            for r, lead, past in zip(ids, leads, former, strict=True)
            for position, org in enumerate((past, lead))
        ],
    )
    _link(
        RecommendationOwner,
        [
            {"recommendation_id": r, "organisation_id": org, "is_lead": position == 0, "position": position}
            for r, lead in zip(ids, leads, strict=True)
            for position, org in enumerate((lead, w.owner_org.id))
        ],
    )
    # Each aims at a number (an indicator), which its lead's update reports on.
    indicators = _insert(
        RecommendationIndicator,
        key="name",
        rows=[
            {"recommendation_id": r, "name": f"Officials trained {r}", "unit": "people", "target_value": Decimal(40),
             "combine": "sum", "position": 0}
            for r in ids
        ],
    )  # fmt: skip
    _insert(
        ProgressUpdate,
        [
            {"recommendation_id": r, "organisation_id": org, "author_id": None, "date": today - dt.timedelta(days=days),
             "text": f"Progress on {r}.", "indicator_id": indicator if org == lead else None,
             "value": Decimal(12) if org == lead else None}
            for r, indicator, lead, past, state in zip(ids, indicators, leads, former, states, strict=True)
            if state != "draft"
            for org, days in ((lead, 120), (past, 30 + r % 90))
        ],
    )  # fmt: skip
    _history(
        [
            ("recommendation", r, "recommendation", r, "created", reviewer, {})
            for r, reviewer in zip(ids, reviewers, strict=True)
        ]
    )
    return ids


def forum_pledges(w: World, k: int) -> None:
    """k pledges (as `pledges` makes them) made at one conference, and k roundtables of it
    (as `co_chaired_roundtables` makes them): its page's figures, charts and lists."""
    before = set(db.session.scalars(sa.select(Pledge.id)))
    pledges(w, k)
    rounds = set(db.session.scalars(sa.select(Roundtable.id)))
    co_chaired_roundtables(w, k)
    db.session.execute(sa.update(Pledge).where(Pledge.id.not_in(before)).values(forum_id=w.forum.id))
    db.session.execute(sa.update(Roundtable).where(Roundtable.id.not_in(rounds)).values(forum_id=w.forum.id))


def roundtable_recommendations(w: World, k: int) -> None:
    """k recommendations of the roundtable, each following an outcome of its own (k more),
    under k/10 more headings, with k participants and k co-chairs' reviews; on the
    recommendation, k updates by k more organisations, half of them owners now (the others
    were); k history entries on the roundtable and on the recommendation."""
    roundtable, recommendation = w.roundtable, w.recommendation
    leads, partners = _organisations(k, "Owner Society"), _organisations(k, "Partner Society")
    reviewers = _users([w.government.id] * k, role=Role.CO_CHAIR)
    start = 1000 + next(_serial)
    headings = _insert(
        OutcomeGroup,
        [
            {"roundtable_id": roundtable.id, "heading": f"On topic {start + n}:", "position": start + n}
            for n in range(k // 10 + 1)
        ],
        key="heading",
    )
    groups = [headings[n % len(headings)] for n in range(k)]
    outcomes = _insert(
        Outcome,
        [{"group_id": g, "text": f"outcome {start + n}; and", "position": n} for n, g in enumerate(groups)],
        key="text",
    )
    _link(roundtable_participants, [{"roundtable_id": roundtable.id, "organisation_id": org} for org in leads])
    _recommendation_rows(w, [roundtable.id] * k, groups, outcomes, leads, reviewers, _situations(k))
    _link(
        RecommendationOwner,
        [{"recommendation_id": recommendation.id, "organisation_id": org, "is_lead": False, "position": start + n}
         for n, org in enumerate(partners) if n % 2 == 0],
    )  # fmt: skip
    indicators = _insert(
        RecommendationIndicator,
        key="name",
        rows=[
            {"recommendation_id": recommendation.id, "name": f"Meetings held {start + n}", "unit": "meetings",
             "target_value": Decimal(12), "combine": "latest" if n % 2 else "sum", "position": start + n}
            for n in range(k)
        ],
    )  # fmt: skip
    updates = _insert(
        ProgressUpdate,
        key="text",
        rows=[
            {"recommendation_id": recommendation.id, "organisation_id": org, "author_id": None,
             "date": dt.date(2021, 1, 1) + dt.timedelta(days=n), "text": f"Update {start + n}: a meeting was held.",
             "indicator_id": indicator, "value": Decimal(n % 12)}
            for n, (org, indicator) in enumerate(zip(partners, indicators, strict=True))
        ],
    )  # fmt: skip
    _history(
        [("roundtable", roundtable.id, "roundtable", roundtable.id, "outcome_added", r, {"outcome": [None, "An outcome"]}) for r in reviewers]
        + [("progress_update", u, "recommendation", recommendation.id, "update_posted", r, {"text": [None, "Update"]})
           for u, r in zip(updates, reviewers, strict=True)]
    )  # fmt: skip


def co_chaired_roundtables(w: World, k: int) -> None:
    """k roundtables the co-chair's government co-chairs with another (a third private), each
    with a process, a participant, a heading and outcome, and two recommendations co-owned by
    the owner's organisation and led by another each: one done (for the review queue), one
    overdue, due soon and sent back, or a draft."""
    others = _organisations(k, "Government", kind=OrganisationKind.GOVERNMENT)
    leads, second_leads = _organisations(k, "Owner Society"), _organisations(k, "Second owner")
    reviewers = _users(others, role=Role.CO_CHAIR)
    processes = _forums(k, kind=ForumKind.PROCESS)
    serials = _serials(k)
    ids = _insert(
        Roundtable,
        key="slug",
        rows=[
            {"slug": f"roundtable-{i}", "title": f"Roundtable {i}", "forum_id": process,
             "start_date": dt.date(2018, 5, 14) + dt.timedelta(days=n), "end_date": dt.date(2018, 5, 15) + dt.timedelta(days=n),
             "place": "Bali", "summary": "What it was about.", "participants_note": "13 governments",
             "is_public": n % 3 != 2}
            for n, (i, process) in enumerate(zip(serials, processes, strict=True))
        ],
    )  # fmt: skip
    _link(
        roundtable_co_chairs,
        [
            {"roundtable_id": r, "organisation_id": org}
            for r, other in zip(ids, others, strict=True)
            for org in (w.government.id, other)
        ],
    )
    _link(
        roundtable_participants,
        [{"roundtable_id": r, "organisation_id": org} for r, org in zip(ids, leads, strict=True)],
    )
    groups = _insert(
        OutcomeGroup,
        [{"roundtable_id": r, "heading": f"On coordination ({r}):", "position": 0} for r in ids],
        key="heading",
    )
    outcomes = _insert(
        Outcome, [{"group_id": g, "text": f"formalising mechanisms ({g})", "position": 0} for g in groups], key="text"
    )
    _recommendation_rows(
        w, ids * 2, groups * 2, outcomes * 2, leads + second_leads, reviewers * 2,
        [("done", LATER, False)] * k + _situations(k, (_SITUATIONS[0], _SITUATIONS[1], _SITUATIONS[4])),
    )  # fmt: skip
    _history(
        [
            ("roundtable", r, "roundtable", r, "created", reviewer, {})
            for r, reviewer in zip(ids, reviewers, strict=True)
        ]
    )


def people_and_reference_data(w: World, k: int) -> None:
    """k organisations (every fourth proposed), k people (staff and co-chairs), k forums, k
    themes and k countries; each with its audit entries (created, invited, logged in) by a
    person of its own; and k changes to the account the admin edits."""
    organisations = _organisations(k, "Member Society")
    people = _users(organisations[: k // 2]) + _users(organisations[k // 2 :], role=Role.CO_CHAIR)
    forums, themes = _forums(k), _themes(k)
    _countries(k)
    account = w.invitation[0]
    rows = []
    for org, person, forum, theme in zip(organisations, people, forums, themes, strict=True):
        rows += [
            ("organisation", org, "organisation", org, "created", person, {"name": [None, "Member Society"]}),
            ("user", person, "user", person, "invited", person, {"name": [None, "Person"]}),
            ("forum", forum, "forum", forum, "created", person, {"name": [None, "Forum"]}),
            ("theme", theme, "theme", theme, "edited", person, {"name": ["Old", "New"]}),
            ("user", person, "user", person, "logged_in", person, {"address": "192.0.2.1"}),
            ("user", account.id, "user", account.id, "edited", person, {"name": ["Old name", "Invited Person"]}),
        ]
    _history(rows)


def outbox(w: World, k: int) -> None:
    """k e-mails in the outbox, every third failed with the mail server's answer."""
    now = utcnow()
    _insert(
        OutgoingMail,
        [
            {"kind": "account_invitation", "user_id": None, "to_address": f"person{i}@example.org",
             "to_name": f"Person {i}", "context": {"user_id": 0}, "attempts": 1, "next_attempt_at": now,
             "status": MailStatus.FAILED if i % 3 == 0 else MailStatus.SENT, "claimed_by": None, "claimed_at": None,
             "last_answer": "550 5.1.1 No such mailbox", "created_at": now, "sent_at": None}
            for i in range(k)
        ],
    )  # fmt: skip


def notifications(w: World, k: int) -> None:
    """k notifications of the staff member, of every kind the centre lists (a third read),
    and k of someone else's; and k choices of theirs (one kind, then another)."""
    other = w.make.staff()
    now = utcnow()
    contexts = [
        (SIGNATURE_INVITATION, {"pledge_title": "A pledge", "organisation": "O", "inviting": "I", "invited_by": "P"}),
        (recommendation_mails.AGREED, {"recommendation_id": 1, "roundtable": "R", "due": "D", "excerpt": "E"}),
        ("a_kind_no_longer_declared", {}),
    ]
    _insert(
        Notification,
        [
            {"user_id": person, "kind": contexts[i % 3][0], "context": contexts[i % 3][1], "created_at": now,
             "read_at": now if i % 3 == 0 else None, "kept_for_digest": False, "digest_id": None}
            for person in (w.staff.id, other.id)
            for i in range(k)
        ],
    )  # fmt: skip


def _reset_link(w: World) -> str:
    return f"/auth/reset-password/{passwords.reset_password_token(w.invitation[0])}"


def _unsubscribe_link(w: World) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(w.invitation[0].id, SIGNATURE_INVITATION)}"


# --- the table -----------------------------------------------------------------------------------

ANONYMOUS, STAFF, CO_CHAIR, OWNER, ADMIN = "anonymous", "staff", "co_chair", "owner", "admin"


@dataclasses.dataclass(frozen=True)
class Page:
    visitor: str  # who is logged in
    rows: Callable[[World, int], None]  # what the page lists, grown by k
    url: Callable[[World], str]
    status: int = 200  # what it answers (a shortcut that only redirects: 302)

    def __str__(self):
        return f"{self.visitor}, {self.rows.__name__}"


def at(path: str) -> Callable[[World], str]:
    """An address with `{w.…}` fields of the world, e.g. at("/pledges/{w.pledge.slug}")."""
    return lambda w: path.format(w=w)


def _filtered_pledges(w: World) -> str:
    return f"/pledges?q=regional&organisation={w.signatory_org.id}&sort=title"


QUERY_COUNTED: dict[str, tuple[Page, ...]] = {
    # The public pages, downloads, feeds and API: as the public sees them, and logged in
    # (the public pages' buttons and menus differ then).
    "public.home": (Page(ANONYMOUS, pledges, at("/")), Page(STAFF, pledges, at("/"))),
    "public.open_data": (Page(ANONYMOUS, pledges, at("/open-data")),),
    "public.login_shortcut": (Page(ANONYMOUS, pledges, at("/login"), status=302),),
    "public.feeds_page": (
        Page(ANONYMOUS, pledges, at("/feeds")),
        Page(ANONYMOUS, pledge_actions, at("/feeds?pledge={w.pledge.slug}")),
    ),
    "public.forum": (Page(ANONYMOUS, forum_pledges, at("/forums/{w.forum.slug}")),),
    "public.forum_report": (Page(ANONYMOUS, forum_pledges, at("/forums/{w.forum.slug}/report.pdf")),),
    "public.actions_feed": (Page(ANONYMOUS, pledges, at("/actions.atom")),),
    "public.pledges_csv": (
        Page(ANONYMOUS, pledges, at("/pledges.csv")),
        Page(ANONYMOUS, pledges, lambda w: _filtered_pledges(w).replace("/pledges", "/pledges.csv")),
    ),
    "public.actions_csv": (Page(ANONYMOUS, pledges, at("/actions.csv")),),
    "public.recommendations_csv": (Page(ANONYMOUS, roundtable_recommendations, at("/recommendations.csv")),),
    "pledges.index": (
        Page(ANONYMOUS, pledges, at("/pledges")),
        Page(ANONYMOUS, pledges, _filtered_pledges),
        Page(ANONYMOUS, pledges, at("/pledges?sort=newest&state=in_progress")),
        Page(STAFF, pledges, at("/pledges")),
    ),
    "pledges.show": (
        Page(ANONYMOUS, pledge_actions, at("/pledges/{w.pledge.slug}")),
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}")),
        Page(ADMIN, pledge_actions, at("/pledges/{w.pledge.slug}")),
    ),
    "pledges.actions_feed": (Page(ANONYMOUS, pledge_actions, at("/pledges/{w.pledge.slug}/actions.atom")),),
    "pledges.follow": (Page(ANONYMOUS, pledge_actions, at("/pledges/{w.pledge.slug}/follow")),),
    "pledges.confirm_follow": (
        Page(
            ANONYMOUS,
            pledge_actions,
            lambda w: f"/pledges/following/confirm/{followers.confirmation_token(w.follower)}",
        ),
    ),
    "pledges.unfollow": (
        Page(ANONYMOUS, pledge_actions, lambda w: f"/pledges/following/stop/{followers.unfollow_token(w.follower)}"),
    ),
    "Pledges.index": (
        Page(ANONYMOUS, pledges, at("/api/v1/pledges")),
        Page(
            ANONYMOUS, pledges, lambda w: f"/api/v1/pledges?q=regional&organisation={w.signatory_org.id}&per_page=100"
        ),
    ),
    "Pledges.show": (Page(ANONYMOUS, pledge_actions, at("/api/v1/pledges/{w.pledge.slug}")),),
    "Roundtables.index": (Page(ANONYMOUS, co_chaired_roundtables, at("/api/v1/roundtables")),),
    "Roundtables.show": (Page(ANONYMOUS, roundtable_recommendations, at("/api/v1/roundtables/{w.roundtable.slug}")),),
    "Recommendations.index": (
        Page(ANONYMOUS, co_chaired_roundtables, at("/api/v1/recommendations?per_page=100")),
        Page(ANONYMOUS, roundtable_recommendations, at("/api/v1/recommendations")),
        Page(
            ANONYMOUS,
            co_chaired_roundtables,
            lambda w: f"/api/v1/recommendations?owner={w.owner_org.slug}&overdue=false&q=recommendation&per_page=100",
        ),
    ),
    "Recommendations.show": (
        Page(ANONYMOUS, roundtable_recommendations, at("/api/v1/recommendations/{w.recommendation.id}")),
    ),
    # The lists of filter values: every value of the register's filters, however many.
    "Filter values.themes": (Page(ANONYMOUS, pledges, at("/api/v1/themes")),),
    "Filter values.organisations": (
        Page(ANONYMOUS, pledges, at("/api/v1/organisations")),
        Page(ANONYMOUS, co_chaired_roundtables, at("/api/v1/organisations")),
    ),
    "Filter values.forums": (Page(ANONYMOUS, pledges, at("/api/v1/forums")),),
    "Filter values.processes": (Page(ANONYMOUS, co_chaired_roundtables, at("/api/v1/processes")),),
    "Filter values.countries": (Page(ANONYMOUS, pledges, at("/api/v1/countries")),),
    "api-docs.openapi_json": (Page(ANONYMOUS, pledges, at("/api/v1/openapi.json")),),
    "api-docs.openapi_swagger_ui": (Page(ANONYMOUS, pledges, at("/api/v1/docs")),),
    # For load balancers and the operator.
    "monitoring.healthz": (Page(ANONYMOUS, pledges, at("/healthz")),),
    "monitoring.readyz": (Page(ANONYMOUS, pledges, at("/readyz")),),
    "monitoring.metrics": (Page(ADMIN, pledges, at("/metrics")),),
    # The staff's work on pledges.
    "pledges.mine": (Page(STAFF, pledges, at("/pledges/mine")),),
    "pledges.invitations": (Page(STAFF, invitations, at("/pledges/invitations")),),
    "pledges.new": (Page(STAFF, people_and_reference_data, at("/pledges/new")),),
    "pledges.edit": (Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/edit")),),
    "pledges.new_action": (Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/new")),),
    "pledges.indicators": (Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/indicators")),),
    "pledges.action_file": (
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/{w.action.id}/files/{w.action.files[0].id}")),
    ),
    "pledges.edit_action_view": (
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/{w.action.id}/edit")),
    ),
    "pledges.translation": (Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/translation?language=fr")),),
    "pledges.action_translation": (
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/{w.action.id}/translation?language=fr")),
    ),
    "pledges.withdraw_action_view": (
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/{w.action.id}/withdraw")),
    ),
    "pledges.history": (
        Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/history")),
        Page(ADMIN, pledge_actions, at("/pledges/{w.pledge.slug}/history")),
    ),
    # Roundtables, their outcomes and recommendations.
    "roundtables.index": (
        Page(ANONYMOUS, co_chaired_roundtables, at("/roundtables")),
        Page(CO_CHAIR, co_chaired_roundtables, at("/roundtables")),  # the private ones too
        Page(
            ANONYMOUS,
            co_chaired_roundtables,
            lambda w: f"/roundtables?q=roundtable&co_chair={w.government.id}&sort=title",
        ),
    ),
    "roundtables.show": (
        Page(ANONYMOUS, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}")),
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}")),
    ),
    "roundtables.new": (Page(CO_CHAIR, people_and_reference_data, at("/roundtables/new")),),
    "roundtables.edit": (Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/edit")),),
    "roundtables.outcomes": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/outcomes")),
    ),
    "roundtables.edit_heading": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/headings/{w.group.id}/edit")),
    ),
    "roundtables.edit_outcome": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/outcomes/{w.outcome.id}/edit")),
    ),
    "roundtables.history": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/history")),
    ),
    "roundtables.new_recommendation": (
        Page(
            CO_CHAIR,
            roundtable_recommendations,
            at("/roundtables/{w.roundtable.slug}/recommendations/new?outcome={w.outcome.id}"),
        ),
    ),
    "roundtables.recommendation": (
        Page(ANONYMOUS, roundtable_recommendations, at("/recommendations/{w.recommendation.id}")),
        Page(OWNER, roundtable_recommendations, at("/recommendations/{w.recommendation.id}")),
        Page(CO_CHAIR, roundtable_recommendations, at("/recommendations/{w.recommendation.id}")),
    ),
    "roundtables.update_translation": (
        Page(
            OWNER,
            roundtable_recommendations,
            lambda w: f"/recommendations/{w.recommendation.id}/updates/{w.recommendation.updates[0].id}/translation",
        ),
    ),
    "roundtables.update_file": (
        Page(
            ANONYMOUS,
            roundtable_recommendations,
            lambda w: (
                f"/recommendations/{w.recommendation.id}/updates/{w.recommendation.updates[0].id}"
                f"/files/{w.recommendation.updates[0].files[0].id}"
            ),
        ),
    ),
    "roundtables.translation": (
        Page(
            CO_CHAIR, roundtable_recommendations, at("/recommendations/{w.recommendation.id}/translation?language=fr")
        ),
    ),
    "roundtables.indicators": (
        Page(CO_CHAIR, roundtable_recommendations, at("/recommendations/{w.recommendation.id}/indicators")),
    ),
    "roundtables.edit_recommendation": (
        Page(CO_CHAIR, roundtable_recommendations, at("/recommendations/{w.recommendation.id}/edit")),
    ),
    "roundtables.recommendation_history": (
        Page(OWNER, roundtable_recommendations, at("/recommendations/{w.recommendation.id}/history")),
        Page(CO_CHAIR, roundtable_recommendations, at("/recommendations/{w.recommendation.id}/history")),
    ),
    "roundtables.mine": (
        Page(OWNER, roundtable_recommendations, at("/recommendations/mine")),
        Page(OWNER, co_chaired_roundtables, at("/recommendations/mine?state=done")),
    ),
    # The co-chairs' follow-through.
    "roundtables.dashboard": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/follow-through")),
        Page(
            CO_CHAIR,
            roundtable_recommendations,
            lambda w: f"/roundtables/{w.roundtable.slug}/follow-through?state=agreed&owner={w.owner_org.id}",
        ),
        Page(ADMIN, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/follow-through")),
    ),
    "roundtables.dashboard_all": (
        Page(CO_CHAIR, co_chaired_roundtables, at("/roundtables/follow-through")),
        Page(ADMIN, co_chaired_roundtables, at("/roundtables/follow-through")),
    ),
    "roundtables.review_queue": (
        Page(CO_CHAIR, co_chaired_roundtables, at("/roundtables/review")),
        Page(ADMIN, co_chaired_roundtables, at("/roundtables/review")),
    ),
    "roundtables.report": (Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/report")),),
    "roundtables.report_pdf": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/report.pdf")),
    ),
    "roundtables.report_csv": (
        Page(CO_CHAIR, roundtable_recommendations, at("/roundtables/{w.roundtable.slug}/report.csv")),
    ),
    # Accounts.
    "auth.login": (Page(ANONYMOUS, people_and_reference_data, at("/auth/login")),),
    "auth.change_password": (Page(STAFF, people_and_reference_data, at("/auth/password")),),
    "auth.change_email": (Page(STAFF, people_and_reference_data, at("/auth/email")),),
    "auth.confirm_email": (
        Page(
            ANONYMOUS,
            people_and_reference_data,
            lambda w: f"/auth/email/confirm/{addresses.email_change_token(w.staff, 'amira@elsewhere.example.org')}",
        ),
    ),
    "auth.set_password": (Page(ANONYMOUS, people_and_reference_data, at("/auth/set-password/{w.invitation[1]}")),),
    "auth.forgot_password": (Page(ANONYMOUS, people_and_reference_data, at("/auth/forgot-password")),),
    "auth.reset_password": (Page(ANONYMOUS, people_and_reference_data, _reset_link),),
    "notifications.unsubscribe": (Page(ANONYMOUS, people_and_reference_data, _unsubscribe_link),),
    # The notification centre and a person's settings.
    "notifications.index": (
        Page(STAFF, notifications, at("/notifications")),
        Page(STAFF, notifications, at("/notifications?page=2")),
    ),
    "notifications.settings": (Page(STAFF, notifications, at("/account/notifications")),),
    # The admin pages.
    "notifications.outgoing_mail": (
        Page(ADMIN, outbox, at("/admin/outgoing-mail")),
        Page(ADMIN, outbox, at("/admin/outgoing-mail?status=failed")),
    ),
    "admin.index": (Page(ADMIN, people_and_reference_data, at("/admin/")),),
    "admin.audit": (
        Page(ADMIN, people_and_reference_data, at("/admin/audit")),
        Page(ADMIN, people_and_reference_data, at("/admin/audit?user={w.invitation[0].id}")),
    ),
    "admin.organisations": (Page(ADMIN, people_and_reference_data, at("/admin/organisations")),),
    "admin.new_organisation": (Page(ADMIN, people_and_reference_data, at("/admin/organisations/new")),),
    "admin.edit_organisation": (
        Page(ADMIN, people_and_reference_data, at("/admin/organisations/{w.organisation.id}")),
    ),
    "admin.users": (Page(ADMIN, people_and_reference_data, at("/admin/users")),),
    "admin.new_user": (Page(ADMIN, people_and_reference_data, at("/admin/users/new")),),
    "admin.edit_user": (Page(ADMIN, people_and_reference_data, at("/admin/users/{w.invitation[0].id}")),),
    "admin.forums": (Page(ADMIN, people_and_reference_data, at("/admin/forums")),),
    "admin.new_forum": (Page(ADMIN, people_and_reference_data, at("/admin/forums/new")),),
    "admin.edit_forum": (Page(ADMIN, people_and_reference_data, at("/admin/forums/{w.forum.id}")),),
    "admin.themes": (Page(ADMIN, people_and_reference_data, at("/admin/themes")),),
    "admin.new_theme": (Page(ADMIN, people_and_reference_data, at("/admin/themes/new")),),
    "admin.countries": (Page(ADMIN, people_and_reference_data, at("/admin/countries")),),
    "admin.new_country": (Page(ADMIN, people_and_reference_data, at("/admin/countries/new")),),
    "admin.edit_country": (Page(ADMIN, people_and_reference_data, at("/admin/countries/{w.country.id}")),),
    "imports.start": (Page(ADMIN, people_and_reference_data, at("/admin/import")),),
    "imports.organisations_csv": (Page(ADMIN, people_and_reference_data, at("/admin/import/organisations.csv")),),
    "imports.preview": (Page(ADMIN, people_and_reference_data, at("/admin/import/{w.pending_import.id}")),),
    "imports.export": (
        Page(ADMIN, roundtable_recommendations, at("/admin/import/export/recommendations.csv")),
        Page(ADMIN, roundtable_recommendations, at("/admin/import/export/progress_updates.csv")),
        Page(ADMIN, co_chaired_roundtables, at("/admin/import/export/meetings.csv")),
        Page(ADMIN, roundtable_recommendations, at("/admin/import/export/outcomes.csv")),
    ),
    "imports.download_template": (Page(ADMIN, people_and_reference_data, at("/admin/import/template/pledges.csv")),),
    "admin.edit_theme": (Page(ADMIN, people_and_reference_data, at("/admin/themes/{w.theme.id}")),),
}

CASES = [(endpoint, page) for endpoint, pages in QUERY_COUNTED.items() for page in pages]


# --- measuring --------------------------------------------------------------------------------------


def _log_in(app, client, user: User) -> None:
    with app.app_context():
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302 and "/auth/login" not in response.headers["Location"], (
            f"{user.email} could not log in"
        )


@contextlib.contextmanager
def _counting():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


@dataclasses.dataclass
class Measurement:
    statements: list[str]
    version: data_version.Version
    url: str


def measure(app, world: World, page: Page, *, during=contextlib.nullcontext) -> Measurement:
    """The statements one request for `page` executes, in an app context (a session) of its
    own, by a fresh client: as a server would answer it."""
    user = world.visitor(page.visitor)
    url = page.url(world)
    db.session.commit()  # the setup is saved before counting starts
    version = data_version.current()
    db.session.commit()
    client = app.test_client()
    if user is not None:
        _log_in(app, client, user)
    with app.app_context(), _counting() as statements, _errors_of(app) as errors, during():
        response = client.get(url)
        body = response.get_data()  # read, so that a streamed body is counted
        response.close()
    if response.status_code != page.status:
        cause = errors[0] if errors else None
        raise AssertionError(
            f"{url} answered {response.status_code}" + (f": {cause!r}" if cause else f": {body[:300]!r}")
        ) from cause
    return Measurement(statements, version, url)


class _ErrorsLogged(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record):
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


@contextlib.contextmanager
def _errors_of(app):
    """The exceptions the app's error page logged (a 500 says only "something went wrong")."""
    handler = _ErrorsLogged()
    app.logger.addHandler(handler)
    try:
        yield handler.errors
    finally:
        app.logger.removeHandler(handler)


# The values of an expanding IN list, whose length is the number of rows: (?, ?, ?) on
# SQLite, (%(id_1_1)s, %(id_1_2)s) on PostgreSQL.
_IN_LIST = re.compile(r"\((?:\s*(?:\?|%\([^)]*\)s|__\[POSTCOMPILE_[^]]*\])\s*,?)+\)")


def _shape(statement: str) -> str:
    return _IN_LIST.sub("(…)", " ".join(statement.split()))


def _differences(few: list[str], many: list[str]) -> str:
    """Each statement (its IN lists shortened) executed a different number of times, with both numbers."""
    few, many = [_shape(s) for s in few], [_shape(s) for s in many]
    few_counts, many_counts = Counter(few), Counter(many)
    return "\n".join(
        f"  {few_counts[statement]}× with {FEW} rows, {many_counts[statement]}× with {MANY}: {statement[:500]}"
        for statement in dict.fromkeys(few + many)
        if few_counts[statement] != many_counts[statement]
    )


# --- the measurements -----------------------------------------------------------------------------
# Building 300 rows takes about a second on PostgreSQL; built once per builder rather than once
# per page, the module stays within a minute. So the pages that list the same rows are measured
# together, the first time one of them is asked for: a world of 3 rows is built, each of those
# pages is requested, the world is grown to 300 rows, each is requested again, and the tables
# are emptied. Each test still checks its own page alone, in any order, and can be run alone;
# a page that fails to answer fails its own test only (its error is kept for it).


def _attempt(function, *args):
    try:
        return function(*args)
    except Exception as error:  # kept for the page's own test to raise
        return error


def _measure_pages_listing(app, rows) -> dict[int, tuple]:
    """{index in CASES: (measurement with FEW rows, with MANY rows)} of the pages listing `rows`."""
    cases = [(index, page) for index, (_endpoint, page) in enumerate(CASES) if page.rows is rows]
    with app.app_context():
        data_version.reset_board()  # the tables were emptied: the data version starts again
        try:
            world = World(Factories())
            rows(world, FEW)
            few = {index: _attempt(measure, app, world, page) for index, page in cases}
            rows(world, MANY - FEW)
            world.touch()
            many = {index: _attempt(measure, app, world, page) for index, page in cases}
        finally:
            db.session.remove()
            empty_all_tables()
    return {index: (few[index], many[index]) for index, _page in cases}


@pytest.fixture(scope="module")
def measured(shared_app):
    """The measurements of a case (by its index in CASES), made with those of its row builder."""
    done: dict[int, tuple] = {}

    def of(index: int) -> tuple[Measurement, Measurement]:
        if index not in done:
            done.update(_measure_pages_listing(shared_app, CASES[index][1].rows))
        for measurement in done[index]:
            if isinstance(measurement, Exception):
                raise measurement
        return done[index]

    return of


def _case_ids() -> list[str]:
    ids, seen = [], Counter()
    for endpoint, page in CASES:
        name = f"{endpoint}:{page.visitor}"
        seen[name] += 1
        ids.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return ids


@pytest.mark.parametrize("index", range(len(CASES)), ids=_case_ids())
def test_statements_do_not_grow_with_the_rows(measured, index):
    endpoint, page = CASES[index]
    few, many = measured(index)
    assert many.version != few.version, "the data version did not move: the second measurement may be a cached render"
    with_few, with_many = len(few.statements), len(many.statements)
    assert with_many == with_few, (
        f"{endpoint} ({page}, {many.url}) executes {with_few} statements with {FEW} rows but {with_many} "
        f"with {MANY}: an N+1 (load the children with selectinload/joinedload in the view's query). "
        f"The statements that differ:\n{_differences(few.statements, many.statements)}"
    )


def test_every_page_has_a_query_count(shared_app):
    """Every GET route is in QUERY_COUNTED (and nothing else is): a new page cannot go
    unmeasured, and a removed one cannot leave a stale line behind."""
    pages = {rule.endpoint for rule in shared_app.url_map.iter_rules() if "GET" in rule.methods} - NOT_PAGES
    missing = sorted(pages - set(QUERY_COUNTED))
    stale = sorted(set(QUERY_COUNTED) - pages)
    assert not missing, (
        "These pages have no line in QUERY_COUNTED (tests/test_query_counts.py). Add each: who asks, "
        f"which rows it lists (a builder, or a new one), its address: {missing}"
    )
    assert not stale, f"QUERY_COUNTED has lines for routes that no longer exist (or are not GET); remove them: {stale}"


# --- nothing lazy on the hottest pages ----------------------------------------------------------------


class LazyLoad(Exception):
    """A relationship was loaded lazily, one query for one object: an N+1 in waiting."""


def _path_of(state) -> str:
    """ "ActionTaken.attributed_to", for the loader path of a lazy load."""
    path = state.loader_strategy_path
    prop = path.prop if path is not None and hasattr(path, "prop") else None
    return str(prop) if prop is not None else str(path)


@contextlib.contextmanager
def lazy_loads_raise():
    """During the request, every ORM SELECT gets `raiseload("*", sql_only=True)` as its
    default loader (the selectin loaders' own SELECTs too, so the children they load are
    held to it): a relationship the query did not load eagerly raises when read, if reading
    it needs SQL (one already in the session, got by its id, costs nothing and is allowed).
    A wildcard reaches only the entities a SELECT loads itself, not those joined to them
    (a joinedload's organisation): any lazy load that still reaches the database raises too."""

    def refuse_lazy_loads(state):
        if state.lazy_loaded_from is not None:
            raise LazyLoad(
                f"{_path_of(state)} was loaded lazily for {state.lazy_loaded_from.object!r}: load it eagerly"
            )
        if state.is_select and not state.is_column_load:
            state.statement = state.statement.options(raiseload("*", sql_only=True))

    sa.event.listen(db.session, "do_orm_execute", refuse_lazy_loads)
    try:
        yield
    finally:
        sa.event.remove(db.session, "do_orm_execute", refuse_lazy_loads)


HOT_PAGES = {
    "the public pledge page": Page(ANONYMOUS, pledge_actions, at("/pledges/{w.pledge.slug}")),
    "the pledge page, for its staff": Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}")),
    "the public list, filtered and searched": Page(ANONYMOUS, pledges, _filtered_pledges),
    "the API's list": Page(ANONYMOUS, pledges, at("/api/v1/pledges")),
    "the API's recommendations": Page(ANONYMOUS, co_chaired_roundtables, at("/api/v1/recommendations")),
    "the co-chairs' dashboard": Page(CO_CHAIR, co_chaired_roundtables, at("/roundtables/follow-through")),
    "the staff's new-action form": Page(STAFF, pledge_actions, at("/pledges/{w.pledge.slug}/actions/new")),
}


@pytest.mark.parametrize("name", list(HOT_PAGES))
def test_hot_pages_load_nothing_lazily(app, make, name):
    """A lazy load makes the page answer 500, which `measure` reports with its cause
    ("'ActionTaken.figures' is not available due to lazy='raise_on_sql'")."""
    page = HOT_PAGES[name]
    world = World(make)
    page.rows(world, 6)  # a whole cycle of recommendations' situations (drafts too)
    measure(app, world, page, during=lazy_loads_raise)


def test_a_lazy_load_is_caught(app, make):
    """The check itself: a relationship a query did not load eagerly raises, on the entity
    the query loads and on one joined to it; and so does any other lazy load (here, of a
    record loaded before the check began)."""
    world = World(make)
    pledge_actions(world, 2)
    db.session.commit()
    loaded_before = db.session.get(Pledge, world.pledge.id)
    with app.app_context(), lazy_loads_raise():
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.id == world.pledge.id))
        with pytest.raises(sa.exc.InvalidRequestError, match=r"'Pledge\.actions' is not available due to lazy='raise"):
            pledge.actions  # noqa: B018
        action = db.session.scalar(
            sa.select(ActionTaken)
            .where(ActionTaken.id == world.action.id)
            .options(sa.orm.joinedload(ActionTaken.attributed_to))
        )
        with pytest.raises(
            sa.exc.InvalidRequestError, match=r"'Organisation\.users' is not available due to lazy='raise"
        ):
            action.attributed_to.users  # noqa: B018
        with pytest.raises(LazyLoad, match=r"Pledge\.countries was loaded lazily"):
            loaded_before.countries  # noqa: B018
