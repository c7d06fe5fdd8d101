"""The checks every way in (forms, imports, the API, the CLI) shares for the fields of a
meeting and of a recommendation: its kind, the addressee's response, and a recommendation's
texts and what its source says of it."""

from __future__ import annotations

from typing import Any

from ..core import clock
from ..core.changes import InvalidField
from ..core.i18n import _l
from ..core.limits import clean_fields
from ..core.sources import check_source_fields
from ..core.wording import listed
from .models import MEETING_KIND_LABELS, MEETING_KINDS, RESPONSE_LABELS, RESPONSES, Recommendation


def check_meeting_kind(kind: str | None, field: str = "kind") -> str:
    """A kind of meeting or review (`MEETING_KINDS`, by key or label — in English or in the
    reader's language); blank: a roundtable."""
    value = " ".join((kind or "").split()).casefold()
    if not value:
        return "roundtable"
    for key, label in MEETING_KINDS.items():
        if value in (key, label.casefold(), str(MEETING_KIND_LABELS[key]).casefold()):
            return key
    raise InvalidField(
        field,
        _l(
            "“%(kind)s” is not a kind of meeting: use %(kinds)s.",
            kind=(kind or "").strip(),
            kinds=listed(list(MEETING_KINDS), "or"),
        ),
    )


def check_response(response: str | None, field: str = "response") -> str | None:
    """The addressee's response (`RESPONSES`, by key or label — in English or in the reader's
    language, "supported"/"Supported"); blank: none stated."""
    value = " ".join((response or "").split()).casefold()
    if not value:
        return None
    for key, label in RESPONSES.items():
        if value in (key, label.casefold(), str(RESPONSE_LABELS[key]).casefold()):
            return key
    raise InvalidField(
        field,
        _l(
            "“%(response)s” is not a response: use %(responses)s.",
            response=(response or "").strip(),
            responses=listed(list(RESPONSES), "or"),
        ),
    )


# What a recommendation's source says of it, beside its words.
SOURCE_FIELDS = ["reference", "addressee_note", "response", "response_date", "language", "source_url"]
RECOMMENDATION_FIELDS = ["text", "group", "due_date", "contact_name", "contact_email", *SOURCE_FIELDS]


def check_recommendation_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with the recommendation's texts cleaned by their limits: its words (without
    spaces around them), the contact person (the e-mail address in lower case), and what its
    source says of it, checked (`core.sources`)."""
    unknown = set(fields) - set(RECOMMENDATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown recommendation fields: {', '.join(sorted(unknown))}")
    cleaned = check_source_fields(clean_fields(Recommendation, fields))
    for name in ("text", "reference", "addressee_note"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = cleaned[name].strip() or (None if name != "text" else "")
    if cleaned.get("contact_email"):
        cleaned["contact_email"] = cleaned["contact_email"].lower()
    if "response" in cleaned:
        cleaned["response"] = check_response(cleaned["response"])
    if cleaned.get("response_date") is not None and cleaned["response_date"] > clock.today():
        raise InvalidField("response_date", _l("The response cannot be dated in the future."))
    return cleaned
