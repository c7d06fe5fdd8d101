"""The tracker's records (SQLAlchemy 2.0 typed models).

Rules about *who* may change them live in `permissions`, *how* they change in `operations`
and `workflow`. Constraints that must never be broken are in the database as well.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .workflow import PledgeWorkflow, RecommendationWorkflow


def utcnow() -> dt.datetime:
    """Naive UTC: both databases store it identically."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _choice(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A string column limited to an enum's values by a CHECK constraint (never a native
    ENUM type, which PostgreSQL keeps after a downgrade)."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _state_column(workflow, name: str) -> sa.Enum:
    """The state column of a workflow: exactly the machine's states, checked by the DB."""
    values = workflow.state_values()
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


class OrganisationKind(enum.Enum):
    NATIONAL_SOCIETY = "national_society"
    GOVERNMENT = "government"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "national_society": "National Society",
            "government": "Government",
            "international_organisation": "International organisation",
            "civil_society": "Civil-society organisation",
            "other": "Other",
        }[self.value]


class Role(enum.Enum):
    STAFF = "staff"
    CO_CHAIR = "co_chair"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"staff": "Staff", "co_chair": "Co-chair", "admin": "Admin"}[self.value]


class ForumKind(enum.Enum):
    CONFERENCE = "conference"
    PROCESS = "process"
    PROGRAMME = "programme"


class DatePrecision(enum.Enum):
    """How much of an action's date is known: the seeds often give only a month or a year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# The largest amounts the Numeric columns below hold (budget: 16 digits, figures: 18,
# two of them decimals); forms and operations refuse more rather than fail in the database.
MAX_BUDGET = 10**14 - 1
MAX_FIGURE = 10**16 - 1


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(50))
    kind: Mapped[OrganisationKind] = mapped_column(_choice(OrganisationKind, "organisation_kind"))
    country: Mapped[str | None] = mapped_column(sa.String(100))
    # False while an organisation proposed by staff (in the pledge editor) awaits an admin,
    # who checks its name and fills in its kind and country.
    confirmed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


# scrypt (werkzeug's default, named so a library upgrade cannot quietly change it): a
# memory-hard key-derivation function, as OWASP's password-storage guidance recommends.
PASSWORD_HASH_METHOD = "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Case-insensitive uniqueness: e-mails are stored lower-cased, and the database
        # refuses any that are not, so the plain unique constraint is enough.
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("role = 'admin' OR organisation_id IS NOT NULL", name="member_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(_choice(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")

    @validates("email")
    def _normalise_email(self, _key, email: str) -> str:
        return email.strip().lower()

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def password_fingerprint(self) -> str:
        """A short digest of the password hash: it changes whenever the password does."""
        if not self.password_hash:
            return ""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the keep-me-logged-in cookie: the id
        and the password's fingerprint, so a new password ends every earlier session."""
        return f"{self.id}:{self.password_fingerprint}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_co_chair(self) -> bool:
        return self.role is Role.CO_CHAIR

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Forum(db.Model):
    """Where a commitment was made: a conference, an intergovernmental process, a programme."""

    __tablename__ = "forums"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300), unique=True)
    short_name: Mapped[str | None] = mapped_column(sa.String(80))
    kind: Mapped[ForumKind] = mapped_column(_choice(ForumKind, "forum_kind"))
    year: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)


class Country(db.Model):
    """A country or a named region ("ASEAN member states"); regions have no ISO code."""

    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    iso_code: Mapped[str | None] = mapped_column(sa.String(2), unique=True)


