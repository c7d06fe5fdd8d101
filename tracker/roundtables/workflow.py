"""A recommendation's workflow: draft → in progress → done → verified; a co-chair may send
done work back."""

from __future__ import annotations

from typing import Any, ClassVar

from babel.support import LazyProxy
from statemachine import State

from ..core.i18n import _l
from ..core.wording import Message
from ..core.workflow import RuleNotMet, Workflow


class RecommendationWorkflow(Workflow):
    """draft → in progress → done → verified; a co-chair may send done work back."""

    draft = State("Draft", initial=True, value="draft")
    in_progress = State("In progress", value="in_progress")
    done = State("Done, awaiting verification", value="done")
    verified = State("Done, verified", value="verified", final=True)

    agree = draft.to(in_progress, validators="check_addressee")
    complete = in_progress.to(done, validators="check_what_was_done")
    verify = done.to(verified)
    send_back = done.to(in_progress, validators="check_send_back_reason")

    PAST_TENSE: ClassVar[dict[str, Message]] = {
        # Translators: "This recommendation cannot be agreed now."
        "agree": _l("agreed"),
        # Translators: "This recommendation cannot be marked done now."
        "complete": _l("marked done"),
        # Translators: "This recommendation cannot be verified now."
        "verify": _l("verified"),
        # Translators: "This recommendation cannot be sent back now."
        "send_back": _l("sent back"),
    }
    STATE_PHRASES: ClassVar[dict[str, Message]] = {
        # Translators: "This recommendation is still a draft, so it cannot be marked done."
        "draft": _l("still a draft"),
        # Translators: "This recommendation is in progress, so it cannot be verified."
        "in_progress": _l("in progress"),
        # Translators: "This recommendation is done, so it cannot be agreed."
        "done": _l("done"),
        # Translators: "This recommendation is done and verified, so it cannot be sent back."
        "verified": _l("done and verified"),
    }

    LABELS: ClassVar[dict[str, LazyProxy]] = {
        "draft": _l("Draft"),
        "in_progress": _l("In progress"),
        "done": _l("Done, awaiting verification"),
        "verified": _l("Done, verified"),
    }

    def check_addressee(self, **_: Any) -> None:
        check_addressee(self.model)

    def check_what_was_done(self, what_was_done: str | None = None, **_: Any) -> None:
        if not (what_was_done or "").strip():
            raise RuleNotMet(_l("Say in “What was done” what was done before marking this recommendation done."))

    def check_send_back_reason(self, reason: str | None = None, **_: Any) -> None:
        if not (reason or "").strip():
            raise RuleNotMet(_l("Give a reason for sending this recommendation back, so its owner knows what to do."))


def check_addressee(recommendation: Any) -> None:
    """Agreed, a recommendation is someone's to follow through: a lead owner's, or — when its
    source names its addressee only in words ("members", "Ministers") — the addressee's its
    source states; one recorded from a published source that names no one (its address
    given) is the co-chairs' to follow, as a pledge published elsewhere starts without a
    lead. (A due date is optional: without one it is never overdue, but it still goes stale
    without news.) The rule of agreeing, and of importing an agreed one."""
    has_lead = any(owner.is_lead for owner in recommendation.owners)
    stated = bool((recommendation.addressee_note or "").strip() or (recommendation.source_url or "").strip())
    if not (has_lead or stated):  # (one requirement: the whole sentence, as `require_all` would say it)
        raise RuleNotMet(
            _l(
                "Before this recommendation can be agreed it needs a lead owner (or its addressee, as its source states it)."
            )
        )


# The states as the database stores them.
DRAFT: str = RecommendationWorkflow.draft.value
IN_PROGRESS: str = RecommendationWorkflow.in_progress.value
DONE: str = RecommendationWorkflow.done.value
VERIFIED: str = RecommendationWorkflow.verified.value
