"""What a record says about its own text: the language it is written in, the format it is
written in, and where it was published first (the source's own number for it and its
address). Pledges and actions carry these, so that an imported record reads like its
source and says where to find it.

Languages are BCP 47 tags ("en", "fr", "es-419", "zh-Hant"), checked and written in their
standard form by `langcodes`; the page marks each text with its `lang`, so that a French
pledge is read (and hyphenated, and spoken) as French.
"""

from __future__ import annotations

from typing import Any

import langcodes

from .changes import InvalidField
from .i18n import _l
from .text import TEXT_FORMATS, is_web_url

DEFAULT_LANGUAGE = "en"

# The languages the editor offers first: the International Conference's four, then those of
# the Bali Process partners the tracker serves. Any other BCP 47 tag may be typed.
COMMON_LANGUAGES = ("en", "fr", "es", "ar", "id", "th", "km", "lo", "vi", "ms", "fil", "zh", "pt", "ru")


def check_language(tag: str | None, field: str = "language", *, required: bool = True) -> str | None:
    """The tag in its standard form ("EN_au" → "en-AU"; a language named in words, "French"
    or "Français", gives its tag), or `InvalidField` when it is not a language; blank is the
    default language (None where not `required`)."""
    tag = (tag or "").strip()
    if not tag:
        return DEFAULT_LANGUAGE if required else None
    try:
        standard = langcodes.standardize_tag(tag.replace("_", "-"))
        known = langcodes.Language.get(standard).is_valid() and standard != "und"
    except ValueError:
        standard, known = "", False
    if not known:
        standard, known = _by_name(tag)
    if not known or len(standard) > 35:
        raise InvalidField(
            field, _l("“%(tag)s” is not a language tag: use a BCP 47 tag such as en, fr, es, ar or es-419.", tag=tag)
        )
    return standard


def _by_name(name: str) -> tuple[str, bool]:
    """A language named in words, in English or in itself ("French", "Français")."""
    try:
        found = langcodes.find(name)
    except LookupError:
        return "", False
    # (`find` guesses: "Klingonish" finds Klingon. Only the language's own names are taken.)
    names = {str(found.display_name()).casefold(), str(found.display_name(found.language or "en")).casefold()}
    return found.to_tag(), " ".join(name.split()).casefold() in names


def language_name(tag: str | None, locale: str | None = None) -> str:
    """ "French", "Spanish (Latin America)": the tag's name in English, or in the language
    `locale` names ("français" for "fr" in "fr"; the tag itself when it has none)."""
    if not tag:
        return ""
    try:
        return str(langcodes.Language.get(tag).display_name(locale or "en"))
    except (ValueError, LookupError):
        return tag


def language_choices(current: str | None = None, locale: str | None = None) -> list[tuple[str, str]]:
    """(tag, name) for a select: the common languages, and the current one if it is not;
    named in English, or in the language `locale` names."""
    tags = list(COMMON_LANGUAGES)
    if current and current not in tags:
        tags.append(current)
    return [(tag, f"{language_name(tag, locale)} ({tag})") for tag in tags]


def check_text_format(value: str | None, field: str = "text_format") -> str:
    """ "plain" (the default) or "markdown"."""
    value = (value or "").strip().lower() or "plain"
    if value not in TEXT_FORMATS:
        raise InvalidField(field, _l("“%(value)s” is not a text format: use plain or markdown.", value=value))
    return value


def check_source_url(url: str | None, field: str = "source_url") -> str | None:
    """A source's address: a web address (http:// or https://), or None."""
    url = (url or "").strip()
    if not url:
        return None
    if not is_web_url(url):
        raise InvalidField(
            field, _l("The source's address must start with https:// or http://, not “%(url)s”.", url=url)
        )
    return url


def check_source_fields(fields: dict[str, Any], *, language_required: bool = True) -> dict[str, Any]:
    """`fields` with those of this module checked and in their standard form (those not
    given are left out, so an edit leaves them as they are)."""
    checked = dict(fields)
    if "language" in fields:
        checked["language"] = check_language(fields["language"], required=language_required)
    if "text_format" in fields:
        checked["text_format"] = check_text_format(fields["text_format"])
    if "source_url" in fields:
        checked["source_url"] = check_source_url(fields["source_url"])
    return checked
