"""The forms of actions taken: recording and editing one (its figures, links and files),
and withdrawing it."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...core.dates import EARLIEST_YEAR, LATEST_YEAR, YEAR_RANGE, DatePrecision, NotADate, parse_partial_date
from ...core.sources import language_choices, language_name
from ...core.text import is_web_url
from ...core.web.fields import NumberWithSeparatorsField, uploads_of
from ...core.web.forms import (
    CheckboxesField,
    SiteForm,
    UploadForm,
    VersionedForm,
    Within,
    id_or_none,
    strip,
)
from ..evidence import EvidenceLink
from ..models import MAX_FIGURE, REASON, ActionFigure, ActionTaken
from . import SourceFields, _format_field


class FigureForm(Form):
    """One figure of an action: "people trained: 2,037 people (2020)". A blank row is ignored."""

    label = StringField(_l("What was counted"), filters=[strip], validators=[Within(ActionFigure.limits["label"])])
    value = NumberWithSeparatorsField(
        _l("Number"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_FIGURE,
                message=_l("Enter a number from 0 to %(largest)s.", largest=format(MAX_FIGURE, ",")),
            ),
        ],
    )
    unit = StringField(_l("Unit"), filters=[strip], validators=[Within(ActionFigure.limits["unit"])])
    year = IntegerField(
        _l("Year"),
        validators=[
            Optional(),
            NumberRange(EARLIEST_YEAR, LATEST_YEAR, _l("Enter a year %(range)s, such as 2020.", range=YEAR_RANGE)),
        ],
    )
    # One of the pledge's indicators the figure counts towards (its choices: `ActionForm`).
    indicator = SelectField(_l("Counts towards"), coerce=id_or_none, choices=[], validate_choice=False)

    def is_blank(self) -> bool:
        return not (
            self.label.data
            or self.indicator.data
            or self.value.data is not None
            or (self.value.raw_data and self.value.raw_data[0].strip())
            or self.unit.data
            or self.year.data
        )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.is_blank():
            return valid
        if not self.label.data and not self.indicator.data:
            self.label.errors.append(_("Say what was counted, e.g. people trained (or choose the indicator)."))
            valid = False
        if self.value.data is None and not self.value.errors:
            self.value.errors.append(_("Enter the number."))
            valid = False
        return valid


class LinkForm(Form):
    """One evidence link: a web address and, optionally, what it is."""

    url = StringField(_l("Web address"), filters=[strip], validators=[Within(EvidenceLink.limits["url"])])
    title = StringField(
        _l("Title of the page or document"), filters=[strip], validators=[Within(EvidenceLink.limits["title"])]
    )

    def is_blank(self) -> bool:
        return not (self.url.data or self.title.data)

    def validate_url(self, field):
        if field.data and not is_web_url(field.data):
            raise ValidationError(_("Enter a full web address starting with https:// (or http://)."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.title.data and not self.url.data:
            self.url.errors.append(_("Enter the web address of this evidence."))
            valid = False
        return valid


class ActionForm(SourceFields, UploadForm, VersionedForm):
    date = StringField(_l("Date"), filters=[strip], validators=[Length(max=40)])
    heading = StringField(
        _l("Group under a heading"), filters=[strip], validators=[Within(ActionTaken.limits["heading"])]
    )
    summary = TextAreaField(
        _l("What was done"),
        filters=[strip],
        validators=[Within(ActionTaken.limits["summary"])],
    )
    details = TextAreaField(_l("Details"), validators=[Within(ActionTaken.limits["details"])])
    text_format = _format_field(_l("The details are written in"))
    language = SelectField(_l("Language"), default="", validate_choice=True)
    organisations = CheckboxesField(_l("Organisations involved"), coerce=int)
    figures = FieldList(FormField(FigureForm), min_entries=1, max_entries=50)
    links = FieldList(FormField(LinkForm), min_entries=1, max_entries=50)
    add_figure = SubmitField(_l("Add another figure"))
    add_link = SubmitField(_l("Add another link"))
    new_files = MultipleFileField(_l("Attach files"))
    remove_files = CheckboxesField(_l("Take off"), coerce=int)
    submit = SubmitField(_l("Save action"))

    def __init__(self, pledge, *args, undated: bool = False, **kwargs):
        """`undated`: the action edited has no date (its source gives none), and may keep none."""
        super().__init__(*args, **kwargs)
        self.undated = undated
        self.organisations.choices = [SelectChoice(org.id, org.display_name) for org in pledge.signatory_organisations]
        self.language.choices = [
            SelectChoice("", _("As the pledge (%(language)s)", language=language_name(pledge.language)))
        ] + [SelectChoice(tag, name) for tag, name in language_choices(self.language.data) if tag != pledge.language]
        self.parsed_date: tuple[dt.date | None, DatePrecision] | None = None
        self.remove_files.choices = []
        self.indicator_choices = [SelectChoice("", _("— None —"))] + [
            SelectChoice(str(i.id), i.name + (f" ({i.unit})" if i.unit else "")) for i in pledge.indicators
        ]
        self._offer_indicators()

    def _offer_indicators(self) -> None:
        """Each figure row may count towards one of the pledge's indicators."""
        for entry in self.figures:
            entry.form.indicator.choices = self.indicator_choices

    def validate_date(self, field):
        if self.undated and not field.data:
            self.parsed_date = (None, DatePrecision.DAY)
            return
        try:
            self.parsed_date = parse_partial_date(field.data)
        except NotADate as problem:
            raise ValidationError(str(problem)) from None

    def validate_organisations(self, field):
        if not field.data:
            raise ValidationError(_("Choose at least one organisation involved."))

    def wants_another_row(self) -> bool:
        """ "Add another figure/link" re-shows the form with one more empty row, saving nothing."""
        if self.add_figure.data:
            self.figures.append_entry()
            self._offer_indicators()
            return True
        if self.add_link.data:
            self.links.append_entry()
            return True
        return False

    def action_fields(self) -> dict:
        """The action as `operations.record_action`/`edit_action` take it (blank rows dropped)."""
        if self.parsed_date is None:
            raise RuntimeError("action_fields() is read after the form validated")
        date, precision = self.parsed_date
        return {
            "date": date,
            "date_precision": precision,
            "heading": self.heading.data or None,
            "summary": self.summary.data,
            "details": self.details.data or "",
            "figures": [
                {
                    "label": row.label.data,
                    "value": row.value.data,
                    "unit": row.unit.data or None,
                    "year": row.year.data,
                    "indicator_id": row.indicator.data,
                }
                for row in (entry.form for entry in self.figures)
                if not row.is_blank()
            ],
            "links": [
                {"url": row.url.data, "title": row.title.data or None}
                for row in (entry.form for entry in self.links)
                if not row.is_blank()
            ],
            "text_format": self.text_format.data,
            "language": self.language.data or None,
            "source_reference": self.source_reference.data or None,
            "source_url": self.source_url.data or None,
            "files": uploads_of(self.new_files),
            "remove_files": self.remove_files.data or [],
        }

    def offer_removal(self, action) -> None:
        """Its files, each of which may be taken off."""
        self.remove_files.choices = [SelectChoice(f.id, f"{f.filename} ({f.size_label})") for f in action.files]

    def fill_from(self, action, date_text: str) -> None:
        self.date.data = date_text
        self.heading.data = action.heading
        self.summary.data = action.summary
        self.details.data = action.details
        self.text_format.data = action.text_format
        self.language.data = action.language or ""
        if action.language and action.language not in {choice[0] for choice in self.language.choices}:
            self.language.choices.append(SelectChoice(action.language, language_name(action.language)))
        self.source_reference.data = action.source_reference
        self.source_url.data = action.source_url
        self.organisations.data = [org.id for org in action.organisations]
        self.opened_at(action.version)
        while len(self.figures.entries):
            self.figures.pop_entry()
        for figure in action.figures:
            self.figures.append_entry(
                {
                    "label": figure.label,
                    "value": figure.value,
                    "unit": figure.unit,
                    "year": figure.year,
                    "indicator": figure.indicator_id,
                }
            )
        self.figures.append_entry()
        self._offer_indicators()
        while len(self.links.entries):
            self.links.pop_entry()
        for link in action.links:
            self.links.append_entry({"url": link.url, "title": link.title})
        self.links.append_entry()


class WithdrawActionForm(SiteForm):
    reason = TextAreaField(_l("Why is it withdrawn?"), filters=[strip], validators=[Within(REASON)])
    submit = SubmitField(_l("Withdraw this action"))
