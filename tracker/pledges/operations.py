"""Every change to pledges and the actions taken towards them, one function each, with
no HTTP in sight (see `tracker.core.changes` for the discipline they share)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from ..accounts.models import Organisation, User
from ..core import access, clock, indicators, outcomes
from ..core import files as evidence_files
from ..core.changes import (
    AfterTransition,
    ConcurrentChange,
    OperationRefused,
    check_version,
    distinct,
    flush_or_conflict,
    known_fields,
    lock_row,
    record_edit,
    unique_slug,
)
from ..core.changes import take_transition as _take_transition
from ..core.columns import utcnow
from ..core.dates import DatePrecision, format_stated_date
from ..core.extensions import db
from ..core.history import HistoryEntry, changes_between, record_history, snapshot
from ..core.i18n import _l
from ..core.limits import check_year, clean_fields
from ..core.settings import setting
from ..core.sources import check_source_fields
from ..core.text import format_number, is_web_url
from ..taxonomy.models import Country, Forum, Theme
from . import mails, signatures
from .evidence import ActionFile, EvidenceLink
from .indicators import PledgeIndicator
from .models import CHANGE_NOTE, MAX_BUDGET, MAX_FIGURE, REASON, ActionFigure, ActionTaken, Pledge

PLEDGE_FIELDS = [
    "title", "text", "forum_id", "region", "period_start", "period_end", "period_note",
    "budget_amount", "budget_currency", "budget_note", "actions_intro", "contact_name", "contact_email",
    "text_format", "language", "source_reference", "source_url", "signatories_note",
]  # fmt: skip
# What an action says of its own text (core.sources): given, each is checked and set; not
# given, each stays as it is (a new action: plain text, in its pledge's language).
ACTION_SOURCE_FIELDS = ("text_format", "language", "source_reference", "source_url")


def take_transition(
    pledge: Pledge, event: str, actor: Any, *, comment: str | None = None, **rule_data: Any
) -> HistoryEntry:
    """Move `pledge` through its workflow by `event` ("start", "complete", "reopen") on
    behalf of `actor`; `reason=` for reopening. Returns the history entry."""
    if "reason" in rule_data:
        rule_data["reason"] = REASON.clean(rule_data["reason"], "comment")
    comment = REASON.clean_or_none(comment, "comment")
    short = indicators.shortfalls(pledge.indicators) if event == "complete" else []
    entry = _take_transition(pledge, event, actor, after=_AFTER, comment=comment, **rule_data)
    if short:  # done all the same: history keeps how far each indicator had got, and why
        entry.changes = {**(entry.changes or {}), "short_of_target": [None, short]}
    return entry


def _after_start_pledge(pledge: Pledge, actor: User, **_: Any) -> None:
    pledge.published_at = pledge.published_at or utcnow()


def _after_complete_pledge(pledge: Pledge, actor: User, **_: Any) -> None:
    pledge.completed_at = utcnow()


def _after_reopen_pledge(pledge: Pledge, actor: User, **_: Any) -> None:
    pledge.completed_at = None


_AFTER: dict[str, AfterTransition] = {
    "start": _after_start_pledge,
    "complete": _after_complete_pledge,
    "reopen": _after_reopen_pledge,
}


# --- writing pledges ------------------------------------------------------------------------


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    """The pledge's fields, each text cleaned by its limit (core.limits), the budget checked."""
    known_fields(fields, PLEDGE_FIELDS, "pledge")
    if fields.get("budget_amount") is not None:
        check_budget(fields["budget_amount"])
    for year in ("period_start", "period_end"):
        check_year(fields.get(year), year)
    return clean_fields(Pledge, check_source_fields(fields))


def create_pledge(
    actor: User,
    *,
    title: str,
    lead: Organisation,
    co_signatories: Sequence[Organisation] = (),
    themes: Sequence[Theme] = (),
    countries: Sequence[Country] = (),
    slug: str | None = None,
    **fields: Any,
) -> Pledge:
    """Write a new draft pledge naming `lead` and `co_signatories`. The writer's organisation
    signs it (and leads it, until the organisation invited to lead accepts); every other
    organisation is invited to sign (`signatures`)."""
    access.require(actor, "create_pledge")
    if actor.organisation_id not in {lead.id, *(o.id for o in co_signatories)}:
        raise access.PermissionDenied(_l("Your organisation must be a signatory of a pledge you write."))
    fields = _checked({"title": title, **fields})
    pledge = Pledge(
        slug=slug or unique_slug(Pledge, fields["title"]),
        created_by_id=actor.id,
        themes=list(themes),
        countries=list(countries),
        **fields,
    )
    before = snapshot(pledge, signatures.WATCHED)
    signatures.name_signatories(pledge, actor, lead, co_signatories)
    db.session.add(pledge)
    db.session.flush()
    changes = changes_between(before, snapshot(pledge, signatures.WATCHED))
    record_history(pledge, "created", actor, to_state=pledge.status, changes=changes)
    return pledge


