"""An import's cells that hold structured values — a JSON list of figures, indicators or
links — checked item by item, each refusal saying which item and what to do (the plain
cells are in `cells`)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from ...core import indicators
from ...core.i18n import _l
from ...core.sources import DEFAULT_LANGUAGE
from ...core.translations import Texts, clean_translations
from ...pledges import operations
from ...pledges.evidence import EvidenceLink
from ...pledges.indicators import PledgeIndicator
from ...pledges.models import ActionFigure
from .cells import Invalid, parse_day, parse_decimal, short_text
from .columns import FIGURE_KEYS, FIRST_YEAR, INDICATOR_KEYS, LAST_YEAR, LINK_KEYS

_NOT_JSON = {
    "figures": lambda problem: _l(
        "this is not valid JSON (%(problem)s); write a JSON array of figures, or leave it empty.", problem=problem
    ),
    "indicators": lambda problem: _l(
        "this is not valid JSON (%(problem)s); write a JSON array of indicators, or leave it empty.", problem=problem
    ),
    "links": lambda problem: _l(
        "this is not valid JSON (%(problem)s); write a JSON array of links, or leave it empty.", problem=problem
    ),
}
_NOT_AN_ARRAY = {
    "figures": lambda keys: _l(
        "write a JSON array of figures: [{...}, {...}], each with the keys %(keys)s.", keys=keys
    ),
    "indicators": lambda keys: _l(
        "write a JSON array of indicators: [{...}, {...}], each with the keys %(keys)s.", keys=keys
    ),
    "links": lambda keys: _l("write a JSON array of links: [{...}, {...}], each with the keys %(keys)s.", keys=keys),
}
_NOT_A_STRING = {
    "figure": lambda key: _l("each figure's %(key)s must be a string or null.", key=key),
    "link": lambda key: _l("each link's %(key)s must be a string or null.", key=key),
}


def json_objects(value: str, keys: tuple[str, ...], what: str) -> list[dict]:
    """A JSON array of objects with only `keys` (an empty cell: no items)."""
    value = value.strip()
    if not value:
        return []
    try:
        items = json.loads(value, parse_float=Decimal)
    except ValueError as problem:
        raise Invalid(_NOT_JSON[what](problem)) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise Invalid(_NOT_AN_ARRAY[what](", ".join(keys)))
    for item in items:
        unknown = set(item) - set(keys)
        if unknown:
            raise Invalid(
                _l(
                    "unknown key %(unknown)s (the keys are %(keys)s).",
                    unknown=", ".join(sorted(unknown)),
                    keys=", ".join(keys),
                )
            )
    return items


def optional_string(item: dict, key: str, model, column: str, what: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(_NOT_A_STRING[what](key))
    return short_text(value, model, column)


def figures(value: str) -> list[dict]:
    """The figures JSON, as `operations.record_action` takes them."""
    result = []
    for item in json_objects(value, FIGURE_KEYS, "figures"):
        number = item.get("value")
        if isinstance(number, bool) or not isinstance(number, str | int | Decimal | type(None)):
            raise Invalid(_l('each figure\'s value must be a number written as a string, e.g. "2037.5".'))
        if isinstance(number, str):
            number = parse_decimal(number)
        year = item.get("year")
        if year is not None and (
            isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR
        ):
            raise Invalid(
                _l(
                    "a figure's year must be a number such as 2020 (or null), not %(year)s.",
                    year=json.dumps(year, default=str),
                )
            )
        result.append(
            {
                "label": optional_string(item, "label", ActionFigure, "label", "figure"),
                "value": None if number is None else Decimal(number),
                "unit": optional_string(item, "unit", ActionFigure, "unit", "figure"),
                "year": year,
                "period_note": optional_string(item, "period_note", ActionFigure, "period_note", "figure"),
                "indicator": optional_string(item, "indicator", PledgeIndicator, "name", "figure"),
            }
        )
    operations.check_figures(result)
    return result


def _any_day(value: str) -> dt.date | None:
    """A day, in the future too (a target's)."""
    if not value.strip():
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(_l("%(value)s is not a day (use 2027-12-31).", value=value))


def indicator_rows(value: str) -> list[dict]:
    """The indicators JSON, checked as `core.indicators.check_indicators` checks a form's
    ("achieved" and "percent", which an export adds, are derived: ignored)."""
    rows = []
    for item in json_objects(value, INDICATOR_KEYS, "indicators"):
        for key in ("name", "unit", "baseline", "target", "baseline_date", "target_date", "combine"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise Invalid(
                    _l('each indicator\'s %(key)s must be a string or null (write numbers as "500").', key=key)
                )
        rows.append(
            {
                "name": item.get("name"),
                "unit": item.get("unit"),
                "baseline_value": item.get("baseline"),
                "baseline_date": parse_day(item.get("baseline_date") or ""),
                "target_value": item.get("target"),
                "target_date": _any_day(item.get("target_date") or ""),
                "combine": item.get("combine") or indicators.SUM,
            }
        )
    return [{name: value for name, value in row.items() if name != "id"} for row in indicators.check_indicators(rows)]


def _link_url(url: str) -> str | None:
    if not url.strip():
        raise Invalid(_l("a link's url is empty."))
    return short_text(url, EvidenceLink, "url")


def links(value: str) -> list[dict]:
    """The evidence links JSON, as `operations.record_action` takes them."""
    result = []
    for item in json_objects(value, LINK_KEYS, "links"):
        url = item.get("url")
        if not isinstance(url, str):
            raise Invalid(_l('each link needs a "url": a web address starting with https:// or http://.'))
        result.append(
            {
                "url": _link_url(url),
                "title": optional_string(item, "title", EvidenceLink, "title", "link"),
            }
        )
    operations.check_evidence_links(result)
    return result


def translations(value: str, model: type, written_in: str | None) -> dict[str, Texts]:
    """The translations JSON ({"en": {"title": "…", "text": "…"}}), checked as the
    translation editor checks each (`core.translations`)."""
    value = value.strip()
    if not value:
        return {}
    try:
        given = json.loads(value)
    except ValueError as problem:
        raise Invalid(
            _l(
                'this is not valid JSON (%(problem)s); write the translations as {"en": {…}}, or leave it empty.',
                problem=problem,
            )
        ) from None
    return clean_translations(model, written_in or DEFAULT_LANGUAGE, given)
