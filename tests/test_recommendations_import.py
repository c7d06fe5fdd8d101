"""Recommendations from any mechanism, in bulk (issue 18): an admin uploads 35 real
recommendations — a Universal Periodic Review's (with their numbers, recommending States and
Slovenia's responses) and Bali Process ministerial and senior officials' texts (addressed to
"members", "Ministers") — from tests/data/corpus/recommendations.csv (sources in SOURCES.md),
reads the preview and confirms; each public page then reads like its source. Meetings,
outcomes, recommendations and progress updates go out and back in byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from tracker import create_app
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.core.translations import translate
from tracker.data import open_data
from tracker.data.open_data.columns import PUBLIC_RECOMMENDATION_COLUMNS
from tracker.roundtables.models import Outcome, OutcomeGroup, ProgressUpdate, Recommendation, Roundtable
from tracker.roundtables.operations import (
    add_outcome,
    add_outcome_group,
    create_recommendation,
    create_roundtable,
    post_progress_update,
    set_indicators,
    take_transition,
)

from .databases import own_database
from .factories import Factories
from .test_web_import import CORPUS, corpus, login, upload, words_of_page, words_of_source

MEETING_KINDS = {"review": "Review", "ministerial": "Ministerial conference", "roundtable": "Roundtable"}


@pytest.fixture
def admin(make):
    person = make.admin()
    db.session.commit()
    return person


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _names(cell: str) -> list[str]:
    return [name for name in cell.split("; ") if name]


def card(page: str, recommendation: Recommendation) -> str:
    """The public page's card of one recommendation."""
    match = re.search(
        rf'<div class="recommendation-card" id="recommendation-{recommendation.id}"(.*?)\n</div>', page, re.S
    )
    assert match, recommendation.text
    return match.group(1)


def test_real_recommendations_go_in_from_the_browser_and_read_like_their_source(client, admin):
    rows = corpus("recommendations.csv")
    login(client, admin)
    uploaded = upload(client, {"recommendations.csv": (CORPUS / "recommendations.csv").read_bytes()})
    assert uploaded.status_code == 302
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    meetings = list(dict.fromkeys(row["meeting"] for row in rows))
    assert "<strong>No errors.</strong>" in page
    assert f"Importing writes {len(meetings)} meetings and {len(rows)} recommendations (and " in page
    # What the source does not give, and the import made, is listed for the admin to read.
    assert "a new review, public, its co-chairs not stated" in page
    assert "the day it was supported: the source gives no other" in page
    assert '<li><bdi>Slovenia</bdi> <span class="text-body-secondary">(Government)</span></li>' in page  # a State
    assert _count(Recommendation) == 0 and _count(Roundtable) == 0  # nothing written yet

    confirmed = client.post(uploaded.headers["Location"], data={})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/roundtables"
    assert (_count(Roundtable), _count(Recommendation)) == (len(meetings), len(rows))
    assert _count(HistoryEntry) >= len(meetings) + len(rows)

    pages = {}
    for row in rows:
        recommendation = db.session.scalar(
            sa.select(Recommendation)
            .join(Recommendation.roundtable)
            .where(Roundtable.title == row["meeting"], Recommendation.text == row["text"])
        )
        where = f"{row['meeting']} {row['reference']}"
        assert recommendation is not None, where
        meeting = recommendation.roundtable
        assert (meeting.kind, meeting.start_date.isoformat()) == (row["meeting_kind"], row["meeting_date"]), where
        if meeting.slug not in pages:
            pages[meeting.slug] = client.get(f"/roundtables/{meeting.slug}").get_data(as_text=True)
        _reads_like_its_source(pages[meeting.slug], recommendation, row, where)
        own_page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
        assert f'<div class="lead recommendation-text" lang="{row["language"]}" dir="auto">' in own_page, where
        text = re.search(r'<div class="lead recommendation-text"[^>]*>(.*?)</div>', own_page, re.S).group(1)
        assert words_of_page(text) == words_of_source(row["text"]), where  # plain text as written
        assert f"<dt>{MEETING_KINDS[row['meeting_kind']]}</dt>" in own_page, where


