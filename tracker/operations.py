"""Every change to the tracker's records, one function each, with no HTTP in sight.

Each function follows one discipline: check permission → check and apply the rule (the
workflow machine for state changes) → write history → flush. The caller (a request, a CLI
command, a test) commits once, or rolls back if anything raised.

Concurrency: pledges and recommendations carry a version column, so their UPDATE says
"WHERE version = <what I read>". Of two people pressing the same button at once, one
update matches and the other matches nothing and is refused as `ConcurrentChange`.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from statemachine.exceptions import TransitionNotAllowed

from . import permissions
from .extensions import db
from .history import changes_between, record_history, snapshot
from .models import (
    ActionFigure,
    ActionTaken,
    EvidenceLink,
    Organisation,
    Pledge,
    PledgeSignatory,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    utcnow,
)
from .permissions import PermissionDenied
from .workflow import RuleNotMet

__all__ = [
    "OperationRefused",
    "PermissionDenied",
    "TransitionRefused",
    "ConcurrentChange",
    "take_transition",
]


class OperationRefused(Exception):
    """Base of every refusal; `str()` is a message the person can act on."""


class TransitionRefused(OperationRefused):
    """Not possible from the current state, or the transition's rule is not met."""


class ConcurrentChange(OperationRefused):
    """Someone else changed the record between reading and writing it."""


# PermissionDenied is raised by the permission module; callers catch both.
REFUSALS = (OperationRefused, PermissionDenied)

_PAST_TENSE = {
    "start": "started",
    "complete": "marked done",
    "reopen": "reopened",
    "agree": "agreed",
    "verify": "verified",
    "send_back": "sent back",
}
_STATE_PHRASE = {
    "draft": "still a draft",
    "in_progress": "in progress",
    "done": "done",
    "verified": "done and verified",
}


def _noun(record) -> str:
    return "pledge" if isinstance(record, Pledge) else "recommendation"


def _flush_or_conflict(record) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise ConcurrentChange(
            f"Someone else changed this {_noun(record)} at the same moment. "
            "Reload the page to see where it stands now."
        ) from None


def take_transition(record: Pledge | Recommendation, event: str, actor, *, comment: str | None = None, **rule_data):
    """Move `record` through its workflow by `event`, on behalf of `actor`.

    `rule_data` feeds the transition's rule (e.g. `reason=` for reopen and send back,
    `what_was_done=` for completing a recommendation). Returns the history entry.
    """
    permissions.require(actor, event, record)
    machine = record.workflow
    from_state = record.status
    if event not in machine.events_from_here():
        raise TransitionRefused(
            f"This {_noun(record)} is {_STATE_PHRASE[from_state]}, so it cannot be {_PAST_TENSE.get(event, event)}."
        )
    try:
        machine.send(event, **rule_data)
    except RuleNotMet as refusal:
        raise TransitionRefused(str(refusal)) from None
    except TransitionNotAllowed:  # a guard said no
        raise TransitionRefused(f"This {_noun(record)} cannot be {_PAST_TENSE.get(event, event)} now.") from None

    _AFTER[type(record), event](record, actor, **rule_data)
    _flush_or_conflict(record)
    # The words that justified the transition are its comment in history.
    said = rule_data.get("reason") or rule_data.get("what_was_done") or comment
    return record_history(record, event, actor, from_state=from_state, to_state=record.status, comment=said)


def _after_start_pledge(pledge: Pledge, actor, **_):
    pledge.published_at = pledge.published_at or utcnow()


def _after_complete_pledge(pledge: Pledge, actor, **_):
    pledge.completed_at = utcnow()


def _after_reopen_pledge(pledge: Pledge, actor, **_):
    pledge.completed_at = None


def _after_agree(recommendation: Recommendation, actor, **_):
    pass


def _after_complete_recommendation(recommendation: Recommendation, actor, what_was_done: str, today=None, **_):
    """Completing says what was done: that statement is the recommendation's latest update."""
    recommendation.updates.append(
        ProgressUpdate(
            organisation_id=_acting_owner(recommendation, actor).id,
            author_id=actor.id,
            date=today or dt.date.today(),
            text=what_was_done.strip(),
        )
    )


def _after_verify(recommendation: Recommendation, actor, **_):
    recommendation.verified_at = utcnow()
    recommendation.verified_by_id = actor.id


def _after_send_back(recommendation: Recommendation, actor, reason: str, **_):
    recommendation.sent_back_at = utcnow()
    recommendation.sent_back_by_id = actor.id
    recommendation.sent_back_reason = reason.strip()
    recommendation.verified_at = None
    recommendation.verified_by_id = None


_AFTER = {
    (Pledge, "start"): _after_start_pledge,
    (Pledge, "complete"): _after_complete_pledge,
    (Pledge, "reopen"): _after_reopen_pledge,
    (Recommendation, "agree"): _after_agree,
    (Recommendation, "complete"): _after_complete_recommendation,
    (Recommendation, "verify"): _after_verify,
    (Recommendation, "send_back"): _after_send_back,
}


def _distinct(organisations) -> list[Organisation]:
    """Each organisation once, in the order given (a form may repeat a choice)."""
    seen: set[int] = set()
    return [org for org in organisations if not (org.id in seen or seen.add(org.id))]


def _acting_owner(recommendation: Recommendation, actor) -> Organisation:
    return next(o for o in recommendation.owner_organisations if o.id == actor.organisation_id)


# --- creating records ------------------------------------------------------------------

