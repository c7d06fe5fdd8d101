"""Never an untranslated string: every text a person reads is marked for translation, and
every catalogue (French, Spanish, Arabic) translates every message — no empty entry, no
fuzzy one, every plural form, and the same placeholders as the English — so that nothing is
left in English for a French, Spanish or Arabic speaker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo  # noqa: F401  (compiles: checked below)
from babel.messages.pofile import read_po

from tracker.core import i18n

from .untranslated import offences

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "_n": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _extracted() -> dict[str | tuple[str, ...], None]:
    """Every message the code and templates mark, as `make messages` extracts them."""
    method_map = [
        ("tracker/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
        ("tracker/**/templates/**.html", "jinja2"),
    ]
    found: dict = {}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found[message] = None
    return found


def _api_document_texts() -> list[str]:
    """The human texts of the API's OpenAPI document, which `make messages` adds too."""
    from tracker import create_app
    from tracker.api.document import human_texts

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    return human_texts(app.extensions["tracker_api"].spec.to_dict())


@pytest.fixture(scope="module")
def extracted():
    return _extracted() | dict.fromkeys(_api_document_texts())


def _catalogue(code: str) -> Catalog:
    with (i18n.TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=code)


def test_every_text_a_person_reads_is_marked_for_translation():
    assert offences() == []


@pytest.mark.parametrize("code", [language.code for language in i18n.languages() if language.code != i18n.DEFAULT])
def test_every_catalogue_translates_every_message(extracted, code):
    catalogue = _catalogue(code)
    problems = []
    for message in extracted:
        key = message if isinstance(message, str) else message[0]
        entry = catalogue.get(key)
        if entry is None:
            problems.append(f"missing: {key!r} (run make messages)")
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        strings = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        if not all(strings) or (not isinstance(message, str) and len(strings) != catalogue.num_plurals):
            problems.append(f"untranslated: {key!r}")
            continue
        wanted = set(PLACEHOLDER.findall(key if isinstance(message, str) else message[1]))
        for string in strings:
            if set(PLACEHOLDER.findall(string)) - wanted - {"num"}:
                problems.append(f"a placeholder the English has not: {key!r} → {string!r}")
    assert problems == [], f"{len(problems)} problems in {code}:\n" + "\n".join(problems[:40])
