"""The forms of roundtables, outcomes and recommendations. They check what a form can see;
the rules themselves are in `operations`, `workflow` and `follow_through`."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    Form,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..accounts.models import Organisation
from ..core.extensions import db
from ..core.sources import DEFAULT_LANGUAGE, language_choices
from ..core.text import is_web_url
from ..core.web.fields import DayField, NumberWithSeparatorsField
from ..core.web.forms import (
    CheckboxesField,
    SiteForm,
    UploadForm,
    VersionedForm,
    Within,
    choices,
    id_or_none,
    strip,
)
from ..taxonomy.models import Forum, ForumKind
from . import follow_through
from .models import (
    MEETING_KIND_LABELS,
    RESPONSE_LABELS,
    REVIEW_WORDS,
    Outcome,
    OutcomeGroup,
    ProgressUpdate,
    Recommendation,
    Roundtable,
)
from .workflow import RecommendationWorkflow


def _organisation_choices():
    return choices(Organisation, lambda org: org.choice_label)


class RoundtableForm(VersionedForm):
    title = StringField(_l("Title"), filters=[strip], validators=[Within(Roundtable.limits["title"])])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(key, label) for key, label in MEETING_KIND_LABELS.items()],
        default="roundtable",
    )
    forum = SelectField(_l("Process"), coerce=id_or_none, validate_choice=True)
    start_date = DayField(
        _l("First day"), what=_l("the first day"), validators=[InputRequired(_l("Enter the first day."))]
    )
    end_date = DayField(_l("Last day"), what=_l("the last day"))
    place = StringField(_l("Place"), filters=[strip], validators=[Within(Roundtable.limits["place"])])
    co_chairs = CheckboxesField(_l("Co-chairs"), coerce=int)
    participants = CheckboxesField(_l("Participant organisations"), coerce=int)
    participants_note = TextAreaField(
        _l("Other participants"), filters=[strip], validators=[Within(Roundtable.limits["participants_note"])]
    )
    summary = TextAreaField(_l("Summary"), validators=[Within(Roundtable.limits["summary"])])
    is_public = BooleanField(_l("Public: anyone may read its outcomes and follow-through"))
    submit = SubmitField(_l("Save roundtable"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        processes = db.session.scalars(sa.select(Forum).order_by(Forum.kind != ForumKind.PROCESS, Forum.name))
        self.forum.choices = [SelectChoice("", _("— Not part of a process listed here —"))] + [
            SelectChoice(forum.id, forum.name) for forum in processes
        ]
        organisations = _organisation_choices()
        self.co_chairs.choices = organisations
        self.participants.choices = organisations

    def validate_co_chairs(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one co-chair."))

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The last day cannot be before the first day."))

    def roundtable_fields(self) -> dict:
        return {
            "title": self.title.data,
            "kind": self.kind.data,
            "forum_id": self.forum.data,
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "place": self.place.data or None,
            "summary": self.summary.data or "",
            "participants_note": self.participants_note.data or None,
            "is_public": bool(self.is_public.data),
        }

    def fill_from(self, roundtable) -> None:
        for name in ("title", "kind", "start_date", "end_date", "place", "summary", "participants_note", "is_public"):
            getattr(self, name).data = getattr(roundtable, name)
        self.forum.data = roundtable.forum_id
        self.co_chairs.data = [org.id for org in roundtable.co_chairs]
        self.participants.data = [org.id for org in roundtable.participants]
        self.opened_at(roundtable.version)


class HeadingForm(SiteForm):
    heading = TextAreaField(_l("Heading"), filters=[strip], validators=[Within(OutcomeGroup.limits["heading"])])
    submit = SubmitField(_l("Save heading"))


class OutcomeForm(SiteForm):
    text = TextAreaField(_l("Outcome"), filters=[strip], validators=[Within(Outcome.limits["text"])])
    group = SelectField(_l("Under the heading"), coerce=id_or_none, validate_choice=True)
    submit = SubmitField(_l("Save outcome"))

    def __init__(self, roundtable, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice(group.id, group.heading) for group in roundtable.outcome_groups]


class MoveForm(SiteForm):
    """ "Move up" / "Move down" buttons: which way is the button's value."""

    direction = SelectField(choices=[SelectChoice("up", _l("up")), SelectChoice("down", _l("down"))])


