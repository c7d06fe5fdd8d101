"""Add the human text of the API's OpenAPI document to the message template: run by
`make messages` after the extraction (`tracker/api/document.py` says why).

    .venv/bin/python translations/api_document.py translations/messages.pot
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po

from tracker import create_app
from tracker.api.document import human_texts


def add_to_template(path: str) -> int:
    """Add the document's texts to the template at `path`; returns how many."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    texts = human_texts(app.extensions["tracker_api"].spec.to_dict())
    with open(path, "rb") as file:
        catalogue = read_po(file)
    for text in texts:
        catalogue.add(text, auto_comments=["The API's OpenAPI document (tracker/api/document.py)."])
    with open(path, "wb") as file:
        write_po(file, catalogue, sort_output=True)
    return len(texts)


if __name__ == "__main__":
    sys.stdout.write(f"Added {add_to_template(sys.argv[1])} texts of the API's document.\n")
