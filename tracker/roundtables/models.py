"""Roundtables, their agreed outcomes, and the recommendations co-chairs follow through:
owners, due dates, progress updates and the co-chairs' review.

Rules about *who* may change them live in `tracker.permissions`, *how* they change in
`operations` and `workflow`, which recommendations are overdue or stale in `follow_through`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from babel.support import LazyProxy
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..core import (
    files,
    indicators,
    outcomes,
    search,  # noqa: F401  (its listener keeps each record's search_text)
)
from ..core.columns import state_column, utcnow
from ..core.extensions import Base
from ..core.i18n import _l
from ..core.limits import Limit
from ..core.sources import DEFAULT_LANGUAGE
from ..core.translations import Translated
from ..taxonomy.models import Forum
from .workflow import DONE, DRAFT, VERIFIED, RecommendationWorkflow

# The words of a review (a reason for sending back, a comment on verifying) and of a
# recommendation marked done.
REVIEW_WORDS = Limit(10_000, lines=True)

roundtable_co_chairs = sa.Table(
    "roundtable_co_chairs",
    Base.metadata,
    sa.Column("roundtable_id", sa.ForeignKey("roundtables.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)

roundtable_participants = sa.Table(
    "roundtable_participants",
    Base.metadata,
    sa.Column("roundtable_id", sa.ForeignKey("roundtables.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id"), primary_key=True, index=True),
)


# What kind of meeting or review issued the recommendations: a roundtable, a review by a
# mechanism (a Universal Periodic Review cycle), a ministerial conference, or another meeting.
# The English names are what an import may give besides the key; pages show `MEETING_KIND_LABELS`.
MEETING_KINDS: dict[str, str] = {
    "roundtable": "Roundtable",
    "review": "Review",
    "ministerial": "Ministerial conference",
    "meeting": "Other meeting",
}
MEETING_KIND_LABELS: dict[str, LazyProxy] = {
    "roundtable": _l("Roundtable"),
    "review": _l("Review"),
    "ministerial": _l("Ministerial conference"),
    "meeting": _l("Other meeting"),
}

# The response of a recommendation's addressee (a UPR State "supports" or "notes" it), in
# English (as an import may give it) and in the reader's language.
RESPONSES: dict[str, str] = {"supported": "Supported", "noted": "Noted", "other": "Other response"}
RESPONSE_LABELS: dict[str, LazyProxy] = {
    "supported": _l("Supported"),
    "noted": _l("Noted"),
    "other": _l("Other response"),
}


class Roundtable(Base):
    """A meeting or review whose agreed outcomes are followed through as recommendations: a
    roundtable, a Universal Periodic Review cycle, a ministerial conference (`kind`)."""

    __tablename__ = "roundtables"
    limits: ClassVar[dict[str, Limit]] = {
        "title": Limit(300, required=_l("Give the roundtable a title.")),
        "place": Limit(200),
        "participants_note": Limit(2_000, lines=True),
        "summary": Limit(50_000, lines=True),
    }
    noun: ClassVar[str] = "roundtable"
    searchable: ClassVar[tuple[str, ...]] = ("title", "summary", "place", "participants_note")  # (core.search)
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in MEETING_KINDS)})", name="known_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(20), default="roundtable", server_default="roundtable")
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forums.id"), index=True)  # the process
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    place: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    participants_note: Mapped[str | None] = mapped_column(sa.Text)  # "13 governments and …"
    search_text: Mapped[str | None] = mapped_column(sa.Text, default="")  # (core.search)
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

    @property
    def kind_label(self) -> LazyProxy:
        """Its kind in words, in the reader's language."""
        return MEETING_KIND_LABELS[self.kind] if self.kind in MEETING_KIND_LABELS else _l("Meeting")


class OutcomeGroup(Base):
    """A heading under which a roundtable's agreed outcomes are listed."""

    __tablename__ = "outcome_groups"
    limits: ClassVar[dict[str, Limit]] = {"heading": Limit(2_000, required=_l("Write the heading."))}

    id: Mapped[int] = mapped_column(primary_key=True)
    roundtable_id: Mapped[int] = mapped_column(sa.ForeignKey("roundtables.id", ondelete="CASCADE"), index=True)
    heading: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    roundtable: Mapped[Roundtable] = relationship(back_populates="outcome_groups")
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Outcome.position"
    )


class Outcome(Base):
    __tablename__ = "outcomes"
    limits: ClassVar[dict[str, Limit]] = {"text": Limit(5_000, lines=True, required=_l("Write the outcome."))}

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


