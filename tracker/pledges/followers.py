"""Following a published pledge by e-mail, for anyone (no account): "Follow by e-mail" on its
page asks for an address, a link to confirm it is e-mailed there (double opt-in: nothing
else is sent to an address that did not say yes), and once confirmed a digest of the
pledge's new actions arrives with each run of `flask --app wsgi notifications remind` that
finds some — at most one a day when it runs daily. Every digest has a one-click unsubscribe.

The page answers the same whether or not the address already follows the pledge, so it tells
a stranger nothing; an address is sent at most one confirmation an hour per pledge, so the
form cannot flood an inbox. Addresses are never shown and never leave in open data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from ..core import access, i18n, settings
from ..core.changes import InvalidField, OperationRefused
from ..core.columns import utcnow
from ..core.dates import format_stated_date
from ..core.extensions import db
from ..core.i18n import _l, _n
from ..core.limits import clean_fields
from ..core.text import plain_excerpt
from ..notifications import kinds, reminders
from ..notifications.operations import queue_mail
from .models import ActionTaken, Pledge, PledgeFollower, PledgeSignatory

FOLLOW_CONFIRMATION = "follow_confirmation"
FOLLOW_DIGEST = "follow_digest"

CONFIRMATION_MAX_AGE = 7 * 24 * 60 * 60
ASK_AGAIN_AFTER = dt.timedelta(hours=1)
# The most actions one digest lists (the rest are on the pledge's page).
DIGEST_LENGTH = 20

NOT_FOLLOWABLE = _l("Only a published pledge can be followed.")
LINK_NOT_VALID = _l(
    "This link to confirm following a pledge has expired, or the pledge is no longer published. "
    "Ask again with “Follow by e-mail” on the pledge's page."
)

_CONFIRM_SALT = "follow-pledge"
_UNFOLLOW_SALT = "unfollow-pledge"


def _followable(pledge: Pledge) -> bool:
    return access.can(None, "view", pledge)


# --- tokens ---------------------------------------------------------------------------------------


def _fingerprint(email: str) -> str:
    """Names the address in a link without showing it (a token is signed, not encrypted): a
    link someone forwards does not give their address away, and dies if the row's address
    is not the one it was made for."""
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def confirmation_token(follower: PledgeFollower) -> str:
    serializer = URLSafeTimedSerializer(settings.secret_key(), salt=_CONFIRM_SALT)
    return serializer.dumps([follower.id, _fingerprint(follower.email)])


def unfollow_token(follower: PledgeFollower) -> str:
    """The one-click unsubscribe: it never expires (an old digest's link must still work)."""
    return URLSafeSerializer(settings.secret_key(), salt=_UNFOLLOW_SALT).dumps(
        [follower.id, _fingerprint(follower.email)]
    )


def _follower(values: Any) -> PledgeFollower | None:
    if not (isinstance(values, list) and len(values) == 2):
        return None
    follower_id, fingerprint = values
    if not isinstance(follower_id, int) or not isinstance(fingerprint, str):
        return None
    follower = db.session.scalar(
        sa.select(PledgeFollower)
        .where(PledgeFollower.id == follower_id)
        .options(  # what the permission check on the pledge reads
            joinedload(PledgeFollower.pledge)
            .selectinload(Pledge.signatory_rows)
            .joinedload(PledgeSignatory.organisation)
        )
    )
    if follower is None or not hmac.compare_digest(_fingerprint(follower.email), fingerprint):
        return None
    return follower


def follower_to_confirm(token: str) -> PledgeFollower | None:
    """The follower a confirmation link is for, while it is valid and the pledge published."""
    try:
        values = URLSafeTimedSerializer(settings.secret_key(), salt=_CONFIRM_SALT).loads(
            token, max_age=CONFIRMATION_MAX_AGE
        )
    except BadSignature:
        return None
    follower = _follower(values)
    return follower if follower is not None and _followable(follower.pledge) else None


def follower_to_unfollow(token: str) -> PledgeFollower | None:
    """The follower an unsubscribe link is for; None once they stopped following. A link
    that is not one of ours (or cut short) raises LookupError."""
    try:
        values = URLSafeSerializer(settings.secret_key(), salt=_UNFOLLOW_SALT).loads(token)
    except BadSignature:
        raise LookupError("not an unsubscribe link") from None
    return _follower(values)


# --- the messages ---------------------------------------------------------------------------------


def _current(context: Mapping[str, Any], *, confirmed: bool) -> PledgeFollower:
    follower = db.session.get(PledgeFollower, context["follower_id"])
    if follower is None:
        raise kinds.NotDeliverable("the address no longer follows this pledge.")
    if follower.is_confirmed != confirmed:
        raise kinds.NotDeliverable(
            "the address has already confirmed." if follower.is_confirmed else "the address never confirmed."
        )
    if not _followable(follower.pledge):
        raise kinds.NotDeliverable("the pledge is no longer published.")
    return follower


def _confirmation_link(context: Mapping[str, Any]) -> Mapping[str, Any]:
    return {"token": confirmation_token(_current(context, confirmed=False)), "link_days": CONFIRMATION_MAX_AGE // 86400}


def _digest_links(context: Mapping[str, Any]) -> Mapping[str, Any]:
    """At delivery, in the follower's language: the unfollow link, and how many actions."""
    words = {"token": unfollow_token(_current(context, confirmed=True))}
    if "count" in context:  # (a digest queued before kept its words only)
        words["count_words"] = _count_words(context["count"])
    return words


kinds.declare(
    kinds.Kind(
        FOLLOW_CONFIRMATION,
        subject=_l("%(site_name)s: confirm that you want to follow “%(pledge_title)s”"),
        label=_l("to confirm following a pledge"),
        notification=False,  # asked for a moment ago; nothing to unsubscribe from yet
        prepare=_confirmation_link,
    )
)
kinds.declare(
    kinds.Kind(
        FOLLOW_DIGEST,
        subject=_l("%(site_name)s: %(count_words)s on “%(pledge_title)s”"),
        label=_l("about this pledge"),
        prepare=_digest_links,
        public=True,
        unsubscribe_page="pledges.unfollow",
        unsubscribe_args=("token",),
    )
)


# --- following and unfollowing -------------------------------------------------------------------


def ask_to_follow(pledge: Pledge, email: str, now: dt.datetime | None = None) -> None:
    """Someone asks to follow `pledge` at `email`: unless the address already follows it (or
    was sent a link within the hour), a confirmation link is queued for it."""
    if not _followable(pledge):
        raise OperationRefused(NOT_FOLLOWABLE)
    address = str(clean_fields(PledgeFollower, {"email": email})["email"]).strip().lower()
    if "@" not in address.strip("@"):
        raise InvalidField("email", _l("This is not an e-mail address."))
    now = now or utcnow()
    follower = db.session.scalar(
        sa.select(PledgeFollower).where(PledgeFollower.pledge_id == pledge.id, PledgeFollower.email == address)
    )
    if follower is not None and (follower.is_confirmed or now - follower.asked_at < ASK_AGAIN_AFTER):
        return
    if follower is None:
        follower = PledgeFollower(pledge_id=pledge.id, email=address, created_at=now)
        db.session.add(follower)
    follower.asked_at = now
    follower.language = i18n.reading_language() or follower.language
    db.session.flush()
    context = {"follower_id": follower.id, "pledge_title": pledge.title, "slug": pledge.slug, "email": address}
    queue_mail(FOLLOW_CONFIRMATION, address, context=context)


def confirm(token: str, now: dt.datetime | None = None) -> PledgeFollower:
    """The address opened its confirmation link: it follows the pledge from now on (the next
    digest holds the actions recorded after this moment)."""
    follower = follower_to_confirm(token)
    if follower is None:
        raise OperationRefused(LINK_NOT_VALID)
    if not follower.is_confirmed:
        follower.confirmed_at = follower.sent_up_to = now or utcnow()
    return follower


def unfollow(follower: PledgeFollower) -> None:
    """Stop following: the address is forgotten."""
    db.session.delete(follower)


# --- the digests ----------------------------------------------------------------------------------


def _new_actions(pledge_id: int, since: dt.datetime) -> list[ActionTaken]:
    """The current actions of a published pledge recorded after `since`, oldest first: what
    the pledge's public page and feed show."""
    return list(
        db.session.scalars(
            sa.select(ActionTaken)
            .join(ActionTaken.pledge)
            .where(
                ActionTaken.pledge_id == pledge_id,
                ActionTaken.created_at > since,
                ActionTaken.withdrawn_at.is_(None),
                access.visible(None, Pledge),
            )
            .options(joinedload(ActionTaken.attributed_to))
            .order_by(ActionTaken.created_at, ActionTaken.id)
        )
    )


def _count_words(count: int) -> str:
    """ "3 new actions", in the language of the person it is sent to (worded at delivery)."""
    return str(_n("%(num)s new action", "%(num)s new actions", count))


def send_digests(_today: dt.date, now: dt.datetime | None = None) -> int:
    """Queue a digest for each confirmed follower of a published pledge with actions recorded
    since their last one; returns how many. Run again, it finds nothing new to send."""
    now = now or utcnow()
    followers = db.session.scalars(
        sa.select(PledgeFollower)
        .join(PledgeFollower.pledge)
        .where(PledgeFollower.confirmed_at.is_not(None), access.visible(None, Pledge))
        .options(joinedload(PledgeFollower.pledge))
        .order_by(PledgeFollower.pledge_id, PledgeFollower.id)
    ).all()
    sent = 0
    for follower in followers:
        actions = _new_actions(follower.pledge_id, follower.sent_up_to or follower.confirmed_at or now)
        if not actions:
            continue
        pledge = follower.pledge
        listed = [
            {
                "id": action.id,
                "date": format_stated_date(action.date, action.date_precision),
                "organisation": action.attributed_to.name if action.attributed_to is not None else None,
                "summary": plain_excerpt(action.summary, 300),
            }
            for action in actions[-DIGEST_LENGTH:]
        ]
        context = {
            "follower_id": follower.id,
            "pledge_title": pledge.title,
            "slug": pledge.slug,
            "email": follower.email,
            "count": len(actions),
            "count_words": _count_words(len(actions)),
            "more": max(0, len(actions) - DIGEST_LENGTH),
            "actions": listed,
        }
        queue_mail(FOLLOW_DIGEST, follower.email, context=context, language=follower.language)
        follower.sent_up_to = max(action.created_at for action in actions)
        sent += 1
    return sent


def init_app(app: object = None) -> None:
    """File the followers' digests with `remind` (the app does, when it is built)."""
    reminders.register("digests of new actions for the pledges' followers by e-mail", send_digests)
