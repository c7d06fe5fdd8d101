"""The two workflows, and nothing else: which transitions exist, from which state, and
the rule each one must meet. Who may take a transition is `permissions`' business; writing
it down is `operations`'.

Machines are bound to a row on demand (`pledge.workflow`), because rows loaded from the
database never run `__init__`.
"""
from statemachine import State, StateMachine


class RuleNotMet(Exception):
    """A transition's rule is not met; the message tells the person what to do."""


class _Workflow(StateMachine):
    """Shared behaviour. `StateMachine` (not `StateChart`) keeps the defaults a web app
    wants: an impossible event raises, callback errors propagate."""

    @classmethod
    def state_values(cls) -> tuple[str, ...]:
        return tuple(state.value for state in cls.states)

    @classmethod
    def label(cls, value: str) -> str:
        return next(state.name for state in cls.states if state.value == value)

    def events_from_here(self) -> list[str]:
        """Events defined from the current state (rules are checked when one is sent)."""
        return [event.id for event in self.allowed_events]


class PledgeWorkflow(_Workflow):
    """draft → in progress → done, and back to in progress with a reason."""

    draft = State("Draft", initial=True, value="draft")
    in_progress = State("In progress", value="in_progress")
    done = State("Done", value="done")

    start = draft.to(in_progress, validators="check_ready_to_publish")
    complete = in_progress.to(done, validators="check_has_actions")
    reopen = done.to(in_progress, validators="check_reopen_reason")

    # Transitions whose rule needs the person's reason (their forms say so).
    NEEDS_REASON = frozenset({"reopen"})

    def check_ready_to_publish(self, **_):
        pledge = self.model
        _require_all(
            "Before this pledge can be started (and published) it needs",
            [
                ("a title", (pledge.title or "").strip()),
                ("the pledge text", (pledge.text or "").strip()),
                ("a lead signatory", pledge.lead_signatory is not None),
            ],
        )

    def check_has_actions(self, **_):
        if not self.model.has_current_actions():
            raise RuleNotMet("Record at least one action taken before marking this pledge done.")

    def check_reopen_reason(self, reason: str | None = None, **_):
        if not (reason or "").strip():
            raise RuleNotMet("Give a reason for reopening this pledge.")


class RecommendationWorkflow(_Workflow):
    """draft → in progress → done → verified; a co-chair may send done work back."""

    draft = State("Draft", initial=True, value="draft")
    in_progress = State("In progress", value="in_progress")
    done = State("Done, awaiting verification", value="done")
    verified = State("Done, verified", value="verified", final=True)

    agree = draft.to(in_progress, validators="check_owner_and_due_date")
    complete = in_progress.to(done, validators="check_what_was_done")
    verify = done.to(verified)
    send_back = done.to(in_progress, validators="check_send_back_reason")

    def check_owner_and_due_date(self, **_):
        recommendation = self.model
        _require_all(
            "Before this recommendation can be agreed it needs",
            [("a lead owner", recommendation.lead_owner is not None), ("a due date", recommendation.due_date is not None)],
        )

    def check_what_was_done(self, what_was_done: str | None = None, **_):
        if not (what_was_done or "").strip():
            raise RuleNotMet("Say what was done in a progress update before marking this recommendation done.")

    def check_send_back_reason(self, reason: str | None = None, **_):
        if not (reason or "").strip():
            raise RuleNotMet("Give a reason for sending this recommendation back, so its owner knows what to do.")


def _require_all(preamble: str, requirements: list[tuple[str, object]]) -> None:
    """Refuse, naming everything missing at once, so the person fixes it in one go."""
    missing = [label for label, present in requirements if not present]
    if missing:
        raise RuleNotMet(f"{preamble} {_join(missing)}.")


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
