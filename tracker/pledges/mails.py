"""The pledges' e-mails: an organisation invited to sign a pledge hears of it — each of its
active members, who may answer the invitation (and turn these e-mails off).

Queued in the transaction that invites, so an edit that is refused or rolled back invites
no one by e-mail either. The invitation names only what the invited may read on the site:
a draft's title is shown to the staff of an organisation invited to sign it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..accounts.models import Organisation, User
from ..core.extensions import db
from ..notifications import kinds
from ..notifications.operations import notify
from .models import Pledge

SIGNATURE_INVITATION = "signature_invitation"

kinds.declare(
    kinds.Kind(
        SIGNATURE_INVITATION,
        subject="{site_name}: {inviting} invites {organisation} to sign a pledge",
        label="when your organisation is invited to sign a pledge",
        summary="{inviting} invites {organisation} to sign “{pledge_title}”",
        page="pledges.invitations",
    )
)


def queue_signature_invitations(pledge: Pledge, actor: User, invited: Sequence[Organisation]) -> None:
    """Tell every active member of each organisation in `invited` (in the app, and by e-mail)."""
    if not invited:
        return
    members = db.session.scalars(
        sa.select(User)
        .where(User.organisation_id.in_([org.id for org in invited]), User.active.is_(True))
        .order_by(User.id)
    ).all()
    names = {org.id: org.name for org in invited}
    inviting = actor.organisation.name if actor.organisation else actor.name
    for organisation_id, name in names.items():
        context = {"pledge_title": pledge.title, "organisation": name, "inviting": inviting, "invited_by": actor.name}
        notify(SIGNATURE_INVITATION, [m for m in members if m.organisation_id == organisation_id], context, actor=actor)
