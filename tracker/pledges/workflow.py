"""A pledge's workflow: draft → in progress → done, and back to in progress with a reason."""

from __future__ import annotations

from typing import Any, ClassVar

from statemachine import State

from ..core.workflow import RuleNotMet, Workflow, require_all


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
    PAST_TENSE: ClassVar[dict[str, str]] = {"start": "started", "complete": "marked done", "reopen": "reopened"}
    STATE_PHRASES: ClassVar[dict[str, str]] = {"draft": "still a draft", "in_progress": "in progress", "done": "done"}

    def check_ready_to_publish(self, **_: Any) -> None:
        pledge = self.model
        require_all(
            "Before this pledge can be started (and published) it needs",
            [
                ("a title", (pledge.title or "").strip()),
                ("the pledge text", (pledge.text or "").strip()),
                # (A record of a published source that names no lead — it says where it was
                # published, or states its signatories in words — is as its source has it.)
                ("a lead signatory", bool(pledge.lead_signatory or pledge.signatories_note or pledge.source_url)),
            ],
        )

    def check_has_actions(self, **_: Any) -> None:
        if not self.model.has_current_actions():
            raise RuleNotMet("Record at least one action taken before marking this pledge done.")

    def check_reopen_reason(self, reason: str | None = None, **_: Any) -> None:
        if not (reason or "").strip():
            raise RuleNotMet("Give a reason for reopening this pledge.")


# The states as the database stores them.
DRAFT: str = PledgeWorkflow.draft.value
IN_PROGRESS: str = PledgeWorkflow.in_progress.value
DONE: str = PledgeWorkflow.done.value
