"""The pledges' notifications, in the app and by e-mail as each person chose:

- an organisation invited to sign a pledge → each of its active members, who may answer;
- an invitation accepted or declined (with the decliner's word) → the staff of the pledge's
  other signatories;
- a partner recorded an action on a joint pledge → the staff of the other signatories;
- a pledge in progress with no action for 6 months → its signatories' staff (`reminders`).

Each is written in the transaction of the change, so a change refused or rolled back tells
no one. Each names only what its recipients read on the site: a draft's title is shown to the
staff of an organisation invited to sign it, and a pledge's page and history to its
signatories' staff — who are asked of the permission rules, and checked again when the
e-mail is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..accounts.models import Organisation, User
from ..core import access
from ..core.dates import format_stated_date
from ..core.extensions import db
from ..core.i18n import _l
from ..core.text import plain_excerpt
from ..notifications import kinds
from ..notifications.operations import notify
from .models import ActionTaken, Pledge

SIGNATURE_INVITATION = "signature_invitation"
INVITATION_ANSWERED = "signature_answered"
PARTNER_ACTION = "partner_action"
QUIET_PLEDGE = "pledge_quiet"

kinds.declare(
    kinds.Kind(
        SIGNATURE_INVITATION,
        subject=_l("%(site_name)s: %(inviting)s invites %(organisation)s to sign a pledge"),
        label=_l("when your organisation is invited to sign a pledge"),
        summary=_l("%(inviting)s invites %(organisation)s to sign “%(pledge_title)s”"),
        page="pledges.invitations",
    )
)


def _may_still_read(user_id: int, context: Mapping[str, Any]) -> None:
    """Checked when the e-mail is sent (and in a digest): still the staff of a signatory."""
    user = db.session.get(User, user_id)
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == context.get("slug")))
    if user is None or pledge is None or not access.can(user, "view_history", pledge):
        raise kinds.NotDeliverable("the person is no longer staff of a signatory of this pledge.")


def _kind(
    name: str, subject: kinds.Text | kinds.ByValue, label: kinds.Text, summary: kinds.Text | kinds.ByValue
) -> kinds.Kind:
    return kinds.declare(
        kinds.Kind(
            name,
            subject=subject,
            label=label,
            summary=summary,
            page="pledges.show",
            page_args=("slug",),
            check=_may_still_read,
        )
    )


_kind(
    INVITATION_ANSWERED,
    subject=kinds.ByValue(
        "answer",
        {
            "accepted": _l("%(site_name)s: %(organisation)s accepted the invitation to sign a pledge"),
            "declined": _l("%(site_name)s: %(organisation)s declined the invitation to sign a pledge"),
        },
    ),
    label=_l("when an organisation answers an invitation to sign a pledge your organisation signs"),
    summary=kinds.ByValue(
        "answer",
        {
            "accepted": _l("%(organisation)s accepted the invitation to sign “%(pledge_title)s”"),
            "declined": _l("%(organisation)s declined the invitation to sign “%(pledge_title)s”"),
        },
    ),
)
_kind(
    PARTNER_ACTION,
    subject=_l("%(site_name)s: %(organisation)s recorded an action on a pledge you sign together"),
    label=_l("when a partner records an action on a pledge your organisation signs"),
    summary=_l("%(organisation)s recorded an action on “%(pledge_title)s”: %(excerpt)s"),
)
_kind(
    QUIET_PLEDGE,
    subject=_l("%(site_name)s: no action on a pledge in progress since %(since)s"),
    label=_l("reminding you of pledges in progress with no action for 6 months"),
    summary=_l("No action since %(since)s on “%(pledge_title)s”"),
)


def _members(organisation_ids: Sequence[int]) -> list[User]:
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.organisation_id.in_(list(organisation_ids)), User.active.is_(True))
            .order_by(User.id)
        )
    )


def signatories_staff(pledge: Pledge, leaving_out: int | None = None) -> list[User]:
    """The active staff of its signatories (but the organisation `leaving_out`): those who
    work on it and read its history."""
    organisations = [org.id for org in pledge.signatory_organisations if org.id != leaving_out]
    return [user for user in _members(organisations) if access.can(user, "record_action", pledge)]


def _about(pledge: Pledge, organisation: str) -> dict[str, Any]:
    return {"pledge_title": pledge.title, "slug": pledge.slug, "organisation": organisation}


def _acting_organisation(actor: User) -> str:
    return actor.organisation.name if actor.organisation is not None else actor.name


def queue_signature_invitations(pledge: Pledge, actor: User, invited: Sequence[Organisation]) -> None:
    """Tell every active member of each organisation in `invited` (in the app, and by e-mail)."""
    members = _members([org.id for org in invited])
    inviting = _acting_organisation(actor)
    for organisation in invited:
        context = {"pledge_title": pledge.title, "organisation": organisation.name, "inviting": inviting,
                   "invited_by": actor.name}  # fmt: skip
        notify(SIGNATURE_INVITATION, [m for m in members if m.organisation_id == organisation.id], context, actor=actor)


def invitation_answered(pledge: Pledge, actor: User, *, accepted: bool, note: str | None = None) -> None:
    """Tell the other signatories' staff that the actor's organisation accepted or declined."""
    context = _about(pledge, _acting_organisation(actor)) | {
        "answer": "accepted" if accepted else "declined",
        "answered_by": actor.name,
        "note": note,
    }
    notify(INVITATION_ANSWERED, signatories_staff(pledge, leaving_out=actor.organisation_id), context, actor=actor)


def action_recorded(pledge: Pledge, action: ActionTaken, actor: User) -> None:
    """On a joint pledge, tell the other signatories' staff of a partner's action."""
    others = signatories_staff(pledge, leaving_out=action.attributed_to_id)
    if not others:
        return
    context = _about(pledge, _acting_organisation(actor)) | {
        "recorded_by": actor.name,
        "excerpt": plain_excerpt(action.summary, 160),
        "date": format_stated_date(action.date, action.date_precision),
        # (The day itself, written in each reader's language when the e-mail is sent.)
        "date_on": action.date.isoformat() if action.date else None,
        "date_precision": action.date_precision.value,
    }
    notify(PARTNER_ACTION, others, context, actor=actor)
