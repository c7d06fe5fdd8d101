"""Administration › Import (issue 18): an admin uploads real records — 47 pledges of the
International Conference of the Red Cross and Red Crescent and 32 of their progress reports
(tests/data/corpus/, each with its source in SOURCES.md) — reads the preview and confirms;
then every public page reads like its source, with no fix by hand."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from tracker import create_app
from tracker.accounts.models import Organisation, OrganisationKind
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.data import open_data
from tracker.data.models import PendingImport
from tracker.pledges.models import ActionTaken, Pledge
from tracker.taxonomy.models import Country, Forum

from .databases import own_database
from .factories import PASSWORD, Factories

CORPUS = Path(__file__).parent / "data" / "corpus"
# A hand-made bullet, which the page shows as a list's own bullet (core/text.py).
BULLET = re.compile(r"^\s*[•●▪◦·‣∙○■□➢►\-–—*]\s+")


def corpus(name: str) -> list[dict[str, str]]:
    with open(CORPUS / name, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def words_of_source(text: str) -> list[str]:
    """The words a reader of the source reads, in order (a bullet is a list's, not a word)."""
    return " ".join(BULLET.sub("", line) for line in text.splitlines()).split()


def words_of_page(html: str) -> list[str]:
    text = re.sub(r"</?(a|bdi|span|strong|em|code)\b[^>]*>", "", html)  # inline: part of a word
    text = re.sub(r"<[^>]+>", " ", text)
    return (
        text.replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .split()
    )


def block(page: str, css_class: str) -> str:
    """The inner HTML of the first <div class="css_class" …> of the page."""
    match = re.search(rf'<div class="{css_class}"[^>]*>(.*?)</div>', page, re.DOTALL)
    assert match, css_class
    return match.group(1)


def login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def upload(client, files: dict[str, bytes], create_missing: bool = True):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    if create_missing:
        data["create_missing"] = "y"
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


@pytest.fixture
def admin(make):
    person = make.admin()
    db.session.commit()
    return person


# --- the corpus, in through the web -----------------------------------------------------------


def test_real_pledges_and_reports_go_in_from_the_browser_and_read_like_their_source(client, admin):
    login(client, admin)
    files = {name: (CORPUS / name).read_bytes() for name in ("pledges.csv", "actions.csv")}
    uploaded = upload(client, files)
    assert uploaded.status_code == 302
    preview = client.get(uploaded.headers["Location"])
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    pledges, actions = corpus("pledges.csv"), corpus("actions.csv")
    assert "<strong>No errors.</strong>" in page
    assert f"Importing writes {len(pledges)} pledges and {len(actions)} actions" in page
    assert "Not in the tracker yet: created by the import" in page
    assert (
        '<li><bdi>Australian Red Cross</bdi> <span class="text-body-secondary">(National Society)</span></li>' in page
    )
    untitled = [row for row in pledges if not row["title"]]
    assert page.count('<span class="badge tag">derived</span>') == len(untitled)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0  # nothing written yet

    confirmed = client.post(uploaded.headers["Location"], data={})
    assert confirmed.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == len(pledges)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingImport)) == 0

    for row in pledges:
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.source_url == row["source_url"]))
        _reads_like_its_source(client, pledge, row)
    for row in actions:
        _report_reads_like_its_source(client, row)


def _reads_like_its_source(client, pledge: Pledge, row: dict[str, str]) -> None:
    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    where = f"{row['source_url']} (/pledges/{pledge.slug})"
    assert pledge.status == row["state"], where
    assert pledge.language == row["language"], where
    if row["title"]:
        assert f'<h1 lang="{row["language"]}" dir="auto">{_escaped(row["title"])}</h1>' in page, where
    else:
        # Its title is the text's opening words (cut at a word, "…"), marked as derived.
        opening = " ".join(pledge.title.removesuffix("…").split())
        assert pledge.title_derived and opening in " ".join(row["text"].split()), where
        assert 'class="title-derived' in page, where
    text = block(page, "pledge-text")
    assert words_of_page(text) == words_of_source(row["text"]), where
    assert f'<div class="pledge-text" lang="{row["language"]}" dir="auto">' in page, where
    if row["forum"]:
        assert f'<dd><a href="/forums/{pledge.forum.slug}"><bdi>{_escaped(row["forum"])}</bdi></a></dd>' in page, where
    named = [name for name in [row["lead_signatory"], *row["other_signatories"].split("; ")] if name]
    assert [s.organisation.name for s in pledge.signatories] == list(dict.fromkeys(named)), where
    if row["signatories_note"]:
        assert f'<bdi lang="{row["language"]}">{_escaped(row["signatories_note"])}</bdi>' in page, where
    assert f'href="{_escaped(row["source_url"])}"' in page, where
    if row["source_reference"]:
        assert f"<bdi>{row['source_reference']}</bdi>" in page, where
    if row["published_on"]:
        assert pledge.published_at.date().isoformat() == row["published_on"], where