def _reads_like_its_source(page: str, recommendation: Recommendation, row: dict[str, str], where: str) -> None:
    assert recommendation.status == "in_progress", where  # "agreed"
    assert (recommendation.reference or "") == row["reference"], where
    assert (recommendation.group.heading if recommendation.group else "") == row["heading"], where
    assert [org.name for org in recommendation.recommending] == _names(row["recommending"]), where
    assert [org.name for org in recommendation.owner_organisations] == _names(row["owners"]), where
    assert (recommendation.addressee_note or "") == row["addressee"], where
    assert (recommendation.response or "") == row["response"], where
    assert (recommendation.response_date.isoformat() if recommendation.response_date else "") == row["response_date"]
    assert recommendation.source_url == row["source_url"], where
    html = card(page, recommendation)
    assert f' lang="{row["language"]}"' in html, where
    text = re.search(r'<a href="/recommendations/\d+" class="pre-wrap" dir="auto" lang="[^"]+">(.*?)</a>', html, re.S)
    assert text and words_of_page(text.group(1)) == words_of_source(row["text"]), where
    if row["reference"]:
        assert f'<bdi class="recommendation-reference">{row["reference"]}</bdi>' in html, where
    if row["recommending"]:
        named = ", ".join(f"<bdi>{name}</bdi>" for name in _names(row["recommending"]))
        assert f'Recommended by <span class="recommending">{named}</span>' in html, where
    if row["response"]:
        day = dt.date.fromisoformat(row["response_date"])
        assert f'<span class="response">{row["response"].capitalize()}</span> (<time datetime="{day}">' in html, where
    if row["addressee"]:
        assert f'Addressed to: <bdi class="addressee-note">{row["addressee"]}</bdi>' in html, where
    elif not row["owners"]:
        assert 'Addressed to: <span class="text-body-secondary">not stated in the source</span>' in html, where
    for owner in _names(row["owners"]):
        assert f"<bdi>{owner}</bdi>" in html, where
    host = re.match(r"https?://(?:www\.)?([^/]+)", row["source_url"]).group(1)
    assert f'Source: <a href="{row["source_url"]}" rel="noopener noreferrer nofollow">{host}</a>' in html, where
    if row["heading"]:
        heading = row["heading"].replace("&", "&amp;").replace("'", "&#39;")
        before = page[: page.index(f'id="recommendation-{recommendation.id}"')]
        assert before.rindex(f"<bdi>{heading}</bdi></h3>") > before.rfind("</h3>") - len(heading) - 20, where


# --- out and back in ----------------------------------------------------------------------------


