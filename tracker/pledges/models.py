"""Pledges and the actions taken towards them: what staff of signatory organisations
record, and what the public register shows.

Rules about *who* may change them live in `tracker.permissions`, *how* they change in
`operations` and `workflow`. Constraints that must never be broken are in the database as well.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..core import (
    outcomes,
    search,  # noqa: F401  (its listener keeps each record's search_text)
)
from ..core.columns import choice, state_column, utcnow
from ..core.dates import DatePrecision
from ..core.extensions import Base
from ..core.i18n import _l
from ..core.limits import Limit
from ..core.sources import DEFAULT_LANGUAGE
from ..core.text import PLAIN
from ..core.translations import Translated
from ..taxonomy.models import Country, Forum, Theme
from .evidence import ActionFile, EvidenceLink
from .indicators import PledgeIndicator
from .workflow import DONE, DRAFT, PledgeWorkflow

# A signatory's consent: signed, invited (not yet answering), or declined.
SIGNED, INVITED, DECLINED = "signed", "invited", "declined"
SIGNATORY_STATES = (SIGNED, INVITED, DECLINED)

# Why a workflow step was taken (reopening), why an action was withdrawn, a note on an edit.
REASON = Limit(5_000, lines=True)
CHANGE_NOTE = Limit(500)

# The largest amounts the Numeric columns below hold (budget: 16 digits, figures: 18,
# two of them decimals); forms and operations refuse more rather than fail in the database.
MAX_BUDGET = 10**14 - 1
MAX_FIGURE = 10**16 - 1


pledge_themes = sa.Table(
    "pledge_themes",
    Base.metadata,
    sa.Column("pledge_id", sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id"), primary_key=True),
)

pledge_countries = sa.Table(
    "pledge_countries",
    Base.metadata,
    sa.Column("pledge_id", sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("country_id", sa.ForeignKey("countries.id"), primary_key=True),
)


class ActionOrganisation(Base):
    """An organisation involved in an action, in its place: the order its source names them."""

    __tablename__ = "action_organisations"

    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(lazy="joined")


action_organisations = ActionOrganisation.__table__


class ActionTaken(Translated, Base):
    """A dated account of what was done towards a pledge: the pledge's public timeline."""

    __tablename__ = "actions"
    limits: ClassVar[dict[str, Limit]] = {
        "heading": Limit(500),
        "summary": Limit(5_000, lines=True, required=_l("Say in a sentence or two what was done.")),
        "details": Limit(50_000, lines=True),
        "source_reference": Limit(100),
        "source_url": Limit(2_000),
    }
    # Each action has a place of its own in its pledge's list (the page's order, and the key
    # actions.csv imports by).
    __table_args__ = (
        sa.UniqueConstraint("pledge_id", "position"),
        sa.CheckConstraint("text_format IN ('plain', 'markdown')", name="known_text_format"),
        # A pledge's current actions and their dates, read from the index alone (activity, counts).
        sa.Index("ix_actions_pledge_id_current", "pledge_id", "withdrawn_at", "date"),
    )
    noun: ClassVar[str] = "action"
    searchable: ClassVar[tuple[str, ...]] = ("summary", "details", "heading")  # (core.search)
    translatable: ClassVar[tuple[str, ...]] = ("summary", "details")  # (core.translations)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id"), index=True)
    # The signatory that recorded the action and answers for it: each signatory of a joint
    # pledge records, edits and withdraws its own actions. (`organisations` are those involved.)
    # None: an imported report whose source names no one (and then no one's staff change it).
    attributed_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    # None: an imported report its source does not date ("date not stated"), never the day
    # it was imported.
    date: Mapped[dt.date | None]
    date_precision: Mapped[DatePrecision] = mapped_column(
        choice(DatePrecision, "date_precision"), default=DatePrecision.DAY
    )
    heading: Mapped[str | None] = mapped_column(sa.Text)  # groups actions as the seed page does
    summary: Mapped[str] = mapped_column(sa.Text)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    search_text: Mapped[str | None] = mapped_column(sa.Text, default="")  # (core.search)
    # The details' format (core.text: "plain" as written, or "markdown").
    text_format: Mapped[str] = mapped_column(sa.String(10), default=PLAIN, server_default=PLAIN)
    # The language its texts are written in (BCP 47); None: its pledge's.
    language: Mapped[str | None] = mapped_column(sa.String(35))
    # Where it was published first (a conference's progress report): its number and address.
    source_reference: Mapped[str | None] = mapped_column(sa.String(100))
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    pledge: Mapped[Pledge] = relationship(back_populates="actions")
    attributed_to: Mapped[Organisation | None] = relationship()
    # The organisations involved, in the order they were named: read and set `organisations`.
    organisation_rows: Mapped[list[ActionOrganisation]] = relationship(
        cascade="all, delete-orphan",
        order_by=ActionOrganisation.position,
        collection_class=ordering_list("position"),
    )
    organisations: AssociationProxy[list[Organisation]] = association_proxy(
        "organisation_rows", "organisation", creator=lambda organisation: ActionOrganisation(organisation=organisation)
    )
    figures: Mapped[list[ActionFigure]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionFigure.position"
    )
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="EvidenceLink.position"
    )
    files: Mapped[list[ActionFile]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="(ActionFile.position, ActionFile.id)"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def written_in(self) -> str:
        """The language its texts are written in: its own, or its pledge's."""
        return self.language or self.pledge.language

    @property
    def history_timeline(self) -> Pledge:
        """Changes to an action are shown on its pledge's history."""
        return self.pledge


class ActionFigure(Base):
    """A number an action reports: "people trained: 2,037 (2020)"."""

    __tablename__ = "action_figures"
    limits: ClassVar[dict[str, Limit]] = {"label": Limit(200), "unit": Limit(80), "period_note": Limit(80)}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[Decimal] = mapped_column(sa.Numeric(18, 2))
    unit: Mapped[str | None] = mapped_column(sa.String(80))
    year: Mapped[int | None]
    period_note: Mapped[str | None] = mapped_column(sa.String(80))  # "Jan–Jun 2021"
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # The pledge's indicator it reports against, if any (removing the indicator keeps the figure).
    indicator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pledge_indicators.id", ondelete="SET NULL"), index=True
    )

    action: Mapped[ActionTaken] = relationship(back_populates="figures")
    indicator: Mapped[PledgeIndicator | None] = relationship(back_populates="figures")


