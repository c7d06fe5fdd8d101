"""The regions of the world a country is in: the five of the UN's M49 standard — Africa
(002), the Americas (019), Asia (142), Europe (150) and Oceania (009) — by their M49 codes.

A country's region follows from its ISO 3166 code (`regions.csv`, taken from
country_converter 1.3.2's country table, whose `continent` column follows M49); a named
region without a code ("ASEAN member states") is given one by an admin. Their names in
each language are Babel's (CLDR's names of the M49 codes: "Asie", "آسيا").
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import LazyProxy

from ..core.i18n import DEFAULT, format_locale, reading_language

AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA = "002", "019", "142", "150", "009"
REGIONS = (AFRICA, AMERICAS, ASIA, EUROPE, OCEANIA)

_TABLE = Path(__file__).with_name("regions.csv")


@cache
def _by_iso_code() -> dict[str, str]:
    with _TABLE.open(encoding="utf-8") as table:
        rows = csv.DictReader(line for line in table if not line.startswith("#"))
        return {row["iso_code"]: row["region"] for row in rows}


def region_of(iso_code: str | None) -> str | None:
    """The M49 region of the country with ISO code `iso_code` (None: no such country)."""
    return _by_iso_code().get((iso_code or "").upper())


def name(code: str, language: str | None = None) -> str:
    """Region `code`'s name in `language` (by default the reader's)."""
    locale = Locale.parse(format_locale(language or reading_language() or DEFAULT))
    return str(locale.territories.get(code, code))


def label(code: str) -> LazyProxy:
    """Region `code`'s name in the reader's language, when shown."""
    return LazyProxy(lambda: name(code), enable_cache=False)
