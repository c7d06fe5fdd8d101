"""Every change to roundtables, their outcomes and their recommendations, one function
each, with no HTTP in sight (see `tracker.core.changes` for the discipline they share)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..accounts.models import Organisation, User
from ..core import access, clock, outcomes
from ..core.changes import (
    AfterTransition,
    OperationRefused,
    check_version,
    distinct,
    flush_or_conflict,
    record_edit,
    unique_slug,
)
from ..core.changes import take_transition as _take_transition
from ..core.columns import utcnow
from ..core.extensions import db
from ..core.history import HistoryEntry, record_history, snapshot
from ..core.i18n import _l
from ..core.limits import clean_fields
from ..taxonomy.models import Forum
from . import mails
from .fields import (
    check_meeting_kind,
    check_recommendation_fields,
)
from .models import (
    REVIEW_WORDS,
    Outcome,
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Roundtable,
)
from .progress import acting_owner as _acting_owner
from .progress import post_progress_update, set_indicators
from .progress import words as _words

# Offered here with every other change (they live in `progress`).
__all__ = ["post_progress_update", "set_indicators"]


def take_transition(
    recommendation: Recommendation, event: str, actor: Any, *, comment: str | None = None, **rule_data: Any
) -> HistoryEntry:
    """Move `recommendation` through its workflow by `event` ("agree", "complete", "verify",
    "send_back") on behalf of `actor`: `what_was_done=` to complete, `reason=` to send back,
    `public=` for whether the review's words are public. Those who must hear of it are told
    in the same transaction (`mails`). Returns the history entry."""
    for words in ("reason", "what_was_done"):
        if words in rule_data:
            rule_data[words] = REVIEW_WORDS.clean(rule_data[words], "words")
    comment = REVIEW_WORDS.clean_or_none(comment, "words")
    entry = _take_transition(recommendation, event, actor, after=_AFTER, comment=comment, **rule_data)
    mails.recommendation_moved(recommendation, event, actor)  # told in the same transaction
    return entry


def _after_agree(recommendation: Recommendation, actor: User, today: dt.date | None = None, **_: Any) -> None:
    recommendation.agreed_on = today or clock.today()


def _after_complete_recommendation(
    recommendation: Recommendation, actor: User, what_was_done: str, today: dt.date | None = None, **_: Any
) -> None:
    """Completing says what was done: that statement is the recommendation's latest update."""
    date = today or clock.today()
    recommendation.completed_on = date
    recommendation.updates.append(
        ProgressUpdate(
            organisation_id=_acting_owner(recommendation, actor).id,
            author_id=actor.id,
            date=date,
            text=what_was_done.strip(),
        )
    )


def _after_verify(
    recommendation: Recommendation, actor: User, comment: str | None = None, public: bool = False, **_: Any
) -> None:
    """`public`: the co-chair lets the public page show the comment."""
    recommendation.verified_at = utcnow()
    recommendation.verified_by_id = actor.id
    recommendation.verified_comment = (comment or "").strip() or None
    recommendation.review_comment_public = bool(public)


def _after_send_back(recommendation: Recommendation, actor: User, reason: str, public: bool = False, **_: Any) -> None:
    """The owner always sees the reason; the public only when the co-chair says so. (Only
    a recommendation not yet verified is sent back: verified is final.)"""
    recommendation.sent_back_at = utcnow()
    recommendation.sent_back_by_id = actor.id
    recommendation.sent_back_reason = reason.strip()
    recommendation.review_comment_public = bool(public)


_AFTER: dict[str, AfterTransition] = {
    "agree": _after_agree,
    "complete": _after_complete_recommendation,
    "verify": _after_verify,
    "send_back": _after_send_back,
}


# --- roundtables and their outcomes ------------------------------------------------------

ROUNDTABLE_FIELDS = [
    "title", "kind", "forum_id", "start_date", "end_date", "place", "summary", "participants_note", "is_public",
]  # fmt: skip


