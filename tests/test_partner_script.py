"""The README's partner script (section "A partner's script"), run as written against a served
tracker: it pages through every published pledge of one forum and writes them to a CSV file —
each once, drafts and other forums' pledges never, texts in any script as written — and
waits when the API's rate limit says so."""

import csv
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tracker import create_app
from tracker.core.extensions import db
from tracker.taxonomy.models import Forum, ForumKind

from .databases import empty_all_tables
from .factories import Factories

README = Path(__file__).resolve().parents[1] / "README.md"


def _script() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- partner-script -->\n```python\n(.*?)```", text, re.DOTALL)
    assert found, "README: the partner's script, after <!-- partner-script -->"
    return found.group(1)


@pytest.fixture
def served(schema_url):
    """A tracker served over HTTP, its rate limit tight enough for a page or two a second."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": schema_url, "API_RATE_LIMIT": "2 per 2 seconds"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="served", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}/api/v1"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.session.remove()
            empty_all_tables()
            db.engine.dispose()


def test_the_partner_script_writes_every_pledge_of_one_forum(served, tmp_path):
    app, api = served
    with app.app_context():
        make = Factories()
        forum = Forum(name="Global Refugee Forum 2023", kind=ForumKind.CONFERENCE, year=2023)
        other = Forum(name="33rd International Conference", kind=ForumKind.CONFERENCE)
        db.session.add_all([forum, other])
        db.session.flush()
        staff = make.staff(organisation=make.organisation("Croix-Rouge française"))
        titles = [f"Pledge {n:03d}" for n in range(203)] + [
            "Renforcer la protection des personnes déplacées",
            "تعزيز الحماية للمهاجرين",
        ]
        for title in titles:
            make.pledge_in_progress(author=staff, title=title, forum_id=forum.id)
        make.pledge(author=staff, title="A draft of the same forum", forum_id=forum.id)
        make.pledge_in_progress(author=staff, title="Another forum's pledge", forum_id=other.id)
        db.session.commit()
        forum_slug = forum.slug
        db.session.remove()

    script, out = tmp_path / "forum_pledges.py", tmp_path / "pledges.csv"
    script.write_text(_script(), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script), forum_slug, str(out)],
        env={**os.environ, "PLEDGE_TRACKER_API": api},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]

    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    # Three pages of 100, the third fetched after waiting out the rate limit (2 per 2 seconds).
    assert [row["title"] for row in rows] == sorted(titles)
    assert len({row["slug"] for row in rows}) == len(titles)
    assert {row["state"] for row in rows} == {"in_progress"}
    assert {row["signatories"] for row in rows} == {"Croix-Rouge française"}
    assert all(row["url"].endswith(f"/pledges/{row['slug']}") for row in rows)
