"""`make screenshots`: every page type, as each kind of person meets it, at 1280 px and at
390 px (a phone), in real Chromium, into docs/screenshots/ — with an index.html to look at
the whole product at once, and the first screenful of a few of them into docs/design/ for
docs/design.md. The app runs on a database of its own, with the demo data.

The page types are those the phone-width browser test asks (tests/browser/test_phone_widths.py),
so the two never drift apart.
"""

from __future__ import annotations

import html
import logging
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
# A few of them, the first screenful only, kept in the repository for docs/design.md.
DESIGN = ROOT / "docs" / "design"
DESIGN_SHOTS = {
    ("public", "/pledges", "desktop"): "register-1280.png",
    ("public", "/pledges/{pledge}", "desktop"): "pledge-1280.png",
    ("public", "/pledges/{pledge}", "phone"): "pledge-390.png",
    ("public", "/roundtables/{roundtable}", "desktop"): "roundtable-1280.png",
    ("staff", "/pledges/mine", "phone"): "my-pledges-390.png",
    ("co-chair", "/roundtables/review", "desktop"): "review-queue-1280.png",
}
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PASSWORD = "demo-password"


def _serve(database: Path):
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from tests.browser.test_phone_widths import WHO, demo_addresses
    from tracker import create_app
    from tracker.core.extensions import db
    from tracker.data.demo import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        addresses = demo_addresses()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}", WHO, addresses


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # (not a line per request)
    OUT.mkdir(parents=True, exist_ok=True)
    DESIGN.mkdir(parents=True, exist_ok=True)
    shots: list[tuple[str, str, str, str]] = []  # (who, address, width, file)
    with tempfile.TemporaryDirectory() as tmp:
        server, base, who_sees, addresses = _serve(Path(tmp) / "screenshots.db")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
                for who, (email, paths) in who_sees.items():
                    for width, (w, h) in WIDTHS.items():
                        context = browser.new_context(base_url=base, viewport={"width": w, "height": h})
                        page = context.new_page()
                        if email:
                            page.goto("/auth/login")
                            page.get_by_label("E-mail").fill(email)
                            page.get_by_label("Password").fill(PASSWORD)
                            page.get_by_role("button", name="Log in").click()
                        for path in paths:
                            address = path.format(**addresses)
                            page.goto(address)
                            name = (
                                f"{who}-{address.strip('/').replace('/', '_').replace('?', '_') or 'home'}-{width}.png"
                            )
                            page.screenshot(path=OUT / name, full_page=True)
                            if (who, path, width) in DESIGN_SHOTS:
                                page.screenshot(path=DESIGN / DESIGN_SHOTS[who, path, width])
                            shots.append((who, address, width, name))
                        context.close()
                browser.close()
        finally:
            server.shutdown()
    rows = "\n".join(
        f"<figure><figcaption>{html.escape(who)} · {html.escape(address)} · {width}</figcaption>"
        f'<a href="{name}"><img src="{name}" alt="{html.escape(who)}: {html.escape(address)} at {width} width" loading="lazy"></a></figure>'
        for who, address, width, name in shots
    )
    (OUT / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Pledge Tracker: every page type</title>"
        "<style>body{font:14px system-ui;margin:1rem}figure{display:inline-block;vertical-align:top;margin:0 1rem 1rem 0}"
        "img{max-width:320px;border:1px solid #ccc}</style><h1>Every page type, at 1280 and 390 px</h1>\n" + rows,
        encoding="utf-8",
    )
    sys.stdout.write(f"{len(shots)} screenshots in {OUT.relative_to(ROOT)}/ — open index.html to see them all.\n")


if __name__ == "__main__":
    main()