def _checked_roundtable_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The roundtable's fields, each text cleaned by its limit (core.limits), the days in order."""
    unknown = set(fields) - set(ROUNDTABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown roundtable fields: {', '.join(sorted(unknown))}")
    start, end = fields.get("start_date"), fields.get("end_date")
    if start is not None and end is not None and end < start:
        raise OperationRefused(_l("The last day cannot be before the first day."))
    if "kind" in fields:
        fields = fields | {"kind": check_meeting_kind(fields["kind"])}
    return clean_fields(Roundtable, fields)


def _check_co_chairs(actor: User, co_chairs: list[Organisation], roundtable: Roundtable | None = None) -> None:
    """Any organisations may chair (or review): a co-chair records a meeting whose chairs
    are, say, a troika of States, and its chairs' staff follow it through. A co-chair does
    not take their own organisation off a meeting it chairs (they would lose it)."""
    if not co_chairs:
        raise OperationRefused(_l("Name at least one co-chair organisation."))
    chairing = roundtable is not None and actor.organisation_id in {org.id for org in roundtable.co_chairs}
    if chairing and not actor.is_admin and actor.organisation_id not in {org.id for org in co_chairs}:
        raise OperationRefused(
            _l("You cannot take your own organisation off the co-chairs: another co-chair or an admin can.")
        )


def create_roundtable(
    actor: User,
    *,
    title: str,
    start_date: dt.date,
    co_chairs: list[Organisation],
    participants: Sequence[Organisation] = (),
    slug: str | None = None,
    **fields: Any,
) -> Roundtable:
    """Record a roundtable (a co-chair of it, or an admin, may)."""
    access.require(actor, "create_roundtable")
    fields = _checked_roundtable_fields({"title": title, "start_date": start_date, **fields})
    _check_co_chairs(actor, co_chairs)
    roundtable = Roundtable(
        slug=slug or unique_slug(Roundtable, fields["title"]),
        co_chairs=distinct(co_chairs),
        participants=distinct(participants),
        **fields,
    )
    db.session.add(roundtable)
    db.session.flush()
    record_history(roundtable, "created", actor)
    return roundtable


def edit_roundtable(
    roundtable: Roundtable,
    actor: User,
    *,
    expected_version: int | None = None,
    co_chairs: list[Organisation] | None = None,
    participants: list[Organisation] | None = None,
    **fields: Any,
) -> HistoryEntry | None:
    """Change a roundtable's facts, co-chairs and participants; history records each change."""
    access.require(actor, "edit", roundtable)
    check_version(roundtable, expected_version)
    days = {"start_date": roundtable.start_date, "end_date": roundtable.end_date}
    checked = _checked_roundtable_fields(days | fields)
    fields = {name: checked[name] for name in fields}
    if co_chairs is not None:
        _check_co_chairs(actor, co_chairs, roundtable)
    watched = [("forum" if name == "forum_id" else name) for name in fields]
    watched += [name for name, value in (("co_chairs", co_chairs), ("participants", participants)) if value is not None]
    before = snapshot(roundtable, watched)
    for name, value in fields.items():
        if name == "forum_id":
            roundtable.forum = db.session.get(Forum, value) if value is not None else None
        else:
            setattr(roundtable, name, value)
    if co_chairs is not None:
        roundtable.co_chairs = distinct(co_chairs)
    if participants is not None:
        roundtable.participants = distinct(participants)
    return record_edit(roundtable, actor, before, watched)


def _outcomes_changed(roundtable: Roundtable, actor: User, event: str, changes: dict[str, Any]) -> HistoryEntry:
    """Every change to the outcomes moves the roundtable's version on, so two co-chairs
    reordering at the same moment cannot both succeed on a stale order."""
    roundtable.updated_at = utcnow()
    flush_or_conflict(roundtable)
    return record_history(roundtable, event, actor, changes=changes)


def add_outcome_group(roundtable: Roundtable, actor: User, *, heading: str) -> OutcomeGroup:
    """A new heading, after the others."""
    access.require(actor, "edit", roundtable)
    group = OutcomeGroup(
        heading=_words(OutcomeGroup.limits["heading"], heading, "heading"), position=len(roundtable.outcome_groups)
    )
    roundtable.outcome_groups.append(group)
    _outcomes_changed(roundtable, actor, "heading_added", {"heading": [None, group.heading]})
    return group


def edit_outcome_group(group: OutcomeGroup, actor: User, *, heading: str) -> HistoryEntry | None:
    roundtable = group.roundtable
    access.require(actor, "edit", roundtable)
    heading = _words(OutcomeGroup.limits["heading"], heading, "heading")
    if heading == group.heading:
        return None
    before, group.heading = group.heading, heading
    return _outcomes_changed(roundtable, actor, "heading_edited", {"heading": [before, heading]})


def add_outcome(group: OutcomeGroup, actor: User, *, text: str) -> Outcome:
    """A new outcome, last under its heading."""
    roundtable = group.roundtable
    access.require(actor, "edit", roundtable)
    outcome = Outcome(text=_words(Outcome.limits["text"], text, "text"), position=len(group.outcomes))
    group.outcomes.append(outcome)
    _outcomes_changed(roundtable, actor, "outcome_added", {"outcome": [None, outcome.text]})
    return outcome


def edit_outcome(outcome: Outcome, actor: User, *, text: str, group: OutcomeGroup | None = None) -> HistoryEntry | None:
    """Change an outcome's words, or move it under another heading (last there)."""
    roundtable = outcome.group.roundtable
    access.require(actor, "edit", roundtable)
    text = _words(Outcome.limits["text"], text, "text")
    changes = {}
    if group is not None and group.id != outcome.group_id:
        if group.roundtable_id != roundtable.id:
            raise OperationRefused(_l("That heading belongs to another roundtable."))
        changes["heading"] = [outcome.group.heading, group.heading]
        old_group = outcome.group
        old_group.outcomes.remove(outcome)
        _renumber(old_group.outcomes)
        group.outcomes.append(outcome)
        _renumber(group.outcomes)
    if text != outcome.text:
        changes["outcome"] = [outcome.text, text]
        outcome.text = text
    if not changes:
        return None
    return _outcomes_changed(roundtable, actor, "outcome_edited", changes)


def _renumber(items: Sequence[OutcomeGroup | Outcome]) -> None:
    for position, item in enumerate(items):
        item.position = position


def _by_position(items: Sequence[Any]) -> list[Any]:
    """In the order the positions say: a collection loaded before an earlier move in the same
    transaction keeps its loading order."""
    return sorted(items, key=lambda item: item.position)


def _move(items: list[Any], item: object, direction: str) -> bool:
    """Swap `item` with its neighbour up or down; False when it is already at that end."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return True


def move_outcome_group(group: OutcomeGroup, actor: User, direction: str) -> HistoryEntry | None:
    roundtable = group.roundtable
    access.require(actor, "edit", roundtable)
    groups = _by_position(roundtable.outcome_groups)
    if not _move(groups, group, direction):
        return None
    return _outcomes_changed(roundtable, actor, "heading_moved", {"heading": [group.heading, f"moved {direction}"]})


def move_outcome(outcome: Outcome, actor: User, direction: str) -> HistoryEntry | None:
    roundtable = outcome.group.roundtable
    access.require(actor, "edit", roundtable)
    outcomes = _by_position(outcome.group.outcomes)
    if not _move(outcomes, outcome, direction):
        return None
    return _outcomes_changed(roundtable, actor, "outcome_moved", {"outcome": [outcome.text, f"moved {direction}"]})


# --- recommendations ------------------------------------------------------------------------


def _check_recommendation(
    roundtable: Roundtable,
    *,
    outcome: Outcome | None,
    group: OutcomeGroup | None,
    contact_email: str | None,
) -> None:
    if outcome is not None and outcome.group.roundtable_id != roundtable.id:
        raise OperationRefused(_l("That outcome belongs to another roundtable."))
    if group is not None and group.roundtable_id != roundtable.id:
        raise OperationRefused(_l("That heading belongs to another roundtable."))
    if contact_email and "@" not in contact_email:
        raise OperationRefused(_l("Enter the contact person's e-mail address, or leave it empty."))


def _set_owners(recommendation: Recommendation, owners: list[Organisation]) -> None:
    """The first of `owners` leads; owners keep their row (and so their place) when they stay."""
    existing = {o.organisation_id: o for o in recommendation.owners}
    for owner in recommendation.owners:  # one lead at every moment, as the database requires
        owner.is_lead = False
    if existing:
        db.session.flush()
    recommendation.owners = [
        _owner_row(existing.get(org.id), org, position) for position, org in enumerate(distinct(owners))
    ]


def _kept_in_order(before: list[Organisation], chosen: list[Organisation]) -> list[Organisation]:
    """`chosen`, those it keeps in the order they had (the source's), then the new ones."""
    return [org for org in before if org in chosen] + [org for org in chosen if org not in before]


def _owner_row(row: RecommendationOwner | None, org: Organisation, position: int) -> RecommendationOwner:
    row = row or RecommendationOwner(organisation=org)
    row.is_lead = position == 0
    row.position = position
    return row


def create_recommendation(
    roundtable: Roundtable,
    actor: User,
    *,
    text: str,
    owners: Sequence[Organisation] = (),
    due_date: dt.date | None = None,
    outcome: Outcome | None = None,
    group: OutcomeGroup | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    recommending: Sequence[Organisation] = (),
    **source: Any,
) -> Recommendation:
    """Draft a recommendation of `roundtable`, from one of its outcomes or directly; the
    first of `owners` is the lead owner. (One outcome may give several recommendations.)
    `source`: what its source says of it (`SOURCE_FIELDS`: its number there, its addressee
    in words, the response and its day, its language and address)."""
    access.require(actor, "add_recommendation", roundtable)
    group = group or (outcome.group if outcome else None)
    texts = check_recommendation_fields(
        {"text": text, "contact_name": contact_name, "contact_email": contact_email, **source}
    )
    _check_recommendation(roundtable, outcome=outcome, group=group, contact_email=texts["contact_email"])
    owners = distinct(owners)  # (loaded before the new record joins the roundtable's list)
    recommendation = Recommendation(
        roundtable=roundtable,
        due_date=due_date,
        outcome=outcome,
        group=group,
        created_by_id=getattr(actor, "id", None),
        **texts,
    )
    recommendation.recommending = distinct(recommending)
    _set_owners(recommendation, owners)
    db.session.add(recommendation)
    db.session.flush()
    record_history(recommendation, "created", actor, to_state=recommendation.status)
    return recommendation


def edit_recommendation(
    recommendation: Recommendation,
    actor: User,
    *,
    expected_version: int | None = None,
    owners: list[Organisation] | None = None,
    recommending: list[Organisation] | None = None,
    **fields: Any,
) -> HistoryEntry | None:
    """Change a recommendation's words, heading, owners, contact, due date, or what its
    source says of it (its co-chairs may, in any state). History records each change."""
    access.require(actor, "edit", recommendation)
    check_version(recommendation, expected_version)
    fields = check_recommendation_fields(fields)
    merged = {name: getattr(recommendation, name) for name in ("group", "contact_email", "addressee_note")} | fields
    _check_recommendation(
        recommendation.roundtable, outcome=None, group=merged["group"], contact_email=merged["contact_email"]
    )
    leaderless = not owners if owners is not None else recommendation.lead_owner is None
    if recommendation.is_agreed and leaderless and not merged["addressee_note"]:
        raise OperationRefused(_l("An agreed recommendation needs a lead owner (or its addressee, in words)."))
    watched = list(fields) + (["owner_names"] if owners is not None else [])
    watched += ["recommending_names"] if recommending is not None else []
    before = snapshot(recommendation, watched)
    if owners is not None:
        _set_owners(recommendation, owners)
    if recommending is not None:
        recommendation.recommending = _kept_in_order(list(recommendation.recommending), distinct(recommending))
    for name, value in fields.items():
        setattr(recommendation, name, value)
    return record_edit(recommendation, actor, before, watched)


def rate_outcome(
    recommendation: Recommendation, actor: User, *, rating: str | None, justification: str | None
) -> HistoryEntry:
    """Its co-chairs' rating of what changed, beyond its being done (`core.outcomes`), with
    why; a new rating replaces the last, and history keeps both."""
    access.require(actor, "rate_outcome", recommendation)
    changes = outcomes.rate(recommendation, actor, rating=rating, justification=justification)
    return record_history(recommendation, "outcome_rated", actor, changes=changes)
