"""What every form of the site reads: the text fields a browser's form sends, nothing else.

Flask-WTF would also take a JSON body, or uploaded files, as a form's fields. Their values
are not text (a number, a list, null, a file), which no field here expects: a validator
measuring a file's length or a filter stripping a number would fail with a server error.
No form of the site sends JSON or takes a file, so a form reads `request.form` only: a JSON
body is an empty form, and a file is a field left empty.
"""
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto  # _Auto: Flask-WTF's "read the request" default


class SiteForm(FlaskForm):
    """The base of the site's forms (instead of `FlaskForm`)."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto:  # not given by the view: read the request
                if request.method in SUBMIT_METHODS and request.form:
                    return request.form
                return None
            return formdata
