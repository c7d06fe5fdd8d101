"""The workflow buttons of a recommendation — on its page and in the review queue — and
what each says before and after it is pressed."""

from __future__ import annotations

from ..forms import RecommendationTransitionForm

# Each workflow button: its label, style, the label of its text box, and whether the words
# are required (the workflow's rule says so; the label tells the person beforehand).
BUTTONS = {
    "agree": ("Agree", "btn-primary", None),
    "complete": ("Mark as done", "btn-success", "What was done (required)"),
    "verify": ("Verify", "btn-success", "Comment (optional)"),
    "send_back": ("Send back", "btn-outline-danger", "Reason for sending it back (required; the owners will see it)"),
}
DONE_MESSAGES = {
    "agree": "Recommendation agreed. Its owners now see it in their work, and it is on the public page.",
    "complete": "Marked as done. The co-chairs will verify it, or send it back with a reason.",
    "verify": "Verified.",
    "send_back": "Sent back to its owners with your reason.",
}
REVIEW_EVENTS = ("verify", "send_back")
# Each button's form on the recommendation's page starts with what it is for.
TRANSITION_HEADINGS = {
    "agree": "Agree the recommendation",
    "complete": "Mark it as done",
    "verify": "Verify what was done",
    "send_back": "Or send it back",
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
