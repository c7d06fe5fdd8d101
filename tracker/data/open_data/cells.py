"""An import's cells, checked one by one: each parser takes a cell's text and returns its
value, or raises `Invalid` saying what is wrong in words the person can act on. Names are
looked up in the reference data by every name an import may use."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import langcodes
import sqlalchemy as sa

from ...accounts.models import Organisation, OrganisationKind
from ...core import clock
from ...core.columns import max_length, utcnow
from ...core.dates import DatePrecision, NotADate, parse_partial_date
from ...core.extensions import db
from ...core.i18n import _l
from ...core.limits import name_key
from ...core.text import slugify
from ...pledges import operations
from ...pledges.workflow import PledgeWorkflow
from ...taxonomy.models import Country, Forum, ForumKind, Theme
from .columns import FIRST_YEAR, LAST_YEAR


class Invalid(Exception):
    """A cell's value is refused; `str()` says why (in the reader's language: the message is
    a lazy `_l`)."""


# What a lookup says of a name it cannot take, for each kind of record (whole sentences: the
# kind's name is not glued into them).
_AMBIGUOUS = {
    "organisation": lambda name: _l(
        "“%(name)s” is the short name of more than one organisation: use the full name.", name=name
    ),
    "forum": lambda name: _l("“%(name)s” is the short name of more than one forum: use the full name.", name=name),
    "theme": lambda name: _l("“%(name)s” is the short name of more than one theme: use the full name.", name=name),
    "country or region": lambda name: _l(
        "“%(name)s” is the short name of more than one country or region: use the full name.", name=name
    ),
}
_READS_LIKE = {
    "organisation": lambda name, other: _l(
        "“%(name)s” reads like the organisation “%(other)s”: use its name as it is written.", name=name, other=other
    ),
    "forum": lambda name, other: _l(
        "“%(name)s” reads like the forum “%(other)s”: use its name as it is written.", name=name, other=other
    ),
    "theme": lambda name, other: _l(
        "“%(name)s” reads like the theme “%(other)s”: use its name as it is written.", name=name, other=other
    ),
    "country or region": lambda name, other: _l(
        "“%(name)s” reads like the country or region “%(other)s”: use its name as it is written.",
        name=name,
        other=other,
    ),
}
_UNKNOWN = {
    "organisation": lambda name: _l(
        "there is no organisation called “%(name)s” (an admin adds organisations; check the spelling, or let the "
        "import create what is missing).",
        name=name,
    ),
    "forum": lambda name: _l("there is no forum called “%(name)s”.", name=name),
    "theme": lambda name: _l("there is no theme called “%(name)s”.", name=name),
    "country or region": lambda name: _l("there is no country or region called “%(name)s”.", name=name),
}


class ReferenceData:
    """Organisations, forums, themes and countries by every name an import may use for them.

    With `create_missing`, a name that is not there yet is not an error: the import makes a
    new record of it (not yet in the database: see `missing`), which the admin confirms with
    the rest — unless it reads like one that is there (case, spacing, look-alike letters),
    which is refused, naming the existing one."""

    def __init__(self, create_missing: bool = False):
        make = create_missing or None  # (and-ed with each maker: the maker, or None)
        self.organisations = Lookup(
            "organisation",
            db.session.scalars(sa.select(Organisation)),
            "name",
            "short_name",
            make and new_organisation,
        )
        self.forums = Lookup("forum", db.session.scalars(sa.select(Forum)), "name", "short_name", make and new_forum)
        self.themes = Lookup("theme", db.session.scalars(sa.select(Theme)), "name", "slug", make and self._new_theme)
        self.countries = Lookup(
            "country or region", db.session.scalars(sa.select(Country)), "name", "iso_code", make and new_country
        )

    def _new_theme(self, name: str) -> Theme:
        taken = {theme.slug for theme in self.themes.records()}
        slug = slugify(name, fallback="theme")
        slug = next(s for s in [slug, *(f"{slug}-{n}" for n in range(2, len(taken) + 3))] if s not in taken)
        return Theme(name=Theme.limits["name"].clean(name, "name"), slug=slug)

    def missing(self) -> dict[str, list]:
        """The records the import would create, by kind, in the order the file names them."""
        return {
            "organisations": list(self.organisations.new.values()),
            "forums": list(self.forums.new.values()),
            "themes": list(self.themes.new.values()),
            "countries": list(self.countries.new.values()),
        }


class Lookup:
    def __init__(self, noun: str, records, name: str, other: str, make: Callable[[str], Any] | None = None):
        self.noun, self.make = noun, make or None
        self.by_name: dict[str, Any] = {}
        self.by_other: dict[str, list] = {}
        self.by_key: dict[str, Any] = {}  # by what reads alike (core.limits.name_key)
        self.new: dict[str, Any] = {}  # made by this import, by name_key
        for record in records:
            self.by_name[getattr(record, name).casefold()] = record
            self.by_key.setdefault(name_key(getattr(record, name)), record)
            if getattr(record, other):
                self.by_other.setdefault(getattr(record, other).casefold(), []).append(record)

    def records(self) -> list[Any]:
        return list(self.by_key.values()) + list(self.new.values())

    def named(self, name: str) -> Any | None:
        """The record whose name reads as `name` (the same but for case, spacing, look-alike
        letters), if any."""
        return self.by_key.get(name_key(name))

    def add(self, record: Any) -> None:
        """A record of the import itself (an organisations file's), found by its names."""
        self.by_name[record.name.casefold()] = record
        self.by_key[name_key(record.name)] = record
        if getattr(record, "short_name", None):
            self.by_other.setdefault(record.short_name.casefold(), []).append(record)

    def find(self, name: str):
        name = name.strip()
        key = name.casefold()
        if key in self.by_name:
            return self.by_name[key]
        found = self.by_other.get(key, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise Invalid(_AMBIGUOUS[self.noun](name))
        alike = self.by_key.get(name_key(name))
        if alike is not None:
            raise Invalid(_READS_LIKE[self.noun](name, alike.name))
        if self.make is not None:
            if name_key(name) in self.new:
                return self.new[name_key(name)]
            record = self.make(name)
            self.new[name_key(name)] = self.by_name[key] = record
            return record
        raise Invalid(_UNKNOWN[self.noun](name))

    def find_all(self, cell: str) -> list:
        """The records a "; "-separated cell names, each once, in order; every unknown
        name is reported at once. (A full name that itself holds a ";" is still found.)"""
        parts = cell.split(";")
        found, unknown, start = [], [], 0
        while start < len(parts):
            # The longest run of parts that is a full name, else the one part as any name.
            end = next(
                (
                    end
                    for end in range(len(parts), start + 1, -1)
                    if ";".join(parts[start:end]).strip().casefold() in self.by_name
                ),
                start + 1,
            )
            name = ";".join(parts[start:end]).strip()
            start = end
            if not name:
                continue
            try:
                record = self.find(name)
            except Invalid as problem:
                unknown.append(str(problem).rstrip("."))
                continue
            if record not in found:
                found.append(record)
        if unknown:
            raise Invalid("; ".join(unknown) + ".")
        return found


# Words that say what kind of organisation a name is, for one the import creates (the admin
# sees the kind in the preview, and may change it afterwards).
_KIND_WORDS = [
    (
        OrganisationKind.NATIONAL_SOCIETY,
        (
            r"red cross|red crescent|croix-rouge|croissant-rouge|cruz roja|media luna roja|rode kruis|rotes kreuz"
            r"|croce rossa|cruz vermelha|crvena|czerwony krzyż|red crystal|magen david adom"
        ),
    ),
    (
        OrganisationKind.INTERNATIONAL_ORGANISATION,
        (
            r"^(icrc|ifrc|unhcr|unicef|undp|unesco|iom|ohchr|who|wfp|un|eu|asean)\b"
            r"|united nations|international committee|international federation|european union|world health"
        ),
    ),
    (
        OrganisationKind.GOVERNMENT,
        (
            r"government|gouvernement|gobierno|ministry|ministère|ministerio|department|republic|république"
            r"|república|kingdom|royaume|reino|state of|autorités|authorities|federal"
        ),
    ),
]


def parse_kind(value: str) -> OrganisationKind:
    """An organisation's kind, by its key or its label ("national_society", "National Society")."""
    key = "_".join(value.strip().casefold().replace("-", " ").split())
    for kind in OrganisationKind:
        if key in (kind.value, "_".join(kind.label.casefold().split())):
            return kind
    raise Invalid(
        _l(
            "“%(value)s” is not a kind of organisation: use one of %(kinds)s.",
            value=value.strip(),
            kinds=", ".join(k.value for k in OrganisationKind),
        )
    )


def new_organisation(name: str) -> Organisation:
    """An organisation an import names and the tracker has not: confirmed (an admin imports
    it), of the kind its name says — a State named as one ("Slovenia", "Viet Nam": a UPR's
    recommending States) is a government — or "other"."""
    name = Organisation.limits["name"].clean(name, "name")
    kind = next((kind for kind, words in _KIND_WORDS if re.search(words, name, re.IGNORECASE)), None)
    if kind is None:
        kind = OrganisationKind.GOVERNMENT if _names_a_state(name) else OrganisationKind.OTHER
    return Organisation(name=name, kind=kind, confirmed=True)


def _names_a_state(name: str) -> bool:
    """Whether `name` is a country's name in English, as CLDR writes it (by langcodes): a
    country ("Viet Nam" for "Vietnam"), not a region ("Asia") nor a name that only begins
    with one ("Asia Pacific Migration Network")."""
    try:
        tag = langcodes.find_name("territory", name, "en")
    except LookupError:
        return False
    territory = tag.territory or ""
    return len(territory) == 2 and _letters(tag.territory_name("en")) == _letters(name)


def _letters(text: str) -> str:
    return "".join(character for character in text.casefold() if character.isalnum())


def new_forum(name: str) -> Forum:
    """A forum an import names: a process or a programme when its name says so, else a
    conference; with the year its name gives."""
    name = Forum.limits["name"].clean(name, "name")
    kind = ForumKind.CONFERENCE
    if re.search(r"process|processus|proceso|dialogue|review|mechanism", name, re.IGNORECASE):
        kind = ForumKind.PROCESS
    elif re.search(r"programme|program|partnership|cooperation", name, re.IGNORECASE):
        kind = ForumKind.PROGRAMME
    year = re.search(r"\b(19|20)\d{2}\b", name)
    return Forum(name=name, kind=kind, year=int(year.group(0)) if year else None)


def new_country(name: str) -> Country:
    """A country or region an import names (an admin may give it its ISO code)."""
    return Country(name=Country.limits["name"].clean(name, "name"), iso_code=None)


def column_length(model: Any, column: str) -> int | None:
    return max_length(getattr(model, column))


def short_text(value: str, model: Any, column: str) -> str | None:
    """A text cell, cleaned by its column's limit (core.limits): the form's rule and words;
    None when blank."""
    return model.limits[column].clean_or_none(value)


def prose(value: str, model: Any, column: str) -> str:
    """A longer text cell, cleaned by its column's limit ("" when blank)."""
    return model.limits[column].clean(value)


def parse_year(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        raise Invalid(
            _l("%(value)s is not a year from %(first)s to %(last)s.", value=value, first=FIRST_YEAR, last=LAST_YEAR)
        )
    return int(value)


def parse_decimal(value: str) -> Decimal | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Invalid(
            _l("%(value)s is not a number (write it like 1500000 or 2037.50, without separators).", value=value)
        ) from None
    return number


def latest_day() -> dt.date:
    """Today — where the tracker runs, or already in UTC (publication times are UTC)."""
    return max(clock.today(), utcnow().date())


def parse_day(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None:
        raise Invalid(_l("%(value)s is not a day (use 2019-06-14).", value=value))
    if day.year < FIRST_YEAR:
        raise Invalid(
            _l("%(value)s: use a date from %(first)s to %(last)s.", value=value, first=FIRST_YEAR, last=LAST_YEAR)
        )
    if day > latest_day():
        raise Invalid(_l("%(value)s is in the future.", value=value))
    return day


def partial_date(value: str) -> tuple[dt.date, DatePrecision]:
    """An action's date as the export writes it: 2019, 2019-06 or 2019-06-14."""
    value = value.strip()
    if not value:
        raise Invalid(_l("give the date the action was taken (use 2019, 2019-06 or 2019-06-14)."))
    match = re.fullmatch(r"(\d{4})(-\d{2}(-\d{2})?)?", value)
    if not match:
        raise Invalid(_not_a_date(value))
    try:
        return parse_partial_date(value)
    except NotADate as refusal:
        if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            raise Invalid(str(refusal)) from None  # the date rule: from 1900 to 2100
        raise Invalid(_not_a_date(value)) from None


def _not_a_date(value: str) -> Any:
    return _l("%(value)s is not a date (use 2019, 2019-06 or 2019-06-14).", value=value)


# What a JSON cell holds, for each JSON column (whole sentences, its name not glued in).
def parse_state(value: str) -> str:
    states = PledgeWorkflow.state_values()
    if value.strip() not in states:
        listed = {"states": ", ".join(states[:-1]), "last": states[-1]}
        if value.strip():
            raise Invalid(_l("“%(value)s” is not a state: use %(states)s or %(last)s.", value=value.strip(), **listed))
        raise Invalid(_l("give the state: use %(states)s or %(last)s.", **listed))
    return value.strip()


def parse_budget(value: str) -> Decimal | None:
    amount = parse_decimal(value)
    if amount is not None:
        operations.check_budget(amount)
    return amount


def parse_currency(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise Invalid(
            _l("“%(value)s” is not a currency code: use three capital letters, e.g. AUD, CHF or USD.", value=value)
        )
    return value


def moment(day: dt.date | None) -> dt.datetime:
    """A day from the file as the moment stored (its start); no day: now."""
    return dt.datetime.combine(day, dt.time()) if day is not None else utcnow()