pledge_themes = sa.Table(
    "pledge_themes",
    db.metadata,
    sa.Column("pledge_id", sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id"), primary_key=True),
)

pledge_countries = sa.Table(
    "pledge_countries",
    db.metadata,
    sa.Column("pledge_id", sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("country_id", sa.ForeignKey("countries.id"), primary_key=True),
)


class Pledge(db.Model):
    """A commitment made at a forum: a conference pledge or a cooperation programme."""

    __tablename__ = "pledges"
    __table_args__ = (
        sa.CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start", name="period_in_order"
        ),
        sa.CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint(
            "(budget_amount IS NULL) = (budget_currency IS NULL)", name="budget_has_currency"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(_state_column(PledgeWorkflow, "pledge_status"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id"), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(200))
    period_start: Mapped[int | None]
    period_end: Mapped[int | None]
    period_note: Mapped[str | None] = mapped_column(sa.String(100))  # "ongoing", "18 months"
    budget_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    budget_currency: Mapped[str | None] = mapped_column(sa.String(3))
    budget_note: Mapped[str | None] = mapped_column(sa.String(200))  # "approximately, annually"
    actions_intro: Mapped[str | None] = mapped_column(sa.Text)  # "Joint progress … includes:"
    # Private: never on public pages or the public API.
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # "newest first"
    completed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Optimistic lock: every UPDATE says "WHERE version = <what I read>", so two
    # concurrent changes cannot both succeed (see operations.ConcurrentChange).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    forum: Mapped[Forum | None] = relationship()
    signatories: Mapped[list[PledgeSignatory]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="(PledgeSignatory.is_lead.desc(), PledgeSignatory.position)"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=pledge_themes, order_by=Theme.name)
    countries: Mapped[list[Country]] = relationship(secondary=pledge_countries, order_by=Country.name)
    actions: Mapped[list[ActionTaken]] = relationship(
        back_populates="pledge", order_by="(ActionTaken.position, ActionTaken.id)"
    )
    created_by: Mapped[User | None] = relationship()

    def __init__(self, **kwargs):
        kwargs.setdefault("status", PledgeWorkflow.draft.value)
        super().__init__(**kwargs)

    @property
    def workflow(self) -> PledgeWorkflow:
        return PledgeWorkflow(model=self, state_field="status")

    @property
    def status_label(self) -> str:
        return PledgeWorkflow.label(self.status)

    @property
    def is_published(self) -> bool:
        return self.status != PledgeWorkflow.draft.value

    @property
    def is_complete(self) -> bool:
        return self.status == PledgeWorkflow.done.value

    @property
    def lead_signatory(self) -> Organisation | None:
        return next((s.organisation for s in self.signatories if s.is_lead), None)

    @property
    def signatory_names(self) -> list[str]:
        """"Australian Red Cross (lead)", then the others: how history records signatories."""
        return [s.organisation.name + (" (lead)" if s.is_lead else "") for s in self.signatories]

    @property
    def signatory_organisations(self) -> list[Organisation]:
        return [s.organisation for s in self.signatories]

    @property
    def current_actions(self) -> list[ActionTaken]:
        """Actions not withdrawn: what the public page shows."""
        return [a for a in self.actions if a.withdrawn_at is None]

    def has_current_actions(self) -> bool:
        return bool(self.current_actions)

    @property
    def period_label(self) -> str | None:
        if self.period_start is None:
            return self.period_note
        end = str(self.period_end) if self.period_end else (self.period_note or "ongoing")
        return f"{self.period_start}–{end}" if end != str(self.period_start) else str(self.period_start)

    def __repr__(self) -> str:
        return f"<Pledge {self.slug} {self.status}>"


class PledgeSignatory(db.Model):
    __tablename__ = "pledge_signatories"
    __table_args__ = (
        # At most one lead per pledge, enforced by the database on both engines.
        sa.Index(
            "uq_pledge_signatories_one_lead",
            "pledge_id",
            unique=True,
            sqlite_where=sa.text("is_lead"),
            postgresql_where=sa.text("is_lead"),
        ),
    )

    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    pledge: Mapped[Pledge] = relationship(back_populates="signatories")
    organisation: Mapped[Organisation] = relationship()


action_organisations = sa.Table(
    "action_organisations",
    db.metadata,
    sa.Column("action_id", sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class ActionTaken(db.Model):
    """A dated account of what was done towards a pledge: the pledge's public timeline."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    # The signatory that recorded the action and answers for it: each signatory of a joint
    # pledge records, edits and withdraws its own actions. (`organisations` are those involved.)
    attributed_to_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    date: Mapped[dt.date]
    date_precision: Mapped[DatePrecision] = mapped_column(
        _choice(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    heading: Mapped[str | None] = mapped_column(sa.Text)  # groups actions as the seed page does
    summary: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    pledge: Mapped[Pledge] = relationship(back_populates="actions")
    attributed_to: Mapped[Organisation] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=action_organisations, order_by=Organisation.name
    )
    figures: Mapped[list[ActionFigure]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionFigure.position"
    )
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="EvidenceLink.position"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class ActionFigure(db.Model):
    """A number an action reports: "people trained: 2,037 (2020)"."""

    __tablename__ = "action_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))
    unit: Mapped[str | None] = mapped_column(sa.String(80))
    year: Mapped[int | None]
    period_note: Mapped[str | None] = mapped_column(sa.String(80))  # "Jan–Jun 2021"
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    action: Mapped[ActionTaken] = relationship(back_populates="figures")


def is_web_url(url: str | None) -> bool:
    """Only http(s) addresses with a host are evidence: a `javascript:` URL never becomes a link."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(ch.isspace() for ch in url.strip())


class EvidenceLink(db.Model):
    __tablename__ = "evidence_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    title: Mapped[str | None] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    action: Mapped[ActionTaken] = relationship(back_populates="links")


roundtable_co_chairs = sa.Table(
    "roundtable_co_chairs",
    db.metadata,
    sa.Column("roundtable_id", sa.ForeignKey("roundtables.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)

roundtable_participants = sa.Table(
    "roundtable_participants",
    db.metadata,
    sa.Column("roundtable_id", sa.ForeignKey("roundtables.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Roundtable(db.Model):
    """A meeting whose agreed outcomes are followed through as recommendations."""

    __tablename__ = "roundtables"
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id"), index=True)  # the process
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    participants_note: Mapped[str | None] = mapped_column(sa.Text)  # "13 governments and …"
    is_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    forum: Mapped[Forum | None] = relationship()
    co_chairs: Mapped[list[Organisation]] = relationship(secondary=roundtable_co_chairs, order_by=Organisation.name)
    participants: Mapped[list[Organisation]] = relationship(
        secondary=roundtable_participants, order_by=Organisation.name
    )
    outcome_groups: Mapped[list[OutcomeGroup]] = relationship(
        back_populates="roundtable", cascade="all, delete-orphan", order_by="OutcomeGroup.position"
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="roundtable", order_by="Recommendation.id"
    )


class OutcomeGroup(db.Model):
    """A heading under which a roundtable's agreed outcomes are listed."""

    __tablename__ = "outcome_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    roundtable_id: Mapped[int] = mapped_column(sa.ForeignKey("roundtables.id", ondelete="CASCADE"), index=True)
    heading: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    roundtable: Mapped[Roundtable] = relationship(back_populates="outcome_groups")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Outcome.position"
    )


class Outcome(db.Model):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("outcome_groups.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    group: Mapped[OutcomeGroup] = relationship(back_populates="outcomes")

    def as_recommendation(self) -> str:
        """The outcome as a statement of its own, a recommendation's first draft: a capital
        letter, without the seed list's joining punctuation ("…; and")."""
        text = self.text.strip()
        for ending in ("; and", ";", " and"):
            text = text.removesuffix(ending)
        return text[:1].upper() + text[1:]


class Recommendation(db.Model):
    """An outcome a roundtable agreed to follow through, owned by organisations."""

    __tablename__ = "recommendations"

    id: Mapped[int] = mapped_column(primary_key=True)
    roundtable_id: Mapped[int] = mapped_column(sa.ForeignKey("roundtables.id"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcomes.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcome_groups.id"), index=True)  # heading
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(_state_column(RecommendationWorkflow, "recommendation_status"), index=True)
    due_date: Mapped[dt.date | None] = mapped_column(index=True)
    # When the co-chairs agreed it; with its latest progress update (`last_update_on`,
    # below) it says how long it has gone without news ("stale", see `follow_through`).
    agreed_on: Mapped[dt.date | None]
    # Private: never on public pages or the public API.
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # The co-chairs' review.
    verified_at: Mapped[dt.datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_back_at: Mapped[dt.datetime | None]
    sent_back_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_back_reason: Mapped[str | None] = mapped_column(sa.Text)
    verified_comment: Mapped[str | None] = mapped_column(sa.Text)
    # Whether the latest review's words (reason or comment) may appear on public pages.
    review_comment_public: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    roundtable: Mapped[Roundtable] = relationship(back_populates="recommendations")
    outcome: Mapped[Outcome | None] = relationship()
    group: Mapped[OutcomeGroup | None] = relationship()
    owners: Mapped[list[RecommendationOwner]] = relationship(
        back_populates="recommendation",
        cascade="all, delete-orphan",
        order_by="(RecommendationOwner.is_lead.desc(), RecommendationOwner.position)",
    )
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="recommendation", order_by="(ProgressUpdate.date, ProgressUpdate.id)"
    )
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    sent_back_by: Mapped[User | None] = relationship(foreign_keys=[sent_back_by_id])

    def __init__(self, **kwargs):
        kwargs.setdefault("status", RecommendationWorkflow.draft.value)
        super().__init__(**kwargs)

    @property
    def workflow(self) -> RecommendationWorkflow:
        return RecommendationWorkflow(model=self, state_field="status")

    @property
    def status_label(self) -> str:
        return RecommendationWorkflow.label(self.status)

    @property
    def lead_owner(self) -> Organisation | None:
        return next((o.organisation for o in self.owners if o.is_lead), None)

    @property
    def owner_organisations(self) -> list[Organisation]:
        return [o.organisation for o in self.owners]

    @property
    def is_agreed(self) -> bool:
        return self.status != RecommendationWorkflow.draft.value

    @property
    def is_finished(self) -> bool:
        return self.status in (RecommendationWorkflow.done.value, RecommendationWorkflow.verified.value)

    @property
    def other_owners(self) -> list[Organisation]:
        return [o.organisation for o in self.owners if not o.is_lead]

    @property
    def owner_names(self) -> list[str]:
        """"Australian Red Cross (lead)", then the others: how history records owners."""
        return [o.organisation.name + (" (lead)" if o.is_lead else "") for o in self.owners]

    @property
    def latest_update(self) -> ProgressUpdate | None:
        return self.updates[-1] if self.updates else None

    @property
    def latest_review(self) -> Review | None:
        """The co-chairs' latest review: verified, or sent back with a reason."""
        reviews = [
            Review("verified", self.verified_at, self.verified_by, self.verified_comment),
            Review("sent_back", self.sent_back_at, self.sent_back_by, self.sent_back_reason),
        ]
        reviews = [review for review in reviews if review.at is not None]
        return max(reviews, key=lambda review: review.at) if reviews else None


@dataclass(frozen=True)
class Review:
    kind: str  # "verified" | "sent_back"
    at: dt.datetime
    by: User | None
    words: str | None

    @property
    def label(self) -> str:
        return "Verified" if self.kind == "verified" else "Sent back"


class RecommendationOwner(db.Model):
    __tablename__ = "recommendation_owners"
    __table_args__ = (
        sa.Index(
            "uq_recommendation_owners_one_lead",
            "recommendation_id",
            unique=True,
            sqlite_where=sa.text("is_lead"),
            postgresql_where=sa.text("is_lead"),
        ),
    )

    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    recommendation: Mapped[Recommendation] = relationship(back_populates="owners")
    organisation: Mapped[Organisation] = relationship()


class ProgressUpdate(db.Model):
    """A dated note by an owner on a recommendation."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    date: Mapped[dt.date]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()


# The date of a recommendation's latest progress update, computed by the database with the
# recommendation itself (one query for any number of them, and usable in a WHERE).
Recommendation.last_update_on = sa.orm.column_property(
    sa.select(sa.func.max(ProgressUpdate.date))
    .where(ProgressUpdate.recommendation_id == Recommendation.id)
    .correlate_except(ProgressUpdate)
    .scalar_subquery()
)


class HistoryEntry(db.Model):
    """One change to one record: who, when, what, from which state to which, and why.

    Append-only: the ORM refuses to update or delete an entry (see `history`), and the
    database refuses too (triggers created with the table).
    """

    __tablename__ = "history"
    __table_args__ = (sa.Index("ix_history_timeline", "timeline_type", "timeline_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)  # None: the system
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int]
    # The record on whose timeline this entry appears: an action's entries are shown on
    # its pledge, a progress update's on its recommendation.
    timeline_type: Mapped[str] = mapped_column(sa.String(40))
    timeline_id: Mapped[int]
    event: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str | None] = mapped_column(sa.String(20))
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(sa.Text)

    actor: Mapped[User | None] = relationship()


_APPEND_ONLY_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER history_no_{verb} BEFORE {verb.upper()} ON history "
        f"BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
        for verb in ("update", "delete")
    ],
    "postgresql": [
        "CREATE FUNCTION history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'history is append-only'; END $$",
        "CREATE TRIGGER history_no_change BEFORE UPDATE OR DELETE ON history "
        "FOR EACH ROW EXECUTE FUNCTION history_append_only()",
    ],
}


def create_history_triggers(connection) -> None:
    """Make the database itself refuse to change or erase history (used by the migration
    and by `create_all`, so tests run against the same guarantee)."""
    for statement in _APPEND_ONLY_TRIGGERS.get(connection.dialect.name, []):
        connection.execute(sa.text(statement))


def drop_history_triggers(connection) -> None:
    if connection.dialect.name == "sqlite":
        for verb in ("update", "delete"):
            connection.execute(sa.text(f"DROP TRIGGER IF EXISTS history_no_{verb}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(sa.text("DROP TRIGGER IF EXISTS history_no_change ON history"))
        connection.execute(sa.text("DROP FUNCTION IF EXISTS history_append_only()"))


sa.event.listen(HistoryEntry.__table__, "after_create", lambda target, connection, **kw: create_history_triggers(connection))
sa.event.listen(HistoryEntry.__table__, "before_drop", lambda target, connection, **kw: drop_history_triggers(connection))


# The date of a pledge's latest current (not withdrawn) action: the list's "last action"
# sort and filter, computed by the database with the pledge itself.
Pledge.last_action_on = sa.orm.column_property(
    sa.select(sa.func.max(ActionTaken.date))
    .where(ActionTaken.pledge_id == Pledge.id, ActionTaken.withdrawn_at.is_(None))
    .correlate_except(ActionTaken)
    .scalar_subquery()
)

# When anything on the pledge's public page last changed: the pledge itself, or any of
# its actions (recorded, edited or withdrawn). The API's `updated_at`.
_latest_action_change = (
    sa.select(sa.func.max(ActionTaken.updated_at))
    .where(ActionTaken.pledge_id == Pledge.id)
    .correlate_except(ActionTaken)
    .scalar_subquery()
)
Pledge.changed_at = sa.orm.column_property(
    sa.type_coerce(
        sa.case(
            (_latest_action_change > Pledge.updated_at, _latest_action_change),
            else_=Pledge.updated_at,
        ),
        sa.DateTime,
    )
)


class DataVersion(db.Model):
    """One row: a number that moves on with every committed change to what the tracker
    shows, and when it last moved. Public pages and the API derive their HTTP validators
    (ETag, Last-Modified) from it, so a change is visible on the very next request
    (see `data_version`)."""

    __tablename__ = "data_version"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(sa.BigInteger, default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
