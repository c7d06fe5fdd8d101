"""The OpenAPI document in its reader's language: its human text — every `title`,
`summary` and `description` — is marked for translation as the rest of the site's is, and
put in the language of whoever asks (`?lang=`, `Accept-Language`) when it is served; its
names, types and values stay as they are.

`make messages` adds the document's texts to the catalogues (`add_to_template`), and
`tests/test_translations.py` checks that every one is translated.
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


def add_to_template(path: str) -> int:
    """Add the document's texts to the message template at `path` (as `make messages` has
    extracted it); returns how many."""
    from babel.messages.pofile import read_po, write_po

    from .. import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    texts = human_texts(app.extensions["tracker_api"].spec.to_dict())
    with open(path, "rb") as file:
        catalogue = read_po(file)
    for text in texts:
        catalogue.add(text, auto_comments=["The API's OpenAPI document (tracker/api/document.py)."])
    with open(path, "wb") as file:
        write_po(file, catalogue, width=0, sort_output=True, omit_header=False)
    return len(texts)