def _every_kind(make, admin) -> None:
    """The corpus, and a roundtable made in the tracker: co-chairs, participants, a heading
    without outcomes, outcomes, a draft with its contact person, a verified recommendation,
    and progress updates — one on a recommendation whose number its meeting gives twice."""
    batch = open_data.read([("r.csv", (CORPUS / "recommendations.csv").read_text("utf-8"))], create_missing=True)
    batch.write(admin)
    government, society = make.organisation("Government of Fiji"), make.organisation("Fiji Red Cross Society")
    co_chair = make.co_chair(organisation=government)
    owner = make.staff(organisation=society)
    roundtable = create_roundtable(
        co_chair, title="Roundtable on disaster law, Suva", start_date=dt.date(2024, 5, 2), co_chairs=[government],
        participants=[society], participants_note="12 Pacific National Societies", summary="**Two days** in Suva.",
        place="Suva", end_date=dt.date(2024, 5, 3), is_public=False,
    )  # fmt: skip
    empty = add_outcome_group(roundtable, co_chair, heading="Still to be discussed")
    agreed = add_outcome_group(roundtable, co_chair, heading="Agreed")
    outcome = add_outcome(agreed, co_chair, text="Review the disaster law; and")
    add_outcome(agreed, co_chair, text="Train the volunteers")
    draft = create_recommendation(
        roundtable, co_chair, text="Draft the bill", owners=[society], outcome=outcome,
        contact_name="Mere Tuilagi", contact_email="mere@example.org", due_date=dt.date(2027, 6, 30),
    )  # fmt: skip
    done = create_recommendation(roundtable, co_chair, text="Train 40 volunteers", owners=[society, government],
                                 group=empty, reference="2.1", language="fr")  # fmt: skip
    take_transition(done, "agree", co_chair, today=dt.date(2024, 5, 3))
    translate(done, co_chair, "en", {"text": "Train 40 volunteers, in English."})  # (written in French)
    set_indicators(done, co_chair, [{"name": "Volunteers trained", "unit": "people", "target_value": "40"}])
    post_progress_update(
        done, owner, text="20 trained.\n• Suva\n• Lautoka", date=dt.date(2024, 9, 1),
        indicator="Volunteers trained", value="20",
    )  # fmt: skip
    take_transition(done, "complete", owner, what_was_done="40 trained.", today=dt.date(2024, 12, 1))
    take_transition(done, "verify", co_chair, comment="Seen.")
    twice = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.reference == "1").order_by(Recommendation.id)
    ).first()  # (its meeting numbers two paragraphs "1": a declaration's and the statement's)
    db.session.add(ProgressUpdate(recommendation=twice, organisation=society, date=dt.date(2017, 2, 1), text="Met."))
    assert draft.status == "draft"


def _exports() -> dict[str, str]:
    return {
        "organisations.csv": open_data.export_organisations(),
        "meetings.csv": open_data.export_meetings(),
        "outcomes.csv": open_data.export_outcomes(),
        "recommendations.csv": open_data.export_recommendations(public=False),
        "progress_updates.csv": open_data.export_updates(),
    }


def test_every_kind_round_trips_export_import_export_byte_identical(app, make, admin, tmp_path):
    _every_kind(make, admin)
    society = db.session.scalar(sa.select(Recommendation).where(Recommendation.text == "Train 40 volunteers"))
    db.session.commit()
    exported = _exports()
    # Every kind holds its records: the heading without outcomes has a row of its own; the
    # update on a recommendation numbered twice in its meeting names it by its text.
    assert '"Roundtable on disaster law, Suva",Still to be discussed,\r\n' in exported["outcomes.csv"]
    assert "mere@example.org" in exported["recommendations.csv"]
    updates = list(csv.DictReader(io.StringIO(exported["progress_updates.csv"].removeprefix("\ufeff"))))
    assert [row["recommendation"] for row in updates] == [
        next(r["text"] for r in corpus("recommendations.csv") if r["reference"] == "1"), "2.1", "2.1",
    ]  # fmt: skip
    assert len(society.updates) == 2
    # Its indicator goes with it, with where it stands; the update says what it reported.
    assert '""name"": ""Volunteers trained""' in exported["recommendations.csv"]
    assert '""achieved"": ""20"", ""percent"": 50' in exported["recommendations.csv"]
    assert [(row["indicator"], row["value"]) for row in updates][1] == ("Volunteers trained", "20")
    with own_database(tmp_path, "meetings_copy") as url:
        copy = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with copy.app_context():
            db.create_all()
            batch = open_data.read(list(exported.items()))
            assert [str(error) for error in batch.errors] == []
            batch.write(Factories().admin())
            db.session.commit()
            again = _exports()
            for name, text in exported.items():
                assert again[name] == text, name
            db.session.remove()
            db.engine.dispose()  # (before its database is dropped)


