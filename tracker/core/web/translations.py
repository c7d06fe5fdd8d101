"""The translation editor, one for every record that may be translated (a pledge, an
action, a recommendation): the view has loaded the record and checked access; this shows
the original beside the translation's fields, saves through `core.translations.translate`
and goes back to the record's page.

Which translation is open is in the address (`?language=en`): by default the page's
language when the record was written in another, else the first interface language that
is not the original's.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, StringField, SubmitField, TextAreaField

from .. import i18n
from ..changes import REFUSALS, EditConflict
from ..extensions import db
from ..sources import check_language, language_choices, language_name
from ..translations import Shown, Translated, same_language, shown_in, translate
from .forms import VersionedForm, Within, strip
from .i18n import current_language
from .refusals import show_conflict, show_refusal

# A text's label and whether it runs over several lines: {"title": (label, False)}.
Fields = dict[str, tuple[Any, bool]]


ORIGINAL = "original"  # ?text=original: the record's own words, whatever the page's language


def shown_on_page(record: Translated) -> Shown:
    """What this page shows of `record`: its texts in the page's language when a
    translation into it exists, unless the address asks for the original."""
    return shown_in(record, current_language(), original=request.args.get("text") == ORIGINAL)


@cache
def translation_form(model: type, fields: tuple[tuple[str, bool], ...]) -> type[VersionedForm]:
    """The form class for `model`'s translatable texts, each (name, multiline): one field
    per text with the original's limit (blank allowed: all blank removes the translation)."""

    class TranslationForm(VersionedForm):
        language = HiddenField()
        submit = SubmitField(_l("Save the translation"))

    for name, multiline in fields:
        kind = TextAreaField if multiline else StringField
        limit = replace(model.limits[name], required=None)  # type: ignore[attr-defined]
        setattr(TranslationForm, name, kind(name, filters=[strip], validators=[Within(limit)]))
    return TranslationForm


def form_for(record: Translated, fields: Fields) -> VersionedForm:
    model: Any = type(record)
    return translation_form(model, tuple((name, multiline) for name, (_label, multiline) in fields.items()))()


def chosen_language(record: Translated) -> str | None:
    """The translation the address asks for (None: not a language), else the default one."""
    asked = request.args.get("language") or request.form.get("language")
    if asked:
        try:
            return check_language(asked, required=False)
        except REFUSALS:
            return None
    page = current_language()
    if not same_language(page, record.written_in):
        return page
    return next(code for code in i18n.codes() if not same_language(code, record.written_in))


def edit_translation(record: Any, fields: Fields, *, title: str, back: str, breadcrumbs: list[tuple[str, str]]):
    """The editor of `record`'s translation into the language the address names; `back` is
    the record's page, `fields` its translatable texts' labels."""
    posted = request.method == "POST"
    language = chosen_language(record)
    form = _opened(record, fields, language, posted)
    status = 422 if posted else 200
    if language is None:
        form.form_errors.append(_("That is not a language: choose one from the list."))
        status = 422 if posted else 404
    elif form.validate_on_submit():
        try:
            texts = {name: getattr(form, name).data for name in fields}
            translate(record, current_user, language, texts, expected_version=form.version.data)
        except EditConflict as clash:
            show_conflict(form, clash, _("on its page"))
            status = 409
        except REFUSALS as refusal:
            show_refusal(form, refusal)
        else:
            db.session.commit()
            flash(_("Translation saved."), "success")
            return redirect(back)
    choices = [(tag, name) for tag, name in language_choices(locale=current_language())
               if not same_language(tag, record.written_in)]  # fmt: skip
    original = shown_in(record, None, original=True)
    return render_template(
        "translations/edit.html", form=form, record=record, fields=fields, language=language, original=original,
        choices=choices, title=title, back=back, breadcrumbs=breadcrumbs,
    ), status  # fmt: skip


def _opened(record: Any, fields: Fields, language: str | None, posted: bool) -> VersionedForm:
    """The form, its fields named for the language; when first opened, the translation as it is."""
    form = form_for(record, fields)
    reading = current_language()
    for name, (label, _multiline) in fields.items():
        named = language_name(language, reading) if language else None
        getattr(form, name).label.text = (
            _("%(text)s in %(language)s", text=label, language=named) if named else str(label)
        )
    if language is not None and not posted:
        form.language.data = language
        form.opened_at(getattr(record, "version", None))  # (a progress update has none)
        for name, text in (record.translations or {}).get(language, {}).items():
            if name in fields:
                getattr(form, name).data = text
    return form
