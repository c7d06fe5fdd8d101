"""Indicators with targets: what a pledge or a recommendation promised in numbers ("500
volunteers trained by 2027"), and how far the figures reported against it have got — a
progress bar per result, as Decidim's accountability pages show.

An indicator has a name and a unit, a baseline (value, date) and a target (value, date), and
says how the figures reported against it combine: added up over the period (people trained
at each course) or the latest value standing for where things are (a rate, a count on a day).
Its progress is the share of the way from baseline to target the figures have come.

The pledges area keeps its indicators (`PledgeIndicator`, reported on by action figures) and
the roundtables area its own (`RecommendationIndicator`, reported on by progress updates);
both take their columns from `IndicatorColumns` and their arithmetic from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .changes import InvalidField
from .dates import DatePrecision, machine_date
from .i18n import _l, _n
from .limits import Limit, name_key
from .text import format_number
from .wording import Message, listed

SUM, LATEST = "sum", "latest"
# key -> (label, what it means), in the reader's language when shown
COMBINE: dict[str, tuple[Message, Message]] = {
    SUM: (_l("Added up"), _l("Each figure reported adds to the total (people trained at each course).")),
    LATEST: (_l("Latest value"), _l("The latest figure reported is where things stand (a rate, a count on a day).")),
}
# How history says it (in English: history is never translated).
_COMBINE_IN_HISTORY = {SUM: "added up", LATEST: "latest value"}
# The largest value an indicator's numbers hold (as an action's figures: 18 digits, 2 decimals).
MAX_VALUE = 10**16 - 1
# At most this many indicators on one pledge or recommendation.
MAX_INDICATORS = 20


class IndicatorColumns:
    """The columns every indicator has (a mixin for each area's indicator model)."""

    limits: ClassVar[dict[str, Limit]] = {
        "name": Limit(200, required=_l("Name what is counted, e.g. “volunteers trained”.")),
        "unit": Limit(80),
    }
    noun: ClassVar[str] = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    unit: Mapped[str | None] = mapped_column(sa.String(80))
    baseline_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    baseline_date: Mapped[dt.date | None]
    target_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(18, 2))
    target_date: Mapped[dt.date | None]
    combine: Mapped[str] = mapped_column(sa.String(10), default=SUM, server_default=SUM)
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    def readings(self) -> list[Reading]:  # pragma: no cover - each model says where its figures are
        raise NotImplementedError

    @property
    def progress(self) -> Progress:
        return progress_of(self, self.readings())

    @property
    def combine_label(self) -> Message:
        return COMBINE.get(self.combine, COMBINE[SUM])[0]

    def describe(self) -> str:
        """One line for history, in English (history is never translated): "volunteers
        trained (people): 0 → 500 by 2027-12-31, added up"."""
        unit = f" ({self.unit})" if self.unit else ""
        start = format_number(self.baseline_value) if self.baseline_value is not None else "—"
        end = format_number(self.target_value) if self.target_value is not None else "no target"
        by = f" by {self.target_date.isoformat()}" if self.target_date else ""
        return (
            f"{self.name}{unit}: {start} → {end}{by}, {_COMBINE_IN_HISTORY.get(self.combine, _COMBINE_IN_HISTORY[SUM])}"
        )


def combine_constraint() -> sa.CheckConstraint:
    keys = ", ".join(repr(key) for key in COMBINE)
    return sa.CheckConstraint(f"combine IN ({keys})", name="known_combine")


@dataclass(frozen=True)
class Reading:
    """A figure reported against an indicator: its day (None: not stated), its value, and
    its place in recording order (what breaks ties, and orders undated figures)."""

    date: dt.date | None
    value: Decimal
    order: tuple[int, ...] = ()
    precision: DatePrecision = DatePrecision.DAY  # (a figure "for 2020" is dated by its year)


@dataclass(frozen=True)
class Point:
    """One step of an indicator's values over time: the figure reported, and where the
    indicator stood after it (the running total, or the value itself)."""

    date: dt.date | None
    value: Decimal
    level: Decimal
    precision: DatePrecision = DatePrecision.DAY


@dataclass(frozen=True)
class Progress:
    """Where an indicator stands: `achieved` (None: nothing reported and no baseline),
    `percent` of the way from baseline to target (None: no target; may pass 100), and the
    values over time."""

    achieved: Decimal | None
    percent: int | None
    reached: bool
    points: tuple[Point, ...]

    @property
    def bar(self) -> int:
        """The progress bar's fill, 0 to 100."""
        return min(max(self.percent or 0, 0), 100)

    @property
    def short_of_target(self) -> bool:
        return self.percent is not None and not self.reached


def in_order(readings: Iterable[Reading]) -> list[Reading]:
    """By day (undated first: a report its source does not date is no one's latest), then
    in the order they were recorded."""
    return sorted(readings, key=lambda r: (r.date is not None, r.date or dt.date.min, r.order))


