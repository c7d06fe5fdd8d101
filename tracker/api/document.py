"""The OpenAPI document in its reader's language: its human text — every `title`,
`summary` and `description` — is marked for translation as the rest of the site's is, and
put in the language of whoever asks (`?lang=`, `Accept-Language`) when it is served; its
names, types and values stay as they are.

`make messages` adds the document's texts to the catalogues (`translations/api_document.py`),
and `tests/test_translations.py` checks that every one is translated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HUMAN = ("title", "summary", "description")


def human_texts(document: Any) -> list[str]:
    """Every human text of the document (an `info.title`, an operation's summary, a
    parameter's or a property's description), once each, in the order met."""
    found: dict[str, None] = {}
    _walk(document, lambda text: found.setdefault(text, None) or text)
    return list(found)


def translated(document: Any, translate: Callable[[str], str]) -> Any:
    """A copy of the document with each human text translated."""
    return _walk(document, translate)


def _walk(node: Any, translate: Callable[[str], str]) -> Any:
    if isinstance(node, dict):
        return {
            key: translate(value) if key in HUMAN and isinstance(value, str) else _walk(value, translate)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_walk(item, translate) for item in node]
    return node