class ProgressUpdate(Translated, Base):
    """A dated note by an owner on a recommendation."""

    __tablename__ = "progress_updates"
    __table_args__ = (sa.CheckConstraint("value IS NULL OR indicator_id IS NOT NULL", name="value_has_indicator"),)
    limits: ClassVar[dict[str, Limit]] = {
        "text": Limit(10_000, lines=True, required=_l("Write what has happened since the last update.")),
        "link_url": Limit(2_000),
    }
    translatable: ClassVar[tuple[str, ...]] = ("text",)  # (core.translations)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    date: Mapped[dt.date]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A figure it reports against one of the recommendation's indicators (core.indicators).
    indicator_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendation_indicators.id", ondelete="SET NULL"), index=True
    )
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    # Evidence: a link (a published report, the circulation e-mail's archive) and files.
    link_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # The language its text is written in (BCP 47); None: its recommendation's.
    language: Mapped[str | None] = mapped_column(sa.String(35))

    recommendation: Mapped[Recommendation] = relationship(back_populates="updates")
    files: Mapped[list[UpdateFile]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="(UpdateFile.position, UpdateFile.id)"
    )
    organisation: Mapped[Organisation] = relationship()
    author: Mapped[User | None] = relationship()
    indicator: Mapped[RecommendationIndicator | None] = relationship(back_populates="updates")

    @property
    def written_in(self) -> str:
        """The language its text is written in: its own, or its recommendation's."""
        return self.language or self.recommendation.language

    @property
    def history_timeline(self) -> Recommendation:
        """Progress updates are shown on their recommendation's history."""
        return self.recommendation


