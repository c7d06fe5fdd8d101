"""What changed, beyond being done: a short scale on which a commitment's signatories rate
its outcome once it is done, with a justification — shown beside "Implementation
completion", as the Open Government Partnership's review asks whether a commitment changed
anything, not only whether it was carried out."""

from __future__ import annotations

from typing import Any

from .changes import InvalidField
from .columns import utcnow
from .i18n import _l
from .limits import Limit
from .wording import Message, listed

# key -> (label, what it means), in the reader's language when shown (history keeps the key)
OUTCOME_RATINGS: dict[str, tuple[Message, Message]] = {
    "no_change": (
        _l("No change yet"),
        _l("It was carried out, but nothing has changed for the people it concerns yet."),
    ),
    "some": (_l("Some change"), _l("Things have changed, for some of the people it concerns or in part.")),
    "substantial": (
        _l("Substantial change"),
        _l("A clear change in practice, law or services for those it concerns."),
    ),
    "transformative": (
        _l("Transformative change"),
        _l("It changed how things are done, lastingly and at scale."),
    ),
}

JUSTIFICATION = Limit(5_000, lines=True, required=_l("Say what changed (or did not), and how you know."))


def check_rating(rating: str | None, field: str = "outcome_rating") -> str:
    """A rating's key (`OUTCOME_RATINGS`)."""
    key = (rating or "").strip()
    if key not in OUTCOME_RATINGS:
        labels = [label for label, _meaning in OUTCOME_RATINGS.values()]
        raise InvalidField(field, _l("Choose how much changed: %(ratings)s.", ratings=listed(labels)))
    return key


def label(rating: str | None) -> str | None:
    """The rating in words, in the reader's language (None: no rating)."""
    return str(OUTCOME_RATINGS[rating][0]) if rating in OUTCOME_RATINGS else None


def choices() -> list[tuple[str, Message]]:
    """(key, "Label: what it means") for a select, after an empty "— Choose —" (in the
    reader's language when shown)."""
    return [
        ("", _l("— Choose —")),
        *(
            (key, _l("%(label)s: %(meaning)s", label=label, meaning=meaning))
            for key, (label, meaning) in OUTCOME_RATINGS.items()
        ),
    ]


def rate(record: Any, actor: Any, *, rating: str | None, justification: str | None) -> dict[str, list[Any]]:
    """Set `record`'s rating of what changed (a pledge's, a recommendation's), checked, by
    `actor`; the changes, [before, after], for its history."""
    rating = check_rating(rating)
    words = JUSTIFICATION.clean(justification, "outcome_justification").strip()
    before = {"outcome_rating": record.outcome_rating, "outcome_justification": record.outcome_justification}
    record.outcome_rating, record.outcome_justification = rating, words
    record.outcome_rated_at, record.outcome_rated_by_id = utcnow(), actor.id
    return {name: [value, getattr(record, name)] for name, value in before.items()}


def counted(records: Any) -> list[tuple[str, int]]:
    """How many of `records` are rated each way, in the scale's order (only ratings given)."""
    ratings = [record.outcome_rating for record in records if record.outcome_rating in OUTCOME_RATINGS]
    return [(str(label), ratings.count(key)) for key, (label, _) in OUTCOME_RATINGS.items() if key in ratings]
