"""What every form of the site reads: the text fields a browser's form sends, nothing else.

Flask-WTF would also take a JSON body, or uploaded files, as a form's fields. Their values
are not text (a number, a list, null, a file), which no field here expects: a validator
measuring a file's length or a filter stripping a number would fail with a server error.
No form of the site sends JSON, and only the import takes files (`UploadForm`), so a form
reads `request.form` only: a JSON body is an empty form, and a file is a field left empty. A part of a multipart body whose
name Werkzeug cannot read (a line break or a backslash in it) has the name None; it is left
out too (a list of rows, such as an action's figures, would trip over it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto  # _Auto: Flask-WTF's "read the request" default
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from .. import access, indicators, outcomes
from ..changes import InvalidField
from ..extensions import db
from ..ids import parse_id
from ..limits import Limit, is_blank
from .fields import DayField, NumberWithSeparatorsField


class SiteForm(FlaskForm):
    """The base of the site's forms (instead of `FlaskForm`)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:  # not given by the view: read the request
                if request.method in SUBMIT_METHODS and request.form:
                    return _named_fields(request.form)
                return None
            return formdata


def _named_fields(fields):
    if all(isinstance(name, str) for name in fields):
        return fields
    return ImmutableMultiDict([(name, value) for name, value in fields.items(multi=True) if isinstance(name, str)])


class UploadForm(SiteForm):
    """A form that also takes files (the import page): its file fields read `request.files`,
    every other field the text fields as `SiteForm` does."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:
                if request.method in SUBMIT_METHODS and (request.form or request.files):
                    return CombinedMultiDict([request.files, _named_fields(request.form)])
                return None
            return formdata


class VersionedForm(SiteForm):
    """A form that remembers the version of the record it was opened at, so that a save
    by someone else in the meantime is noticed (`tracker.core.changes.EditConflict`)."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def opened_at(self, version: int | None) -> None:
        """From now on the form stands for `version` (also after a conflict: saving again
        then deliberately replaces what was saved)."""
        self.version.data = version
        self.version.raw_data = None  # render the new value, not the one submitted


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes: usable without JavaScript, unlike a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        # Ids that are no longer choices (an organisation merged away) are refused by name.
        valid = {choice.value for choice in self.choices}
        if any(value not in valid for value in self.data or ()):
            raise ValidationError(_("One of the choices is no longer available: choose again."))


def strip(value: Any) -> Any:
    """A filter: typed text without surrounding spaces."""
    return value.strip() if isinstance(value, str) else value


def id_or_none(value: Any) -> int | None:
    """Select values: "" (the "choose…" option) is None; a value no record's id could be
    is refused (ValueError)."""
    if value in (None, ""):
        return None
    return parse_id(value)


def choices(model: Any, label: Callable[[Any], str] = lambda record: record.name) -> list[SelectChoice]:
    """Every record of `model`, by name, as a select's or checkboxes' choices."""
    return [
        SelectChoice(record.id, label(record)) for record in db.session.scalars(sa.select(model).order_by(model.name))
    ]


