"""`make icons`: the few Bootstrap Icons the tracker uses, copied from the Bootstrap Icons
sprite that Bootstrap-Flask ships into tracker/static/icons/icons.svg. Templates draw them
with `icon('name')` (tracker/core/web/icons.py), inline, so a page asks for no extra file and
the PDF reports draw them too. To use another icon, add its name to NAMES and run
`make icons`; https://icons.getbootstrap.com/ shows them all.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import flask_bootstrap

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "icons" / "bootstrap-icons.svg"
LICENCE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css" / "font" / "bootstrap-icons.min.css"
OUT = ROOT / "tracker" / "static" / "icons" / "icons.svg"

NAMES = sorted(
    {
        # states and flags (templates/_macros.html status_badge, roundtables' flags)
        "pencil", "arrow-repeat", "check-circle", "patch-check-fill", "exclamation-triangle-fill",
        "arrow-counterclockwise", "clock", "hourglass-split", "lock",
        # the site bar
        "list", "bell", "person-circle",
        # things to do and to take away
        "search", "plus-lg", "download", "file-earmark-arrow-down", "box-arrow-up-right", "rss",
        "clipboard", "printer", "paperclip", "link-45deg", "bar-chart", "calendar-event",
        "people", "info-circle",
    }
)  # fmt: skip


def main() -> None:
    sprite = SOURCE.read_text(encoding="utf-8")
    version = re.search(r"Bootstrap Icons (v[\d.]+)", LICENCE.read_text(encoding="utf-8"))
    symbols = []
    for name in NAMES:
        found = re.search(r'<symbol [^>]*id="' + re.escape(name) + r'".*?</symbol>', sprite)
        if found is None:
            raise SystemExit(f"No icon named {name!r} in {SOURCE}")
        symbols.append(found.group(0))
    OUT.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n'
        f"<!-- Bootstrap Icons {version.group(1) if version else ''} (https://icons.getbootstrap.com/), "
        "Copyright 2019-2024 The Bootstrap Authors, MIT licence "
        "(https://github.com/twbs/icons/blob/main/LICENSE). Made by docs/icons.py: `make icons`. -->\n"
        + "\n".join(symbols)
        + "\n</svg>\n",
        encoding="utf-8",
    )
    sys.stdout.write(f"{len(symbols)} icons in {OUT.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
