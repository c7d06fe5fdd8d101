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
from decimal import Decimal
import unicodedata

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError
from statemachine.exceptions import TransitionNotAllowed

from . import clock, permissions
from .extensions import db
from .history import changes_between, record_history, snapshot
from .models import (
    ActionFigure,
    ActionTaken,
    Country,
    DatePrecision,
    EvidenceLink,
    Forum,
    MAX_BUDGET,
    MAX_FIGURE,
    HistoryEntry,
    Organisation,
    Pledge,
    PledgeSignatory,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Theme,
    is_web_url,
    utcnow,
)
from .permissions import PermissionDenied
from .templating import format_date, format_number
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


class EditConflict(ConcurrentChange):
    """The record was saved by someone else after the editor's form was opened.

    `current_version` lets the conflict page offer "save my version anyway"."""

    def __init__(self, record, expected_version: int):
        self.record = record
        self.expected_version = expected_version
        self.current_version = record.version
        super().__init__(
            f"Someone else saved this {_noun(record)} after you opened the form. "
            "Compare their changes with yours below; nothing you typed has been lost."
        )


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
    return {Pledge: "pledge", ActionTaken: "action", Recommendation: "recommendation"}.get(type(record), "record")


def _check_version(record, expected_version: int | None) -> None:
    """Refuse an edit made on a form opened before someone else's save."""
    if expected_version is not None and expected_version != record.version:
        raise EditConflict(record, expected_version)


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
    spaced = re.sub(r"[^\w]+", " ", text)  # dashes and punctuation separate words: 2019–2023
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return slug or "pledge"


# Addresses under /pledges/ that are pages, not pledges.
RESERVED_SLUGS = frozenset({"new", "mine"})


def unique_slug(model, text: str) -> str:
    """The slug of `text`, numbered (-2, -3 …) when taken. A slug never changes after it is
    given, so a pledge keeps its address when its title is edited."""
    base = slugify(text)
    taken = set(db.session.scalars(sa.select(model.slug).where(model.slug.like(f"{base}%")))) | RESERVED_SLUGS
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
    if fields.get("budget_amount") is not None:
        _check_amount(fields["budget_amount"], MAX_BUDGET, "The budget")
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