def progress_of(indicator: Any, readings: Iterable[Reading]) -> Progress:
    """How far `indicator` has got with `readings` (see the module's docstring)."""
    ordered = in_order(readings)
    baseline = indicator.baseline_value
    points, level = [], baseline or Decimal(0)
    for reading in ordered:
        level = level + reading.value if indicator.combine == SUM else reading.value
        points.append(Point(reading.date, reading.value, level, reading.precision))
    achieved = level if points or baseline is not None else None
    target = indicator.target_value
    if target is None:
        return Progress(achieved, None, False, tuple(points))
    start, done = baseline or Decimal(0), achieved if achieved is not None else baseline or Decimal(0)
    if target == start:
        reached = done == target
        return Progress(achieved, 100 if reached else 0, reached, tuple(points))
    share = Fraction(done - start) / Fraction(target - start)
    return Progress(achieved, share_percent(share), share >= 1, tuple(points))


def share_percent(share: Fraction) -> int:
    """A share of the way as a whole percentage, rounded half up — but 100% only when it is
    all the way, and 0% only when there is no progress at all (as `numbers.percent`)."""
    if share <= 0:
        return 0 if share == 0 else int(share * 100 - Fraction(1, 2))
    rounded = int(share * 100 + Fraction(1, 2))
    if share < 1:
        return min(max(rounded, 1), 99)
    return rounded if share == 1 else max(rounded, 101)


# --- checking what is written -------------------------------------------------------------

FIELDS = ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date", "combine")


# What `number` says of a value it refuses — not a number, out of range, too many decimals —
# in whole sentences for an indicator's own values, and of `what` for any other.
_NUMBER_REFUSALS = {
    "baseline_value": (
        lambda: _l("The baseline must be a number, such as 500 or 12.5."),
        lambda most: _l("The baseline must be a number from 0 to %(most)s.", most=most),
        lambda: _l("The baseline can have at most two decimal places."),
    ),
    "target_value": (
        lambda: _l("The target must be a number, such as 500 or 12.5."),
        lambda most: _l("The target must be a number from 0 to %(most)s.", most=most),
        lambda: _l("The target can have at most two decimal places."),
    ),
}


def _refusals_of(what: Message) -> tuple[Callable[[], Message], Callable[[str], Message], Callable[[], Message]]:
    return (
        lambda: _l("%(what)s must be a number, such as 500 or 12.5.", what=what),
        lambda most: _l("%(what)s must be a number from 0 to %(most)s.", what=what, most=most),
        lambda: _l("%(what)s can have at most two decimal places.", what=what),
    )


def number(value: Any, field: str, what: Message | None = None) -> Decimal | None:
    """A value an indicator holds: blank is None; a number from 0 to MAX_VALUE with at most
    two decimals, else refused with what to write (of `what`, "The figure", for a value that
    is not an indicator's baseline or target)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    not_a_number, out_of_range, too_precise = _NUMBER_REFUSALS.get(field) or _refusals_of(what or _l("The value"))
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise InvalidField(field, not_a_number()) from None
    if not amount.is_finite() or not 0 <= amount <= MAX_VALUE:
        raise InvalidField(field, out_of_range(f"{MAX_VALUE:,}"))
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidField(field, too_precise())
    return amount


def check_indicator(fields: Mapping[str, Any]) -> dict[str, Any]:
    """One indicator's fields, checked and cleaned (unknown fields refused)."""
    unknown = set(fields) - set(FIELDS) - {"id"}
    if unknown:
        raise InvalidField(None, _l("An indicator has no field %(fields)s.", fields=", ".join(sorted(unknown))))
    limits = IndicatorColumns.limits
    checked: dict[str, Any] = {
        "name": limits["name"].clean(fields.get("name"), "name").strip(),
        "unit": limits["unit"].clean_or_none(fields.get("unit"), "unit"),
        "baseline_value": number(fields.get("baseline_value"), "baseline_value"),
        "target_value": number(fields.get("target_value"), "target_value"),
        "combine": fields.get("combine") or SUM,
    }
    if checked["unit"] is not None:
        checked["unit"] = checked["unit"].strip() or None
    for name in ("baseline_date", "target_date"):
        day = fields.get(name)
        if day is not None and not isinstance(day, dt.date):
            raise InvalidField(name, _l("Write the day as YYYY-MM-DD."))
        checked[name] = day
    if checked["combine"] not in COMBINE:
        labels = [label for label, _meaning in COMBINE.values()]
        raise InvalidField("combine", _l("Say how figures combine: %(choices)s.", choices=listed(labels, "or")))
    start, end = checked["baseline_date"], checked["target_date"]
    if start and end and end < start:
        raise InvalidField("target_date", _l("The target's day must come after the baseline's."))
    return checked


