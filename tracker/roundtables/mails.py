"""The recommendations' notifications: who hears of each step of the follow-through, in
the app and by e-mail as each person chose.

- agreed, sent back (with the reason), verified → the staff of its owner organisations;
- marked done → the co-chairs of its roundtable, who verify it;
- reminders (`reminders`): due in 30 days, in 7 days, overdue (weekly) → the owners'
  staff; awaiting verification for 7 days → the co-chairs.

Who may hear is asked of the permission rules: the owners' staff are those who may report on
it, the co-chairs those who may verify it — so never a co-chair of another roundtable, nor
staff of an organisation that does not own it; and never the deactivated, nor the person
who acted. Each message holds only what its recipients read on the recommendation's page
(its words, its roundtable, the review's reason), and is checked again when sent: someone who
may no longer read the recommendation is not sent it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from ..accounts.models import User
from ..core import access, i18n
from ..core.dates import format_date
from ..core.extensions import db
from ..core.i18n import _l, _n
from ..core.text import plain_excerpt
from ..notifications import kinds
from ..notifications.models import EmailChoice
from ..notifications.operations import notify
from .models import Recommendation

AGREED = "recommendation_agreed"
SENT_BACK = "recommendation_sent_back"
MARKED_DONE = "recommendation_done"
VERIFIED = "recommendation_verified"
DUE = "recommendation_due"
AWAITING_VERIFICATION = "recommendation_awaiting_verification"

# What the e-mail quotes of a reason or of what was done (the page has the rest).
QUOTED = 1_000


def _may_still_read(user_id: int, context: Mapping[str, Any]) -> None:
    """Checked when the e-mail is sent (and in a digest): the person is still one of those
    involved in the recommendation, who read its review and history."""
    user = db.session.get(User, user_id)
    recommendation = db.session.get(Recommendation, context.get("recommendation_id"))
    if user is None or recommendation is None or not access.can(user, "view_history", recommendation):
        raise kinds.NotDeliverable(_l("the person may no longer read this recommendation."))


def _kind(
    name: str, subject: kinds.Text | kinds.Chosen, label: kinds.Text, summary: kinds.Text | kinds.Chosen, **options: Any
) -> kinds.Kind:
    return kinds.declare(
        kinds.Kind(
            name,
            subject=subject,
            label=label,
            summary=summary,
            page="roundtables.recommendation",
            page_args=("recommendation_id",),
            check=_may_still_read,
            **options,
        )
    )


_kind(
    AGREED,
    subject=_l("%(site_name)s: a recommendation your organisation owns was agreed"),
    label=_l("when a recommendation your organisation owns is agreed"),
    summary=_l("Agreed at %(roundtable)s, due %(due)s: “%(excerpt)s”"),
)
_kind(
    SENT_BACK,
    subject=_l("%(site_name)s: a recommendation was sent back to your organisation"),
    label=_l("when a recommendation your organisation owns is sent back"),
    summary=_l("Sent back by %(by_organisation)s: “%(excerpt)s”"),
)
_kind(
    MARKED_DONE,
    subject=_l("%(site_name)s: a recommendation is done and awaits your verification"),
    label=_l("when a recommendation of a roundtable you co-chair is marked done"),
    summary=_l("Marked done by %(by_organisation)s, awaiting your verification: “%(excerpt)s”"),
)
_kind(
    VERIFIED,
    subject=_l("%(site_name)s: a recommendation your organisation owns was verified"),
    label=_l("when a recommendation your organisation owns is verified"),
    summary=_l("Verified by %(by_organisation)s: “%(excerpt)s”"),
    default=EmailChoice.DAILY,  # good news, with nothing left to do
)


def _due_subject(values: Mapping[str, Any]) -> Any:
    days, site_name = values.get("days"), values["site_name"]
    if days is None:  # (queued before the days were kept: its English words)
        return _l(
            "%(site_name)s: a recommendation your organisation owns %(when)s", site_name=site_name, when=values["when"]
        )
    if days == 0:
        return _l("%(site_name)s: a recommendation your organisation owns is due today", site_name=site_name)
    if days > 0:
        return _n(
            "%(site_name)s: a recommendation your organisation owns is due in %(num)s day",
            "%(site_name)s: a recommendation your organisation owns is due in %(num)s days",
            days,
            site_name=site_name,
        )
    return _n(
        "%(site_name)s: a recommendation your organisation owns is overdue by %(num)s day",
        "%(site_name)s: a recommendation your organisation owns is overdue by %(num)s days",
        -days,
        site_name=site_name,
    )


def _due_day(values: Mapping[str, Any]) -> str:
    """The due day in the reader's language (as kept, for a notification made before)."""
    if not values.get("due_on"):
        return str(values.get("due", "—"))
    return format_date(dt.date.fromisoformat(values["due_on"]), None, i18n.reading_format_locale())


