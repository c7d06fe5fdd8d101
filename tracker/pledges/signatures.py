"""Who signs a pledge — with each organisation's consent.

The organisation of the person who writes a pledge signs it from the start; every other
organisation named is *invited*, and signs only when one of its own staff accepts (or an
admin records its signature on its behalf, e.g. from a conference's published list). Until
then it is shown as a signatory nowhere, and is not the lead: the writer's organisation
leads until the organisation invited to lead accepts. Each change is one operation with its
permission check and its history entry (see `tracker.core.changes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..accounts.models import Organisation, User
from ..core import access
from ..core.changes import OperationRefused, distinct
from ..core.columns import utcnow
from ..core.extensions import db
from ..core.history import HistoryEntry, changes_between, record_history, snapshot
from ..core.i18n import _l
from ..core.wording import listed
from . import mails
from .models import DECLINED, INVITED, SIGNED, Pledge, PledgeSignatory

# What a signature change shows in the history: the signatories and the open invitations.
WATCHED = ["signatory_names", "invitation_names"]


def name_signatories(pledge: Pledge, actor: User, lead: Organisation, others: Sequence[Organisation]) -> None:
    """Make `lead` and `others` the pledge's organisations, as its writer or editor names
    them: the actor's own organisation signs; any other not yet signed is invited (again,
    if it declined before); an invitation no longer named is withdrawn; a signatory no
    longer named leaves (unless it answers for actions taken). The lead changes at once
    only to the actor's own organisation; another is invited to lead."""
    wanted = [lead, *(org for org in distinct(others) if org.id != lead.id)]
    wanted_ids = {org.id for org in wanted}
    if actor.organisation_id not in wanted_ids:
        raise OperationRefused(
            _l(
                "Your organisation must stay a signatory of this pledge. "
                "To leave a joint pledge, ask another signatory to remove your organisation."
            )
        )
    _check_leaving(pledge, wanted_ids)
    rows = {row.organisation_id: row for row in pledge.signatory_rows}
    kept = [rows.get(org.id) or _new_row(actor, org) for org in wanted]
    invited = [row.organisation for row in kept if row.organisation_id not in rows and row.status == INVITED]
    for row in kept:
        if row.status == DECLINED:
            _reinvite(row, actor)
            invited.append(row.organisation)
    # Declined rows not named again stay, unseen: the record that it said no.
    stay = [row for row in rows.values() if row.status == DECLINED and row.organisation_id not in wanted_ids]
    pledge.signatory_rows = _in_order(pledge, kept, stay)
    if pledge.id is not None:
        db.session.flush()  # those that left go first: one lead per pledge at every moment
    _name_lead(pledge, actor, kept[0])
    mails.queue_signature_invitations(pledge, actor, invited)


def _check_leaving(pledge: Pledge, wanted_ids: set[int]) -> None:
    """A signatory that recorded current actions stays until they are withdrawn."""
    answering = {action.attributed_to_id for action in pledge.current_actions}
    leaving = [s.organisation for s in pledge.signatories if s.organisation_id not in wanted_ids]
    blocked = [org.name for org in leaving if org.id in answering]
    if blocked:
        names = listed(blocked, "and")
        # (One organisation or several, named: `_n` takes no values but the count.)
        raise OperationRefused(
            _l(
                "%(names)s recorded actions taken on this pledge, so it stays a signatory until those actions "
                "are withdrawn.",
                names=names,
            )
            if len(blocked) == 1
            else _l(
                "%(names)s recorded actions taken on this pledge, so they stay signatories until those actions "
                "are withdrawn.",
                names=names,
            )
        )


def _new_row(actor: User, org: Organisation) -> PledgeSignatory:
    """The actor's own organisation signs; any other is invited."""
    if org.id == actor.organisation_id:
        return PledgeSignatory(organisation_id=org.id, organisation=org, status=SIGNED)
    return PledgeSignatory(
        organisation_id=org.id, organisation=org, status=INVITED, invited_by=actor, invited_at=utcnow()
    )


def _reinvite(row: PledgeSignatory, actor: User) -> None:
    row.status, row.invited_by, row.invited_at = INVITED, actor, utcnow()
    row.answered_at = row.answer_note = None


def _in_order(pledge: Pledge, kept: list[PledgeSignatory], stay: list[PledgeSignatory]) -> list[PledgeSignatory]:
    """Organisations keep their places; new ones follow in the order given."""
    former = {row.organisation_id: row.position for row in pledge.signatory_rows}
    ordered = sorted(kept[1:], key=lambda row: former.get(row.organisation_id, len(former)))
    rows = [kept[0], *ordered, *stay]
    for position, row in enumerate(rows):
        row.position = position
    return rows


def _name_lead(pledge: Pledge, actor: User, wanted: PledgeSignatory) -> None:
    """`wanted` leads now if it is the actor's own organisation (or already leads);
    otherwise it is invited to lead, and the lead stays — or, if the lead left, passes to
    the actor's organisation."""
    current = next((row for row in pledge.signatory_rows if row.is_lead), None)
    own = wanted.organisation_id == actor.organisation_id
    for row in pledge.signatory_rows:
        asked = row is wanted and row is not current and not own
        if asked and not row.invited_to_lead and row.status == SIGNED:  # (one invited to sign already says who)
            row.invited_by, row.invited_at = actor, utcnow()
        row.invited_to_lead = asked
    if own:
        _move_lead(pledge, wanted)
    elif current is None:
        _move_lead(pledge, pledge.row_of(actor.organisation_id))
    _lead_first(pledge)