def check_indicators(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A record's indicators, each checked, their names distinct (figures name the one
    they report against)."""
    if len(rows) > MAX_INDICATORS:
        raise InvalidField(
            None,
            _n(
                "A record can have at most %(num)s indicator.",
                "A record can have at most %(num)s indicators.",
                MAX_INDICATORS,
            ),
        )
    checked: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for number_, row in enumerate(rows, start=1):
        try:
            fields = check_indicator(row)
        except InvalidField as problem:
            said = problem.args[0] if problem.args else str(problem)
            raise InvalidField(
                problem.field,
                _l("Indicator “%(name)s”: %(problem)s", name=row.get("name"), problem=said)
                if row.get("name")
                else _l("Indicator number %(number)s: %(problem)s", number=number_, problem=said),
            ) from None
        key = name_key(fields["name"])
        if key in seen:
            raise InvalidField(
                "name", _l("Two indicators are called “%(name)s”: give each its own name.", name=seen[key])
            )
        seen[key] = fields["name"]
        checked.append({**fields, "id": row.get("id")})
    return checked


def set_indicators(
    current: list[Any], rows: Sequence[Mapping[str, Any]], make: type
) -> tuple[list[Any], dict[str, list[Any]]]:
    """The record's indicators as `rows` say (an `id` keeps that indicator, and the figures
    reported against it; an indicator left out is removed, its figures kept without it),
    and the change, [before, after], for history."""
    checked = check_indicators(rows)
    by_id = {indicator.id: indicator for indicator in current}
    before = [indicator.describe() for indicator in current]
    result = []
    for position, fields in enumerate(checked):
        indicator = by_id.get(fields.pop("id")) or make()
        for name, value in fields.items():
            setattr(indicator, name, value)
        indicator.position = position
        result.append(indicator)
    after = [indicator.describe() for indicator in result]
    return result, ({"indicators": [before, after]} if before != after else {})


def find(indicators: Iterable[Any], name: str | None) -> Any | None:
    """The indicator called `name` (as names are compared: case, spacing, look-alikes)."""
    if not name or not name.strip():
        return None
    key = name_key(name)
    return next((indicator for indicator in indicators if name_key(indicator.name) == key), None)


def chosen(own: Iterable[Any], key: int | str | None) -> Any | None:
    """One of a record's indicators, by its id (a form's choice) or its name (a file's, a
    script's); None when `key` is blank or names none of them."""
    if key is None or key == "":
        return None
    if isinstance(key, int):
        return next((indicator for indicator in own if indicator.id == key), None)
    return find(own, key)


def shortfalls(indicators: Iterable[Any], *, translated: bool = False) -> list[str]:
    """ "volunteers trained: 120 of 500 people (24%)" for each indicator short of its target:
    in English, as history keeps it, or in the reader's language (`translated`, for a page)."""
    lines = []
    for indicator in indicators:
        progress = indicator.progress
        if progress.short_of_target:
            achieved = format_number(progress.achieved or Decimal(0))
            target = format_number(indicator.target_value)
            unit = f" {indicator.unit}" if indicator.unit else ""
            if not translated:
                lines.append(f"{indicator.name}: {achieved} of {target}{unit} ({progress.percent}%)")
                continue
            values = {
                "name": indicator.name,
                "achieved": achieved,
                "target": target,
                "unit": indicator.unit,
                "percent": progress.percent,
            }
            lines.append(
                str(
                    _l("%(name)s: %(achieved)s of %(target)s %(unit)s (%(percent)s%%)", **values)
                    if indicator.unit
                    else _l("%(name)s: %(achieved)s of %(target)s (%(percent)s%%)", **values)
                )
            )
    return lines


def totals_by_unit(indicators: Iterable[Any]) -> list[dict[str, Any]]:
    """Indicators whose units agree, added up: for each unit, how many indicators, what
    they achieved and their targets (only those with a target count), with the share."""
    groups: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        if indicator.target_value is None or not indicator.unit:
            continue
        progress = indicator.progress
        key = name_key(indicator.unit)
        group = groups.setdefault(
            key, {"unit": indicator.unit, "count": 0, "achieved": Decimal(0), "target": Decimal(0), "start": Decimal(0)}
        )
        group["count"] += 1
        group["achieved"] += progress.achieved or Decimal(0)
        group["target"] += indicator.target_value
        group["start"] += indicator.baseline_value or Decimal(0)
    for group in groups.values():
        span = group["target"] - group["start"]
        share = Fraction(group["achieved"] - group["start"]) / Fraction(span) if span else Fraction(1)
        group["percent"] = share_percent(share)
        group["bar"] = min(max(group["percent"], 0), 100)
    return sorted(groups.values(), key=lambda group: (-group["count"], group["unit"].casefold()))


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def as_data(indicator: Any) -> dict[str, Any]:
    """An indicator as open data (the API, the CSV): its fields, where it stands, and its
    values over time; numbers as exact decimal strings."""
    progress = indicator.progress
    return {
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": _decimal(indicator.baseline_value),
        "baseline_date": indicator.baseline_date,
        "target": _decimal(indicator.target_value),
        "target_date": indicator.target_date,
        "combine": indicator.combine,
        "achieved": _decimal(progress.achieved),
        "percent": progress.percent,
        "values": [
            {"date": machine_date(p.date, p.precision) or None, "value": str(p.value), "level": str(p.level)}
            for p in progress.points
        ],
    }
