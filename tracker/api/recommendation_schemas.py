"""What /api/v1/recommendations takes and answers, as marshmallow schemas: its parameters
(as `arguments` has the other lists'), and a recommendation as `schemas` has it in its
roundtable's answer, with the meeting that agreed it.

Every parameter is held to what the document says: an unknown kind or state, a day that is
no ISO 8601 day, an `overdue` neither true nor false, or a page size out of bounds is a 422
naming the parameter. A value of the right form that names nothing (a slug no public
roundtable has) is an empty list, not an error.
"""

from __future__ import annotations

import re

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields

from ..roundtables.catalogue import AGREED_STATES
from ..roundtables.models import MEETING_KINDS
from .arguments import ListArgs, _key, _one_of
from .schemas import RecommendationSchema, Schema, _next_link, _text

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Date(fields.Date):
    """A day, ISO 8601 (2027-01-31); anything else refused, in the reader's language —
    "20270131" too, which Python would read, but the document's `date` format is not."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)

    def make_error(self, key: str, **kwargs) -> ma.ValidationError:
        if key == "invalid":
            return ma.ValidationError(_("Not a valid date: write it as 2027-01-31."))
        return super().make_error(key, **kwargs)


class _Boolean(fields.Boolean):
    """`true` or `false`, as the OpenAPI document writes a boolean; anything else refused."""

    def __init__(self, **kwargs) -> None:
        super().__init__(truthy={"true"}, falsy={"false"}, **kwargs)

    def make_error(self, key: str, **kwargs) -> ma.ValidationError:
        if key == "invalid":
            return ma.ValidationError(_("Not a valid boolean: write true or false."))
        return super().make_error(key, **kwargs)


def _due(description: str) -> _Date:
    return _Date(metadata={"description": description + " Never one without a due date."})


class RecommendationListArgs(ListArgs):
    roundtable = _key("Only those of this meeting or review, by its slug (or its id).")
    mechanism = _one_of(
        "Only those of meetings of this kind: roundtable, review (a Universal Periodic Review cycle), ministerial "
        "(a ministerial conference) or meeting (another meeting).",
        list(MEETING_KINDS),
    )
    state = _one_of("Only those in this state (done: awaiting the co-chairs' verification).", list(AGREED_STATES))
    owner = _key("Only those this organisation owns, as lead or not, by its slug (or its id).")
    overdue = _Boolean(
        metadata={
            "description": "true: only those past their due date and not yet done (in progress); false: only the "
            "others (those without a due date too)."
        }
    )
    due_before = _due("Only those due on or before this day (the day included).")
    due_after = _due("Only those due on or after this day (the day included).")
    reference = _key('Only those with exactly this number in their source ("121.1").')


class MeetingSchema(Schema):
    slug = _text("The meeting's identifier in addresses (`/api/v1/roundtables/{slug}`).", example="bali-2018")
    title = _text("Its title.")
    url = _text("Its public page.", format="uri")
    kind = _text(
        "What kind of meeting it is: a roundtable, a review (a Universal Periodic Review cycle), a ministerial "
        "conference, or another meeting.",
        enum=list(MEETING_KINDS),
    )


class RecommendationItemSchema(RecommendationSchema):
    roundtable = fields.Nested(
        MeetingSchema, required=True, metadata={"description": "The meeting or review that agreed it."}
    )


class RecommendationPageSchema(Schema):
    items = fields.List(
        fields.Nested(RecommendationItemSchema),
        required=True,
        metadata={"description": "This page's recommendations."},
    )
    next = _next_link()
    total = fields.Integer(required=True, metadata={"description": "How many recommendations match, on all pages."})