def test_done_and_verified_keep_the_dates_the_source_gives(client, admin):
    text = (
        "meeting,meeting_kind,meeting_date,reference,text,owners,state,agreed_on,done_on,verified_on\r\n"
        "Universal Periodic Review of Fiji,review,2019-11-12,1.1,Ratify the convention,Fiji,verified,"
        "2020-01-10,2022-03-04,2022-05-06\r\n"
        "Universal Periodic Review of Fiji,,,1.2,Adopt the law,Fiji,done,,2023-02-01,\r\n"
    )
    batch = open_data.read([("r.csv", text)], create_missing=True)
    assert batch.errors == []
    batch.write(admin)
    db.session.commit()
    verified, done = db.session.scalars(sa.select(Recommendation).order_by(Recommendation.id)).all()
    assert (verified.agreed_on, verified.completed_on, verified.verified_at.date()) == (
        dt.date(2020, 1, 10), dt.date(2022, 3, 4), dt.date(2022, 5, 6),
    )  # fmt: skip
    assert (done.status, done.agreed_on, done.completed_on) == ("done", dt.date(2019, 11, 12), dt.date(2023, 2, 1))
    page = client.get(f"/recommendations/{verified.id}").get_data(as_text=True)
    assert '<dt>Marked done</dt>\n          <dd><time datetime="2022-03-04">' in page
    assert "<dt>Review</dt>" in page  # (its kind)
    assert "<dt>Co-chairs’ review</dt>\n          <dd>\n            <bdi>Verified</bdi> 6 May 2022" in page


@pytest.mark.parametrize(
    "row, message",
    [
        ("UPR,review,2019-11-12,Text,Fiji,,rejected,,agreed,", "Row 2, column response: “rejected” is not a response: use supported, noted or other."),
        ("UPR,review,2019-11-12,Text,Fiji,,,,accepted,", "Row 2, column state: “accepted” is not a state: use draft, agreed, done or verified."),
        ("UPR,review,2019-11-12,Text,,,,,agreed,", "Row 2, column owners: Before this recommendation can be agreed it needs a lead owner (or its addressee, as its source states it)."),
        ("UPR,summit,2019-11-12,Text,Fiji,,,,agreed,", "Row 2, column meeting: “summit” is not a kind of meeting: use roundtable, review, ministerial or meeting."),
        ("UPR,review,,Text,Fiji,,,,agreed,", "Row 2, column meeting: There is no meeting “UPR” in the tracker or in this import: give its meeting_date (and meeting_kind) to create it, or import a meetings file with it."),
        ("UPR,review,2019-11-12,,Fiji,,,,agreed,", "Row 2, column text: Write the recommendation."),
        ("UPR,review,2019-11-12,Text,Fiji,,,,draft,2020-01-01", "Row 2, column done_on: A draft has not been done: leave done_on empty, or give the state done."),
        ("UPR,review,2019-11-12,Text,Fiji,,noted,2999-01-01,agreed,", "Row 2, column response_date: 2999-01-01 is in the future."),
    ],
)  # fmt: skip
def test_recommendation_rows_are_refused_where_they_are_wrong(app, make, row, message):
    make.organisation("Fiji")
    db.session.commit()
    header = "meeting,meeting_kind,meeting_date,text,owners,addressee,response,response_date,state,done_on"
    batch = open_data.read([("r.csv", f"{header}\r\n{row}\r\n")])
    assert [str(error) for error in batch.errors] == [f"r.csv: {message}"]
    assert batch.recommendations == []


