"""Dates as people write them and read them: a day, or just a month or a year when that is
all that is known ("14 May 2020", "May 2020", "2020", "2020-05-14").

Day/month orders that differ between countries ("05/06/2020") are refused rather than
guessed: a wrong guess would put the action on the wrong date with no one noticing.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

from babel import dates as babel_dates


class DatePrecision(enum.Enum):
    """How much of a date is known: the seeds often give only a month or a year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


EXAMPLES = "14 May 2020, May 2020 or 2020"

# The years every date and year field accepts, whatever the way in (forms, import, commands).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
YEAR_RANGE = f"from {EARLIEST_YEAR} to {LATEST_YEAR}"

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
        raise NotADate(
            f"Write the month as a word or as year-month-day (2020-05-14): {cleaned} could be read two ways."
        )
    for pattern, precision in _FORMATS:
        try:
            parsed = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError as problem:
            if "day is out of range" in str(problem):  # 31 February
                raise NotADate(f"There is no such day as {text.strip()}: check the day and the month.") from None
            continue
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise NotADate(f"Use a date {YEAR_RANGE}: check the year.")
        return parsed, precision
    raise NotADate(f"Write the date as a day, a month or a year, e.g. {EXAMPLES}.")


# What a record its source does not date says instead of a date (never the day it was typed).
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


def format_stated_date(value: dt.date | dt.datetime | None, precision: DatePrecision | None = None) -> str:
    """`format_date`, or "Date not stated" for a record its source does not date."""
    return format_date(value, precision) if value is not None else NOT_STATED


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