PLEDGE_FIELDS = [
    "title", "text", "forum_id", "region", "period_start", "period_end", "period_note",
    "budget_amount", "budget_currency", "budget_note", "actions_intro", "contact_name", "contact_email",
]  # fmt: skip


def slugify(text: str, max_length: int = 80) -> str:
    """A readable URL slug in ASCII; text in other scripts falls back to "pledge"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "pledge"


def unique_slug(model, text: str) -> str:
    base = slugify(text)
    taken = set(db.session.scalars(sa.select(model.slug).where(model.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def create_pledge(
    actor,
    *,
    title: str,
    lead: Organisation,
    co_signatories: list[Organisation] = (),
    themes=(),
    countries=(),
    slug: str | None = None,
    **fields,
) -> Pledge:
    """Write a new draft pledge signed by `lead` (and `co_signatories`)."""
    permissions.require(actor, "create_pledge")
    if actor.organisation_id not in {lead.id, *(o.id for o in co_signatories)}:
        raise PermissionDenied("Your organisation must be a signatory of a pledge you write.")
    unknown = set(fields) - set(PLEDGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown pledge fields: {', '.join(sorted(unknown))}")
    pledge = Pledge(
        title=title.strip(),
        slug=slug or unique_slug(Pledge, title),
        created_by_id=actor.id,
        themes=list(themes),
        countries=list(countries),
        **fields,
    )
    others = [org for org in _distinct(co_signatories) if org.id != lead.id]
    pledge.signatories = [PledgeSignatory(organisation=lead, is_lead=True, position=0)] + [
        PledgeSignatory(organisation=org, is_lead=False, position=i) for i, org in enumerate(others, start=1)
    ]
    db.session.add(pledge)
    db.session.flush()
    record_history(pledge, "created", actor, to_state=pledge.status)
    return pledge


def edit_pledge(pledge: Pledge, actor, comment: str | None = None, **fields) -> None:
    """Change a pledge's fields; history records each field's old and new value."""
    permissions.require(actor, "edit", pledge)
    before = snapshot(pledge, list(fields))
    for name, value in fields.items():
        if name not in PLEDGE_FIELDS:
            raise TypeError(f"unknown pledge field: {name}")
        setattr(pledge, name, value)
    changes = changes_between(before, snapshot(pledge, list(fields)))
    if changes:
        _flush_or_conflict(pledge)
        record_history(pledge, "edited", actor, changes=changes, comment=comment)


def record_action(
    pledge: Pledge,
    actor,
    *,
    date: dt.date,
    summary: str,
    organisations: list[Organisation],
    details: str = "",
    date_precision=None,
    heading: str | None = None,
    figures: list[dict] = (),
    links: list[dict] = (),
    position: int | None = None,
) -> ActionTaken:
    """Record an action taken towards `pledge`, attributed to signatory `organisations`."""
    permissions.require(actor, "record_action", pledge)
    signatory_ids = {o.id for o in pledge.signatory_organisations}
    if not organisations or any(o.id not in signatory_ids for o in organisations):
        raise OperationRefused("An action must be attributed to one or more of the pledge's signatories.")
    action = ActionTaken(
        pledge=pledge,
        date=date,
        summary=summary.strip(),
        details=details,
        heading=heading,
        organisations=list(organisations),
        created_by_id=actor.id,
        position=len(pledge.actions) if position is None else position,
        figures=[ActionFigure(position=i, **figure) for i, figure in enumerate(figures)],
        links=[EvidenceLink(position=i, **link) for i, link in enumerate(links)],
        **({"date_precision": date_precision} if date_precision else {}),
    )
    db.session.add(action)
    db.session.flush()
    record_history(action, "action_recorded", actor, changes={"summary": [None, action.summary]})
    return action


def create_recommendation(
    roundtable,
    actor,
    *,
    text: str,
    owners: list[Organisation] = (),
    due_date: dt.date | None = None,
    outcome=None,
    group=None,
    contact_name: str | None = None,
    contact_email: str | None = None,
) -> Recommendation:
    """Draft a recommendation of `roundtable`; the first of `owners` is the lead owner."""
    permissions.require(actor, "add_recommendation", roundtable)
    if outcome is not None and outcome.group.roundtable_id != roundtable.id:
        raise OperationRefused("That outcome belongs to another roundtable.")
    recommendation = Recommendation(
        roundtable=roundtable,
        text=text.strip(),
        due_date=due_date,
        outcome=outcome,
        group=group or (outcome.group if outcome else None),
        contact_name=contact_name,
        contact_email=contact_email,
        created_by_id=getattr(actor, "id", None),
    )
    recommendation.owners = [
        RecommendationOwner(organisation=org, is_lead=(i == 0), position=i) for i, org in enumerate(_distinct(owners))
    ]
    db.session.add(recommendation)
    db.session.flush()
    record_history(recommendation, "created", actor, to_state=recommendation.status)
    return recommendation


def post_progress_update(recommendation: Recommendation, actor, *, text: str, date: dt.date) -> ProgressUpdate:
    """An owner's dated note on `recommendation`."""
    permissions.require(actor, "post_update", recommendation)
    if not text.strip():
        raise OperationRefused("Write what has happened since the last update.")
    update = ProgressUpdate(
        recommendation=recommendation,
        organisation_id=_acting_owner(recommendation, actor).id,
        author_id=actor.id,
        date=date,
        text=text.strip(),
    )
    db.session.add(update)
    db.session.flush()
    record_history(update, "update_posted", actor, changes={"text": [None, update.text]})
    return update