def edit_pledge(
    pledge: Pledge,
    actor,
    *,
    expected_version: int | None = None,
    comment: str | None = None,
    lead: Organisation | None = None,
    co_signatories: list[Organisation] | None = None,
    themes: list[Theme] | None = None,
    countries: list[Country] | None = None,
    **fields,
) -> HistoryEntry | None:
    """Change a pledge's fields, themes, countries and signatories (None leaves a list as
    it is). History records each change's old and new value. `expected_version` is the
    version the editor's form was opened at: a save by someone else since then is refused
    as `EditConflict`, never silently overwritten."""
    permissions.require(actor, "edit", pledge)
    _check_version(pledge, expected_version)
    unknown = set(fields) - set(PLEDGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown pledge fields: {', '.join(sorted(unknown))}")
    if "title" in fields and not (fields["title"] or "").strip():
        raise OperationRefused("A pledge needs a title.")
    if fields.get("budget_amount") is not None:
        _check_amount(fields["budget_amount"], MAX_BUDGET, "The budget")
    listed = {"themes": themes, "countries": countries}
    # History names the forum and the signatories, not their ids.
    watched = [("forum" if name == "forum_id" else name) for name in fields]
    watched += [name for name, value in listed.items() if value is not None] + ["signatory_names"]
    before = snapshot(pledge, watched)
    # Signatories first: changing the lead needs a flush of its own, which must not carry
    # the pledge's other changes (that would count as a second save).
    if lead is not None or co_signatories is not None:
        _set_signatories(
            pledge,
            actor,
            lead or pledge.lead_signatory,
            co_signatories if co_signatories is not None else pledge.signatory_organisations[1:],
        )
    for name, value in fields.items():
        if name == "forum_id":
            pledge.forum = db.session.get(Forum, value) if value is not None else None
        else:
            setattr(pledge, name, value.strip() if name == "title" else value)
    for name, value in listed.items():
        if value is not None:
            setattr(pledge, name, list(_distinct(value)))
    changes = changes_between(before, snapshot(pledge, watched))
    if not changes:
        return None
    # Touch the row even when only a list changed, so the version moves on and a form
    # opened before this save is refused rather than overwriting it.
    pledge.updated_at = utcnow()
    _flush_or_conflict(pledge)
    return record_history(pledge, "edited", actor, changes=changes, comment=comment)


def _set_signatories(pledge: Pledge, actor, lead: Organisation, co_signatories: list[Organisation]) -> None:
    existing = {s.organisation_id: s for s in pledge.signatories}
    # Signatories keep their places; new ones follow in the order given.
    others = sorted(
        (org for org in _distinct(co_signatories) if org.id != lead.id),
        key=lambda org: existing[org.id].position if org.id in existing else len(existing),
    )
    wanted = [lead] + others
    wanted_ids = {org.id for org in wanted}
    if actor.organisation_id not in wanted_ids:
        raise OperationRefused(
            "Your organisation must stay a signatory of this pledge. "
            "To leave a joint pledge, ask another signatory to remove your organisation."
        )
    answering = {action.attributed_to_id for action in pledge.current_actions}
    leaving = [s.organisation for s in pledge.signatories if s.organisation_id not in wanted_ids]
    blocked = [org.name for org in leaving if org.id in answering]
    if blocked:
        raise OperationRefused(
            f"{_join_names(blocked)} recorded actions taken on this pledge, so "
            f"{'it stays a signatory' if len(blocked) == 1 else 'they stay signatories'} "
            "until those actions are withdrawn."
        )
    # Clear the old lead first: the database allows one lead per pledge at every moment.
    for signatory in pledge.signatories:
        signatory.is_lead = False
    db.session.flush()
    pledge.signatories = [
        _signatory(existing.get(org.id), org, position) for position, org in enumerate(wanted)
    ]


def _signatory(signatory: PledgeSignatory | None, org: Organisation, position: int) -> PledgeSignatory:
    signatory = signatory or PledgeSignatory(organisation=org)
    signatory.is_lead = position == 0
    signatory.position = position
    return signatory


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- actions taken ---------------------------------------------------------------------


def _check_amount(value, largest: int, what: str) -> None:
    """Refuse a number the database cannot hold exactly (rather than fail or round it)."""
    number = Decimal(value)
    if not number.is_finite() or not 0 <= number <= largest:
        raise OperationRefused(f"{what} must be a number from 0 to {largest:,}.")
    if number != number.quantize(Decimal("0.01")):
        raise OperationRefused(f"{what} can have at most two decimal places.")


def _write_action_content(
    action: ActionTaken,
    *,
    date: dt.date,
    summary: str,
    organisations: list[Organisation],
    details: str = "",
    date_precision=None,
    heading: str | None = None,
    figures: list[dict] = (),
    links: list[dict] = (),
) -> None:
    """Check and set what an action says: the one rule for recording and editing it."""
    if not (summary or "").strip():
        raise OperationRefused("Say in a sentence or two what was done.")
    if date > clock.today():
        raise OperationRefused("An action taken cannot be dated in the future: record it once it has happened.")
    signatory_ids = {o.id for o in action.pledge.signatory_organisations}
    if not organisations or any(o.id not in signatory_ids for o in organisations):
        raise OperationRefused("An action must be attributed to one or more of the pledge's signatories.")
    for link in links:
        if not is_web_url(link.get("url")):
            raise OperationRefused(
                f"Evidence links must be web addresses starting with https:// or http://, not {link.get('url')!r}."
            )
    for figure in figures:
        if not (figure.get("label") or "").strip() or figure.get("value") is None:
            raise OperationRefused("Each figure needs a label and a number.")
        _check_amount(figure["value"], MAX_FIGURE, "A figure")
    action.date = date
    action.date_precision = date_precision or action.date_precision or DatePrecision.DAY
    action.summary = summary.strip()
    action.details = details or ""
    action.heading = (heading or "").strip() or None
    action.organisations = _distinct(organisations)
    action.figures = [ActionFigure(position=i, **figure) for i, figure in enumerate(figures)]
    action.links = [EvidenceLink(position=i, **link) for i, link in enumerate(links)]


def record_action(pledge: Pledge, actor, *, position: int | None = None, **content) -> ActionTaken:
    """Record an action taken towards `pledge`, attributed to the actor's organisation (a
    signatory). `content`: date, summary, organisations (the signatories involved), and
    optionally details, date_precision, heading, figures and links (lists of dicts)."""
    permissions.require(actor, "record_action", pledge)
    action = ActionTaken(
        pledge=pledge,
        attributed_to_id=actor.organisation_id,
        created_by_id=actor.id,
        position=len(pledge.actions) if position is None else position,
    )
    try:
        _write_action_content(action, **content)
    except OperationRefused:
        pledge.actions.remove(action)  # never flushed: nothing half-written
        raise
    db.session.add(action)
    db.session.flush()
    record_history(action, "action_recorded", actor, changes={"summary": [None, action.summary]})
    return action


def _action_snapshot(action: ActionTaken) -> dict:
    """An action's content as history shows it (lists as readable strings)."""
    return {
        "date": format_date(action.date, action.date_precision),
        "heading": action.heading,
        "summary": action.summary,
        "details": action.details,
        "organisations": [org.name for org in action.organisations],
        "figures": [
            " ".join(str(part) for part in (f"{f.label}:", format_number(Decimal(f.value)), f.unit, f.year) if part)
            for f in action.figures
        ],
        "links": [link.url for link in action.links],
    }


def edit_action(action: ActionTaken, actor, *, expected_version: int | None = None, **content) -> HistoryEntry | None:
    """Change what an action says (only its own organisation may; `content` as for
    `record_action`). History keeps what it said before."""
    permissions.require(actor, "edit", action)
    if action.withdrawn_at is not None:
        raise OperationRefused("This action has been withdrawn; it can no longer be changed.")
    _check_version(action, expected_version)
    before = _action_snapshot(action)
    _write_action_content(action, **content)
    changes = changes_between(before, _action_snapshot(action))
    if not changes:
        return None
    action.updated_at = utcnow()
    _flush_or_conflict(action)
    return record_history(action, "action_edited", actor, changes=changes)


def withdraw_action(action: ActionTaken, actor, *, reason: str | None = None) -> HistoryEntry:
    """Take an action off the pledge's pages. It is not deleted: history keeps it."""
    permissions.require(actor, "withdraw", action)
    if action.withdrawn_at is not None:
        raise OperationRefused("This action has already been withdrawn.")
    action.withdrawn_at = utcnow()
    action.withdrawn_by_id = actor.id
    _flush_or_conflict(action)
    return record_history(
        action, "action_withdrawn", actor, changes={"summary": [action.summary, None]}, comment=reason
    )


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