class UpdateFile(files.EvidenceFileColumns, Base):
    """A document an owner attached to a progress update as its evidence."""

    __tablename__ = "progress_update_files"

    update_id: Mapped[int] = mapped_column(sa.ForeignKey("progress_updates.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    update: Mapped[ProgressUpdate] = relationship(back_populates="files")


class RecommendationIndicator(indicators.IndicatorColumns, Base):
    """What a recommendation aims at in numbers, reported on by its progress updates."""

    __tablename__ = "recommendation_indicators"
    __table_args__ = (indicators.combine_constraint(),)

    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"), index=True)

    recommendation: Mapped[Recommendation] = relationship(back_populates="indicators")
    updates: Mapped[list[ProgressUpdate]] = relationship(back_populates="indicator")

    def readings(self) -> list[indicators.Reading]:
        """The figures its recommendation's progress updates report against it (read from
        the recommendation's updates, which its pages load anyway)."""
        return [
            indicators.Reading(update.date, Decimal(update.value), (update.id,))
            for update in self.recommendation.updates
            if update.indicator_id == self.id and update.value is not None
        ]


# The date of a recommendation's latest progress update, computed by the database with the
# recommendation itself (one query for any number of them, and usable in a WHERE).


class RecommendationOwner(Base):
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


class RecommendingOrganisation(Base):
    """An organisation or State that made a recommendation (a UPR recommendation's
    recommending States), in the order its source names them."""

    __tablename__ = "recommending_organisations"

    recommendation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Recommendation(Translated, Base):
    """An outcome a meeting or review agreed to follow through, owned by organisations; as
    its source has it: its number there, who recommended it, its addressee's response."""

    __tablename__ = "recommendations"
    limits: ClassVar[dict[str, Limit]] = {
        "text": Limit(5_000, lines=True, required=_l("Write the recommendation.")),
        "contact_name": Limit(200),
        "contact_email": Limit(254),
        "reference": Limit(40),
        "addressee_note": Limit(2_000, lines=True),
        "source_url": Limit(2_000),
    }
    noun: ClassVar[str] = "recommendation"
    searchable: ClassVar[tuple[str, ...]] = ("text", "reference", "addressee_note")  # (core.search)
    translatable: ClassVar[tuple[str, ...]] = ("text",)  # (core.translations)
    __table_args__ = (
        sa.CheckConstraint(
            f"response IS NULL OR response IN ({', '.join(repr(k) for k in RESPONSES)})", name="known_response"
        ),
        sa.CheckConstraint(
            "outcome_rating IS NULL OR outcome_rating IN ('no_change', 'some', 'substantial', 'transformative')",
            name="known_outcome_rating",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roundtable_id: Mapped[int] = mapped_column(sa.ForeignKey("roundtables.id"), index=True)
    outcome_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcomes.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outcome_groups.id"), index=True)  # heading
    text: Mapped[str] = mapped_column(sa.Text)
    search_text: Mapped[str | None] = mapped_column(sa.Text, default="")  # (core.search)
    status: Mapped[str] = mapped_column(
        state_column(RecommendationWorkflow.state_values(), "recommendation_status"), index=True
    )
    # As its source has it: its number there ("121.1"), its addressee named in words when the
    # source names no organisation ("members", "Ministers"), the addressee's response and its
    # day, the language it is written in, and where it was published.
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    addressee_note: Mapped[str | None] = mapped_column(sa.Text)
    response: Mapped[str | None] = mapped_column(sa.String(20))
    response_date: Mapped[dt.date | None]
    language: Mapped[str] = mapped_column(sa.String(35), default=DEFAULT_LANGUAGE, server_default=DEFAULT_LANGUAGE)
    source_url: Mapped[str | None] = mapped_column(sa.String(2000))
    due_date: Mapped[dt.date | None] = mapped_column(index=True)
    # When the co-chairs agreed it; with its latest progress update (`last_update_on`,
    # below) it says how long it has gone without news ("stale", see `follow_through`).
    agreed_on: Mapped[dt.date | None]
    # When its owners last marked it done (the app's today): how long it has awaited the
    # co-chairs' verification (a reminder after 7 days, `reminders`).
    completed_on: Mapped[dt.date | None]
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
    # What changed, beyond its being done (core.outcomes): its co-chairs' rating once verified.
    outcome_rating: Mapped[str | None] = mapped_column(sa.String(20))
    outcome_justification: Mapped[str | None] = mapped_column(sa.Text)
    outcome_rated_at: Mapped[dt.datetime | None]
    outcome_rated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    # The date of the latest progress update, computed by the database with the
    # recommendation itself (one query for any number of them, and usable in a WHERE).
    last_update_on: Mapped[dt.date | None] = column_property(
        sa.select(sa.func.max(ProgressUpdate.date))
        .where(ProgressUpdate.recommendation_id == id)
        .correlate_except(ProgressUpdate)
        .scalar_subquery()
    )

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
    indicators: Mapped[list[RecommendationIndicator]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan", order_by="RecommendationIndicator.position"
    )
    recommending_rows: Mapped[list[RecommendingOrganisation]] = relationship(
        cascade="all, delete-orphan",
        order_by=RecommendingOrganisation.position,
        collection_class=ordering_list("position"),
    )
    recommending: AssociationProxy[list[Organisation]] = association_proxy(
        "recommending_rows",
        "organisation",
        creator=lambda organisation: RecommendingOrganisation(organisation=organisation),
    )
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    outcome_rated_by: Mapped[User | None] = relationship(foreign_keys=[outcome_rated_by_id])
    sent_back_by: Mapped[User | None] = relationship(foreign_keys=[sent_back_by_id])

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("status", DRAFT)
        super().__init__(**kwargs)

    @property
    def workflow(self) -> RecommendationWorkflow:
        return RecommendationWorkflow(model=self, state_field="status")

    @property
    def status_label(self) -> str:
        return RecommendationWorkflow.label(self.status)

    @property
    def recommending_names(self) -> list[str]:
        """Who made it, as history records them."""
        return [organisation.name for organisation in self.recommending]

    @property
    def outcome_label(self) -> str | None:
        """Its co-chairs' rating of what changed, in words, once it is verified."""
        return outcomes.label(self.outcome_rating) if self.status == VERIFIED else None

    @property
    def response_label(self) -> LazyProxy | None:
        return RESPONSE_LABELS.get(self.response) if self.response else None

    @property
    def lead_owner(self) -> Organisation | None:
        return next((o.organisation for o in self.owners if o.is_lead), None)

    @property
    def owner_organisations(self) -> list[Organisation]:
        return [o.organisation for o in self.owners]

    @property
    def is_agreed(self) -> bool:
        return self.status != DRAFT

    @property
    def is_finished(self) -> bool:
        return self.status in (DONE, VERIFIED)

    @property
    def other_owners(self) -> list[Organisation]:
        return [o.organisation for o in self.owners if not o.is_lead]

    @property
    def owner_names(self) -> list[str]:
        """ "Australian Red Cross (lead)", then the others: how history records owners."""
        return [o.organisation.name + (" (lead)" if o.is_lead else "") for o in self.owners]

    @property
    def latest_update(self) -> ProgressUpdate | None:
        return self.updates[-1] if self.updates else None

    @property
    def latest_review(self) -> Review | None:
        """The co-chairs' latest review: verified, or sent back with a reason."""
        candidates = [
            ("verified", self.verified_at, self.verified_by, self.verified_comment),
            ("sent_back", self.sent_back_at, self.sent_back_by, self.sent_back_reason),
        ]
        reviews = [Review(kind, at, by, words) for kind, at, by, words in candidates if at is not None]
        return max(reviews, key=lambda review: review.at) if reviews else None


@dataclass(frozen=True)
class Review:
    kind: str  # "verified" | "sent_back"
    at: dt.datetime
    by: User | None
    words: str | None

    @property
    def label(self) -> LazyProxy:
        return _l("Verified") if self.kind == "verified" else _l("Sent back")