def _report_reads_like_its_source(client, row: dict[str, str]) -> None:
    action = db.session.scalar(
        sa.select(ActionTaken).where(ActionTaken.source_url == row["source_url"], ActionTaken.summary == row["summary"])
    )
    where = row["source_url"]
    assert action is not None, where
    page = client.get(f"/pledges/{action.pledge.slug}").get_data(as_text=True)
    item = re.search(rf'<li id="action-{action.id}">(.*?)</li>\n', page, re.DOTALL)
    assert item, where
    html = item.group(1)
    if row["date"]:
        assert f'datetime="{row["date"]}"' in html, where
    else:
        assert '<span class="date-not-stated">Date not stated</span>' in html, where
    if row["details"]:
        assert words_of_page(block(html, "action-details")) == words_of_source(row["details"]), where
    # (One organisation, however a source capitalises it: "IFRC Secretariat", "IFRC secretariat".)
    organisations = [name.casefold() for name in row["organisations"].split("; ") if name]
    if organisations:
        assert [org.name.casefold() for org in action.organisations] == list(dict.fromkeys(organisations)), where
    elif row["attributed_to"]:
        assert [org.name for org in action.organisations] == [row["attributed_to"]], where
    assert (action.attributed_to.name if action.attributed_to else "") == row["attributed_to"], where


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


# --- a workbook, errors, look-alikes, and who may confirm ----------------------------------------


def test_a_workbook_with_a_sheet_of_each_kind_imports_like_csv(client, admin, make):
    make.organisation("Australian Red Cross")
    db.session.commit()
    book = Workbook()
    sheet = book.active
    sheet.title = "Pledges"
    sheet.append(
        ["source_reference", "title", "state", "lead_signatory", "published_on", "text", "language", "source_url"]
    )
    sheet.append(["P2403", None, "in_progress", "Australian Red Cross", _day(2011, 12, 1), "Line one\n• a\n• b", "en",
                  "https://example.org/p2403"])  # fmt: skip
    actions = book.create_sheet("Reports")
    actions.append(["pledge", "date", "summary", "attributed_to"])
    actions.append(["P2403", 2013, "Trained 120 volunteers.", "Australian Red Cross"])
    out = io.BytesIO()
    book.save(out)
    login(client, admin)
    uploaded = upload(client, {"pledges.xlsx": out.getvalue()}, create_missing=False)
    assert uploaded.status_code == 302
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "<strong>No errors.</strong>" in page and "pledges.xlsx › Pledges" in page
    assert client.post(uploaded.headers["Location"], data={}).status_code == 302
    pledge = db.session.scalar(sa.select(Pledge))
    assert (pledge.title, pledge.title_derived, pledge.published_at.date().isoformat()) == (
        "Line one",
        True,
        "2011-12-01",
    )
    (action,) = pledge.actions
    assert (action.date.year, action.date_precision.value, action.summary) == (2013, "year", "Trained 120 volunteers.")
    entries = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "imported")).all()
    assert {entry.actor_id for entry in entries} == {admin.id}  # "Imported", by the admin


def _day(year, month, day):
    import datetime as dt

    return dt.datetime(year, month, day)


def test_errors_are_listed_by_file_row_and_column_and_nothing_can_be_imported(client, admin):
    login(client, admin)
    pledges = "title,state,lead_signatory,language\r\nA,in_progress,Nowhere Red Cross,Klingonish\r\n,draft,,\r\n"
    uploaded = upload(client, {"pledges.csv": pledges.encode()}, create_missing=False)
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "3 errors: nothing can be imported yet" in page
    for row, column in (("2", "lead_signatory"), ("2", "language"), ("3", "title")):
        assert f"<td><bdi>pledges.csv</bdi></td><td>{row}</td><td><code>{column}</code></td>" in page
    assert 'value="Import"' not in page and "Import</button>" not in page
    refused = client.post(uploaded.headers["Location"], data={})
    assert refused.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0


