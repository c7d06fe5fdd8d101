"""Who may do what — the one place that answers it, for every area.

Nobody imports the rules: the app files them with `tracker.core.access` when it is built
(`init_app`), and every area asks there — operations `require` before they act, views and
templates ask `can` (which buttons to show), list queries, feeds and the API filter with
`visible`. Each rule returns None when the act is allowed, or the reason it is not, in words
the person can act on. A verb with no rule is a programming error (LookupError), never an
"allowed".

The rules read the models of every area (and nothing else of them): they sit above the
areas, which is why they are filed rather than imported.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable
from typing import Any, cast

import sqlalchemy as sa

from .accounts.models import Organisation, User
from .core import access
from .data.models import PendingImport
from .monitoring.scrapes import Scrape
from .notifications.models import Notification
from .pledges.models import INVITED, SIGNED, ActionTaken, Pledge, PledgeSignatory
from .roundtables.models import ProgressUpdate, Recommendation, RecommendationOwner, Roundtable, roundtable_co_chairs

Rule = Callable[[Any, Any], "str | None"]


def init_app(app: Any = None) -> None:
    """File the rules with `tracker.core.access`, where every area asks them."""
    access.answered_by(refusal, visible)


def refusal(user: Any, verb: str, record: Any = None) -> str | None:
    """Why `user` may not `verb` the `record`, or None if they may."""
    try:
        rule = _RULES[(type(record), verb)]
    except KeyError:
        raise LookupError(f"no permission rule for {verb!r} on {type(record).__name__}") from None
    return rule(_acting(user), record)


def visible(user: Any, model: type) -> sa.ColumnElement[bool]:
    """The SQL condition equal to `refusal(user, "view", row) is None` for rows of `model`."""
    try:
        condition = _VISIBLE[model]
    except KeyError:
        raise LookupError(f"no visibility rule for {model.__name__}") from None
    return condition(user)


def _acting(user: Any) -> User | None:
    """The logged-in, active user, or None for the public (and for deactivated users)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return cast(User, user)  # (Flask-Login's current_user is a proxy of one)


def _member_of(user: User | None, organisations: Iterable[Organisation]) -> bool:
    return (
        user is not None
        and user.organisation_id is not None
        and any(org.id == user.organisation_id for org in organisations)
    )


def _is_admin(user: User | None) -> bool:
    return user is not None and user.is_admin


def _co_chairs(user: User | None, roundtable: Roundtable) -> bool:
    return user is not None and user.is_co_chair and _member_of(user, roundtable.co_chairs)


# --- pledges -------------------------------------------------------------------------

LOG_IN_TO_CHANGE = "Log in as staff of a signatory organisation to change this pledge."
SIGNATORIES_ONLY = "Only staff of a signatory organisation can change this pledge."


def _view_pledge(user: User | None, pledge: Pledge) -> str | None:
    # An organisation invited to sign reads the draft it is asked to sign; one that declined does not.
    signing = _member_of(user, pledge.signatory_organisations) or _member_of(user, pledge.invited_organisations)
    if pledge.is_published or signing or _is_admin(user):
        return None
    return "This pledge is a draft; only its signatories can see it."


def _answer_invitation(user: User | None, pledge: Pledge) -> str | None:
    if user is None:
        return "Log in as staff of the invited organisation to answer its invitation."
    row = pledge.row_of(user.organisation_id) if user.organisation_id is not None else None
    if row is not None and (row.status == INVITED or row.invited_to_lead):
        return None
    return "Your organisation has no open invitation on this pledge: there is nothing to answer."


def _record_signature(user: User | None, _pledge: Pledge) -> str | None:
    if _is_admin(user):
        return None
    return "Only an admin can record a signature on an organisation's behalf; its own staff accept the invitation."


def _own_invitations(user: User | None, _record: None) -> str | None:
    if user is not None and user.organisation_id is not None:
        return None
    return "Log in as staff of a member organisation to see the pledges it is invited to sign."


def _change_pledge(user: User | None, pledge: Pledge) -> str | None:
    if user is None:
        return LOG_IN_TO_CHANGE
    if _member_of(user, pledge.signatory_organisations):
        return None
    return SIGNATORIES_ONLY


def _change_action(user: User | None, action: ActionTaken) -> str | None:
    """Each signatory answers for the actions it recorded: only its staff change them."""
    if user is None:
        return LOG_IN_TO_CHANGE
    if action.attributed_to is None:
        return "This action names no organisation that reported it, as its source does not: no one can change it here."
    if _member_of(user, [action.attributed_to]) and _member_of(user, action.pledge.signatory_organisations):
        return None
    return f"Only staff of {action.attributed_to.name}, which recorded this action, can change or withdraw it."


