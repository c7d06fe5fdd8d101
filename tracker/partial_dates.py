"""Dates as people write them when recording what was done: a day, or just a month or a
year when that is all that is known ("14 May 2020", "May 2020", "2020", "2020-05-14").

Day/month orders that differ between countries ("05/06/2020") are refused rather than
guessed: a wrong guess would put the action on the wrong date with no one noticing.
"""
from __future__ import annotations

import datetime as dt
import re

from .models import DatePrecision

EXAMPLES = "14 May 2020, May 2020 or 2020"

_FORMATS = [
    ("%Y-%m-%d", DatePrecision.DAY),
    ("%d %B %Y", DatePrecision.DAY),
    ("%d %b %Y", DatePrecision.DAY),
    ("%B %d %Y", DatePrecision.DAY),
    ("%b %d %Y", DatePrecision.DAY),
    ("%Y-%m", DatePrecision.MONTH),
    ("%B %Y", DatePrecision.MONTH),
    ("%b %Y", DatePrecision.MONTH),
    ("%Y", DatePrecision.YEAR),
]


class NotADate(ValueError):
    """`str()` says how to write the date."""


def parse_partial_date(text: str) -> tuple[dt.date, DatePrecision]:
    """The date `text` names and how precisely; a month or year is stored as its first day."""
    cleaned = re.sub(r"\s+", " ", (text or "").replace(",", " ").replace(".", " ")).strip()
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned, flags=re.IGNORECASE)  # "1st May 2020"
    cleaned = re.sub(r"\bsept\b", "Sep", cleaned, flags=re.IGNORECASE)
    if not cleaned:
        raise NotADate(f"Enter the date of the action, e.g. {EXAMPLES}.")
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", cleaned):
        raise NotADate(f"Write the month as a word or as year-month-day (2020-05-14): {cleaned} could be read two ways.")
    for pattern, precision in _FORMATS:
        try:
            parsed = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError as problem:
            if "day is out of range" in str(problem):  # 31 February
                raise NotADate(f"There is no such day as {text.strip()}: check the day and the month.") from None
            continue
        if parsed.year < 1900:
            raise NotADate("Actions taken are dated from 1900 onwards: check the year.")
        return parsed, precision
    raise NotADate(f"Write the date as a day, a month or a year, e.g. {EXAMPLES}.")
