"""The open data: pledges.csv and actions.csv, downloaded and imported.

What people rely on: the files hold exactly what the public list shows (never a draft, a
withdrawn action or a contact), a spreadsheet never runs a cell as a formula, the files
can be imported into another tracker and come out identical, and an import with a single
bad row writes nothing and says which row and column to fix.
"""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.accounts.models import Organisation, OrganisationKind, User
from tracker.core import csv_cells
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.core.listing import ListState
from tracker.data import open_data
from tracker.data.demo import load_demo
from tracker.pledges import catalogue
from tracker.pledges.evidence import EvidenceLink
from tracker.pledges.models import ActionFigure, ActionTaken, Pledge, PledgeSignatory
from tracker.pledges.operations import withdraw_action
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

from .databases import own_database

REFERENCE_MODELS = [Organisation, Forum, Theme, Country]
COUNTED_MODELS = [Pledge, PledgeSignatory, ActionTaken, ActionFigure, EvidenceLink, HistoryEntry, *REFERENCE_MODELS]


def counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in COUNTED_MODELS}


def rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response.data


# --- the round trip -----------------------------------------------------------------------------


def _reference_data() -> dict:
    """Organisations, forums, themes and countries as plain values (without their ids)."""
    return {
        model: [
            {column.name: getattr(record, column.name) for column in model.__table__.columns if column.name != "id"}
            for record in db.session.scalars(sa.select(model))
        ]
        for model in REFERENCE_MODELS
    }


def test_demo_data_exported_imported_into_an_empty_tracker_and_exported_again_is_byte_identical(app, client, tmp_path):
    load_demo()
    db.session.commit()
    # A withdrawn action and a draft are part of real data: neither may travel.
    action = db.session.scalar(sa.select(ActionTaken).order_by(ActionTaken.id).limit(1))
    staff = db.session.scalar(sa.select(User).where(User.organisation_id == action.attributed_to_id))
    withdraw_action(action, staff, reason="Duplicate")
    db.session.commit()
    drafts = db.session.scalar(sa.select(sa.func.count()).select_from(Pledge).where(Pledge.status == "draft"))
    assert drafts >= 1
    published = db.session.scalar(sa.select(sa.func.count()).select_from(Pledge).where(Pledge.status != "draft"))
    current = db.session.scalar(
        sa.select(sa.func.count(ActionTaken.id))
        .join(ActionTaken.pledge)
        .where(Pledge.status != "draft", ActionTaken.withdrawn_at.is_(None))
    )
    pledges_csv, actions_csv = download(client, "/pledges.csv"), download(client, "/actions.csv")
    assert len(rows(pledges_csv)) == published and len(rows(actions_csv)) == current
    reference = _reference_data()
    (tmp_path / "pledges.csv").write_bytes(pledges_csv)
    (tmp_path / "actions.csv").write_bytes(actions_csv)

    with own_database(tmp_path, "open_data_copy") as url:
        copy = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with copy.app_context():
            db.create_all()
            for model, records in reference.items():
                db.session.add_all(model(**values) for values in records)
            db.session.commit()
            # Actions first on the command line: the import still reads pledges first.
            result = copy.test_cli_runner().invoke(
                args=["data", "import", str(tmp_path / "actions.csv"), str(tmp_path / "pledges.csv")]
            )
            assert result.exit_code == 0, result.output
            assert result.output == f"Imported {published} pledges and {current} actions.\n"

            again = copy.test_client()
            assert again.get("/pledges.csv").data == pledges_csv
            assert again.get("/actions.csv").data == actions_csv

            # Each record says where it came from: imported, by the system.
            imported = db.session.execute(
                sa.select(HistoryEntry.record_type, sa.func.count())
                .where(HistoryEntry.event == "imported", HistoryEntry.actor_id.is_(None))
                .group_by(HistoryEntry.record_type)
            ).all()
            assert dict(imported) == {"pledge": published, "action_taken": current}

            # The command line writes the same bytes as the web.
            out = tmp_path / "again"
            out.mkdir()
            runner = copy.test_cli_runner()
            assert (
                runner.invoke(
                    args=["data", "export-pledges", str(out / "p.csv"), "--base-url", "http://localhost/"]
                ).exit_code
                == 0
            )
            assert runner.invoke(args=["data", "export-actions", str(out / "a.csv")]).exit_code == 0
            assert (out / "p.csv").read_bytes() == pledges_csv
            assert (out / "a.csv").read_bytes() == actions_csv

            # Running the same import again changes nothing.
            before = counts()
            rerun = copy.test_cli_runner().invoke(
                args=["data", "import", str(tmp_path / "pledges.csv"), str(tmp_path / "actions.csv")]
            )
            assert rerun.exit_code == 1
            assert (
                f"Row 2, column slug: A pledge with the slug “{rows(pledges_csv)[0]['slug']}” already exists."
                in rerun.stderr
            )
            assert rerun.stderr.endswith(f"Nothing imported: {published} errors.\n")
            assert counts() == before
            db.session.remove()
            db.engine.dispose()


