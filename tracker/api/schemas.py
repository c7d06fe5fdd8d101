"""What the API answers, as marshmallow schemas: they document every field in the OpenAPI
document and, when a response is written, let through only the fields declared here (a
private column such as a contact e-mail can never slip into a response by accident).

The views hand these schemas plain mappings (built next to each view, in `pledges` and
`roundtables`); the schemas format them (dates as ISO 8601, datetimes in UTC).
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import fields

from ..core.dates import DatePrecision
from ..core.text import TEXT_FORMATS
from ..pledges.catalogue import PUBLISHED_STATES
from ..roundtables.workflow import RecommendationWorkflow

PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DECIMAL_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
AGREED_STATES = [
    state for state in RecommendationWorkflow.state_values() if state != RecommendationWorkflow.draft.value
]


class Schema(ma.Schema):
    class Meta:
        ordered = True


class UtcDateTime(fields.DateTime):
    """The database keeps naive UTC; the API says so ("2024-05-01T09:30:00+00:00")."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _text(description: str, **metadata) -> fields.String:
    return fields.String(required=True, metadata={"description": description, **metadata})


def _optional_text(description: str, **metadata) -> fields.String:
    return fields.String(required=True, allow_none=True, metadata={"description": description, **metadata})


def _names(description: str) -> fields.List:
    return fields.List(fields.String(), required=True, metadata={"description": description})


def _translations(texts: str) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        required=True,
        metadata={
            "description": f"Translations of {texts} written by its editors, by language tag (BCP 47): "
            '{"en": {…}}; each holds the translated texts it has. Empty when it has none.',
        },
    )


def _partial_date(description: str, *, allow_none: bool = False) -> fields.String:
    return fields.String(
        required=True,
        allow_none=allow_none,
        metadata={"description": description, "pattern": PARTIAL_DATE_PATTERN, "example": "2019-06"},
    )


# --- errors ----------------------------------------------------------------------------------


