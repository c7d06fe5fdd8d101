"""Icons (tracker/core/web/icons.py): every icon a template names is in the kept sprite —
a name missing from it would fail the page that draws it — and an icon beside words is
hidden from screen readers while one standing alone is named for them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.core.web.icons import icon

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_icon_a_template_names_is_kept():
    named = {
        name
        for template in TEMPLATES.rglob("*.html")
        for name in re.findall(r"icon\(['\"]([\w-]+)['\"]", template.read_text(encoding="utf-8"))
    }
    # status_badge and flag name theirs in a mapping
    macros = (TEMPLATES / "_macros.html").read_text(encoding="utf-8")
    for mapping in re.findall(r"set icons = \{(.*?)\}", macros):
        named |= set(re.findall(r"'\w+': '([\w-]+)'", mapping))
    assert {"search", "bell", "pencil", "exclamation-triangle-fill"} <= named
    for name in sorted(named):
        assert "<path" in icon(name), name


def test_an_icon_beside_words_is_hidden_and_one_alone_is_named():
    beside = str(icon("search"))
    assert 'aria-hidden="true"' in beside and "role=" not in beside
    alone = str(icon("bell", label="Notifications <3"))
    assert 'role="img" aria-label="Notifications &lt;3"' in alone and "aria-hidden" not in alone


def test_an_unknown_icon_says_how_to_add_it():
    with pytest.raises(LookupError, match="make icons"):
        icon("no-such-icon")