# --- importing: files written by hand -------------------------------------------------------------


@pytest.fixture
def reference(make):
    """What an import may name; committed, as a command-line import starts from the database."""
    arc = make.organisation(name="Australian Red Cross", short_name="ARC")
    prc = make.organisation(name="Philippine Red Cross")
    other = make.organisation(name="Nowhere Else Org", kind=OrganisationKind.OTHER)
    db.session.add_all(
        [
            Theme(name="Migration", slug="migration"),
            Country(name="Philippines", iso_code="PH"),
            Forum(name="33rd International Conference", short_name="IC33", kind=ForumKind.CONFERENCE),
        ]
    )
    db.session.commit()
    return {"arc": arc, "prc": prc, "other": other}


def _pledge_rows() -> list[dict]:
    return [
        {
            "slug": "regional-protection",
            "title": "Regional Protection",
            "state": "in_progress",
            "forum": "IC33",
            "themes": "migration",
            "countries": "PH",
            "lead_signatory": "ARC",
            "other_signatories": "philippine red cross",
            "published_on": "2019-12-12",
            "budget_amount": "1500000.50",
            "budget_currency": "AUD",
            "text": "Strengthen regional protection for vulnerable migrants.",
            "url": "https://elsewhere.example/pledges/regional-protection",
        },
        {
            "slug": "first-aid-for-all",
            "title": "First aid for all",
            "state": "draft",
            "lead_signatory": "Philippine Red Cross",
        },
    ]


def _action_rows() -> list[dict]:
    return [
        {
            "pledge": "regional-protection",
            "position": "0",
            "date": "2019-06",
            "summary": "Organised three roundtables on regional protection.",
            "attributed_to": "Australian Red Cross",
            "organisations": "Australian Red Cross; Philippine Red Cross",
            "figures": json.dumps(
                [{"label": "roundtables", "value": "3", "unit": None, "year": 2019, "period_note": None}]
            ),
            "links": json.dumps([{"url": "https://example.org/report", "title": "Report"}]),
        }
    ]


def _write(path, columns, records) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(records)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return str(path)


def _import(runner, tmp_path, pledges, actions, *options):
    files = [
        _write(tmp_path / "pledges.csv", open_data.PLEDGE_COLUMNS, pledges),
        _write(tmp_path / "actions.csv", open_data.ACTION_COLUMNS, actions),
    ]
    return runner.invoke(args=["data", "import", *files, *options])