def edit_pledge(
    pledge: Pledge,
    actor: User,
    *,
    expected_version: int | None = None,
    comment: str | None = None,
    lead: Organisation | None = None,
    co_signatories: list[Organisation] | None = None,
    themes: list[Theme] | None = None,
    countries: list[Country] | None = None,
    **fields: Any,
) -> HistoryEntry | None:
    """Change a pledge's fields, themes, countries and signatories (None leaves a list as
    it is). History records each change's old and new value. `expected_version` is the
    version the editor's form was opened at: a save by someone else since then is refused
    as `EditConflict`, never silently overwritten."""
    access.require(actor, "edit", pledge)
    check_version(pledge, expected_version)
    fields = _checked(fields)
    comment = CHANGE_NOTE.clean_or_none(comment, "change_note")
    listed = {"themes": themes, "countries": countries}
    # History names the forum and the signatories, not their ids.
    watched = [("forum" if name == "forum_id" else name) for name in fields]
    watched += [name for name, value in listed.items() if value is not None] + signatures.WATCHED
    before = snapshot(pledge, watched)
    # Signatories first: changing the lead needs a flush of its own, which must not carry
    # the pledge's other changes (that would count as a second save).
    if lead is not None or co_signatories is not None:
        new_lead = lead or pledge.pending_lead or pledge.lead_signatory
        if new_lead is None:  # (a pledge always has a lead)
            raise OperationRefused(_l("A pledge needs a lead signatory."))
        named = [row.organisation for row in pledge.signatory_rows if row.status != "declined"]
        others = co_signatories if co_signatories is not None else [org for org in named if org.id != new_lead.id]
        signatures.name_signatories(pledge, actor, new_lead, others)
    _set_fields(pledge, fields, listed)
    return record_edit(pledge, actor, before, watched, comment=comment)


def _set_fields(pledge: Pledge, fields: dict[str, Any], listed: dict[str, list[Any] | None]) -> None:
    """Set the pledge's fields, and the lists given (themes, countries)."""
    for name, value in fields.items():
        if name == "forum_id":
            pledge.forum = db.session.get(Forum, value) if value is not None else None
        elif name == "title" and value != pledge.title:
            pledge.title, pledge.title_derived = value, False  # (a person wrote this one)
        else:
            setattr(pledge, name, value)
    for name, items in listed.items():
        if items is not None:
            setattr(pledge, name, list(distinct(items)))


# --- actions taken ---------------------------------------------------------------------


# How an amount the database cannot hold is refused, by what it is: (too small or too large,
# too many decimal places).
_AMOUNT_REFUSALS = {
    "figure": (
        _l("A figure must be a number from 0 to %(largest)s.", largest=format(MAX_FIGURE, ",")),
        _l("A figure can have at most two decimal places."),
    ),
    "budget": (
        _l("The budget must be a number from 0 to %(largest)s.", largest=format(MAX_BUDGET, ",")),
        _l("The budget can have at most two decimal places."),
    ),
}


def _check_amount(value: Decimal | int | str, largest: int, what: str) -> None:
    """Refuse a number the database cannot hold exactly (rather than fail or round it);
    `what` is "figure" or "budget"."""
    out_of_range, too_precise = _AMOUNT_REFUSALS[what]
    number = Decimal(value)
    if not number.is_finite() or not 0 <= number <= largest:
        raise OperationRefused(out_of_range)
    if number != number.quantize(Decimal("0.01")):
        raise OperationRefused(too_precise)


# Each rule an action's content must meet, one function each: recording and editing an
# action check them all (`_write_action_content`); the CSV import checks them column by
# column, before it writes anything (`open_data`).


def check_action_summary(summary: str | None) -> str:
    """What was done, in a sentence or two (required): the text as it is kept."""
    return ActionTaken.limits["summary"].clean(summary, "summary").strip()


def check_action_date(date: dt.date | None) -> None:
    """Not in the future (None: an imported report its source does not date)."""
    if date is not None and date > clock.today():
        raise OperationRefused(_l("An action taken cannot be dated in the future: record it once it has happened."))


def check_action_organisations(organisations: list[Organisation], signatory_ids: set[int]) -> None:
    """The organisations involved in an action: one or more of the pledge's signatories. (A
    pledge whose source names no signatory organisation — a collective in words, or no one —
    has none to choose from: its actions, imported, name the organisations their source names.)"""
    if not signatory_ids:
        return
    if not organisations or any(o.id not in signatory_ids for o in organisations):
        raise OperationRefused(_l("An action must be attributed to one or more of the pledge's signatories."))


