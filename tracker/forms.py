"""What every form of the site reads: the text fields a browser's form sends, nothing else.

Flask-WTF would also take a JSON body, or uploaded files, as a form's fields. Their values
are not text (a number, a list, null, a file), which no field here expects: a validator
measuring a file's length or a filter stripping a number would fail with a server error.
No form of the site sends JSON or takes a file, so a form reads `request.form` only: a JSON
body is an empty form, and a file is a field left empty. A part of a multipart body whose
name Werkzeug cannot read (a line break or a backslash in it) has the name None; it is left
out too (a list of rows, such as an action's figures, would trip over it).
"""
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto  # _Auto: Flask-WTF's "read the request" default
from werkzeug.datastructures import ImmutableMultiDict


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
