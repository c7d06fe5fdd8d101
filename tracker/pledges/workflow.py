"""A pledge's workflow: draft → in progress → done, and back to in progress with a reason."""

from __future__ import annotations

from typing import Any, ClassVar

from babel.support import LazyProxy
from statemachine import State

from ..core.i18n import _l
from ..core.wording import Message
from ..core.workflow import RuleNotMet, Workflow


class PledgeWorkflow(Workflow):
    """draft → in progress → done, and back to in progress with a reason."""

    draft = State("Draft", initial=True, value="draft")
    in_progress = State("In progress", value="in_progress")
    done = State("Done", value="done")

    start = draft.to(in_progress, validators="check_ready_to_publish")
    complete = in_progress.to(done, validators="check_has_actions")
    reopen = done.to(in_progress, validators="check_reopen_reason")

    # Transitions whose rule needs the person's reason (their forms say so).
    NEEDS_REASON = frozenset({"reopen"})
    # How a refusal names a transition and a state ("This pledge is still a draft, so it cannot
    # be marked done."), in the reader's language when shown.
    PAST_TENSE: ClassVar[dict[str, Message]] = {
        # Translators: "This pledge cannot be started now."
        "start": _l("started"),
        # Translators: "This pledge cannot be marked done now."
        "complete": _l("marked done"),
        # Translators: "This pledge cannot be reopened now."
        "reopen": _l("reopened"),
    }
    STATE_PHRASES: ClassVar[dict[str, Message]] = {
        # Translators: "This pledge is still a draft, so it cannot be marked done."
        "draft": _l("still a draft"),
        # Translators: "This pledge is in progress, so it cannot be started."
        "in_progress": _l("in progress"),
        # Translators: "This pledge is done, so it cannot be started."
        "done": _l("done"),
    }

    LABELS: ClassVar[dict[str, LazyProxy]] = {
        "draft": _l("Draft"),
        "in_progress": _l("In progress"),
        "done": _l("Done"),
    }

    def check_ready_to_publish(self, **_: Any) -> None:
        pledge = self.model
        missing = (
            not (pledge.title or "").strip(),
            not (pledge.text or "").strip(),
            # (A record of a published source that names no lead — it says where it was
            # published, or states its signatories in words — is as its source has it.)
            not (pledge.lead_signatory or pledge.signatories_note or pledge.source_url),
        )
        if any(missing):  # everything missing at once, so the person fixes it in one go
            raise RuleNotMet(_NOT_READY[missing])

    def check_has_actions(self, **_: Any) -> None:
        if not self.model.has_current_actions():
            raise RuleNotMet(_l("Record at least one action taken before marking this pledge done."))

    def check_reopen_reason(self, reason: str | None = None, **_: Any) -> None:
        if not (reason or "").strip():
            raise RuleNotMet(_l("Give a reason for reopening this pledge."))


# What a pledge still needs before it is started, by what is missing (a title, its text, a
# lead signatory): a whole sentence for each case, as `require_all` would say it.
_NOT_READY: dict[tuple[bool, bool, bool], LazyProxy] = {
    (True, False, False): _l("Before this pledge can be started (and published) it needs a title."),
    (False, True, False): _l("Before this pledge can be started (and published) it needs the pledge text."),
    (False, False, True): _l("Before this pledge can be started (and published) it needs a lead signatory."),
    (True, True, False): _l("Before this pledge can be started (and published) it needs a title and the pledge text."),
    (True, False, True): _l("Before this pledge can be started (and published) it needs a title and a lead signatory."),
    (False, True, True): _l(
        "Before this pledge can be started (and published) it needs the pledge text and a lead signatory."
    ),
    (True, True, True): _l(
        "Before this pledge can be started (and published) it needs a title, the pledge text and a lead signatory."
    ),
}


# The states as the database stores them.
DRAFT: str = PledgeWorkflow.draft.value
IN_PROGRESS: str = PledgeWorkflow.in_progress.value
DONE: str = PledgeWorkflow.done.value