def _move_lead(pledge: Pledge, new_lead: PledgeSignatory | None) -> None:
    """Give the lead to `new_lead`, clearing the old one first: the database allows one
    lead per pledge at every moment."""
    if new_lead is None or new_lead.is_lead:
        return
    leads = [row for row in pledge.signatory_rows if row.is_lead]
    for row in leads:
        row.is_lead = False
    if leads and pledge.id is not None:
        db.session.flush()
    new_lead.is_lead, new_lead.invited_to_lead = True, False
    _lead_first(pledge)


def _lead_first(pledge: Pledge) -> None:
    """The rows in the order they load in (lead first, then by place), for what is read next."""
    pledge.signatory_rows.sort(key=lambda row: (not row.is_lead, row.position))


def _recorded(
    pledge: Pledge, event: str, actor: User, before: dict[str, Any], comment: str | None = None
) -> HistoryEntry:
    db.session.flush()
    return record_history(
        pledge, event, actor, changes=changes_between(before, snapshot(pledge, WATCHED)), comment=comment
    )


def _own_row(pledge: Pledge, actor: User) -> PledgeSignatory:
    access.require(actor, "answer_invitation", pledge)
    row = pledge.row_of(actor.organisation_id)
    assert row is not None  # (the rule checked it is there)
    return row


def accept_invitation(pledge: Pledge, actor: User) -> HistoryEntry:
    """The actor's organisation signs the pledge (and takes the lead, if invited to)."""
    row = _own_row(pledge, actor)
    before = snapshot(pledge, WATCHED)
    row.status, row.answered_at = SIGNED, utcnow()
    if row.invited_to_lead:
        _move_lead(pledge, row)
    entry = _recorded(pledge, "invitation_accepted", actor, before)
    mails.invitation_answered(pledge, actor, accepted=True)
    return entry


def decline_invitation(pledge: Pledge, actor: User, note: str | None = None) -> HistoryEntry:
    """The actor's organisation declines to sign (or, already signed, to lead), with an
    optional word that the pledge's signatories read."""
    row = _own_row(pledge, actor)
    note = PledgeSignatory.limits["answer_note"].clean_or_none(note, "note")
    before = snapshot(pledge, WATCHED)
    if row.status == INVITED:
        row.status = DECLINED
    row.invited_to_lead, row.answered_at, row.answer_note = False, utcnow(), note
    entry = _recorded(pledge, "invitation_declined", actor, before, comment=note)
    mails.invitation_answered(pledge, actor, accepted=False, note=note)
    return entry


def withdraw_invitation(pledge: Pledge, actor: User, organisation: Organisation) -> HistoryEntry:
    """A signatory's staff take back the invitation to `organisation` (to sign, or to lead)."""
    access.require(actor, "withdraw_invitation", pledge)
    row = pledge.row_of(organisation.id)
    if row is None or not (row.status == INVITED or row.invited_to_lead):
        raise OperationRefused(
            _l(
                "%(organisation)s has no open invitation to withdraw: it already answered.",
                organisation=organisation.name,
            )
        )
    before = snapshot(pledge, WATCHED)
    if row.status == INVITED:
        pledge.signatory_rows.remove(row)
    else:
        row.invited_to_lead = False
    return _recorded(pledge, "invitation_withdrawn", actor, before)


def record_signature(
    pledge: Pledge, actor: User, organisation: Organisation, *, lead: bool = False, source: str | None = None
) -> HistoryEntry:
    """An admin records that `organisation` signed (e.g. a conference published it as a
    signatory); with `lead`, or if it was invited to lead, it leads. The history says it was
    recorded on the organisation's behalf, and where from (`source`)."""
    access.require(actor, "record_signature", pledge)
    source = PledgeSignatory.limits["answer_note"].clean_or_none(source, "source")
    before = snapshot(pledge, WATCHED)
    row = pledge.row_of(organisation.id)
    if row is not None and row.status == DECLINED:
        raise OperationRefused(
            _l(
                "%(organisation)s declined to sign this pledge: only a new invitation, answered by its own staff, "
                "changes that.",
                organisation=organisation.name,
            )
        )
    if row is None:
        row = PledgeSignatory(organisation_id=organisation.id, organisation=organisation)
        row.position = len(pledge.signatory_rows)
        pledge.signatory_rows.append(row)
    row.status, row.answered_at = SIGNED, utcnow()
    if lead or row.invited_to_lead or pledge.lead_signatory is None:
        _move_lead(pledge, row)
    # (History keeps these words as they were written, in English: never translated.)
    words = f"Signature recorded by an admin on behalf of {organisation.name}"
    return _recorded(
        pledge, "signature_recorded", actor, before, comment=f"{words}: {source}" if source else words + "."
    )
