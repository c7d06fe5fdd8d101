"""Icons, drawn inline from the few Bootstrap Icons the tracker keeps
(tracker/static/icons/icons.svg, made by `make icons`): `icon('search')` in a template.

An icon only repeats what the words beside it say, so it is hidden from screen readers;
where an icon stands alone, `label` names it for them (`icon('bell', label='Notifications')`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

SPRITE = Path(__file__).resolve().parent.parent.parent / "static" / "icons" / "icons.svg"
_SYMBOL = re.compile(
    r'<symbol [^>]*viewBox="(?P<box>[^"]+)"[^>]*id="(?P<name>[^"]+)"[^>]*>(?P<body>.*?)</symbol>', re.S
)


@cache
def _icons() -> dict[str, tuple[str, str]]:
    """Each icon's name → (its viewBox, its paths)."""
    text = SPRITE.read_text(encoding="utf-8")
    return {found["name"]: (found["box"], found["body"]) for found in _SYMBOL.finditer(text)}


def icon(name: str, label: str | None = None, classes: str = "") -> Markup:
    """The icon `name` as an inline SVG, 1em square, in the text's colour."""
    try:
        box, body = _icons()[name]
    except KeyError:
        raise LookupError(f"No icon {name!r} in {SPRITE.name}: add it to docs/icons.py and run `make icons`") from None
    names = escape(" ".join(["bi", f"bi-{name}", *classes.split()]))
    if label:
        spoken = Markup(' role="img" aria-label="{}"').format(label)
    else:
        spoken = Markup(' aria-hidden="true"')
    return Markup(
        f'<svg class="{names}" width="1em" height="1em" viewBox="{escape(box)}" fill="currentColor" '
        f'focusable="false"{spoken}>{body}</svg>'
    )