def test_a_name_that_reads_like_one_already_there_is_never_created(client, admin, make):
    make.organisation("Australian Red Cross")
    db.session.commit()
    login(client, admin)
    pledges = "title,state,lead_signatory,source_url\r\nA,in_progress,australian  red  cross,https://x.org/a\r\n"
    uploaded = upload(client, {"pledges.csv": pledges.encode()})
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert (
        "“australian  red  cross” reads like the organisation “Australian Red Cross”: use its name as it is written."
        in page
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1


def test_what_is_missing_is_created_by_the_admin_with_history_and_only_when_confirmed(client, admin):
    login(client, admin)
    pledges = (
        "title,state,forum,lead_signatory,other_signatories,countries,text\r\n"
        "Joint pledge,in_progress,33rd International Conference of the Red Cross and Red Crescent,"
        "Government of Fiji,Fiji Red Cross Society,Fiji,We pledge.\r\n"
    )
    uploaded = upload(client, {"pledges.csv": pledges.encode()})
    client.get(uploaded.headers["Location"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0  # a preview creates nothing
    client.post(uploaded.headers["Location"], data={})
    kinds = dict(db.session.execute(sa.select(Organisation.name, Organisation.kind)).all())
    assert kinds == {
        "Government of Fiji": OrganisationKind.GOVERNMENT,
        "Fiji Red Cross Society": OrganisationKind.NATIONAL_SOCIETY,
    }
    forum = db.session.scalar(sa.select(Forum))
    assert (forum.kind.value, forum.year) == ("conference", None)
    assert db.session.scalar(sa.select(Country.name)) == "Fiji"
    created = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "created")).all()
    assert len(created) == 4 and {entry.actor_id for entry in created} == {admin.id}


def test_without_create_missing_an_unknown_name_is_an_error(client, admin):
    login(client, admin)
    uploaded = upload(
        client, {"p.csv": b"title,state,lead_signatory\r\nA,draft,Fiji Red Cross Society\r\n"}, create_missing=False
    )
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "There is no organisation called “Fiji Red Cross Society”" in page


def test_the_import_is_checked_again_when_confirmed(client, admin, make):
    login(client, admin)
    uploaded = upload(client, {"p.csv": b"slug,title,state\r\nfirst-aid,First aid,draft\r\n"})
    assert "<strong>No errors.</strong>" in client.get(uploaded.headers["Location"]).get_data(as_text=True)
    make.pledge(title="First aid", slug="first-aid")  # meanwhile, someone takes the address
    db.session.commit()
    refused = client.post(uploaded.headers["Location"], data={})
    assert refused.status_code == 409
    assert "A pledge with the slug “first-aid” already exists." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 1


def test_only_the_admin_who_uploaded_an_import_sees_or_confirms_it(client, admin, make):
    other = make.admin()
    db.session.commit()
    login(client, admin)
    location = upload(client, {"p.csv": b"title,state\r\nA,draft\r\n"}).headers["Location"]
    client.post("/auth/logout")
    login(client, other)
    for response in (client.get(location), client.post(location, data={})):
        assert response.status_code == 403
        assert "This import was uploaded by another admin" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("p.csv", "title,state\r\nÉté,draft\r\n".encode("latin-1"), "p.csv: this is not UTF-8 text."),
        ("p.xlsx", b"PK\x03\x04 not really a workbook", "p.xlsx: this is not an XLSX workbook that can be read."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_on_the_upload_page(client, admin, name, content, message):
    login(client, admin)
    refused = upload(client, {name: content})
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)


def test_an_upload_over_the_limit_says_how_large_an_import_may_be(app, client, admin):
    app.config["IMPORT_MAX_BYTES"] = 1024
    login(client, admin)
    refused = upload(client, {"p.csv": b"title,state\r\n" + b"A,draft\r\n" * 400})
    assert refused.status_code == 413
    assert "An import may send at most 1 KB of files." in refused.get_data(as_text=True)


def test_each_kind_has_a_template_that_is_an_empty_import_file(client, admin):
    login(client, admin)
    for kind in ("pledges", "actions"):
        template = client.get(f"/admin/import/template/{kind}.csv")
        assert template.status_code == 200 and template.mimetype == "text/csv"
        header = template.get_data(as_text=True).removeprefix("\ufeff").splitlines()[0].split(",")
        assert "url" not in header and ("slug" in header if kind == "pledges" else "pledge" in header)
        uploaded = upload(client, {f"{kind}.csv": template.data})
        assert "<strong>No errors.</strong>" in client.get(uploaded.headers["Location"]).get_data(as_text=True)


def test_the_command_line_creates_what_is_missing_only_as_a_named_admin(runner, admin, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("title,state,lead_signatory\r\nA,draft,Fiji Red Cross Society\r\n", encoding="utf-8")
    refused = runner.invoke(args=["data", "import", "--create-missing", str(path)])
    assert refused.exit_code == 2 and "--create-missing needs --as EMAIL" in refused.output
    result = runner.invoke(args=["data", "import", "--create-missing", "--as", admin.email, str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 1 pledge and 0 actions (and 1 organisation created)." in result.output
    assert "p.csv: Row 2, column slug: a (from the title)." in result.output


# --- organisations, in and out ---------------------------------------------------------------


def test_organisations_round_trip_export_import_export_byte_identical(app, make, tmp_path):
    make.organisation("Croix-Rouge française", short_name="CRf", country="France")
    make.organisation("Government of Fiji", kind=OrganisationKind.GOVERNMENT, country="Fiji")
    make.organisation("International Federation of Red Cross and Red Crescent Societies", short_name="IFRC",
                      kind=OrganisationKind.INTERNATIONAL_ORGANISATION)  # fmt: skip
    proposed = make.organisation("Proposed by staff")
    proposed.confirmed = False
    db.session.commit()
    exported = open_data.export_organisations()
    assert "Proposed by staff" not in exported  # (not checked by an admin: not exported)
    assert exported.splitlines()[0] == "\ufeffname,short_name,kind,country"
    with own_database(tmp_path, "organisations_copy") as url:
        copy = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with copy.app_context():
            db.create_all()
            batch = open_data.read([("organisations.csv", exported)])
            assert batch.errors == [] and len(batch.organisations) == 3
            batch.write(Factories().admin())
            db.session.commit()
            assert open_data.export_organisations() == exported
            db.session.remove()
            db.engine.dispose()  # (before its database is dropped)


def test_an_organisations_file_creates_them_with_their_kinds_for_the_pledges_of_the_same_import(client, admin):
    login(client, admin)
    organisations = "name,short_name,kind,country\r\nFiji Red Cross Society,FRCS,National Society,Fiji\r\nGovernment of Fiji,,government,Fiji\r\n"
    pledges = "title,state,lead_signatory,other_signatories\r\nJoint pledge,draft,FRCS,Government of Fiji\r\n"
    uploaded = upload(
        client, {"organisations.csv": organisations.encode(), "pledges.csv": pledges.encode()}, create_missing=False
    )
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "Importing writes 2 organisations, 1 pledge and 0 actions" in page
    client.post(uploaded.headers["Location"], data={})
    kinds = dict(db.session.execute(sa.select(Organisation.short_name, Organisation.kind)).all())
    assert kinds == {"FRCS": OrganisationKind.NATIONAL_SOCIETY, None: OrganisationKind.GOVERNMENT}
    pledge = db.session.scalar(sa.select(Pledge))
    assert [s.organisation.name for s in pledge.signatories] == ["Fiji Red Cross Society", "Government of Fiji"]


@pytest.mark.parametrize(
    "rows, message",
    [
        ("Fiji Red Cross Society,,charity,", "Row 2, column kind: “charity” is not a kind of organisation: use one of national_society, government, international_organisation, civil_society, other."),
        ("australian red  cross,,national_society,", "Row 2, column name: An organisation called “Australian Red Cross” already exists."),
        ("A,,other,\r\na,,other,", "Row 3, column name: An organisation called “A” already exists."),
    ],
)  # fmt: skip
def test_an_organisations_file_is_refused_row_by_row(app, make, rows, message):
    make.organisation("Australian Red Cross")
    db.session.commit()
    batch = open_data.read([("o.csv", f"name,short_name,kind,country\r\n{rows}\r\n")])
    assert [str(error) for error in batch.errors] == [f"o.csv: {message}"]


def test_the_pledge_list_counts_reports_the_source_does_not_date(client, admin):
    """A pledge whose only reports are undated has actions all the same: the list says how
    many, and that none is dated (it once said "No actions recorded yet")."""
    pledges = (
        "title,state,text,source_url\r\n"
        "Undated pledge,in_progress,We pledge.,https://example.org/p\r\n"
        "Dated pledge,in_progress,We pledge too.,https://example.org/q\r\n"
    )
    actions = "pledge_title,summary,date\r\nUndated pledge,Report one,\r\nUndated pledge,Report two,\r\nDated pledge,Report,2019\r\n"
    batch = open_data.read([("p.csv", pledges), ("a.csv", actions)])
    assert batch.errors == []
    batch.write(admin)
    db.session.commit()
    page = " ".join(client.get("/pledges").get_data(as_text=True).split())
    assert "2 actions, none dated in the source" in page
    assert '1 action, the latest <time datetime="2019">2019</time>' in page