def test_a_progress_update_names_its_recommendation_and_one_of_its_owners(app, make, admin):
    batch = open_data.read([("r.csv", (CORPUS / "recommendations.csv").read_text("utf-8"))], create_missing=True)
    batch.write(admin)
    db.session.commit()
    header = "meeting,recommendation,date,organisation,text\r\n"
    upr = '"Universal Periodic Review of Slovenia, third cycle"'
    for rows, message in [
        (f"{upr},999.9,2021-01-01,Slovenia,Done", "Row 2, column recommendation: The meeting has no recommendation “999.9”"),
        (f"{upr},121.1,2021-01-01,France,Done", "Row 2, column organisation: France is not an owner of this recommendation."),
        (f"{upr},121.1,,Slovenia,Done", "Row 2, column date: Give the date of the update."),
        ("Sixth Bali Process Ministerial Conference,1,2021-01-01,Slovenia,x", "Row 2, column recommendation: More than one recommendation of the meeting is “1”: use its text."),
    ]:  # fmt: skip
        errors = [str(error) for error in open_data.read([("u.csv", header + rows + "\r\n")]).errors]
        assert len(errors) == 1 and errors[0].startswith(f"u.csv: {message}"), errors
    batch = open_data.read([("u.csv", header + f'{upr},121.1,2021-01-01,Slovenia,"Ratified.\nIn force 2022."\r\n')])
    assert batch.errors == []
    batch.write(admin)
    update = db.session.scalar(sa.select(ProgressUpdate))
    assert (update.recommendation.reference, update.organisation.name, update.text) == (
        "121.1", "Slovenia", "Ratified.\nIn force 2022.",
    )  # fmt: skip


