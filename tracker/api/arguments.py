"""What the API's lists take, as marshmallow schemas: each query parameter's type, bounds and
values are in the OpenAPI document, and a request is held to them — a value outside them is
refused with 422, naming the parameter and saying why, never quietly ignored.

Filters by a record take the identifier the answers give (a slug, from a list item or from
the lists of filter values, `/api/v1/themes` and the others), or its number: a value that
names no record matches nothing (an empty list, not an error). Any text is a search or a
filter value, a NUL character included (it names nothing; in a search it separates words).
"""

from __future__ import annotations

import re

import marshmallow as ma
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..core import i18n
from ..core.listing import MAX_QUERY_LENGTH
from ..core.outcomes import OUTCOME_RATINGS
from ..pledges.catalogue import PUBLISHED_STATES
from ..roundtables.models import MEETING_KIND_LABELS
from ..taxonomy.regions import REGIONS
from .schemas import Schema

PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
KEY_MAX = 200  # the longest filter value: no slug is longer

PLEDGE_SORTS = ["last_action", "newest", "title", "best_match"]
ROUNDTABLE_SORTS = ["newest", "title"]

# (marshmallow's own words, marked so that they are in the reader's language)
_ONE_OF = _l("Must be one of: {choices}.")
_TOO_LONG = _l("Longer than maximum length {max}.")
_EMPTY = _l("Give a value, or leave the parameter out.")
_BETWEEN = _l("Must be greater than or equal to {min} and less than or equal to {max}.")
_INTEGER = re.compile(r"-?[0-9]{1,18}")


def _one_of(description: str, values: list[str], **metadata) -> fields.String:
    return fields.String(
        validate=validate.OneOf(values, error=_ONE_OF), metadata={"description": description, **metadata}
    )


def _key(description: str) -> fields.String:
    """A filter by a record: its slug or its number."""
    return fields.String(
        validate=[validate.Length(min=1, error=_EMPTY), validate.Length(max=KEY_MAX, error=_TOO_LONG)],
        metadata={
            "description": description + " A value that names nothing matches nothing (an empty list, not an error).",
        },
    )


class _Integer(fields.Integer):
    """An integer as digits 0-9 (with a minus sign, if any): "²" or "٣" is a digit to
    Python, but no number in an address. Refused in the reader's language."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _INTEGER.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)

    def make_error(self, key: str, **kwargs) -> ma.ValidationError:
        if key == "invalid":
            return ma.ValidationError(_("Not a valid integer."))
        return super().make_error(key, **kwargs)


class ListArgs(Schema):
    """What every list takes: search words, a cursor and a page size."""

    q = fields.String(
        validate=validate.Length(max=MAX_QUERY_LENGTH, error=_TOO_LONG),
        metadata={
            "description": 'Search words (or "quoted phrases"); a result contains every one of them, ignoring case.',
        },
    )
    cursor = fields.String(
        metadata={
            "description": "Where the page starts: copy it from the `next` link of the previous page (opaque; "
            "an invalid cursor gives the first page)."
        }
    )
    per_page = _Integer(
        load_default=PER_PAGE_DEFAULT,
        validate=validate.Range(min=1, max=PER_PAGE_MAX, error=_BETWEEN),
        metadata={"description": f"Items per page, 1 to {PER_PAGE_MAX}.", "default": PER_PAGE_DEFAULT},
    )

    lang = fields.String(
        validate=validate.OneOf(i18n.codes(), error=_ONE_OF),
        metadata={
            "description": "The language of the answer's words meant for people (an error's messages, a rating's "
            "label): en, fr, es or ar. Without it, the Accept-Language header's (else English). Records keep "
            "their own language, with their `translations`."
        },
    )

    @ma.pre_load
    def _each_once_and_known(self, data, **_kwargs):
        """A parameter given twice is refused (which of its values was meant?), and so is one
        the list does not take (a mistyped name would otherwise quietly widen the list)."""
        refused = {
            name: [_("Give this parameter once.") if name in self.fields else _("This list takes no such parameter.")]
            for name in request.args
            if name not in self.fields or len(request.args.getlist(name)) > 1
        }
        if refused:
            raise ma.ValidationError(refused)
        return data


class PledgeListArgs(ListArgs):
    state = _one_of("Only pledges in this state.", PUBLISHED_STATES)
    theme = _key("Only pledges with this theme, by its slug.")
    organisation = _key("Only pledges this organisation signs, by its slug (or its id).")
    forum = _key("Only pledges made at this forum, by its slug (or its id).")
    outcome = _one_of("Only done pledges whose signatories rated what changed so.", list(OUTCOME_RATINGS))
    region = _one_of(
        "Only pledges for a country or named region in this region of the world, by its UN M49 code: 002 Africa, "
        "019 Americas, 142 Asia, 150 Europe, 009 Oceania.",
        list(REGIONS),
    )
    country = _key("Only pledges for this country or named region, by its slug (or its id).")
    sort = _one_of(
        "The order: latest action first (the default without q), newest published first, by title, or best match "
        "first (the default with q: the pledges whose title holds every word, then those whose text does, then "
        "those found through their actions, each by latest action).",
        PLEDGE_SORTS,
    )


class RoundtableListArgs(ListArgs):
    kind = _one_of(
        "Only meetings of this kind: roundtable, review (a Universal Periodic Review cycle), ministerial or meeting.",
        list(MEETING_KIND_LABELS),
    )
    process = _key("Only roundtables of this process (forum), by its slug (or its id).")
    co_chair = _key("Only roundtables this organisation co-chaired, by its slug (or its id).")
    year = _Integer(
        validate=validate.Range(min=1, max=9999, error=_BETWEEN),
        metadata={"description": "Only roundtables that started in this year."},
    )
    sort = _one_of("The order: newest first (the default) or by title.", ROUNDTABLE_SORTS, default="newest")
