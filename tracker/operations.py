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
    Outcome,
    OutcomeGroup,
    Pledge,
    PledgeSignatory,
    ProgressUpdate,
    Recommendation,
    RecommendationOwner,
    Roundtable,
    Theme,
    is_web_url,
    utcnow,
)
from .permissions import PermissionDenied
from .templating import format_date, format_number
from .workflow import RecommendationWorkflow, RuleNotMet

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
        self.noun = _noun(record)
        self.expected_version = expected_version
        self.current_version = record.version
        super().__init__(
            f"Someone else saved this {self.noun} after you opened the form. "
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
    return {
        Pledge: "pledge", ActionTaken: "action", Recommendation: "recommendation", Roundtable: "roundtable",
    }.get(type(record), "record")  # fmt: skip


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

    _AFTER[type(record), event](record, actor, comment=comment, **rule_data)
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


def _after_agree(recommendation: Recommendation, actor, today=None, **_):
    recommendation.agreed_on = today or clock.today()


def _after_complete_recommendation(recommendation: Recommendation, actor, what_was_done: str, today=None, **_):
    """Completing says what was done: that statement is the recommendation's latest update."""
    date = today or clock.today()
    recommendation.updates.append(
        ProgressUpdate(
            organisation_id=_acting_owner(recommendation, actor).id,
            author_id=actor.id,
            date=date,
            text=what_was_done.strip(),
        )
    )


def _after_verify(recommendation: Recommendation, actor, comment: str | None = None, public: bool = False, **_):
    """`public`: the co-chair lets the public page show the comment."""
    recommendation.verified_at = utcnow()
    recommendation.verified_by_id = actor.id
    recommendation.verified_comment = (comment or "").strip() or None
    recommendation.review_comment_public = bool(public)


def _after_send_back(recommendation: Recommendation, actor, reason: str, public: bool = False, **_):
    """The owner always sees the reason; the public only when the co-chair says so."""
    recommendation.sent_back_at = utcnow()
    recommendation.sent_back_by_id = actor.id
    recommendation.sent_back_reason = reason.strip()
    recommendation.review_comment_public = bool(public)
    recommendation.verified_at = None
    recommendation.verified_by_id = None
    recommendation.verified_comment = None


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


# Addresses under /pledges/ and /roundtables/ that are pages, not records.
RESERVED_SLUGS = frozenset({"new", "mine", "review", "follow-through"})


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
        check_budget(fields["budget_amount"])
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
        check_budget(fields["budget_amount"])
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
    return _record_edit(pledge, actor, before, watched, comment=comment)


def _record_edit(record, actor, before: dict, watched: list[str], comment: str | None = None) -> HistoryEntry | None:
    """Finish an edit: None when nothing changed; otherwise touch the row (even when only a
    list changed, so the version moves on and a form opened before this save is refused
    rather than overwriting it), flush, and record old and new values in history."""
    changes = changes_between(before, snapshot(record, watched))
    if not changes:
        return None
    record.updated_at = utcnow()
    _flush_or_conflict(record)
    return record_history(record, "edited", actor, changes=changes, comment=comment)


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


# Each rule an action's content must meet, one function each: recording and editing an
# action check them all (`_write_action_content`); the CSV import checks them column by
# column, before it writes anything (`open_data`).


def check_action_summary(summary: str | None) -> None:
    if not (summary or "").strip():
        raise OperationRefused("Say in a sentence or two what was done.")


def check_action_date(date: dt.date) -> None:
    if date > clock.today():
        raise OperationRefused("An action taken cannot be dated in the future: record it once it has happened.")


def check_action_organisations(organisations: list[Organisation], signatory_ids: set[int]) -> None:
    """The organisations involved in an action: one or more of the pledge's signatories."""
    if not organisations or any(o.id not in signatory_ids for o in organisations):
        raise OperationRefused("An action must be attributed to one or more of the pledge's signatories.")


def check_evidence_links(links: list[dict]) -> None:
    for link in links:
        if not is_web_url(link.get("url")):
            raise OperationRefused(
                f"Evidence links must be web addresses starting with https:// or http://, not {link.get('url')!r}."
            )


def check_figures(figures: list[dict]) -> None:
    for figure in figures:
        if not (figure.get("label") or "").strip() or figure.get("value") is None:
            raise OperationRefused("Each figure needs a label and a number.")
        _check_amount(figure["value"], MAX_FIGURE, "A figure")


def check_budget(amount) -> None:
    """A pledge's budget amount (as `create_pledge` and `edit_pledge` check it)."""
    _check_amount(amount, MAX_BUDGET, "The budget")


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
    check_action_summary(summary)
    check_action_date(date)
    check_action_organisations(organisations, {o.id for o in action.pledge.signatory_organisations})
    check_evidence_links(links)
    check_figures(figures)
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


# --- roundtables and their outcomes ------------------------------------------------------

ROUNDTABLE_FIELDS = [
    "title", "forum_id", "start_date", "end_date", "place", "summary", "participants_note", "is_public",
]  # fmt: skip


def _check_roundtable_fields(fields: dict) -> None:
    unknown = set(fields) - set(ROUNDTABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown roundtable fields: {', '.join(sorted(unknown))}")
    if "title" in fields and not (fields["title"] or "").strip():
        raise OperationRefused("A roundtable needs a title.")
    start, end = fields.get("start_date"), fields.get("end_date")
    if start is not None and end is not None and end < start:
        raise OperationRefused("The last day cannot be before the first day.")


def _check_co_chairs(actor, co_chairs: list[Organisation]) -> None:
    if not co_chairs:
        raise OperationRefused("Name at least one co-chair organisation.")
    if not actor.is_admin and actor.organisation_id not in {org.id for org in co_chairs}:
        raise OperationRefused("Your organisation must be one of the co-chairs of a roundtable you record.")


def create_roundtable(
    actor,
    *,
    title: str,
    start_date: dt.date,
    co_chairs: list[Organisation],
    participants: list[Organisation] = (),
    slug: str | None = None,
    **fields,
) -> Roundtable:
    """Record a roundtable (a co-chair of it, or an admin, may)."""
    permissions.require(actor, "create_roundtable")
    _check_roundtable_fields({"title": title, "start_date": start_date, **fields})
    _check_co_chairs(actor, co_chairs)
    roundtable = Roundtable(
        title=title.strip(),
        slug=slug or unique_slug(Roundtable, title),
        start_date=start_date,
        co_chairs=_distinct(co_chairs),
        participants=_distinct(participants),
        **fields,
    )
    db.session.add(roundtable)
    db.session.flush()
    record_history(roundtable, "created", actor)
    return roundtable


def edit_roundtable(
    roundtable: Roundtable,
    actor,
    *,
    expected_version: int | None = None,
    co_chairs: list[Organisation] | None = None,
    participants: list[Organisation] | None = None,
    **fields,
) -> HistoryEntry | None:
    """Change a roundtable's facts, co-chairs and participants; history records each change."""
    permissions.require(actor, "edit", roundtable)
    _check_version(roundtable, expected_version)
    _check_roundtable_fields({"start_date": roundtable.start_date, "end_date": roundtable.end_date, **fields})
    if co_chairs is not None:
        _check_co_chairs(actor, co_chairs)
    watched = [("forum" if name == "forum_id" else name) for name in fields]
    watched += [name for name, value in (("co_chairs", co_chairs), ("participants", participants)) if value is not None]
    before = snapshot(roundtable, watched)
    for name, value in fields.items():
        if name == "forum_id":
            roundtable.forum = db.session.get(Forum, value) if value is not None else None
        else:
            setattr(roundtable, name, value.strip() if name == "title" else value)
    if co_chairs is not None:
        roundtable.co_chairs = _distinct(co_chairs)
    if participants is not None:
        roundtable.participants = _distinct(participants)
    return _record_edit(roundtable, actor, before, watched)


def _outcomes_changed(roundtable: Roundtable, actor, event: str, changes: dict) -> HistoryEntry:
    """Every change to the outcomes moves the roundtable's version on, so two co-chairs
    reordering at the same moment cannot both succeed on a stale order."""
    roundtable.updated_at = utcnow()
    _flush_or_conflict(roundtable)
    return record_history(roundtable, event, actor, changes=changes)


def _check_text(text: str | None, what: str) -> str:
    if not (text or "").strip():
        raise OperationRefused(f"Write the {what}.")
    return text.strip()


def add_outcome_group(roundtable: Roundtable, actor, *, heading: str) -> OutcomeGroup:
    """A new heading, after the others."""
    permissions.require(actor, "edit", roundtable)
    group = OutcomeGroup(heading=_check_text(heading, "heading"), position=len(roundtable.outcome_groups))
    roundtable.outcome_groups.append(group)
    _outcomes_changed(roundtable, actor, "heading_added", {"heading": [None, group.heading]})
    return group


def edit_outcome_group(group: OutcomeGroup, actor, *, heading: str) -> HistoryEntry | None:
    roundtable = group.roundtable
    permissions.require(actor, "edit", roundtable)
    heading = _check_text(heading, "heading")
    if heading == group.heading:
        return None
    before, group.heading = group.heading, heading
    return _outcomes_changed(roundtable, actor, "heading_edited", {"heading": [before, heading]})


def add_outcome(group: OutcomeGroup, actor, *, text: str) -> Outcome:
    """A new outcome, last under its heading."""
    roundtable = group.roundtable
    permissions.require(actor, "edit", roundtable)
    outcome = Outcome(text=_check_text(text, "outcome"), position=len(group.outcomes))
    group.outcomes.append(outcome)
    _outcomes_changed(roundtable, actor, "outcome_added", {"outcome": [None, outcome.text]})
    return outcome


def edit_outcome(outcome: Outcome, actor, *, text: str, group: OutcomeGroup | None = None) -> HistoryEntry | None:
    """Change an outcome's words, or move it under another heading (last there)."""
    roundtable = outcome.group.roundtable
    permissions.require(actor, "edit", roundtable)
    text = _check_text(text, "outcome")
    changes = {}
    if group is not None and group.id != outcome.group_id:
        if group.roundtable_id != roundtable.id:
            raise OperationRefused("That heading belongs to another roundtable.")
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


def _renumber(items) -> None:
    for position, item in enumerate(items):
        item.position = position


def _move(items: list, item, direction: str) -> bool:
    """Swap `item` with its neighbour up or down; False when it is already at that end."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    _renumber(items)
    return True


def move_outcome_group(group: OutcomeGroup, actor, direction: str) -> HistoryEntry | None:
    roundtable = group.roundtable
    permissions.require(actor, "edit", roundtable)
    groups = list(roundtable.outcome_groups)
    if not _move(groups, group, direction):
        return None
    return _outcomes_changed(roundtable, actor, "heading_moved", {"heading": [group.heading, f"moved {direction}"]})


def move_outcome(outcome: Outcome, actor, direction: str) -> HistoryEntry | None:
    roundtable = outcome.group.roundtable
    permissions.require(actor, "edit", roundtable)
    outcomes = list(outcome.group.outcomes)
    if not _move(outcomes, outcome, direction):
        return None
    return _outcomes_changed(roundtable, actor, "outcome_moved", {"outcome": [outcome.text, f"moved {direction}"]})


# --- recommendations ------------------------------------------------------------------------


def _check_recommendation(roundtable: Roundtable, *, text, outcome, group, contact_email) -> None:
    if not (text or "").strip():
        raise OperationRefused("Write the recommendation.")
    if outcome is not None and outcome.group.roundtable_id != roundtable.id:
        raise OperationRefused("That outcome belongs to another roundtable.")
    if group is not None and group.roundtable_id != roundtable.id:
        raise OperationRefused("That heading belongs to another roundtable.")
    if contact_email and "@" not in contact_email:
        raise OperationRefused("Enter the contact person's e-mail address, or leave it empty.")


def _set_owners(recommendation: Recommendation, owners: list[Organisation]) -> None:
    """The first of `owners` leads; owners keep their row (and so their place) when they stay."""
    existing = {o.organisation_id: o for o in recommendation.owners}
    for owner in recommendation.owners:  # one lead at every moment, as the database requires
        owner.is_lead = False
    if existing:
        db.session.flush()
    recommendation.owners = [
        _owner_row(existing.get(org.id), org, position) for position, org in enumerate(_distinct(owners))
    ]


def _owner_row(row: RecommendationOwner | None, org: Organisation, position: int) -> RecommendationOwner:
    row = row or RecommendationOwner(organisation=org)
    row.is_lead = position == 0
    row.position = position
    return row


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
    """Draft a recommendation of `roundtable`, from one of its outcomes or directly; the
    first of `owners` is the lead owner. (One outcome may give several recommendations.)"""
    permissions.require(actor, "add_recommendation", roundtable)
    group = group or (outcome.group if outcome else None)
    _check_recommendation(roundtable, text=text, outcome=outcome, group=group, contact_email=contact_email)
    owners = _distinct(owners)  # (loaded before the new record joins the roundtable's list)
    recommendation = Recommendation(
        roundtable=roundtable,
        text=text.strip(),
        due_date=due_date,
        outcome=outcome,
        group=group,
        contact_name=(contact_name or "").strip() or None,
        contact_email=(contact_email or "").strip().lower() or None,
        created_by_id=getattr(actor, "id", None),
    )
    _set_owners(recommendation, owners)
    db.session.add(recommendation)
    db.session.flush()
    record_history(recommendation, "created", actor, to_state=recommendation.status)
    return recommendation


RECOMMENDATION_FIELDS = ["text", "group", "due_date", "contact_name", "contact_email"]


def edit_recommendation(
    recommendation: Recommendation,
    actor,
    *,
    expected_version: int | None = None,
    owners: list[Organisation] | None = None,
    **fields,
) -> HistoryEntry | None:
    """Change a recommendation's words, heading, owners, contact or due date (its
    co-chairs may, in any state). History records each change."""
    permissions.require(actor, "edit", recommendation)
    _check_version(recommendation, expected_version)
    unknown = set(fields) - set(RECOMMENDATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown recommendation fields: {', '.join(sorted(unknown))}")
    merged = {name: getattr(recommendation, name) for name in ("text", "group", "contact_email")} | fields
    _check_recommendation(
        recommendation.roundtable, text=merged["text"], outcome=None, group=merged["group"],
        contact_email=merged["contact_email"],
    )  # fmt: skip
    if owners is not None and not owners and recommendation.is_agreed:
        raise OperationRefused("An agreed recommendation needs a lead owner.")
    if "due_date" in fields and fields["due_date"] is None and recommendation.is_agreed:
        raise OperationRefused("An agreed recommendation needs a due date.")
    watched = list(fields) + (["owner_names"] if owners is not None else [])
    before = snapshot(recommendation, watched)
    if owners is not None:
        _set_owners(recommendation, owners)
    for name, value in fields.items():
        if name in ("text", "contact_name"):
            value = (value or "").strip() or (None if name == "contact_name" else "")
        elif name == "contact_email":
            value = (value or "").strip().lower() or None
        setattr(recommendation, name, value)
    return _record_edit(recommendation, actor, before, watched)


def post_progress_update(recommendation: Recommendation, actor, *, text: str, date: dt.date) -> ProgressUpdate:
    """An owner's dated note on `recommendation`."""
    permissions.require(actor, "post_update", recommendation)
    if not recommendation.is_agreed:
        raise OperationRefused("Progress can be reported once the co-chairs have agreed this recommendation.")
    if recommendation.status == RecommendationWorkflow.verified.value:
        raise OperationRefused("This recommendation is done and verified; there is no more progress to report.")
    if not (text or "").strip():
        raise OperationRefused("Write what has happened since the last update.")
    if date > clock.today():
        raise OperationRefused("A progress update cannot be dated in the future.")
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