def records_by_id(model: Any, ids: Any) -> list[Any]:
    """The records with these ids (a form's choices), in their order, each once (a form
    may send an id twice); ids of no record are left out."""
    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    found = {record.id: record for record in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def workflow_buttons(
    record: Any, person: Any, form_class: Any, refused: tuple[str, Any] | None = None
) -> dict[str, Any]:
    """The workflow events `person` may send to `record` now, each with its form (prefixed
    by the event). The form of a button pressed in vain (`refused`: its event and form) is
    shown again, with what was typed and why it was refused."""
    refused_event, refused_form = refused or (None, None)
    forms = {}
    for event in record.workflow.events_from_here():
        if access.can(person, event, record):
            forms[event] = refused_form if event == refused_event else form_class(prefix=event)
    return forms


class Within:
    """A form field's rule is its column's limit (`core.limits.Limit`): the same length, lines
    and required words as the import, the commands and the operations. Optional fields pass
    when blank whatever the limit says (a proposed organisation's name, say)."""

    def __init__(self, limit: Limit, *, optional: bool = False):
        self.limit = limit
        self.optional = optional
        # What browsers are told too (Length and DataRequired set the same flags).
        self.field_flags: dict[str, Any] = {"maxlength": limit.max_length}
        if limit.required and not optional:
            self.field_flags["required"] = True

    def __call__(self, form: Any, field: Any) -> None:
        if self.optional and is_blank(field.data or ""):
            return
        try:
            self.limit.clean(field.data)
        except InvalidField as problem:
            if self.limit.required and is_blank(field.data or ""):
                raise StopValidation(str(problem)) from None
            raise ValidationError(str(problem)) from None


class OutcomeRatingForm(SiteForm):
    """What changed, beyond its being done (`core.outcomes`): a done pledge's signatories', a
    verified recommendation's co-chairs' rating, with why."""

    rating = SelectField(_l("What changed"), choices=[SelectChoice(*c) for c in outcomes.choices()], default="")
    justification = TextAreaField(_l("How you know"), filters=[strip], validators=[Within(outcomes.JUSTIFICATION)])
    submit = SubmitField(_l("Save the rating"))

    @classmethod
    def of(cls, record: Any) -> OutcomeRatingForm:
        """The form as `record`'s rating stands (a pledge's, a recommendation's)."""
        return cls(formdata=None, rating=record.outcome_rating or "", justification=record.outcome_justification)

    def validate_rating(self, field):
        if not field.data:
            raise ValidationError(_("Choose how much changed."))


class IndicatorRowForm(Form):
    """One indicator: what is counted, in what unit, from where to where, and how figures
    combine. A blank row is ignored; `remove` takes a saved one away."""

    id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    name = StringField(
        _l("What is counted"),
        filters=[strip],
        validators=[Within(indicators.IndicatorColumns.limits["name"], optional=True)],
    )
    unit = StringField(_l("Unit"), filters=[strip], validators=[Within(indicators.IndicatorColumns.limits["unit"])])
    baseline_value = NumberWithSeparatorsField(_l("Baseline"), validators=[Optional()])
    baseline_date = DayField(_l("Baseline day"), what=_l("the baseline's day"))
    target_value = NumberWithSeparatorsField(_l("Target"), validators=[Optional()])
    target_date = DayField(_l("Target day"), what=_l("the target's day"))
    combine = SelectField(
        _l("Figures reported"),
        choices=[
            SelectChoice(key, _l("%(label)s: %(meaning)s", label=label, meaning=meaning))
            for key, (label, meaning) in indicators.COMBINE.items()
        ],
        default=indicators.SUM,
    )
    remove = BooleanField(_l("Remove this indicator"))

    def is_blank(self) -> bool:
        typed = (self.name, self.unit, self.baseline_value, self.baseline_date, self.target_value, self.target_date)
        return not any(field.raw_data and str(field.raw_data[0]).strip() for field in typed) and not any(
            field.data for field in (self.name, self.unit)
        )

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.is_blank() and not self.remove.data and not self.name.data:
            self.name.errors.append(_("Name what is counted, e.g. “volunteers trained”."))
            valid = False
        return valid

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in ("id", *indicators.FIELDS)}


class IndicatorsForm(SiteForm):
    """A pledge's or a recommendation's indicators, one row each, and a blank row to add one."""

    # No max_entries: wtforms would drop the rows beyond it unsaid; the operation refuses more
    # than MAX_INDICATORS with words (and requests are bounded by MAX_CONTENT_LENGTH).
    rows = FieldList(FormField(IndicatorRowForm), min_entries=1)
    add_row = SubmitField(_l("Add another indicator"))
    submit = SubmitField(_l("Save the indicators"))

    @classmethod
    def of(cls, record: Any) -> IndicatorsForm:
        """The form as `record`'s indicators stand, with an empty row after them."""
        form = cls(formdata=None)
        while form.rows.entries:
            form.rows.pop_entry()
        for indicator in record.indicators:
            form.rows.append_entry({name: getattr(indicator, name) for name in ("id", *indicators.FIELDS)})
        form.rows.append_entry()
        return form

    def wants_another_row(self) -> bool:
        """ "Add another indicator": the form again, with one more empty row, nothing saved."""
        if self.add_row.data and len(self.rows.entries) <= indicators.MAX_INDICATORS:
            self.rows.append_entry()
            return True
        return False

    def chosen(self) -> list[dict[str, Any]]:
        """The rows kept, as `core.indicators.set_indicators` takes them."""
        return [row.form.fields() for row in self.rows if not row.form.is_blank() and not row.form.remove.data]