def test_a_valid_import_writes_pledges_and_actions_as_their_files_say(runner, reference, tmp_path):
    result = _import(runner, tmp_path, _pledge_rows(), _action_rows())
    assert result.exit_code == 0, result.output
    assert result.output == "Imported 2 pledges and 1 action.\n"
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "regional-protection"))
    assert pledge.status == "in_progress" and pledge.published_at == dt.datetime(2019, 12, 12)
    assert pledge.forum.name == "33rd International Conference"
    assert [t.name for t in pledge.themes] == ["Migration"] and [c.name for c in pledge.countries] == ["Philippines"]
    assert pledge.signatory_names == ["Australian Red Cross (lead)", "Philippine Red Cross"]
    assert pledge.budget_amount == Decimal("1500000.50") and pledge.budget_currency == "AUD"
    assert pledge.contact_email is None
    [action] = pledge.actions
    assert (action.date, action.date_precision) == (dt.date(2019, 6, 1), DatePrecision.MONTH)
    assert action.attributed_to.name == "Australian Red Cross"
    assert [o.name for o in action.organisations] == ["Australian Red Cross", "Philippine Red Cross"]
    assert [(f.label, f.value, f.year) for f in action.figures] == [("roundtables", Decimal("3"), 2019)]
    assert [(link.url, link.title) for link in action.links] == [("https://example.org/report", "Report")]
    draft = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "first-aid-for-all"))
    assert draft.status == "draft" and draft.published_at is None


def test_names_are_found_by_short_name_or_code_ignoring_case_even_with_a_semicolon_inside(
    runner, reference, make, tmp_path
):
    make.organisation(name="Red Cross; Red Crescent Partnership")
    db.session.commit()
    pledges = _pledge_rows()[:1]
    pledges[0]["other_signatories"] = "PHILIPPINE RED CROSS; Red Cross; Red Crescent Partnership"
    assert _import(runner, tmp_path, pledges, []).exit_code == 0
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "regional-protection"))
    assert pledge.signatory_names == [
        "Australian Red Cross (lead)", "Philippine Red Cross", "Red Cross; Red Crescent Partnership",
    ]  # fmt: skip


