"""The workflow buttons of a recommendation — on its page and in the review queue — and
what each says before and after it is pressed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..forms import RecommendationTransitionForm

# Each workflow button: its label, style, the label of its text box, and whether the words
# are required (the workflow's rule says so; the label tells the person beforehand).
BUTTONS = {
    "agree": (_l("Agree"), "btn-primary", None),
    "complete": (_l("Mark as done"), "btn-success", _l("What was done (required)")),
    "verify": (_l("Verify"), "btn-success", _l("Comment (optional)")),
    "send_back": (
        _l("Send back"),
        "btn-outline-danger",
        _l("Reason for sending it back (required; the owners will see it)"),
    ),
}
DONE_MESSAGES = {
    "agree": _l("Recommendation agreed. Its owners now see it in their work, and it is on the public page."),
    "complete": _l("Marked as done. The co-chairs will verify it, or send it back with a reason."),
    "verify": _l("Verified."),
    "send_back": _l("Sent back to its owners with your reason."),
}
REVIEW_EVENTS = ("verify", "send_back")
# Each button's form on the recommendation's page starts with what it is for.
TRANSITION_HEADINGS = {
    "agree": _l("Agree the recommendation"),
    "complete": _l("Mark it as done"),
    "verify": _l("Verify what was done"),
    "send_back": _l("Or send it back"),
}


def rule_data(event: str, form: RecommendationTransitionForm) -> dict:
    """The form's words as the workflow's rule and the operation take them."""
    words = form.words.data or None
    if event == "complete":
        return {"what_was_done": words}
    if event == "send_back":
        return {"reason": words, "public": form.public.data}
    if event == "verify":
        return {"comment": words, "public": form.public.data}
    return {"comment": words}