def _rate_outcome(user: User | None, pledge: Pledge) -> str | None:
    """What changed is for its signatories to say, once it is done."""
    refusal = _change_pledge(user, pledge)
    if refusal is not None:
        return refusal
    if pledge.status != "done":
        return "What changed is rated once the pledge is done."
    return None


def _view_pledge_history(user: User | None, pledge: Pledge) -> str | None:
    if _member_of(user, pledge.signatory_organisations) or _is_admin(user):
        return None
    return "Only the signatories' staff and admins can read this pledge's history."


def _create_pledge(user: User | None, _record: None) -> str | None:
    if user is not None and user.organisation_id is not None:
        return None
    return "Log in as staff of a member organisation to write a pledge."


def _visible_pledges(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition equal to `can(user, "view", pledge)`, for list queries."""
    user = _acting(user)
    published = Pledge.status != "draft"
    if _is_admin(user):
        return sa.true()
    if user is None or user.organisation_id is None:
        return published
    own = sa.exists().where(
        PledgeSignatory.pledge_id == Pledge.id,
        PledgeSignatory.organisation_id == user.organisation_id,
        PledgeSignatory.status.in_((SIGNED, INVITED)),
    )
    return sa.or_(published, own)


# --- roundtables and recommendations --------------------------------------------------


def _view_roundtable(user: User | None, roundtable: Roundtable) -> str | None:
    if roundtable.is_public or _member_of(user, roundtable.co_chairs) or _is_admin(user):
        return None
    return "This roundtable is not public."


def _edit_roundtable(user: User | None, roundtable: Roundtable) -> str | None:
    if _co_chairs(user, roundtable) or _is_admin(user):
        return None
    return "Only a co-chair of this roundtable (or an admin) can change it."


def _create_roundtable(user: User | None, _record: None) -> str | None:
    if user is not None and (user.is_co_chair or user.is_admin):
        return None
    return "Only co-chairs and admins can record a roundtable."


def _follow_through(user: User | None, roundtable: Roundtable) -> str | None:
    if _co_chairs(user, roundtable) or _is_admin(user):
        return None
    return "Only the co-chairs of this roundtable (and admins) can review its follow-through."


def _review_any(user: User | None, _record: None) -> str | None:
    if user is not None and (user.is_co_chair or user.is_admin):
        return None
    return "Only co-chairs (and admins) review follow-through."


def _own_recommendations(user: User | None, _record: None) -> str | None:
    if user is not None and user.organisation_id is not None:
        return None
    return "Log in as staff of a member organisation to see the recommendations it owns."


def _visible_roundtables(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition equal to `can(user, "view", roundtable)`, for list queries."""
    user = _acting(user)
    if _is_admin(user):
        return sa.true()
    if user is None or user.organisation_id is None:
        return Roundtable.is_public.expression
    return sa.or_(Roundtable.is_public, Roundtable.co_chairs.any(Organisation.id == user.organisation_id))


def _add_recommendation(user: User | None, roundtable: Roundtable) -> str | None:
    if _co_chairs(user, roundtable):
        return None
    return "Only a co-chair of this roundtable can add recommendations to it."


def _review(user: User | None, recommendation: Recommendation) -> str | None:
    if _co_chairs(user, recommendation.roundtable):
        return None
    return "Only a co-chair of this roundtable can agree, verify or send back its recommendations."


def _rate_recommendation_outcome(user: User | None, recommendation: Recommendation) -> str | None:
    """What changed is for its co-chairs to say, once they have verified it done."""
    refusal = _review(user, recommendation)
    if refusal is not None:
        return refusal
    if recommendation.status != "verified":
        return "What changed is rated once the co-chairs have verified the recommendation done."
    return None


def _owner_work(user: User | None, recommendation: Recommendation) -> str | None:
    if _member_of(user, recommendation.owner_organisations):
        return None
    return "Only staff of an organisation that owns this recommendation can report on it."


def _translate_update(user: User | None, update: ProgressUpdate) -> str | None:
    """A progress update is its organisation's: only its staff translate it."""
    if _member_of(user, [update.organisation]):
        return None
    return "Only staff of the organisation that posted this update can translate it."


def _involved_in(user: User | None, recommendation: Recommendation) -> bool:
    return (
        _member_of(user, recommendation.roundtable.co_chairs)
        or _member_of(user, recommendation.owner_organisations)
        or _is_admin(user)
    )


def _view_recommendation(user: User | None, recommendation: Recommendation) -> str | None:
    public = recommendation.roundtable.is_public and recommendation.status != "draft"
    if public or _involved_in(user, recommendation):
        return None
    return "This recommendation is not public."


def _visible_recommendations(user: Any) -> sa.ColumnElement[bool]:
    """SQL condition equal to `can(user, "view", recommendation)`, for list queries."""
    user = _acting(user)
    if _is_admin(user):
        return sa.true()
    public_roundtables = sa.select(Roundtable.id).where(Roundtable.is_public.is_(True))
    public = sa.and_(Recommendation.status != "draft", Recommendation.roundtable_id.in_(public_roundtables))
    if user is None or user.organisation_id is None:
        return public
    co_chaired = sa.select(roundtable_co_chairs.c.roundtable_id).where(
        roundtable_co_chairs.c.organisation_id == user.organisation_id
    )
    owned = Recommendation.owners.any(RecommendationOwner.organisation_id == user.organisation_id)
    return sa.or_(public, Recommendation.roundtable_id.in_(co_chaired), owned)


def _view_recommendation_history(user: User | None, recommendation: Recommendation) -> str | None:
    if _involved_in(user, recommendation):
        return None
    return "Only the co-chairs, the owners and admins can read this recommendation's history."


# --- notifications -------------------------------------------------------------------------


def _own_notification(user: User | None, notification: Notification) -> str | None:
    if user is not None and notification.user_id == user.id:
        return None
    return "This notification is someone else's."


def _read_notifications(user: User | None, _record: None) -> str | None:
    return None if user is not None else "Log in to read your notifications."


def _administer(user: User | None, _record: None) -> str | None:
    return None if _is_admin(user) else "Only an admin can do this."


def _own_import(user: User | None, pending: PendingImport) -> str | None:
    """An import is confirmed (or looked at) by the admin who uploaded it."""
    if not _is_admin(user):
        return "Only an admin can do this."
    if user is None or pending.uploaded_by_id != user.id:
        return "This import was uploaded by another admin: only they can look at it or confirm it."
    return None


def _read_metrics(user: User | None, scrape: Scrape) -> str | None:
    """An admin, or a scraper presenting the operator's METRICS_TOKEN."""
    if _is_admin(user):
        return None
    if (
        scrape.expected_token
        and scrape.presented_token
        and hmac.compare_digest(scrape.presented_token.encode(), scrape.expected_token.encode())
    ):
        return None
    return "Only an admin, or a scraper with the metrics token, can read the metrics."


_VISIBLE: dict[type, Callable[[Any], sa.ColumnElement[bool]]] = {
    Pledge: _visible_pledges,
    Roundtable: _visible_roundtables,
    Recommendation: _visible_recommendations,
}

_RULES: dict[tuple[type, str], Rule] = {
    (type(None), "create_pledge"): _create_pledge,
    (type(None), "administer"): _administer,
    (PendingImport, "view"): _own_import,
    (PendingImport, "confirm"): _own_import,
    (type(None), "create_roundtable"): _create_roundtable,
    (type(None), "review_follow_through"): _review_any,
    (type(None), "own_recommendations"): _own_recommendations,
    (Pledge, "view"): _view_pledge,
    (type(None), "own_invitations"): _own_invitations,
    (Pledge, "view_history"): _view_pledge_history,
    (Pledge, "answer_invitation"): _answer_invitation,
    (Pledge, "withdraw_invitation"): _change_pledge,
    (Pledge, "record_signature"): _record_signature,
    (Pledge, "edit"): _change_pledge,
    (Pledge, "translate"): _change_pledge,
    (Pledge, "record_action"): _change_pledge,
    (Pledge, "start"): _change_pledge,
    (Pledge, "complete"): _change_pledge,
    (Pledge, "rate_outcome"): _rate_outcome,
    (Pledge, "reopen"): _change_pledge,
    (ActionTaken, "edit"): _change_action,
    (ActionTaken, "withdraw"): _change_action,
    (ActionTaken, "translate"): _change_action,
    (Roundtable, "view"): _view_roundtable,
    (Roundtable, "edit"): _edit_roundtable,
    (Roundtable, "follow_through"): _follow_through,
    (Roundtable, "view_history"): _follow_through,
    (Roundtable, "add_recommendation"): _add_recommendation,
    (Recommendation, "view"): _view_recommendation,
    (Recommendation, "view_history"): _view_recommendation_history,
    (Recommendation, "edit"): _review,
    (Recommendation, "translate"): _review,
    (ProgressUpdate, "translate"): _translate_update,
    (Recommendation, "agree"): _review,
    (Recommendation, "verify"): _review,
    (Recommendation, "send_back"): _review,
    (Recommendation, "complete"): _owner_work,
    (Recommendation, "rate_outcome"): _rate_recommendation_outcome,
    (Recommendation, "post_update"): _owner_work,
    (type(None), "read_notifications"): _read_notifications,
    (Notification, "view"): _own_notification,
    (Notification, "mark_read"): _own_notification,
    (Scrape, "read_metrics"): _read_metrics,
}