class RecommendationForm(VersionedForm):
    text = TextAreaField(
        _l("Recommendation"),
        filters=[strip],
        validators=[Within(Recommendation.limits["text"])],
    )
    group = SelectField(_l("Heading"), coerce=id_or_none, validate_choice=True)
    outcome = IntegerField(widget=HiddenInput(), validators=[Optional()])
    lead_owner = SelectField(_l("Lead owner"), coerce=id_or_none, validate_choice=True)
    other_owners = CheckboxesField(_l("Other owners"), coerce=int)
    due_date = DayField(_l("Due date"), what=_l("the due date"))
    contact_name = StringField(
        _l("Contact person"), filters=[strip], validators=[Within(Recommendation.limits["contact_name"])]
    )
    contact_email = StringField(
        _l("Contact e-mail"),
        filters=[strip],
        validators=[
            Optional(),
            Email(_l("Enter an e-mail address such as name@redcross.org.au.")),
            Within(Recommendation.limits["contact_email"]),
        ],
    )
    # What its source says of it.
    reference = StringField(
        _l("Its number in the source"), filters=[strip], validators=[Within(Recommendation.limits["reference"])]
    )
    recommending = CheckboxesField(_l("Recommended by"), coerce=int)
    addressee_note = StringField(
        _l("Addressed to, as the source states it"),
        filters=[strip],
        validators=[Within(Recommendation.limits["addressee_note"])],
    )
    response = SelectField(
        _l("Response of the addressee"),
        choices=[SelectChoice("", _l("— Not stated —"))]
        + [SelectChoice(k, label) for k, label in RESPONSE_LABELS.items()],
        default="",
    )
    response_date = DayField(_l("Day of the response"), what=_l("the day of the response"))
    language = SelectField(_l("Language"), default=DEFAULT_LANGUAGE, validate_choice=True)
    source_url = StringField(
        _l("The source's web address"),
        filters=[strip],
        validators=[Within(Recommendation.limits["source_url"])],
    )
    submit = SubmitField(_l("Save"))
    agree = SubmitField(_l("Save and agree"))

    def __init__(self, roundtable, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice("", _("— No heading —"))] + [
            SelectChoice(group.id, group.heading) for group in roundtable.outcome_groups
        ]
        organisations = _organisation_choices()
        self.lead_owner.choices = [SelectChoice("", _("— No owner yet —"))] + organisations
        self.other_owners.choices = organisations
        self.recommending.choices = organisations
        self.language.choices = language_choices(self.language.data)
        # Translated now, as a str: a lazy label is shown as markup, its apostrophe unescaped.
        self.source_url.label.text = str(self.source_url.label.text)

    def validate_source_url(self, field):
        if field.data and not is_web_url(field.data):
            raise ValidationError(_("Enter the source's full web address, starting with https:// (or http://)."))

    def validate_response_date(self, field):
        if field.data and not self.response.data:
            raise ValidationError(_("Choose the response too, or leave its day empty."))

    def owners_ids(self) -> list[int]:
        """Lead first, then the others (the lead counted once)."""
        lead = [self.lead_owner.data] if self.lead_owner.data else []
        return lead + [i for i in self.other_owners.data or () if i not in lead]

    def validate_other_owners(self, field):
        if field.data and not self.lead_owner.data:
            raise ValidationError(_("Choose the lead owner first; the others share the work."))

    def recommendation_fields(self) -> dict:
        return {
            "text": self.text.data,
            "due_date": self.due_date.data,
            "contact_name": self.contact_name.data or None,
            "contact_email": self.contact_email.data or None,
            "reference": self.reference.data or None,
            "addressee_note": self.addressee_note.data or None,
            "response": self.response.data or None,
            "response_date": self.response_date.data,
            "language": self.language.data,
            "source_url": self.source_url.data or None,
        }

    def fill_from(self, recommendation) -> None:
        self.text.data = recommendation.text
        self.group.data = recommendation.group_id
        self.outcome.data = recommendation.outcome_id
        lead = recommendation.lead_owner
        self.lead_owner.data = lead.id if lead else None
        self.other_owners.data = [org.id for org in recommendation.other_owners]
        self.due_date.data = recommendation.due_date
        self.contact_name.data = recommendation.contact_name
        self.contact_email.data = recommendation.contact_email
        for name in ("reference", "addressee_note", "response_date", "source_url"):
            getattr(self, name).data = getattr(recommendation, name)
        self.response.data = recommendation.response or ""
        self.language.data = recommendation.language
        self.language.choices = language_choices(recommendation.language)
        self.recommending.data = [org.id for org in recommendation.recommending]
        self.opened_at(recommendation.version)


