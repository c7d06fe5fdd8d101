"""Records written in one language, read in several: translations of a record's texts,
written by those who may edit it, kept beside the original.

A translatable record (the `Translated` mixin) names the texts that may be translated
(`translatable = ("title", "text")`, the first of them required in every translation) and
keeps its translations in one column: `{"en": {"title": "…", "text": "…"}}`, by BCP 47
tag. A translation's texts obey the original's limits (`core.limits`: one set for every
way in). Search finds a record by any of its translations (`core.search` folds them into
its `search_text`).

Which text a page shows (`shown_in`): the one in the reader's language — the original when
it was written in it, else a translation into it — and the original otherwise, or when the
reader asks for the original. The page then says "Translated from French — read the
original" with the original one click away.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from . import access
from .changes import InvalidField, check_version, flush_or_conflict
from .columns import utcnow
from .history import Actor, HistoryEntry, record_history
from .i18n import _l
from .sources import check_language

# The texts of one translation, by field: {"title": "…", "text": "…"}.
Texts = dict[str, str]


class Translated:
    """A record whose texts may be translated (mixed into its model, before `Base`)."""

    translatable: ClassVar[tuple[str, ...]]  # its texts that may be translated; the first required
    # Its translations, by language tag: {"en": {"title": "…", "text": "…"}}.
    # (None, as a row written without the ORM has it, is none: PostgreSQL's json type has no
    # equality, so the column has no server default for migrations to compare.)
    translations: Mapped[dict[str, Texts] | None] = mapped_column(sa.JSON, default=dict)

    @property
    def written_in(self) -> str:
        """The language its texts are written in (an action without one: its pledge's)."""
        return str(getattr(self, "language", None) or "en")


def base_language(tag: str | None) -> str:
    """ "es" for "es-419": what a reader of the language reads."""
    return (tag or "").split("-")[0].lower()


def same_language(one: str | None, other: str | None) -> bool:
    return base_language(one) == base_language(other)


@dataclass(frozen=True)
class Shown:
    """What a page shows of a record: its texts in `language`, and whether that is a
    translation (then `original` is the language it was written in)."""

    language: str
    texts: dict[str, Any]
    original: str
    translated: bool
    # The other text a reader of this language may switch to: the original's language when
    # this is a translation; the translation's when this is the original and one exists.
    other: str | None = None
    # Each text's own language, where a translation leaves one untranslated.
    text_languages: dict[str, str] | None = None

    def lang(self, name: str) -> str:
        """The language text `name` is shown in (for its `lang` attribute)."""
        return (self.text_languages or {}).get(name, self.language)

    def __getattr__(self, name: str) -> Any:  # shown.title, shown.text in templates
        try:
            return self.texts[name]
        except KeyError:
            raise AttributeError(name) from None


def translation_in(record: Translated, reading: str | None) -> tuple[str, Texts] | None:
    """The record's translation that a reader of `reading` reads, as (its tag, its texts)."""
    for tag, texts in sorted((record.translations or {}).items()):
        if same_language(tag, reading):
            return tag, texts
    return None


def shown_in(record: Translated, reading: str | None, *, original: bool = False) -> Shown:
    """The record's texts for a reader of `reading`: a translation into it when there is one
    and the record was written in another language (unless `original` is asked for)."""
    written_in = record.written_in
    originals = {name: getattr(record, name) for name in type(record).translatable}
    found = None if same_language(written_in, reading) else translation_in(record, reading)
    if found is None or original:
        return Shown(written_in, originals, written_in, False, found[0] if found else None)
    tag, texts = found
    # A text the translation leaves out is shown as written (and said to be in its language).
    shown = {name: texts.get(name) or originals[name] for name in type(record).translatable}
    languages = {name: tag if texts.get(name) else written_in for name in type(record).translatable}
    return Shown(tag, shown, written_in, True, written_in, languages)


def clean_translation(model: Any, written_in: str, language: str | None, texts: dict[str, Any]) -> tuple[str, Texts]:
    """One translation as it is kept: its language's standard tag and its texts, each cleaned
    with the original's limits (blank ones left out; all blank: an empty dict). Refuses a
    language that is not one, or is the original's, and a translation without its first text."""
    tag = check_language(language, "language", required=False)
    if tag is None:
        raise InvalidField("language", _l("Choose the language of the translation."))
    if same_language(tag, written_in):
        raise InvalidField(
            "language", _l("It is written in this language: change the original text instead of translating it.")
        )
    unknown = sorted(set(texts) - set(model.translatable))
    if unknown:
        raise InvalidField(
            "language",
            _l(
                "A translation holds %(texts)s only, not “%(name)s”.",
                texts=", ".join(model.translatable),
                name=unknown[0],
            ),
        )
    # (The original's limits, but blank allowed: every text blank removes the translation.)
    cleaned = {name: replace(model.limits[name], required=None).clean(_text(texts.get(name), name), name)
               for name in model.translatable}  # fmt: skip
    first = model.translatable[0]
    if any(cleaned.values()) and not cleaned[first]:
        raise InvalidField(first, model.limits[first].required or _l("A translation needs this, as the original does."))
    return tag, {name: value for name, value in cleaned.items() if value}


def _text(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidField(name, _l("A translation's texts are words (text), not numbers or lists."))
    return value


def clean_translations(model: Any, written_in: str, translations: Any) -> dict[str, Texts]:
    """Every translation of a record (as an import or a script gives them) as kept."""
    if not isinstance(translations, dict) or not all(isinstance(texts, dict) for texts in translations.values()):
        raise InvalidField(
            "translations", _l('Give the translations by language, each with its texts: {"en": {"title": "…"}}.')
        )
    kept: dict[str, Texts] = {}
    for language, texts in translations.items():
        tag, cleaned = clean_translation(model, written_in, language, texts)
        if tag in kept:
            raise InvalidField("translations", _l("Give each language's translation once (%(tag)s).", tag=tag))
        if cleaned:
            kept[tag] = cleaned
    return kept


def set_translation(record: Translated, language: str | None, texts: dict[str, str | None]) -> dict[str, list[Any]]:
    """Write (or, with every text blank, remove) the record's translation into `language`
    (`clean_translation`). Returns what changed, for history: the language under
    "translation", then each text's old and new value."""
    tag, cleaned = clean_translation(type(record), record.written_in, language, texts)
    old = dict((record.translations or {}).get(tag, {}))
    translations = {key: dict(value) for key, value in (record.translations or {}).items()}
    if cleaned:
        translations[tag] = cleaned
    else:
        translations.pop(tag, None)
    changes: dict[str, list[Any]] = {
        name: [old.get(name), cleaned.get(name)]
        for name in type(record).translatable
        if old.get(name) != cleaned.get(name)
    }
    if changes:
        record.translations = translations  # (a new value: the ORM sees the change)
        changes = {"translation": [tag, tag], **changes}
    return changes


def translate(
    record: Translated,
    actor: Actor,
    language: str | None,
    texts: dict[str, str | None],
    *,
    expected_version: int | None = None,
) -> HistoryEntry | None:
    """Those who may (`permissions`: "translate") write, change or remove the record's
    translation into `language`; history keeps each text's old and new value. A form opened
    before someone else's save of the record is refused (`EditConflict`). None: no change."""
    access.require(actor, "translate", record)
    if hasattr(record, "version"):  # (a progress update is never edited: it has no version)
        check_version(record, expected_version)
    changes = set_translation(record, language, texts)
    if not changes:
        return None
    if hasattr(record, "updated_at"):
        record.updated_at = utcnow()  # (the public page's "last changed", its feeds and kept renders)
    flush_or_conflict(record)
    return record_history(record, "translated", actor, changes=changes)
