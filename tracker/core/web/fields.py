"""Fields every area's forms share: a day, a number as people type it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from wtforms import DecimalField, StringField
from wtforms.widgets import DateInput, TextInput

from ..dates import DatePrecision, NotADate, parse_partial_date
from ..files import Upload


class DayField(StringField):
    """A day: a date picker where the browser has one, and "31 December 2026" or
    "2026-12-31" typed where it has not. `data` is a `datetime.date` or None."""

    widget = DateInput()

    def __init__(self, label=None, validators=None, what="the date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what = what

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            day, precision = parse_partial_date(text)
        except NotADate:
            raise ValueError(f"Enter {self.what} as a day, e.g. 31 December 2026.") from None
        if precision is not DatePrecision.DAY:
            raise ValueError(f"Enter {self.what} as a day, e.g. 31 December 2026, not only a month or a year.")
        self.data = day


class NumberWithSeparatorsField(DecimalField):
    """A number as people type it: "2,037", "2 037" or "80000000.50". A text box, not
    type=number, which browsers empty when it holds a thousands separator."""

    widget = TextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if isinstance(self.data, Decimal):
            value = self.data.normalize()
            return f"{int(value):,}" if value == value.to_integral_value() else f"{value:,}"
        return ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(",", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        try:
            self.data = Decimal(text)
        except InvalidOperation:
            self.data = None
            raise ValueError("Enter a number, e.g. 2,037 or 12.5.") from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError("Enter a number, e.g. 2,037 or 12.5.")
        # Stored with two decimals: say so rather than silently round 0.001 to 0.
        if abs(self.data) < 10**18 and self.data != self.data.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError("Use at most two decimal places.")  # (larger numbers: NumberRange says)


def uploads_of(field) -> list[Upload]:
    """The files chosen in a (multiple) file field, read, as `core.files` checks them."""
    return [Upload(item.filename or "", item.read()) for item in (field.data or []) if item and item.filename]