class ProgressUpdateForm(UploadForm):
    date = DayField(
        _l("Date"), what=_l("the date of the update"), validators=[InputRequired(_l("Enter the date of the update."))]
    )
    text = TextAreaField(
        _l("What has happened"),
        filters=[strip],
        validators=[Within(ProgressUpdate.limits["text"])],
    )
    indicator = SelectField(_l("Figure reported for"), coerce=id_or_none, choices=[], validate_choice=False)
    value = NumberWithSeparatorsField(_l("Figure"), validators=[Optional()])
    link_url = StringField(
        _l("Link to evidence"), filters=[strip], validators=[Within(ProgressUpdate.limits["link_url"])]
    )
    new_files = MultipleFileField(_l("Attach files"))
    submit = SubmitField(_l("Post update"))

    def offer(self, indicators) -> ProgressUpdateForm:
        """Let the update report a figure against one of the recommendation's indicators."""
        self.indicator.choices = [SelectChoice("", _("— No figure —"))] + [
            SelectChoice(str(i.id), i.name + (f" ({i.unit})" if i.unit else "")) for i in indicators
        ]
        return self


class BulkVerifyForm(SiteForm):
    """Recommendations of the review queue ticked to verify at once (their ids)."""

    chosen = SelectMultipleField(_l("Verify"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Verify the ticked recommendations"))

    def validate_chosen(self, field):
        if not field.data:
            raise ValidationError(_("Tick the recommendations to verify first."))


class RecommendationTransitionForm(SiteForm):
    """One workflow button with its words (what was done, a reason, a comment) and, for a
    co-chair's review, whether the public page may show those words. Prefixed by the event."""

    words = TextAreaField(_l("Comment"), filters=[strip], validators=[Within(REVIEW_WORDS)])
    public = BooleanField(_l("Show this on the public page"))
    submit = SubmitField()


class FollowThroughFilter(Form):
    """The filters of a recommendation list, from the query string; `filters()` turns them
    into `follow_through.Filters`. Values that are not choices are ignored, never an error."""

    state = SelectField(_l("State"), validate_choice=False)
    owner = SelectField(_l("Owner"), coerce=id_or_none, validate_choice=False)
    heading = SelectField(_l("Heading"), coerce=id_or_none, validate_choice=False)
    roundtable = SelectField(_l("Roundtable"), coerce=id_or_none, validate_choice=False)
    overdue = BooleanField(_l("Overdue only"))
    stale = BooleanField(_l("No update for %(days)s days", days=follow_through.STALE_AFTER_DAYS))
    q = StringField(_l("Search"), filters=[strip], validators=[Length(max=200)])
    sort = SelectField(
        _l("Sort"),
        choices=[SelectChoice(key, label) for key, (label, _order) in follow_through.SORTS.items()],
        validate_choice=False,
    )

    def __init__(self, formdata, *, roundtables, owners, headings=(), **kwargs):
        super().__init__(formdata, **kwargs)
        self.state.choices = [
            SelectChoice("", _("All states")),
            SelectChoice(follow_through.AGREED, _("Agreed (all but drafts)")),
        ] + [
            SelectChoice(value, RecommendationWorkflow.label(value)) for value in RecommendationWorkflow.state_values()
        ]
        self.owner.choices = [SelectChoice("", _("All owners"))] + [SelectChoice(org.id, org.name) for org in owners]
        self.heading.choices = [SelectChoice("", _("All headings"))] + [
            SelectChoice(group.id, _shorten(group.heading)) for group in headings
        ]
        self.roundtable.choices = [SelectChoice("", _("All roundtables"))] + [
            SelectChoice(roundtable.id, roundtable.title) for roundtable in roundtables
        ]

    def _chosen(self, field):
        """A select's value when it is one of its choices, else None."""
        valid = {choice.value for choice in field.choices}
        try:
            return field.data if field.data in valid and field.data not in ("", None) else None
        except TypeError:
            return None

    def filters(self) -> follow_through.Filters:
        return follow_through.Filters(
            state=self._chosen(self.state),
            owner_id=None if self.owner.errors else self._chosen(self.owner),
            group_id=None if self.heading.errors else self._chosen(self.heading),
            roundtable_id=None if self.roundtable.errors else self._chosen(self.roundtable),
            overdue=bool(self.overdue.data),
            stale=bool(self.stale.data),
            q="" if self.q.errors or not isinstance(self.q.data, str) else self.q.data[:200],
            sort=self.sort.data if self.sort.data in follow_through.SORTS else follow_through.DUE_FIRST,
        )


def _shorten(text: str, length: int = 90) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