def test_a_dry_run_checks_everything_and_writes_nothing(runner, reference, tmp_path):
    before = counts()
    result = _import(runner, tmp_path, _pledge_rows(), _action_rows(), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 2 pledges and 1 action: no errors; nothing written (dry run).\n"
    assert counts() == before


def _tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


BAD_CELLS = {
    "bad date": (
        "actions",
        0,
        "date",
        "2019-13-01",
        "Row 2, column date: 2019-13-01 is not a date (use 2019, 2019-06 or 2019-06-14).",
    ),
    "unknown organisation": (
        "pledges",
        0,
        "lead_signatory",
        "Nowhere Red Cross",
        "Row 2, column lead_signatory: There is no organisation called “Nowhere Red Cross” (an admin adds organisations; check the spelling, or let the import create what is missing).",
    ),
    "unknown organisation among others": (
        "actions",
        0,
        "organisations",
        "Australian Red Cross; Red Cross of Atlantis",
        "Row 2, column organisations: There is no organisation called “Red Cross of Atlantis”",
    ),
    "missing title": (
        "pledges",
        1,
        "title",
        "  ",
        "Row 3, column title: Give the pledge a title, or a text to take one from.",
    ),
    "future date": (
        "actions",
        0,
        "date",
        None,
        "Row 2, column date: An action taken cannot be dated in the future: record it once it has happened.",
    ),
    "bad figures JSON": (
        "actions",
        0,
        "figures",
        '[{"label": "people", "value": }]',
        "Row 2, column figures: This is not valid JSON",
    ),
    "figure without a number": (
        "actions",
        0,
        "figures",
        '[{"label": "people"}]',
        "Row 2, column figures: Each figure needs a label (or the indicator it counts towards) and a number.",
    ),
    "link that is no web address": (
        "actions",
        0,
        "links",
        '[{"url": "javascript:alert(1)", "title": "x"}]',
        "Row 2, column links: Evidence links must be web addresses starting with https:// or http://",
    ),
    "attributed to a non-signatory": (
        "actions",
        0,
        "attributed_to",
        "Nowhere Else Org",
        "Row 2, column attributed_to: Nowhere Else Org is not a signatory of the pledge “regional-protection”.",
    ),
    "unknown pledge": (
        "actions",
        0,
        "pledge",
        "no-such-pledge",
        "Row 2, column pledge: There is no pledge “no-such-pledge”, in the tracker or in this import.",
    ),
    "unknown state": (
        "pledges",
        0,
        "state",
        "finished",
        "Row 2, column state: “finished” is not a state: use draft, in_progress or done.",
    ),
    "budget without currency": (
        "pledges",
        0,
        "budget_currency",
        "",
        "Row 2, column budget_currency: Say which currency the budget is in",
    ),
    "period out of order": ("pledges", 0, "period_end", "2018", None),
    "published without text": (
        "pledges",
        0,
        "text",
        "",
        "Row 2, column text: Before this pledge can be started (and published) it needs the pledge text.",
    ),
}


@pytest.mark.parametrize("case", BAD_CELLS, ids=list(BAD_CELLS))
def test_one_bad_cell_names_its_row_and_column_and_nothing_is_written(runner, reference, tmp_path, case):
    kind, index, column, value, message = BAD_CELLS[case]
    pledges, actions = _pledge_rows(), _action_rows()
    if case == "period out of order":
        pledges[0]["period_start"] = "2019"
        message = "Row 2, column period_end: The last year (2018) is before the first (2019)."
    if case == "future date":
        value = _tomorrow()
    (pledges if kind == "pledges" else actions)[index][column] = value
    before = counts()
    result = _import(runner, tmp_path, pledges, actions)
    assert result.exit_code == 1
    assert f"{tmp_path / (kind + '.csv')}: {message}" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Nothing imported:")
    assert result.stdout == ""
    assert counts() == before


def test_a_slug_that_already_exists_is_refused_and_nothing_is_written(runner, reference, make, tmp_path):
    make.pledge(lead=reference["other"], title="Regional Protection")  # slug regional-protection
    db.session.commit()
    before = counts()
    result = _import(runner, tmp_path, _pledge_rows(), _action_rows())
    assert result.exit_code == 1
    assert "Row 2, column slug: A pledge with the slug “regional-protection” already exists." in result.stderr
    # The valid draft on row 3 is not written either.
    assert counts() == before
    assert db.session.scalar(sa.select(Pledge).where(Pledge.slug == "first-aid-for-all")) is None


def test_every_error_of_every_row_is_reported_at_once(runner, reference, tmp_path):
    pledges, actions = _pledge_rows(), _action_rows()
    pledges[1]["title"] = ""
    actions[0]["date"] = "June 2019"
    actions.append(dict(actions[0], date="2019", position="0"))  # the same position twice
    result = _import(runner, tmp_path, pledges, actions)
    assert result.exit_code == 1
    assert "Row 3, column title: Give the pledge a title, or a text to take one from." in result.stderr
    assert "Row 2, column date: June 2019 is not a date (use 2019, 2019-06 or 2019-06-14)." in result.stderr
    assert (
        "Row 3, column position: Row 2 already gives the pledge “regional-protection” an action at position 0."
        in result.stderr
    )
    assert "Nothing imported: 3 errors." in result.stderr


def test_actions_may_be_added_to_a_pledge_already_in_the_tracker_but_never_twice(runner, reference, make, tmp_path):
    pledge = make.pledge_in_progress(lead=reference["arc"], title="Regional Protection")
    make.action(pledge)  # position 0
    db.session.commit()
    actions = [dict(_action_rows()[0], organisations="Australian Red Cross", position="1")]
    assert _import(runner, tmp_path, [], actions).exit_code == 0
    assert [a.position for a in pledge.actions] == [0, 1]
    before = counts()
    again = _import(runner, tmp_path, [], actions)
    assert again.exit_code == 1
    assert (
        "Row 2, column position: The pledge “regional-protection” already has an action at position 1." in again.stderr
    )
    assert counts() == before


def test_a_file_of_another_kind_is_refused(runner, reference, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,email\nA,a@example.org\n", encoding="utf-8")
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}: Row 1: the header row is not one of an import file" in result.stderr


# --- what the downloads hold -------------------------------------------------------------------


@pytest.fixture
def register(make):
    """Published pledges on two themes, with actions; a draft; a withdrawn action; a contact."""
    migration = Theme(name="Migration", slug="migration")
    health = Theme(name="Health", slug="health")
    db.session.add_all([migration, health])
    arc = make.organisation(name="Australian Red Cross")
    staff = make.staff(organisation=arc)
    made = {}
    for slug, theme, text in [
        ("migrants-first", migration, "Protection for migrants in transit."),
        ("migrants-later", migration, "Legal aid, at home and abroad."),
        ("clinics", health, "Mobile clinics for migrants."),
    ]:
        pledge = make.pledge_in_progress(author=staff, title=slug.replace("-", " ").title(), text=text, themes=[theme])
        make.action(pledge, author=staff, summary=f"Work on {slug}.")
        made[slug] = pledge
    made["migrants-first"].contact_name = "Private Person"
    made["migrants-first"].contact_email = "private.person@example.org"
    withdrawn = make.action(made["migrants-later"], author=staff, summary="Quokkaword was reported by mistake.")
    withdraw_action(withdrawn, staff, reason="Wrong pledge")
    draft = make.pledge(author=staff, title="Wombatword draft pledge", text="Not public yet.", themes=[migration])
    make.action(draft, author=staff, summary="Wombatword action on a draft.")
    db.session.commit()
    return made


def test_downloads_follow_the_list_filters_exactly(client, register):
    for query in [
        "",
        "?theme=migration",
        "?q=migrants",
        "?theme=migration&q=transit",
        "?theme=health&q=migrants",
        "?theme=nothing",
    ]:
        state = ListState.from_args(dict(arg.split("=") for arg in query[1:].split("&") if arg), catalogue.PLEDGES)
        expected = sorted(pledge.slug for pledge in db.session.scalars(catalogue.PLEDGES.select(state)))
        pledges = rows(download(client, f"/pledges.csv{query}"))
        assert [row["slug"] for row in pledges] == expected, query
        actions = rows(download(client, f"/actions.csv{query}"))
        expected_actions = sorted(
            (a.pledge.slug, str(a.position)) for slug in expected for a in register[slug].current_actions
        )
        assert [(row["pledge"], row["position"]) for row in actions] == expected_actions, query
    assert [row["slug"] for row in rows(download(client, "/pledges.csv?theme=migration&q=transit"))] == [
        "migrants-first"
    ]


def test_downloads_never_hold_drafts_withdrawn_actions_or_contacts(client, register):
    for path in ("/pledges.csv", "/actions.csv", "/pledges.csv?q=Wombatword", "/actions.csv?q=Quokkaword"):
        body = download(client, path).decode("utf-8")
        for private in ("Wombatword", "Quokkaword", "private.person@example.org", "Private Person"):
            assert private not in body, (path, private)
    assert "contact_email" not in open_data.PLEDGE_COLUMNS and "contact_name" not in open_data.PLEDGE_COLUMNS


def test_each_pledge_row_links_to_its_public_page(client, register):
    pledges = rows(download(client, "/pledges.csv"))
    assert {row["url"] for row in pledges} == {f"http://localhost/pledges/{slug}" for slug in register}
    assert client.get("/pledges/migrants-first").status_code == 200


# --- formulas ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example")',
        "+61 2 9229 4111",
        "-",
        "@SUM(A1)",
        "\tx",
        "'quoted'",
        "''",
        "'=x",
        "plain",
        "",
    ],
)
def test_escaping_makes_cells_safe_and_is_undone_exactly(value):
    cell = csv_cells.escape(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert csv_cells.unescape(cell) == value


def test_a_hand_written_apostrophe_is_kept():
    value = "'tis the season"
    assert csv_cells.unescape(value) == value


def test_a_formula_title_is_exported_behind_an_apostrophe_and_imported_back_exactly(client, runner, make, tmp_path):
    arc = make.organisation(name="Australian Red Cross")
    staff = make.staff(organisation=arc)
    pledge = make.pledge_in_progress(
        author=staff,
        title='=HYPERLINK("http://evil.example","Click")',
        text="- a list item\n- another",
        region="'Quoted'",
    )
    pledge.slug = "formula"
    make.action(pledge, author=staff, summary="+61 people reached", heading="@everyone")
    db.session.commit()
    pledges_csv, actions_csv = download(client, "/pledges.csv"), download(client, "/actions.csv")
    [row] = rows(pledges_csv)
    assert row["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["text"].startswith("'- a list item") and row["region"] == "''Quoted'"
    [action_row] = rows(actions_csv)
    assert action_row["summary"] == "'+61 people reached" and action_row["heading"] == "'@everyone"

    # Imported back (as a copy, under another slug), every cell is what it was.
    (tmp_path / "p.csv").write_bytes(pledges_csv.replace(b"formula", b"formula-copy"))
    (tmp_path / "a.csv").write_bytes(actions_csv.replace(b"formula", b"formula-copy"))
    result = runner.invoke(args=["data", "import", str(tmp_path / "p.csv"), str(tmp_path / "a.csv")])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "formula-copy"))
    assert (copy.title, copy.text, copy.region) == (pledge.title, pledge.text, pledge.region)
    assert (copy.actions[0].summary, copy.actions[0].heading) == ("+61 people reached", "@everyone")