def test_the_public_recommendations_csv_is_the_import_format_without_private_fields(client, make, admin):
    _every_kind(make, admin)
    db.session.commit()
    body = client.get("/recommendations.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert list(rows[0]) == list(PUBLIC_RECOMMENDATION_COLUMNS)
    assert "contact_name" not in body and "mere@example.org" not in body and "Mere Tuilagi" not in body
    texts = {row["text"] for row in rows}
    assert "Draft the bill" not in texts  # a draft, of a private roundtable
    assert "Train 40 volunteers" not in texts  # agreed, but its roundtable is not public
    assert len(rows) == len(corpus("recommendations.csv"))
    # The admin's export is the same file with the private columns.
    full = open_data.export_recommendations(public=False)
    assert full.splitlines()[0].endswith(",contact_name,contact_email")


def test_a_meetings_and_an_outcomes_file_make_a_review_and_its_headings(app, make, admin):
    make.organisation("Government of Fiji")
    db.session.commit()
    meetings = (
        "meeting,kind,start_date,co_chairs,public\r\n"
        "Universal Periodic Review of Fiji,review,2024-11-12,Government of Fiji,no\r\n"
    )
    outcomes = (
        "meeting,heading,outcome\r\n"
        "Universal Periodic Review of Fiji,Theme: Women's rights,Adopt the law\r\n"
        "Universal Periodic Review of Fiji,Theme: Women's rights,Fund the shelters\r\n"
        "Universal Periodic Review of Fiji,Theme: Climate,\r\n"
    )
    batch = open_data.read([("m.csv", meetings), ("o.csv", outcomes)])
    assert batch.errors == [] and batch.summary() == "1 meeting and 2 outcomes"
    batch.write(admin)
    db.session.commit()
    review = db.session.scalar(sa.select(Roundtable))
    assert (review.kind, review.is_public, [org.name for org in review.co_chairs]) == (
        "review", False, ["Government of Fiji"],
    )  # fmt: skip
    assert [(g.heading, [o.text for o in g.outcomes]) for g in review.outcome_groups] == [
        ("Theme: Women's rights", ["Adopt the law", "Fund the shelters"]), ("Theme: Climate", []),
    ]  # fmt: skip
    assert _count(OutcomeGroup) == 2 and _count(Outcome) == 2
    twice = open_data.read([("o.csv", outcomes)])  # the same outcomes again: none duplicated
    assert [str(e) for e in twice.errors] == [
        "o.csv: Row 2, column outcome: The heading “Theme: Women's rights” already has this outcome.",
        "o.csv: Row 3, column outcome: The heading “Theme: Women's rights” already has this outcome.",
    ]
    again = open_data.read([("m.csv", meetings)])
    assert [str(e) for e in again.errors] == [
        (
            "m.csv: Row 2, column meeting: A meeting called “Universal Periodic Review of Fiji” is already in the tracker "
            "or earlier in this import."
        )
    ]


def test_the_api_gives_a_review_s_recommendations_as_their_source_has_them(client, admin):
    batch = open_data.read([("r.csv", (CORPUS / "recommendations.csv").read_text("utf-8"))], create_missing=True)
    batch.write(admin)
    db.session.commit()
    answer = client.get("/api/v1/roundtables/universal-periodic-review-of-slovenia-third-cycle").get_json()
    assert answer["kind"] == "review"
    first = next(r for r in answer["recommendations"] if r["reference"] == "121.1")
    assert (first["recommending"], first["response"], first["response_date"], first["language"]) == (
        ["France", "Lithuania"], "supported", "2019-11-14", "en",
    )  # fmt: skip
    assert [owner["name"] for owner in first["owners"]] == ["Slovenia"] and first["addressee"] is None
    bali = client.get("/api/v1/roundtables/sixth-bali-process-ministerial-conference").get_json()
    assert {r["addressee"] for r in bali["recommendations"]} == {
        "members", "member states and organisations of the Bali Process",
    }  # fmt: skip


def test_a_workbook_of_a_review_and_its_updates_imports_like_csv(client, admin):
    """A spreadsheet as a secretariat keeps it: days as dates, a sheet for the updates."""
    from openpyxl import Workbook

    rows = [row for row in corpus("recommendations.csv") if row["meeting_kind"] == "review"]
    book = Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    columns = ["meeting", "meeting_kind", "meeting_date", "heading", "reference", "text", "recommending", "owners",
               "response", "response_date", "state", "source_url"]  # fmt: skip
    sheet.append(columns)
    for row in rows:
        days = {name: dt.datetime.fromisoformat(row[name]) for name in ("meeting_date", "response_date")}
        sheet.append([days.get(name, row[name] or None) for name in columns])
    updates = book.create_sheet("Updates")
    updates.append(["meeting", "recommendation", "date", "organisation", "text"])
    updates.append([rows[0]["meeting"], "121.1", dt.datetime(2023, 5, 2), "Slovenia", "Bill before parliament."])
    out = io.BytesIO()
    book.save(out)
    login(client, admin)
    uploaded = upload(client, {"slovenia.xlsx": out.getvalue()})
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "<strong>No errors.</strong>" in page
    assert f"1 meeting, {len(rows)} recommendations and 1 progress update" in page
    assert client.post(uploaded.headers["Location"], data={}).status_code == 302
    first = db.session.scalar(sa.select(Recommendation).where(Recommendation.reference == "121.1"))
    assert (first.response_date, first.roundtable.start_date) == (dt.date(2019, 11, 14), dt.date(2019, 11, 12))
    assert [(u.date, u.text) for u in first.updates] == [(dt.date(2023, 5, 2), "Bill before parliament.")]


def test_the_public_finds_meetings_by_their_kind(client, admin):
    batch = open_data.read([("r.csv", (CORPUS / "recommendations.csv").read_text("utf-8"))], create_missing=True)
    batch.write(admin)
    db.session.commit()
    page = client.get("/roundtables?kind=review").get_data(as_text=True)
    assert page.count('<li class="mb-3">') == 1 and "Universal Periodic Review of Slovenia" in page
    assert '<span class="meeting-kind">Review</span>' in page
    ministerial = client.get("/roundtables?kind=ministerial").get_data(as_text=True)
    assert ministerial.count('<li class="mb-3">') == 3 and "Slovenia" not in ministerial
    assert [r["kind"] for r in client.get("/api/v1/roundtables?kind=roundtable").get_json()["items"]] == ["roundtable"]


def test_importing_what_is_there_again_duplicates_nothing_and_says_so(app, admin, tmp_path):
    """The tracker's own export, uploaded again (found by a new admin trying it): each
    recommendation already there is refused by row, never imported a second time — and a
    recommendation marked done then sent back keeps the day it was marked done."""
    from tracker.data.demo import load_demo

    load_demo(today=dt.date(2026, 12, 4))
    db.session.commit()
    exported = open_data.export_recommendations(public=False)
    before = _count(Recommendation)
    sent_back = db.session.scalar(sa.select(Recommendation).where(Recommendation.sent_back_at.is_not(None)))
    assert sent_back.status == "in_progress" and sent_back.completed_on is not None
    batch = open_data.read([("recommendations.csv", exported)])
    assert len(batch.errors) == before and batch.recommendations == []
    assert all(error.column == "text" and "already has this recommendation, in the tracker." in error.message
               for error in batch.errors)  # fmt: skip
    # Into an empty tracker: every one, the sent-back one with its day; the same rows twice
    # in one file are refused there too.
    day = sent_back.completed_on
    with own_database(tmp_path, "reimport_copy") as url:
        copy = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with copy.app_context():
            db.create_all()
            twice = open_data.read([("twice.csv", exported + exported.split("\r\n", 1)[1])], create_missing=True)
            assert len(twice.errors) == before
            assert all("already has this recommendation, earlier in this import." in e.message for e in twice.errors)
            batch = open_data.read([("recommendations.csv", exported)], create_missing=True)
            assert batch.errors == []
            batch.write(Factories().admin())
            db.session.commit()
            copied = db.session.scalar(sa.select(Recommendation).where(Recommendation.text == sent_back.text))
            assert (copied.status, copied.completed_on) == ("in_progress", day)
            db.session.remove()
            db.engine.dispose()  # (before its database is dropped)


def test_a_state_an_import_names_is_created_as_a_government(app):
    """A UPR's recommending States come in as governments (a new admin found "Australia
    (Other)" beside "United Kingdom (Government)"); a collective named in words is no State."""
    from tracker.accounts.models import OrganisationKind
    from tracker.data.open_data.cells import new_organisation

    kinds = {name: new_organisation(name).kind for name in (
        "Slovenia", "Australia", "Viet Nam", "Türkiye", "United Kingdom of Great Britain and Northern Ireland",
        "Croix-Rouge française", "Asia Pacific Migration Network",
    )}  # fmt: skip
    assert kinds == {
        "Slovenia": OrganisationKind.GOVERNMENT, "Australia": OrganisationKind.GOVERNMENT,
        "Viet Nam": OrganisationKind.GOVERNMENT, "Türkiye": OrganisationKind.GOVERNMENT,
        "United Kingdom of Great Britain and Northern Ireland": OrganisationKind.GOVERNMENT,
        "Croix-Rouge française": OrganisationKind.NATIONAL_SOCIETY,
        "Asia Pacific Migration Network": OrganisationKind.OTHER,
    }  # fmt: skip


def test_a_recommendation_and_its_updates_read_as_written(client, admin):
    """Plain text as written (issue 18, item 5): hand-made bullets are a list, an address a link."""
    batch = open_data.read([("r.csv", (CORPUS / "recommendations.csv").read_text("utf-8"))], create_missing=True)
    batch.write(admin)
    update = (
        "meeting,recommendation,date,organisation,text\r\n"
        '"Universal Periodic Review of Slovenia, third cycle",121.1,2022-03-01,Slovenia,'
        '"Steps taken:\n• bill drafted\n• consultation held\nSee https://www.gov.si/en/"\r\n'
    )
    batch = open_data.read([("u.csv", update)])
    assert batch.errors == []
    batch.write(admin)
    db.session.commit()
    recommendation = db.session.scalar(sa.select(Recommendation).where(Recommendation.reference == "121.1"))
    page = client.get(f"/recommendations/{recommendation.id}").get_data(as_text=True)
    item = re.search(r'<div class="update-text" lang="[^"]+" dir="auto">(.*?)</div>', page, re.S).group(1)
    assert "<li>bill drafted</li>" in item and "<li>consultation held</li>" in item
    assert '<a href="https://www.gov.si/en/"' in item