def check_evidence_links(links: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The links as they are kept: web addresses only, their texts within their limits."""
    checked = []
    for link in links:
        link = clean_fields(EvidenceLink, link)
        if not is_web_url(link.get("url")):
            raise OperationRefused(
                _l(
                    "Evidence links must be web addresses starting with https:// or http://, not %(url)s.",
                    url=repr(link.get("url")),
                )
            )
        checked.append(link)
    return checked


def check_figures(figures: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures as they are kept: each with a label and a number the database can hold."""
    checked = []
    for figure in figures:
        figure = clean_fields(ActionFigure, figure)
        if not (figure.get("label") or figure.get("indicator")) or figure.get("value") is None:
            raise OperationRefused(_l("Each figure needs a label (or the indicator it counts towards) and a number."))
        check_year(figure.get("year"), "year")
        _check_amount(figure["value"], MAX_FIGURE, "figure")
        checked.append(figure)
    return checked


def _against_indicators(figures: Sequence[dict[str, Any]], pledge: Pledge) -> list[dict[str, Any]]:
    """Each figure with the indicator it reports against — one of the pledge's, given by its
    id (the form) or its name (a script) — and, left blank, that indicator's name and unit."""
    result = []
    with db.session.no_autoflush:  # (the action being written is not ready to be saved)
        own = list(pledge.indicators)
    for figure in figures:
        figure = dict(figure)
        chosen, named = figure.pop("indicator_id", None), figure.pop("indicator", None)
        key = chosen or named
        if isinstance(key, PledgeIndicator):
            key = key.id
        indicator = indicators.chosen(own, key)
        if key not in (None, "") and indicator is None:
            raise OperationRefused(
                _l("This pledge has no such indicator (%(indicator)s); choose one of its own.", indicator=key)
            )
        if indicator is not None:
            figure["indicator"] = indicator
            figure["label"] = figure.get("label") or indicator.name
            figure["unit"] = figure.get("unit") or indicator.unit
        result.append(figure)
    return result


def set_indicators(pledge: Pledge, actor: User, rows: Sequence[dict[str, Any]]) -> HistoryEntry | None:
    """Set what the pledge promised in numbers (`core.indicators.set_indicators`): an
    indicator kept keeps its figures. History keeps what they were."""
    access.require(actor, "edit", pledge)
    pledge.indicators, changes = indicators.set_indicators(pledge.indicators, rows, PledgeIndicator)
    if not changes:
        return None
    pledge.updated_at = utcnow()
    flush_or_conflict(pledge)
    return record_history(pledge, "indicators_set", actor, changes=changes)


def check_budget(amount: Decimal | int | str) -> None:
    """A pledge's budget amount (as `create_pledge` and `edit_pledge` check it)."""
    _check_amount(amount, MAX_BUDGET, "budget")


def _write_action_content(
    action: ActionTaken,
    *,
    date: dt.date | None,
    summary: str,
    organisations: list[Organisation],
    details: str = "",
    date_precision: DatePrecision | None = None,
    heading: str | None = None,
    figures: Sequence[dict[str, Any]] = (),
    links: Sequence[dict[str, Any]] = (),
    files: Sequence[evidence_files.Upload] = (),
    remove_files: Sequence[int] = (),
    uploaded_by: int | None = None,
    **source: Any,
) -> None:
    """Check and set what an action says: the one rule for recording and editing it.
    `files` are added to its evidence files, `remove_files` (ids) taken off."""
    known_fields(source, ACTION_SOURCE_FIELDS, "action")
    summary = check_action_summary(summary)
    texts = clean_fields(ActionTaken, {"heading": heading, "details": details})
    source = clean_fields(ActionTaken, check_source_fields(source, language_required=False))
    check_action_date(date)
    check_action_organisations(organisations, {o.id for o in action.pledge.signatory_organisations})
    links = check_evidence_links(links)
    figures = check_figures(_against_indicators(figures, action.pledge))
    evidence = _files_after(action, files, remove_files, uploaded_by)
    action.date = date
    action.date_precision = date_precision or action.date_precision or DatePrecision.DAY
    action.summary = summary
    action.details = texts["details"]
    action.heading = texts["heading"]
    action.organisations = distinct(organisations)
    action.figures = [ActionFigure(position=i, **figure) for i, figure in enumerate(figures)]
    action.links = [EvidenceLink(position=i, **link) for i, link in enumerate(links)]
    action.files = evidence
    for name, value in source.items():
        setattr(action, name, value)
    if action.language == action.pledge.language:
        action.language = None  # (as its pledge's: it follows the pledge's if that is corrected)


def _files_after(
    action: ActionTaken, files: Sequence[evidence_files.Upload], remove_files: Sequence[int], uploaded_by: int | None
) -> list[ActionFile]:
    """The action's files once `remove_files` (ids) are taken off and `files` added, each
    checked (core.files); the caller sets them once every other check has passed."""
    kept = [f for f in action.files if f.id not in set(remove_files)]
    limit = setting("EVIDENCE_MAX_BYTES", evidence_files.DEFAULT_MAX_BYTES)
    uploads = evidence_files.check_all(list(files), kept=len(kept), max_bytes=limit)
    return kept + [
        ActionFile(position=len(kept) + i, created_by_id=uploaded_by, **upload) for i, upload in enumerate(uploads)
    ]


def record_action(pledge: Pledge, actor: User, *, position: int | None = None, **content: Any) -> ActionTaken:
    """Record an action taken towards `pledge`, attributed to the actor's organisation (a
    signatory). `content`: date, summary, organisations (the signatories involved), and
    optionally details, date_precision, heading, figures and links (lists of dicts)."""
    access.require(actor, "record_action", pledge)
    place = _next_place(pledge) if position is None else position  # (before the new action joins the session)
    action = ActionTaken(attributed_to_id=actor.organisation_id, created_by_id=actor.id, position=place)
    pledge.actions.append(action)  # (the list loaded first, so that a refusal takes it out cleanly)
    try:
        _write_action_content(action, uploaded_by=actor.id, **content)
    except OperationRefused:
        pledge.actions.remove(action)  # never flushed: nothing half-written
        raise
    db.session.add(action)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the place was taken meanwhile (the lock makes it unlikely)
        raise ConcurrentChange(
            _l("Someone recorded an action on this pledge at the same moment. Save again.")
        ) from None
    record_history(action, "action_recorded", actor, changes={"summary": [None, action.summary]})
    mails.action_recorded(pledge, action, actor)  # a joint pledge's partners are told
    return action


def _next_place(pledge: Pledge) -> int:
    """The place after every action of the pledge (withdrawn ones too), read while holding
    the pledge's row: two people recording at the same instant take different places."""
    lock_row(Pledge, pledge.id)
    last = db.session.scalar(sa.select(sa.func.max(ActionTaken.position)).where(ActionTaken.pledge_id == pledge.id))
    return 0 if last is None else last + 1


def _action_snapshot(action: ActionTaken) -> dict[str, Any]:
    """An action's content as history shows it (lists as readable strings)."""
    return {
        "date": format_stated_date(action.date, action.date_precision),
        "heading": action.heading,
        "summary": action.summary,
        "details": action.details,
        "organisations": [org.name for org in action.organisations],
        "figures": [
            " ".join(str(part) for part in (f"{f.label}:", format_number(Decimal(f.value)), f.unit, f.year) if part)
            + (f" (against “{f.indicator.name}”)" if f.indicator is not None else "")
            for f in action.figures
        ],
        "links": [link.url for link in action.links],
        "files": [file.describe() for file in action.files],
        **{name: getattr(action, name) for name in ACTION_SOURCE_FIELDS},
    }


def edit_action(
    action: ActionTaken, actor: User, *, expected_version: int | None = None, **content: Any
) -> HistoryEntry | None:
    """Change what an action says (only its own organisation may; `content` as for
    `record_action`). History keeps what it said before."""
    access.require(actor, "edit", action)
    if action.withdrawn_at is not None:
        raise OperationRefused(_l("This action has been withdrawn; it can no longer be changed."))
    check_version(action, expected_version)
    before = _action_snapshot(action)
    _write_action_content(action, uploaded_by=actor.id, **content)
    changes = changes_between(before, _action_snapshot(action))
    if not changes:
        return None
    action.updated_at = utcnow()
    flush_or_conflict(action)
    return record_history(action, "action_edited", actor, changes=changes)


def withdraw_action(action: ActionTaken, actor: User, *, reason: str | None = None) -> HistoryEntry:
    """Take an action off the pledge's pages. It is not deleted: history keeps it."""
    access.require(actor, "withdraw", action)
    if action.withdrawn_at is not None:
        raise OperationRefused(_l("This action has already been withdrawn."))
    reason = REASON.clean_or_none(reason, "reason")
    action.withdrawn_at = utcnow()
    action.withdrawn_by_id = actor.id
    flush_or_conflict(action)
    return record_history(
        action, "action_withdrawn", actor, changes={"summary": [action.summary, None]}, comment=reason
    )


def rate_outcome(pledge: Pledge, actor: User, *, rating: str | None, justification: str | None) -> HistoryEntry:
    """Its signatories' rating of what changed, beyond its being done (`core.outcomes`), with
    why; a new rating replaces the last, and history keeps both."""
    access.require(actor, "rate_outcome", pledge)
    changes = outcomes.rate(pledge, actor, rating=rating, justification=justification)
    return record_history(pledge, "outcome_rated", actor, changes=changes)
