"""The languages the tracker speaks, and which one a person reads.

English is the language the texts are written in; every other is a catalogue under
`translations/<code>/LC_MESSAGES/messages.po` (`pybabel init -l <code>`, README "Adding a
language"): the list of languages is read from that folder, so a fifth one is data, not
code. Names and directions come from Babel's locale data (CLDR).

Which language a page is in (`choose`): the `?lang=` of its address, then the account's
own choice, then the visitor's cookie, then the browser's `Accept-Language`, then English.

Domain code marks its messages with `_l` (and `_n` for plurals): a lazy string, put in the
reader's language when it is shown. The web side plugs Flask-Babel in (`set_translator`);
without it (a command, a test of the domain) the English text is used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from babel.support import LazyProxy

DEFAULT = "en"
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "translations"

# How dates and numbers are written for a language, where its Babel locale of the same
# name would not do: English as written outside the United States ("2 December 2026").
FORMAT_LOCALES = {"en": "en_GB"}


@dataclass(frozen=True)
class Language:
    code: str  # "fr"
    name: str  # in its own words: "français"
    english_name: str  # "French"
    direction: str  # "ltr" or "rtl"


@cache
def languages() -> tuple[Language, ...]:
    """English, then each language with a catalogue, by code."""
    codes = [DEFAULT] + sorted(
        path.name for path in TRANSLATIONS.iterdir() if (path / "LC_MESSAGES" / "messages.po").is_file()
    )
    return tuple(_language(code) for code in codes)


def _language(code: str) -> Language:
    locale = Locale.parse(code)
    return Language(
        code=code,
        name=locale.get_display_name(locale) or code,
        english_name=locale.get_display_name("en") or code,
        direction=locale.text_direction,
    )


def codes() -> tuple[str, ...]:
    return tuple(language.code for language in languages())


def language(code: str) -> Language:
    return next((known for known in languages() if known.code == code), languages()[0])


def known(code: str | None) -> str | None:
    """`code` ("fr", "FR", "fr-CA") as one of ours, or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in codes() else None


def from_accept_language(header: str | None) -> str | None:
    """The first of ours the browser asks for, by its q-values (`fr-CA,fr;q=0.9,en;q=0.8`)."""
    asked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            asked.append((-quality, position, tag))
    for _quality, _position, tag in sorted(asked):
        if (code := known(tag)) is not None:
            return code
    return None


def choose(query: str | None, account: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a page, from the most explicit choice to the least."""
    for choice in (known(query), known(account), known(cookie), from_accept_language(accept_language)):
        if choice is not None:
            return choice
    return DEFAULT


def format_locale(code: str) -> str:
    """The Babel locale that writes dates and numbers for language `code`."""
    return FORMAT_LOCALES.get(code, code)


# --- messages of the domain ------------------------------------------------------------

_translate: Callable[[str], str] = lambda message: message  # noqa: E731


def _english_plural(singular: str, plural: str, num: int, **values: object) -> str:
    return (singular if num == 1 else plural) % {"num": num, **values}


_translate_plural: Callable[..., str] = _english_plural


_reading: Callable[[], str | None] = lambda: None  # noqa: E731


def set_reading_language(reading: Callable[[], str | None]) -> None:
    """The web side's answer to "which language is the person being answered reading?"."""
    global _reading
    _reading = reading


def reading_language() -> str | None:
    """The language of the page being answered, if a person is being answered (None in a
    command or a worker): the language of an e-mail to someone without an account."""
    return _reading()


def reading_format_locale() -> str | None:
    """How the person being answered reads dates and numbers: None (the tracker's own English
    ways) for English or no one, else their language's Babel locale."""
    language = reading_language()
    return None if language in (None, DEFAULT) else format_locale(language)


def set_translator(gettext: Callable[..., str], ngettext: Callable[..., str]) -> None:
    """The web side's gettext and ngettext (Flask-Babel), for the domain's messages. Like
    Flask-Babel's, a message with values is filled with `%`; one without is left as is."""
    global _translate, _translate_plural
    _translate, _translate_plural = gettext, ngettext


def _l(message: str, **values: object) -> LazyProxy:
    """`message` in the reader's language, when shown; `%(name)s` filled from `values`."""
    return LazyProxy(lambda: _translate(message) % values if values else _translate(message), enable_cache=False)


def _n(singular: str, plural: str, n: int, **values: object) -> LazyProxy:
    """The plural form for `n` in the reader's language; `%(num)s` is `n`."""
    # Flask-Babel's ngettext fills the placeholders itself (`num` and the others).
    return LazyProxy(lambda: _translate_plural(singular, plural, n, **values), enable_cache=False)
