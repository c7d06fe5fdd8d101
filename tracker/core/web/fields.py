"""Fields every area's forms share: a day, a number as people type it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, StringField
from wtforms.widgets import TextInput

from .. import i18n
from ..dates import DatePrecision, NotADate, format_date, parse_partial_date
from ..files import Upload
from ..text import format_number, parse_number
from .i18n import current_language, page_format_locale


class DayField(StringField):
    """A day, typed as people write it — "31 December 2026", "31 décembre 2026",
    "31 de diciembre de 2026", "2026-12-31" — and shown in the page's language with the month
    in words: never a browser date picker, whose mm/dd/yyyy an Australian or a Filipino
    reads the wrong way round. Day-month orders in figures ("05/06/2026") are refused.
    `data` is a `datetime.date` or None. `what` names the day in a refusal ("the target's
    day"): a message (`_l`)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, what=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what if what is not None else _l("the date")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if not isinstance(self.data, dt.date):
            return ""
        language = current_language()
        return format_date(self.data, locale=None if language == i18n.DEFAULT else i18n.format_locale(language))

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            day, precision = parse_partial_date(text)
        except NotADate:
            # Translators: the example stays in English (a day is read with English month names).
            raise ValueError(_("Enter %(what)s as a day, e.g. 31 December 2026.", what=self.what)) from None
        if precision is not DatePrecision.DAY:
            raise ValueError(
                # Translators: the example stays in English (a day is read with English month names).
                _("Enter %(what)s as a day, e.g. 31 December 2026, not only a month or a year.", what=self.what)
            )
        self.data = day


class NumberWithSeparatorsField(DecimalField):
    """A number as people type it, in the page's language's way or another's: "2,037",
    "2 037", "2.037,5", "12,5" (`core.text.parse_number`). A text box, not type=number,
    which browsers empty when it holds a thousands separator."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            return format_number(self.data.normalize(), page_format_locale())
        return ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_number(valuelist[0], page_format_locale())
        except InvalidOperation:
            self.data = None
            raise ValueError(_not_a_number()) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_not_a_number())
        # Stored with two decimals: say so rather than silently round 0.001 to 0.
        if abs(self.data) < 10**18 and self.data != self.data.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError(_("Use at most two decimal places."))  # (larger numbers: NumberRange says)


def _not_a_number() -> str:
    locale = page_format_locale()
    return _(
        "Enter a number, e.g. %(thousands)s or %(decimal)s.",
        thousands=format_number(2037, locale),
        decimal=format_number(Decimal("12.5"), locale),
    )


def uploads_of(field) -> list[Upload]:
    """The files chosen in a (multiple) file field, read, as `core.files` checks them."""
    return [Upload(item.filename or "", item.read()) for item in (field.data or []) if item and item.filename]