class Pledge(Translated, Base):
    """A commitment made at a forum: a conference pledge or a cooperation programme."""

    __tablename__ = "pledges"
    # What each text may be, for every way in (core.limits).
    limits: ClassVar[dict[str, Limit]] = {
        "title": Limit(300, required=_l("Give the pledge a title.")),
        "text": Limit(50_000, lines=True),
        "region": Limit(200),
        "period_note": Limit(100),
        "budget_note": Limit(200),
        "actions_intro": Limit(5_000, lines=True),
        "contact_name": Limit(200),
        "contact_email": Limit(254),
        "source_reference": Limit(100),
        "source_url": Limit(2_000),
        "signatories_note": Limit(500),
    }
    noun: ClassVar[str] = "pledge"
    searchable: ClassVar[tuple[str, ...]] = ("title", "text")  # (core.search)
    translatable: ClassVar[tuple[str, ...]] = ("title", "text")  # (core.translations)
    __table_args__ = (
        sa.CheckConstraint(
            "period_end IS NULL OR period_start IS NULL OR period_end >= period_start", name="period_in_order"
        ),
        sa.CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget_not_negative"),
        sa.CheckConstraint("(budget_amount IS NULL) = (budget_currency IS NULL)", name="budget_has_currency"),
        sa.CheckConstraint("text_format IN ('plain', 'markdown')", name="known_text_format"),
        # Which pledges a list shows — their forum, when they were done, how many actions they
        # have — read from the index alone (the filters' and charts' counts, the home page's
        # figures), not from the wide rows.
        sa.Index("ix_pledges_listing", "status", "id", "forum_id", "completed_at", "actions_count"),
        sa.CheckConstraint(
            "outcome_rating IS NULL OR outcome_rating IN ('no_change', 'some', 'substantial', 'transformative')",
            name="known_outcome_rating",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    # The source gave no title: this one was derived (from the text's first sentence, or the
    # source's number), and its pages and editor say so.
    title_derived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(state_column(PledgeWorkflow.state_values(), "pledge_status"), index=True)
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id"), index=True)
    region: Mapped[str | None] = mapped_column(sa.String(200))
    period_start: Mapped[int | None]
    period_end: Mapped[int | None]
    period_note: Mapped[str | None] = mapped_column(sa.String(100))  # "ongoing", "18 months"
    budget_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    budget_currency: Mapped[str | None] = mapped_column(sa.String(3))
    budget_note: Mapped[str | None] = mapped_column(sa.String(200))  # "approximately, annually"
    actions_intro: Mapped[str | None] = mapped_column(sa.Text)  # "Joint progress … includes:"
    search_text: Mapped[str | None] = mapped_column(sa.Text, default="")  # (core.search)
    # Its search words and its current actions', which the register's full-text index reads
    # (kept by pledges.activity, indexed by pledges.search).
    search_document: Mapped[str | None] = mapped_column(sa.Text)
    # The format of its text and actions' introduction (core.text: "plain" or "markdown").
    text_format: Mapped[str] = mapped_column(sa.String(10), default=PLAIN, server_default=PLAIN)
    # The language it is written in (BCP 47: "en", "fr", "es-419"), said on its page.
    language: Mapped[str] = mapped_column(sa.String(35), default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE)
    # Where it was published first: the source's own number for it ("P2065") and address.
    source_reference: Mapped[str | None] = mapped_column(sa.String(100))
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # Its signatories as the source states them, when it names a collective in words or no
    # one ("National Societies of the Asia Pacific region"): shown, never made organisations.
    signatories_note: Mapped[str | None] = mapped_column(sa.String(500))
    # Private: never on public pages or the public API.
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)  # "newest first"
    completed_at: Mapped[dt.datetime | None]
    # What changed, beyond being done (core.outcomes): its signatories' rating, with why.
    outcome_rating: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    outcome_justification: Mapped[str | None] = mapped_column(sa.Text)
    outcome_rated_at: Mapped[dt.datetime | None]
    outcome_rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Optimistic lock: every UPDATE says "WHERE version = <what I read>", so two
    # concurrent changes cannot both succeed (see operations.ConcurrentChange).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    # The date of its latest current (not withdrawn) action — the register's "last action"
    # sort, the quiet-pledge reminder — and when anything on its public page last changed,
    # itself or any action (recorded, edited or withdrawn): the API's `updated_at`. Kept on
    # the row by `activity` whenever the pledge or an action is written.
    last_action_on: Mapped[dt.date | None] = mapped_column(index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actions_count: Mapped[int] = mapped_column(default=0, server_default="0")  # its current actions

    forum: Mapped[Forum | None] = relationship()
    # Every organisation named on the pledge: those that signed, those invited to, those
    # that declined. Read `signatories` (the signed ones) for anything shown or checked.
    signatory_rows: Mapped[list[PledgeSignatory]] = relationship(
        back_populates="pledge",
        cascade="all, delete-orphan",
        order_by="(PledgeSignatory.is_lead.desc(), PledgeSignatory.position)",
    )
    themes: Mapped[list[Theme]] = relationship(secondary=pledge_themes, order_by=Theme.name)
    countries: Mapped[list[Country]] = relationship(secondary=pledge_countries, order_by=Country.name)
    actions: Mapped[list[ActionTaken]] = relationship(
        back_populates="pledge", order_by="(ActionTaken.position, ActionTaken.id)"
    )
    indicators: Mapped[list[PledgeIndicator]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeIndicator.position"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    outcome_rated_by: Mapped[User | None] = relationship(foreign_keys=[outcome_rated_by_id])

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("status", DRAFT)
        super().__init__(**kwargs)

    @property
    def workflow(self) -> PledgeWorkflow:
        return PledgeWorkflow(model=self, state_field="status")

    @property
    def status_label(self) -> str:
        return PledgeWorkflow.label(self.status)

    @property
    def is_published(self) -> bool:
        return self.status != DRAFT

    @property
    def outcome_label(self) -> str | None:
        """Its outcome rating in words, shown once it is done."""
        return outcomes.label(self.outcome_rating) if self.is_complete else None

    @property
    def is_complete(self) -> bool:
        return self.status == DONE

    @property
    def signatories(self) -> list[PledgeSignatory]:
        """The organisations that signed (lead first): the only ones shown as signatories,
        anywhere, and the only ones whose staff work on the pledge."""
        return [row for row in self.signatory_rows if row.status == SIGNED]

    @property
    def invitations(self) -> list[PledgeSignatory]:
        """Organisations invited to sign, or already signed and invited to lead, not yet
        answering."""
        return [row for row in self.signatory_rows if row.status == INVITED or row.invited_to_lead]

    def row_of(self, organisation_id: int | None) -> PledgeSignatory | None:
        """The organisation's row on this pledge (signed, invited or declined), if any."""
        return next((row for row in self.signatory_rows if row.organisation_id == organisation_id), None)

    @property
    def lead_signatory(self) -> Organisation | None:
        return next((s.organisation for s in self.signatories if s.is_lead), None)

    @property
    def signatory_names(self) -> list[str]:
        """ "Australian Red Cross (lead)", then the others: how history records signatories."""
        return [s.organisation.name + (" (lead)" if s.is_lead else "") for s in self.signatories]

    @property
    def signatory_organisations(self) -> list[Organisation]:
        return [s.organisation for s in self.signatories]

    @property
    def invitation_names(self) -> list[str]:
        """ "Philippine Red Cross (to lead)", …: the open invitations, as history records them."""
        return [s.organisation.name + (" (to lead)" if s.invited_to_lead else "") for s in self.invitations]

    @property
    def invited_organisations(self) -> list[Organisation]:
        """Organisations whose staff may still answer an invitation to sign (not those
        already signed and only invited to lead)."""
        return [s.organisation for s in self.signatory_rows if s.status == INVITED]

    @property
    def pending_lead(self) -> Organisation | None:
        """The organisation invited to take the lead, until it answers."""
        return next((s.organisation for s in self.signatory_rows if s.invited_to_lead), None)

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
        if not (self.period_end or self.period_note):
            # Translators: a pledge's period from a year (its first), with no end stated.
            return str(_l("%(start)s–ongoing", start=self.period_start))
        end = str(self.period_end) if self.period_end else self.period_note
        return f"{self.period_start}–{end}" if end != str(self.period_start) else str(self.period_start)

    def __repr__(self) -> str:
        return f"<Pledge {self.slug} {self.status}>"


class PledgeSignatory(Base):
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
        # The lead is always an organisation that signed, never one only invited.
        sa.CheckConstraint("NOT is_lead OR status = 'signed'", name="lead_signed"),
    )

    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # Consent: an organisation named by another's staff is invited until one of its own staff
    # accepts (signed) or declines. `invited_to_lead`: asked to take the lead (on accepting,
    # it leads). Who invited it and when; when and how it answered.
    status: Mapped[str] = mapped_column(
        state_column(SIGNATORY_STATES, "signatory_status"),
        default=SIGNED,
        server_default=SIGNED,
    )
    invited_to_lead: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    invited_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    answer_note: Mapped[str | None] = mapped_column(sa.Text)

    pledge: Mapped[Pledge] = relationship(back_populates="signatory_rows")
    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()

    limits: ClassVar[dict[str, Limit]] = {"answer_note": Limit(2_000, lines=True)}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("status", SIGNED)
        kwargs.setdefault("invited_to_lead", False)
        kwargs.setdefault("is_lead", False)
        super().__init__(**kwargs)

    @property
    def is_signed(self) -> bool:
        return self.status == SIGNED

    @property
    def is_invited(self) -> bool:
        return self.status == INVITED


class PledgeFollower(Base):
    """Someone — no account needed — who follows a published pledge by e-mail: after they
    confirm their address (double opt-in), a digest of its new actions reaches them.

    The address is private: never shown on a page, in the API, a feed or any export (open
    data has no such table); only the outbox holds it while a message waits, as for any mail.
    """

    __tablename__ = "pledge_followers"
    __table_args__ = (sa.UniqueConstraint("pledge_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(sa.ForeignKey("pledges.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When a confirmation link was last e-mailed (asking again within the hour sends none).
    asked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Set when the address is confirmed; until then nothing but the confirmation is sent.
    confirmed_at: Mapped[dt.datetime | None]
    # Actions recorded after this moment are in the next digest.
    sent_up_to: Mapped[dt.datetime | None]
    # The language of the page they asked from: their e-mails' (none: English).
    language: Mapped[str | None] = mapped_column(sa.String(8))

    pledge: Mapped[Pledge] = relationship()

    limits: ClassVar[dict[str, Limit]] = {"email": Limit(254, required=_l("Give your e-mail address."))}
    # No page shows followers: following one does not make every kept render stale.
    moves_data_version: ClassVar[bool] = False

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