class ErrorSchema(Schema):
    """Every error the API gives (404, 405, 422 …): flask-smorest's error shape."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status code.", "example": 404})
    status = fields.String(required=True, metadata={"description": "The status's name.", "example": "Not Found"})
    message = fields.String(metadata={"description": "What went wrong, in words."})
    errors = fields.Dict(
        metadata={"description": "For a 422: each invalid parameter with its messages, by location (`query`)."}
    )


# --- pledges ----------------------------------------------------------------------------------

TEXT_FORMAT_HELP = (
    "How the long texts are written: plain (as written: line breaks kept, lines starting with a bullet or "
    "an item number are list items, nothing else is markup) or markdown (CommonMark)."
)


class IndicatorValueSchema(Schema):
    date = _partial_date(
        "When the figure is for, as precise as it is known (2020, 2021-06 or 2021-06-30); null when not stated.",
        allow_none=True,
    )
    value = _text("The figure reported, as a decimal string.", pattern=DECIMAL_PATTERN, example="40.00")
    level = _text(
        "Where the indicator stood after it: the running total (combine `sum`) or the figure itself (`latest`).",
        pattern=DECIMAL_PATTERN,
    )


class IndicatorSchema(Schema):
    name = _text('What is counted ("Volunteers trained").')
    unit = _optional_text("The unit, if any.")
    baseline = _optional_text("Where it started, as a decimal string (null: 0, not stated).", pattern=DECIMAL_PATTERN)
    baseline_date = fields.Date(required=True, allow_none=True)
    target = _optional_text("Where it is to get to, as a decimal string (null: no target).", pattern=DECIMAL_PATTERN)
    target_date = fields.Date(required=True, allow_none=True)
    combine = _text(
        "How the figures reported combine: added up over the period, or the latest value stands.",
        enum=["sum", "latest"],
    )
    achieved = _optional_text("Where it stands now (null: no figure and no baseline).", pattern=DECIMAL_PATTERN)
    percent = fields.Integer(
        required=True,
        allow_none=True,
        metadata={
            "description": "How much of the way from baseline to target it has come, rounded (100 only when reached; "
            "may pass 100); null without a target."
        },
    )
    values = fields.List(
        fields.Nested(IndicatorValueSchema), required=True, metadata={"description": "The figures over time, in order."}
    )


def _indicators(what: str) -> fields.List:
    return fields.List(fields.Nested(IndicatorSchema), required=True, metadata={"description": what})


def _organisation_slug() -> fields.String:
    return _text("The organisation's slug: what the filters by organisation take (`/api/v1/organisations`).")


class SignatorySchema(Schema):
    name = _text("The organisation's name.")
    slug = _organisation_slug()
    lead = fields.Boolean(required=True, metadata={"description": "Whether it is the lead signatory (listed first)."})


class PledgeSummarySchema(Schema):
    slug = _text("The pledge's identifier in addresses; it never changes.", example="regional-protection")
    url = _text("The pledge's public page.", format="uri")
    title = _text("The pledge's title.")
    state = _text("Where the pledge stands.", enum=PUBLISHED_STATES)
    forum = _optional_text("Where the commitment was made.")
    themes = _names("Theme names, A–Z.")
    countries = _names("Countries or named regions it concerns, A–Z.")
    region = _optional_text("A region in words.")
    period_start = fields.Integer(required=True, allow_none=True, metadata={"description": "First year of the period."})
    period_end = fields.Integer(required=True, allow_none=True, metadata={"description": "Last year of the period."})
    period_note = _optional_text('The period in words ("ongoing", "18 months").')
    language = _text('The language it is written in, a BCP 47 tag ("en", "fr", "es-419").', example="fr")
    translations = _translations("its `title` and `text`")
    source_reference = _optional_text('The source\'s own number for it ("P2065"), where it was published first.')
    source_url = _optional_text("The address of the source, where it was published first.", format="uri")
    signatories = fields.List(
        fields.Nested(SignatorySchema),
        required=True,
        metadata={"description": "The organisations that sign it, the lead first."},
    )
    signatories_note = _optional_text(
        "Its signatories in words, as its source states them, when the source names a collective or no one."
    )
    actions_count = fields.Integer(
        required=True, metadata={"description": "How many actions taken are recorded (withdrawn ones not counted)."}
    )
    last_action_on = _partial_date(
        "Date of the latest action taken, as precise as it is known (2019, 2019-06 or 2019-06-01); null before the first.",
        allow_none=True,
    )
    published_at = UtcDateTime(required=True, allow_none=True, metadata={"description": "When it was published (UTC)."})
    completed_at = UtcDateTime(
        required=True, allow_none=True, metadata={"description": "When it was marked done (UTC); null unless done."}
    )
    outcome = fields.Nested(
        "OutcomeRatingSchema",
        required=True,
        allow_none=True,
        metadata={"description": "What changed, beyond its being done: its signatories' rating (null until rated)."},
    )
    indicators = _indicators("What it promised in numbers, with how far each has got.")
    updated_at = UtcDateTime(
        required=True, metadata={"description": "When the pledge or any of its actions last changed (UTC)."}
    )


class OutcomeRatingSchema(Schema):
    rating = _text("The rating.", enum=["no_change", "some", "substantial", "transformative"])
    label = _text("The rating in words.")
    justification = _text("Why: what changed, or did not, and how they know.")


class BudgetSchema(Schema):
    amount = _text("The amount, exactly, as a decimal string.", pattern=DECIMAL_PATTERN, example="80000000.00")
    currency = _text("ISO 4217 currency code.", example="AUD")
    note = _optional_text('How to read the amount ("approximately, annually").')


class FigureSchema(Schema):
    label = _text('What is counted ("People trained").')
    value = _text("The number, exactly, as a decimal string.", pattern=DECIMAL_PATTERN, example="2037.00")
    unit = _optional_text("The unit, if any.")
    year = fields.Integer(required=True, allow_none=True, metadata={"description": "The year the number is for."})
    period_note = _optional_text('The period the number is for, in words ("Jan–Jun 2021").')
    indicator = _optional_text("The pledge's indicator it counts towards (its name), if any.")


class FileSchema(Schema):
    filename = _text("The file's name.")
    content_type = _text("Its type, as its bytes say (a PDF, an image, an office document).")
    size = fields.Integer(required=True, metadata={"description": "Its size in bytes."})
    url = _text("Where to download it.", format="uri")


class LinkSchema(Schema):
    url = _text("Address of the evidence.", format="uri")
    title = _optional_text("Its title.")


class ActionSchema(Schema):
    date = _partial_date(
        "When it was done, as precise as it is known (2019, 2019-06 or 2019-06-01); null when its source does not say.",
        allow_none=True,
    )
    date_precision = _text("How much of the date is known.", enum=[p.value for p in DatePrecision])
    heading = _optional_text("A heading that groups consecutive actions, as on the pledge's page.")
    summary = _text("What was done.")
    details = _text("More about it, in `text_format`; may be empty.")
    text_format = _text(TEXT_FORMAT_HELP, enum=list(TEXT_FORMATS))
    language = _text('The language it is written in, a BCP 47 tag ("en", "fr").', example="en")
    translations = _translations("its `summary` and `details`")
    source_reference = _optional_text("The source's own number for it (a progress report's).")
    source_url = _optional_text("The address of the source, where it was published first.", format="uri")
    organisations = _names("The signatories involved.")
    figures = fields.List(fields.Nested(FigureSchema), required=True, metadata={"description": "Numbers it reports."})
    links = fields.List(fields.Nested(LinkSchema), required=True, metadata={"description": "Evidence."})
    files = fields.List(fields.Nested(FileSchema), required=True, metadata={"description": "Evidence files."})


class PledgeSchema(PledgeSummarySchema):
    text = _text("The pledge's text, in `text_format`.")
    actions_intro = _optional_text("An introduction to the actions taken, in `text_format`.")
    text_format = _text(TEXT_FORMAT_HELP, enum=list(TEXT_FORMATS))
    budget = fields.Nested(
        BudgetSchema, required=True, allow_none=True, metadata={"description": "The budget, if one was given."}
    )
    actions = fields.List(
        fields.Nested(ActionSchema),
        required=True,
        metadata={"description": "The actions taken, in the order of the pledge's page (withdrawn ones never appear)."},
    )


def _next_link() -> fields.String:
    return fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The address of the next page (the same search, filters, sort and page size); "
            "null on the last page.",
            "format": "uri",
        },
    )


class PledgePageSchema(Schema):
    items = fields.List(
        fields.Nested(PledgeSummarySchema), required=True, metadata={"description": "This page's pledges."}
    )
    next = _next_link()
    total = fields.Integer(required=True, metadata={"description": "How many pledges match, on all pages."})


# --- roundtables ------------------------------------------------------------------------------


class RoundtableSummarySchema(Schema):
    slug = _text("The roundtable's identifier in addresses.", example="bali-2018")
    url = _text("The roundtable's public page.", format="uri")
    title = _text("Its title.")
    kind = _text(
        "What kind of meeting issued its recommendations: a roundtable, a review (a Universal Periodic Review "
        "cycle), a ministerial conference, or another meeting.",
        enum=["roundtable", "review", "ministerial", "meeting"],
    )
    process = _optional_text("The process (forum) it belongs to.")
    start_date = fields.Date(required=True, metadata={"description": "Its first day."})
    end_date = fields.Date(required=True, allow_none=True, metadata={"description": "Its last day (null: one day)."})
    place = _optional_text("Where it met.")
    co_chairs = _names("The co-chairing organisations, A–Z.")
    participants = _names("Participating organisations, A–Z.")
    participants_note = _optional_text('Participants in words ("13 governments and …").')
    summary = _text("What it was about (Markdown).")
    recommendations_count = fields.Integer(
        required=True, metadata={"description": "How many recommendations it agreed."}
    )


class OutcomeSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The outcome's id (a recommendation's `outcome_id`)."})
    text = _text("The agreed outcome.")


class OutcomeGroupSchema(Schema):
    heading = _text("The heading the outcomes are listed under.")
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True)


class OwnerSchema(Schema):
    name = _text("The organisation's name.")
    slug = _organisation_slug()
    lead = fields.Boolean(required=True, metadata={"description": "Whether it is the lead owner (listed first)."})


class UpdateSchema(Schema):
    date = fields.Date(required=True)
    organisation = _text("The owner that reported it.")
    text = _text("What happened.")
    language = _text('The language it is written in, a BCP 47 tag ("en", "fr").', example="en")
    translations = _translations("its `text`")
    indicator = _optional_text("The recommendation's indicator a figure is reported for (its name), if any.")
    link = _optional_text("A link to its evidence, if any.", format="uri")
    files = fields.List(fields.Nested(FileSchema), required=True, metadata={"description": "Evidence files."})
    value = _optional_text("The figure reported for it, as a decimal string.", pattern=DECIMAL_PATTERN)


class ReviewSchema(Schema):
    kind = _text("The co-chairs' latest review: verified, or sent back to the owners.", enum=["verified", "sent_back"])
    at = UtcDateTime(required=True, metadata={"description": "When (UTC)."})
    words = _optional_text("The co-chairs' comment or reason, when they made it public; otherwise null.")


class RecommendationSchema(Schema):
    id = fields.Integer(required=True)
    reference = _optional_text('Its number in the source ("121.1").')
    text = _text("The recommendation, as its source words it.")
    language = _text('The language it is written in, a BCP 47 tag ("en", "fr").', example="en")
    translations = _translations("its `text`")
    heading = _optional_text("The heading it is listed under.")
    outcome_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The outcome it follows through, if any."}
    )
    state = _text("Where it stands.", enum=AGREED_STATES)
    due_date = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(
        required=True,
        metadata={"description": "Whether it is past its due date and not yet done, as its roundtable's page says."},
    )
    owners = fields.List(
        fields.Nested(OwnerSchema), required=True, metadata={"description": "The owners, the lead first."}
    )
    addressee = _optional_text('Its addressee in words, when its source names no organisation ("members").')
    recommending = _names("The organisations or States that made it, in the source's order.")
    response = _optional_text("The addressee's response, when stated.", enum=["supported", "noted", "other", None])
    response_date = fields.Date(required=True, allow_none=True, metadata={"description": "The day of the response."})
    source_url = _optional_text("The address of the source, where it was published.", format="uri")
    updates = fields.List(
        fields.Nested(UpdateSchema), required=True, metadata={"description": "Progress updates, oldest first."}
    )
    outcome = fields.Nested(
        "OutcomeRatingSchema",
        required=True,
        allow_none=True,
        metadata={"description": "What changed, beyond its being done: its co-chairs' rating (null until rated)."},
    )
    review = fields.Nested(
        ReviewSchema, required=True, allow_none=True, metadata={"description": "The latest review, if any."}
    )
    indicators = _indicators("What it aims at in numbers, with how far each has got.")


class RoundtableSchema(RoundtableSummarySchema):
    outcome_groups = fields.List(fields.Nested(OutcomeGroupSchema), required=True)
    recommendations = fields.List(
        fields.Nested(RecommendationSchema),
        required=True,
        metadata={"description": "The agreed recommendations (never drafts)."},
    )


class RoundtablePageSchema(Schema):
    items = fields.List(
        fields.Nested(RoundtableSummarySchema), required=True, metadata={"description": "This page's roundtables."}
    )
    next = _next_link()
    total = fields.Integer(required=True, metadata={"description": "How many roundtables match, on all pages."})
