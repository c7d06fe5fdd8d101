"""Dates as people write them and read them: a day, or just a month or a year when that is
all that is known ("14 May 2020", "May 2020", "2020", "2020-05-14").

Day/month orders that differ between countries ("05/06/2020") are refused rather than
guessed: a wrong guess would put the action on the wrong date with no one noticing.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from functools import cache

from babel import dates as babel_dates

from . import i18n
from .i18n import _l


class DatePrecision(enum.Enum):
    """How much of a date is known: the seeds often give only a month or a year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


# The years every date and year field accepts, whatever the way in (forms, import, commands).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# (In English, for messages not yet written whole: "Enter a year from 1900 to 2100".)
YEAR_RANGE = _l("from %(first)s to %(last)s", first=EARLIEST_YEAR, last=LATEST_YEAR)  # in a sentence: "Enter a year …"

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


_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CONNECTORS = {"de", "del", "le", "el", "du"}  # "14 de mayo de 2020", "le 14 mai 2020"


@cache
def _month_names() -> dict[str, str]:
    """Each month's name and abbreviation in every language the tracker speaks (Babel's
    locale data), lower case → its English name: "décembre" → "December"."""
    english = babel_dates.get_month_names("wide", locale="en")
    names: dict[str, str] = {}
    for code in i18n.codes():
        for width in ("wide", "abbreviated"):
            for number, name in babel_dates.get_month_names(width, locale=code).items():
                names.setdefault(name.lower().rstrip("."), english[number])
    return names


def _in_english_words(text: str) -> str:
    """A date written in French, Spanish or Arabic ("14 de mayo de 2020", "١٤ مايو ٢٠٢٠"),
    in the English words the formats below read; an English date stays as it is."""
    words = []
    for word in text.translate(_ARABIC_DIGITS).split(" "):
        lower = word.lower()
        if lower in _CONNECTORS:
            continue
        words.append(_month_names().get(lower, word))
    return " ".join(words)


def parse_partial_date(text: str) -> tuple[dt.date, DatePrecision]:
    """The date `text` names and how precisely; a month or year is stored as its first day."""
    cleaned = re.sub(r"\s+", " ", (text or "").replace(",", " ").replace(".", " ")).strip()
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", cleaned, flags=re.IGNORECASE)  # "1st May 2020"
    cleaned = re.sub(r"\bsept\b", "Sep", cleaned, flags=re.IGNORECASE)
    cleaned = _in_english_words(cleaned)
    if not cleaned:
        # Translators: the examples stay in English (the date is read with English month names).
        raise NotADate(_l("Enter the date of the action, e.g. 14 May 2020, May 2020 or 2020."))
    if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", cleaned):
        raise NotADate(
            _l(
                "Write the month as a word or as year-month-day (2020-05-14): %(date)s could be read two ways.",
                date=cleaned,
            )
        )
    for pattern, precision in _FORMATS:
        try:
            parsed = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError as problem:
            if "day is out of range" in str(problem):  # 31 February
                raise NotADate(
                    _l("There is no such day as %(day)s: check the day and the month.", day=text.strip())
                ) from None
            continue
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise NotADate(
                _l(
                    "Use a date from %(earliest)s to %(latest)s: check the year.",
                    earliest=EARLIEST_YEAR,
                    latest=LATEST_YEAR,
                )
            )
        return parsed, precision
    # Translators: the examples stay in English (the date is read with English month names).
    raise NotADate(_l("Write the date as a day, a month or a year, e.g. 14 May 2020, May 2020 or 2020."))


# What a record its source does not date says instead of a date (never the day it was typed):
# in English as history keeps it, and in the reader's language on a page (`format_stated_date`).
NOT_STATED = "Date not stated"


def format_date(
    value: dt.date | dt.datetime | None, precision: DatePrecision | None = None, locale: str | None = None
) -> str:
    """Unambiguous dates: 14 May 2018, May 2018 or 2018 when only that much is known ("" for
    no date: see `format_stated_date` where a date is expected). In another language, as
    Babel's locale data write it (`locale` "fr": 14 mai 2018, mai 2018)."""
    if value is None:
        return ""
    if precision is DatePrecision.YEAR:
        return str(value.year)
    if locale is not None:
        day = value.date() if isinstance(value, dt.datetime) else value
        if precision is DatePrecision.MONTH:
            return babel_dates.format_skeleton("yMMMM", day, locale=locale)
        return babel_dates.format_date(day, "long", locale=locale)
    if precision is DatePrecision.MONTH:
        return f"{value:%B} {value.year}"
    return f"{value.day} {value:%B} {value.year}"


def format_stated_date(
    value: dt.date | dt.datetime | None, precision: DatePrecision | None = None, locale: str | None = None
) -> str:
    """`format_date`, or "Date not stated" for a record its source does not date. Without a
    `locale`, in the tracker's own English (what history keeps); with one, in the reader's
    language."""
    if value is not None:
        return format_date(value, precision, locale)
    return NOT_STATED if locale is None else str(_l("Date not stated"))


def machine_date(value: dt.date | dt.datetime | None, precision: DatePrecision | None = None) -> str:
    """The `datetime` attribute of a <time>: only as precise as what is known
    ("2019", "2019-06", "2019-06-01"); "" for no date."""
    if value is None:
        return ""
    if precision is DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_date_range(start: dt.date, end: dt.date | None, locale: str | None = None) -> str:
    """14–15 May 2018; 30 May – 2 June 2018; 30 December 2018 – 2 January 2019 (in
    `locale`'s words and order when given: 14–15 de mayo de 2018)."""
    if end is None or end == start:
        return format_date(start, locale=locale)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, locale=locale)}"
    if start.year == end.year:
        day_and_month = (
            babel_dates.format_skeleton("MMMMd", start, locale=locale) if locale else f"{start.day} {start:%B}"
        )
        return f"{day_and_month} – {format_date(end, locale=locale)}"
    return f"{format_date(start, locale=locale)} – {format_date(end, locale=locale)}"