# --- caching and cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/pledges.csv", "/actions.csv?theme=migration"])
def test_downloads_carry_validators_and_answer_304_until_something_changes(client, make, register, path):
    first = client.get(path)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and last_modified
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304

    make.action(register["clinics"], summary="One more clinic.")
    db.session.commit()
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def _queries(run) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_exports_cost_the_same_queries_for_one_pledge_or_many(app, make):
    arc = make.organisation(name="Australian Red Cross")
    staff_id = make.staff(organisation=arc).id
    db.session.add(Theme(name="Migration", slug="migration"))

    def add_pledge():
        staff = db.session.get(User, staff_id)
        theme = db.session.scalar(sa.select(Theme))
        pledge = make.pledge_in_progress(author=staff, co_signatories=[make.organisation()], themes=[theme])
        for _ in range(2):
            make.action(
                pledge,
                author=staff,
                figures=[{"label": "people", "value": Decimal("2037.5")}],
                links=[{"url": "https://example.org", "title": "Report"}],
            )
        db.session.commit()
        db.session.expunge_all()  # nothing already loaded when the exports are measured

    def both_exports():
        with app.test_request_context():
            query = catalogue.PLEDGES.select(ListState())
            open_data.export_pledges(query, lambda pledge: f"https://pledges.example.org/pledges/{pledge.slug}")
            open_data.export_actions(query)

    add_pledge()
    one = _queries(both_exports)
    for _ in range(3):
        add_pledge()
    assert _queries(both_exports) == one
    with app.test_request_context():
        [row, *_] = rows(open_data.export_actions(catalogue.PLEDGES.select(ListState())).encode())
    assert json.loads(row["figures"])[0]["value"] == "2037.5"