def _due_summary(values: Mapping[str, Any]) -> Any:
    days, due, excerpt = values.get("days"), _due_day(values), values["excerpt"]
    if days is None:  # (kept before the days were)
        return _l("%(due_in)s (due %(due)s): “%(excerpt)s”", due_in=values["due_in"], due=due, excerpt=excerpt)
    if days == 0:
        return _l("Due today: “%(excerpt)s”", excerpt=excerpt)
    if days > 0:
        return _n(
            "Due in %(num)s day (on %(due)s): “%(excerpt)s”",
            "Due in %(num)s days (on %(due)s): “%(excerpt)s”",
            days,
            due=due,
            excerpt=excerpt,
        )
    return _n(
        "Overdue by %(num)s day (due %(due)s): “%(excerpt)s”",
        "Overdue by %(num)s days (due %(due)s): “%(excerpt)s”",
        -days,
        due=due,
        excerpt=excerpt,
    )


_kind(
    DUE,
    # (Whole sentences in each language's plural form: the days left, below 0 when overdue.)
    subject=kinds.Chosen(_due_subject),
    label=_l("reminding you of recommendations your organisation owns that are due soon or overdue"),
    summary=kinds.Chosen(_due_summary),
)
_kind(
    AWAITING_VERIFICATION,
    subject=_l("%(site_name)s: a recommendation has awaited your verification for %(days)s days"),
    label=_l("reminding you of recommendations awaiting your verification"),
    summary=_l("Awaiting your verification for %(days)s days: “%(excerpt)s”"),
)


# --- who hears ----------------------------------------------------------------------------------


def _members(organisation_ids: list[int]) -> list[User]:
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(User).where(User.organisation_id.in_(organisation_ids), User.active.is_(True)).order_by(User.id)
        )
    )


def owners_staff(recommendation: Recommendation) -> list[User]:
    """The active staff of its owner organisations: those who report on it."""
    members = _members([org.id for org in recommendation.owner_organisations])
    return [user for user in members if access.can(user, "post_update", recommendation)]


def co_chairs(recommendation: Recommendation) -> list[User]:
    """The co-chairs of its roundtable: those who verify it."""
    members = _members([org.id for org in recommendation.roundtable.co_chairs])
    return [user for user in members if access.can(user, "verify", recommendation)]


# --- what they hear ---------------------------------------------------------------------------------


def context_of(recommendation: Recommendation, actor: Any = None) -> dict[str, Any]:
    """What every recommendation notification says of it (and of who acted)."""
    organisation = getattr(actor, "organisation", None)
    return {
        "recommendation_id": recommendation.id,
        "excerpt": plain_excerpt(recommendation.text, 160),
        "roundtable": recommendation.roundtable.title,
        "due": format_date(recommendation.due_date) if recommendation.due_date else "—",
        "by": getattr(actor, "name", None),
        "by_organisation": organisation.name if organisation is not None else getattr(actor, "name", None),
        # (The day itself, which the reader's language writes when they read it.)
        **({"due_on": recommendation.due_date.isoformat()} if recommendation.due_date else {}),
    }


def _quoted(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if len(text) <= QUOTED else text[:QUOTED].rstrip() + "…"


def _words(recommendation: Recommendation, event: str) -> dict[str, Any]:
    if event == "send_back":
        return {"reason": _quoted(recommendation.sent_back_reason)}
    if event == "complete":
        latest = recommendation.latest_update
        return {"what_was_done": _quoted(latest.text if latest else None)}
    if event == "verify":
        return {"comment": _quoted(recommendation.verified_comment)}
    return {}


_HEARD_BY: dict[str, tuple[str, Callable[[Recommendation], list[User]]]] = {
    "agree": (AGREED, owners_staff),
    "send_back": (SENT_BACK, owners_staff),
    "complete": (MARKED_DONE, co_chairs),
    "verify": (VERIFIED, owners_staff),
}


def recommendation_moved(recommendation: Recommendation, event: str, actor: Any) -> None:
    """Tell those who must hear that `actor` took `event`, in the transaction of the change."""
    if event not in _HEARD_BY:
        return
    kind, audience = _HEARD_BY[event]
    context = context_of(recommendation, actor) | _words(recommendation, event)
    notify(kind, audience(recommendation), context, actor=actor)
