"""What every workflow shares: the machine's base class and the refusal a rule raises.

Each area's `workflow` module holds its machine, and nothing else: which transitions exist,
from which state, and the rule each one must meet. Who may take a transition is
`tracker.permissions`' business; writing it down is the area's `operations`'.

Machines are bound to a row on demand (`pledge.workflow`), because rows loaded from the
database never run `__init__`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, cast

from statemachine import StateMachine

from .i18n import _l
from .wording import Message, listed


class RuleNotMet(Exception):
    """A transition's rule is not met; the message tells the person what to do."""


class Workflow(StateMachine):
    """Shared behaviour. `StateMachine` (not `StateChart`) keeps the defaults a web app
    wants: an impossible event raises, callback errors propagate."""

    # How a refusal names a transition ("cannot be marked done") and a state ("is still a
    # draft"), by event and by state value: messages (`_l`), put in the refusal's sentence.
    PAST_TENSE: ClassVar[Mapping[str, Message]] = {}
    STATE_PHRASES: ClassVar[Mapping[str, Message]] = {}
    # The states in the reader's language (the machine's names stay the English ones).
    LABELS: ClassVar[Mapping[str, Message]] = {}

    @classmethod
    def state_values(cls) -> tuple[str, ...]:
        return tuple(state.value for state in cls.states)

    @classmethod
    def label(cls, value: str) -> str:
        """The state called `value`, in words (lazy: in the reader's language when shown)."""
        if value in cls.LABELS:
            return cast(str, cls.LABELS[value])
        return str(next(state.name for state in cls.states if state.value == value))

    def events_from_here(self) -> list[str]:
        """Events defined from the current state (rules are checked when one is sent)."""
        return [event.id for event in self.allowed_events]


def require_all(preamble: Message, requirements: list[tuple[Message, object]]) -> None:
    """Refuse, naming everything missing at once, so the person fixes it in one go (a
    sentence for each case, written whole, reads better in every language)."""
    missing = [label for label, present in requirements if not present]
    if missing:
        raise RuleNotMet(_l("%(preamble)s %(missing)s.", preamble=preamble, missing=listed(missing, "and")))