# --- one set of limits: the import refuses what the forms refuse -------------------------------


def test_the_import_refuses_texts_the_forms_refuse_naming_row_and_column(runner, reference, tmp_path):
    """A 100,000-character summary or title, and a heading with a line break, would be
    records no one could then edit through the forms: the import says so, row and column."""
    pledges, actions = _pledge_rows(), _action_rows()
    pledges[0]["title"] = "T" * 100_000
    actions[0]["summary"] = "S" * 100_000
    actions[0]["heading"] = "First line\nsecond line"
    before = counts()
    result = _import(runner, tmp_path, pledges, actions)
    assert result.exit_code == 1
    assert "Row 2, column title: Use at most 300 characters here (this has 100,000)." in result.stderr
    assert "Row 2, column summary: Use at most 5,000 characters here (this has 100,000)." in result.stderr
    assert "Row 2, column heading: Write this on one line: line breaks and tabs are not kept here." in result.stderr
    assert counts() == before


def test_a_cell_beyond_the_csv_parsers_own_limit_names_its_row_and_column(runner, reference, tmp_path):
    actions = _action_rows()
    actions[0]["details"] = "D" * 200_000  # Python's csv reader stops at 131,072 by default
    result = _import(runner, tmp_path, _pledge_rows(), actions)
    assert result.exit_code == 1
    assert "Row 2, column details: Use at most 50,000 characters here (this has 200,000)." in result.stderr
