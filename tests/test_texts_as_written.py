"""Texts read like their source (issue 18): a long text is plain text as written unless its
writer chose Markdown; each pledge and action says its language and where it was published
first; slugs come from titles in any script. The texts are real: pledges of the
International Conference of the Red Cross and Red Crescent (tests/data/corpus/, with their
sources in SOURCES.md)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tracker.core.changes import InvalidField
from tracker.core.extensions import db
from tracker.core.sources import check_language
from tracker.core.text import render_plain, render_text, slugify
from tracker.data import open_data
from tracker.pledges.models import Pledge
from tracker.pledges.operations import create_pledge, edit_action

from .factories import PASSWORD

CORPUS = Path(__file__).parent / "data" / "corpus"


def corpus_pledge(**match: str) -> dict[str, str]:
    """The one pledge of the corpus whose cells match (a cell's start, for `text`)."""
    with open(CORPUS / "pledges.csv", newline="", encoding="utf-8") as file:
        rows = [
            row
            for row in csv.DictReader(file)
            if all(row[k].startswith(v) if k == "text" else row[k] == v for k, v in match.items())
        ]
    assert len(rows) == 1, match
    return rows[0]


def words(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- plain text, as written ------------------------------------------------------------------


def test_single_line_breaks_and_hand_made_bullets_are_kept():
    # P2403 (31st IC): "•" bullets, each after a blank line, then a tab-like run of spaces.
    text = corpus_pledge(source_reference="P2403")["text"]
    html = render_plain(text)
    assert html.startswith("<p>To support climate change adaptation in the Asia Pacific region by:</p>")
    assert html.count("<ul><li>") == 2  # (a blank line between items: two lists of one)
    assert "<li>supporting Asia Pacific countries to develop and implement adaptation strategies; and</li>" in html
    assert "•" not in html  # the bullet is the list's own


def test_dash_items_become_a_list_not_one_paragraph():
    # SP320112 (32nd IC): "- " items on consecutive lines, which Markdown would also read, and
    # a heading line before them that Markdown would run into the first item.
    text = corpus_pledge(source_reference="SP320112")["text"]
    html = render_plain(text)
    assert html.startswith(
        "<p>For the years 2016 – 2019, the Australian Government and Australian Red Cross hereby pledge:</p>\n<ul>"
    )
    assert html.count("<li>To ") >= 3


def test_numbered_and_lettered_items_keep_their_numbers_and_letters_as_written():
    # A 33rd IC pledge: "A) Objectives", "1." … "3.", "B) Action plan", then "- " items.
    text = corpus_pledge(text="A) Objectives of the pledge:\n1. Continuing")["text"]
    html = render_plain(text)
    markers = re.findall(r'<span class="item-marker">([^<]+)</span>', html)
    assert markers[:5] == ["A)", "1.", "2.", "3.", "B)"]
    assert '<ol class="as-written">' in html
    # The item's own words follow its marker, in the source's order.
    assert words(html).startswith("A) Objectives of the pledge: 1. Continuing to support")


def test_plain_text_interprets_nothing_else():
    text = (
        "Progress in 2019\n"
        "----------------\n"
        "    indented, as pasted from a report\n"
        "**not bold**, # not a heading, <b>not markup</b>, [not](a link)\n"
        "See https://rcrcconference.org/pledge/p2065/ (the pledge)."
    )
    html = str(render_plain(text))
    assert "<h2>" not in html and "<pre>" not in html and "<code>" not in html and "<strong>" not in html
    assert "Progress in 2019<br>\n----------------<br>\nindented, as pasted from a report<br>" in html
    assert "**not bold**, # not a heading, &lt;b&gt;not markup&lt;/b&gt;, [not](a link)" in html
    assert (
        'See <a href="https://rcrcconference.org/pledge/p2065/" rel="noopener noreferrer nofollow">'
        "https://rcrcconference.org/pledge/p2065/</a> (the pledge)." in html
    )


@pytest.mark.parametrize(
    "written, link",
    [
        ("javascript:alert(1) https://ok.example/x", "https://ok.example/x"),
        ("see www.ifrc.org.", "https://www.ifrc.org"),
        ("(https://en.wikipedia.org/wiki/Bali_Process_(2002))", "https://en.wikipedia.org/wiki/Bali_Process_(2002)"),
    ],
)
def test_only_web_addresses_become_links_without_the_sentence_around_them(written, link):
    html = str(render_plain(written))
    assert re.findall(r'href="([^"]+)"', html) == [link]


def test_markdown_is_markdown_when_the_writer_chose_it():
    assert str(render_text("We will **strengthen**", "markdown")) == "<p>We will <strong>strengthen</strong></p>\n"
    assert str(render_text("We will **strengthen**", "plain")) == "<p>We will **strengthen**</p>"


# --- on the page, in the API, in the open data -------------------------------------------------


def test_a_french_pledge_with_its_source_reads_as_french_and_says_where_it_comes_from(client, make):
    row = corpus_pledge(language="fr", text="Engagement pour les années 2016")
    staff = make.staff()
    pledge = make.pledge_in_progress(
        author=staff,
        title="Engagement pour les années 2016 à 2019",
        text=row["text"],
        language="Français",  # a language named in words is understood
        source_reference="P-32-FR",
        source_url=row["source_url"],
    )
    action = make.action(pledge, author=staff, summary="Diffusion du droit international humanitaire.")
    make.action(pledge, author=staff, summary="Dissemination sessions held.", language="en")
    db.session.commit()
    assert pledge.language == "fr"

    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert '<h1 lang="fr" dir="auto">Engagement pour les années 2016 à 2019</h1>' in page
    assert '<div class="pledge-text" lang="fr" dir="auto"><p>Engagement pour les années 2016 à 2019</p>' in page
    assert "<dt>Language</dt>\n          <dd>French</dd>" in page
    assert f'<a href="{row["source_url"]}" rel="noopener noreferrer nofollow"><bdi>P-32-FR</bdi></a>' in page
    assert f'id="action-{action.id}"' in page
    # An action is in its pledge's language unless it says otherwise.
    assert '<p class="action-summary" lang="fr" dir="auto">Diffusion du droit international humanitaire.</p>' in page
    assert '<p class="action-summary" lang="en" dir="auto">Dissemination sessions held.</p>' in page

    data = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    assert (data["language"], data["source_reference"], data["source_url"]) == ("fr", "P-32-FR", row["source_url"])
    assert data["text_format"] == "plain"
    assert [a["language"] for a in data["actions"]] == ["fr", "en"]


def test_the_open_data_carries_format_language_and_source_and_imports_them_back(app, make):
    staff = make.staff()
    pledge = make.pledge_in_progress(
        author=staff, text="Ligne 1\n• point", language="fr", source_reference="P2065", source_url="https://x.org/p"
    )
    make.action(pledge, author=staff, summary="Report", source_reference="R-1", language="es", text_format="markdown")
    db.session.commit()

    def export(slug: str) -> tuple[str, str]:
        chosen = sa.select(Pledge).where(Pledge.slug == slug)
        return open_data.export_pledges(chosen, lambda p: f"https://t/{p.slug}"), open_data.export_actions(chosen)

    pledges_csv, actions_csv = export(pledge.slug)
    row = next(csv.DictReader(pledges_csv.removeprefix("\ufeff").splitlines()))
    assert (row["text_format"], row["language"], row["source_reference"], row["source_url"]) == (
        "plain",
        "fr",
        "P2065",
        "https://x.org/p",
    )
    action_row = next(csv.DictReader(actions_csv.removeprefix("\ufeff").splitlines()))
    assert (action_row["text_format"], action_row["language"], action_row["source_reference"]) == (
        "markdown",
        "es",
        "R-1",
    )
    # Imported again as a copy, and exported: the same bytes, but for its slug.
    copy = [text.replace(pledge.slug, "the-copy") for text in (pledges_csv, actions_csv)]
    batch = open_data.read([("pledges.csv", copy[0]), ("actions.csv", copy[1])])
    assert batch.errors == []
    batch.write()
    db.session.commit()
    assert list(export("the-copy")) == copy


@pytest.mark.parametrize(
    "column, cell, message",
    [
        ("language", "Klingonish", "“Klingonish” is not a language tag: use a BCP 47 tag such as en, fr, es, ar or es-419."),
        ("text_format", "html", "“html” is not a text format: use plain or markdown."),
        ("source_url", "rcrcconference.org/p", "The source's address must start with https:// or http://, not “rcrcconference.org/p”."),
    ],
)  # fmt: skip
def test_an_import_names_the_row_and_column_of_a_bad_language_format_or_source(app, make, column, cell, message):
    lead = make.organisation(name="Australian Red Cross")
    db.session.commit()
    text = f"slug,title,state,lead_signatory,{column}\r\nregional-protection,Regional Protection,draft,{lead.name},{cell}\r\n"
    batch = open_data.read([("pledges.csv", text)])
    assert [str(error) for error in batch.errors] == [f"pledges.csv: Row 2, column {column}: {message}"]


def test_an_import_without_a_format_is_plain_text_as_written(app, make):
    lead = make.organisation(name="Australian Red Cross")
    db.session.commit()
    text = f'slug,title,state,lead_signatory,text\r\nx,X,draft,{lead.name},"1. one\n2. two"\r\n'
    batch = open_data.read([("pledges.csv", text)])
    assert batch.errors == []
    assert (batch.pledges[0].text_format, batch.pledges[0].language) == ("plain", "en")


# --- the editor ------------------------------------------------------------------------------


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


def test_the_editor_previews_the_text_as_its_page_will_show_it_and_saves_nothing(client, make):
    staff = make.staff()
    db.session.commit()
    _login(client, staff)
    typed = {
        "title": "Regional Protection",
        "lead": str(staff.organisation_id),
        "text": "We pledge:\n1. to train\n2. to report",
        "text_format": "plain",
        "language": "en",
        "preview": "Preview the text",
    }
    response = client.post("/pledges/new", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: the text as its page will show it" in page
    assert '<li><span class="item-marker">1.</span> to train</li>' in page
    assert "We pledge:\n1. to train\n2. to report</textarea>" in page  # what was typed is kept
    assert db.session.query(Pledge).count() == 0

    markdown = client.post("/pledges/new", data={**typed, "text": "**bold**", "text_format": "markdown"})
    assert "<p><strong>bold</strong></p>" in markdown.get_data(as_text=True)


def test_the_editor_saves_format_language_and_source_and_refuses_a_source_that_is_not_a_web_address(client, make):
    staff = make.staff()
    db.session.commit()
    _login(client, staff)
    typed = {
        "title": "Engagement",
        "lead": str(staff.organisation_id),
        "text": "Texte",
        "text_format": "markdown",
        "language": "fr",
        "source_reference": "P2065",
        "source_url": "rcrcconference.org",
        "signatories_note": "Les Sociétés nationales de la région",
    }
    refused = client.post("/pledges/new", data=typed)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Enter the source&#39;s full web address, starting with https:// (or http://)." in page
    assert 'value="P2065"' in page and 'value="Les Sociétés nationales de la région"' in page
    assert client.post("/pledges/new", data={**typed, "source_url": "https://rcrcconference.org/p"}).status_code == 302
    pledge = db.session.query(Pledge).one()
    assert (pledge.text_format, pledge.language, pledge.source_reference, pledge.source_url) == (
        "markdown",
        "fr",
        "P2065",
        "https://rcrcconference.org/p",
    )
    assert pledge.signatories_note == "Les Sociétés nationales de la région"
    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert (
        'Les Sociétés nationales de la région</bdi> <span class="text-body-secondary">(as the source states them)'
        in page
    )


def test_an_action_edited_in_another_language_keeps_it_in_history(app, make):
    staff = make.staff()
    pledge = make.pledge_in_progress(author=staff)
    action = make.action(pledge, author=staff, summary="Trained volunteers.")
    entry = edit_action(
        action,
        staff,
        date=action.date,
        summary=action.summary,
        organisations=action.organisations,
        language="fr",
        source_reference="R-7",
    )
    assert entry is not None
    assert entry.changes["language"] == [None, "fr"] and entry.changes["source_reference"] == [None, "R-7"]
    # Set back to its pledge's language, it follows its pledge again.
    edit_action(
        action, staff, date=action.date, summary=action.summary, organisations=action.organisations, language="en"
    )
    assert action.language is None


# --- languages and slugs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, kept",
    [("fr", "fr"), ("EN_au", "en-AU"), ("es-419", "es-419"), ("Français", "fr"), ("Arabic", "ar"), ("", "en")],
)
def test_a_language_is_a_bcp_47_tag_or_its_name(given, kept):
    assert check_language(given) == kept


@pytest.mark.parametrize("given", ["zz", "und", "english please", "Klingonish", "123"])
def test_a_language_that_is_not_one_is_refused(given):
    with pytest.raises(InvalidField):
        check_language(given)


@pytest.mark.parametrize(
    "title, slug",
    [
        ("تعهد الجمعية الوطنية", "t-hd-ljm-y-lwtny"),
        ("Cam kết của Hội Chữ thập đỏ Việt Nam", "cam-ket-cua-hoi-chu-thap-do-viet-nam"),
        ("Engagement de la Croix-Rouge française : autorités", "engagement-de-la-croix-rouge-francaise-autorites"),
        ("Обязательство", "obiazatelstvo"),
        ("Regional Protection 2019–2023", "regional-protection-2019-2023"),
    ],
)
def test_titles_in_any_script_give_readable_slugs(title, slug):
    assert slugify(title) == slug


def test_pledges_with_titles_in_other_scripts_get_their_own_slugs_not_pledge_2(app, make):
    staff = make.staff()
    first = create_pledge(staff, title="تعهد بشأن الهجرة", lead=staff.organisation)
    second = create_pledge(staff, title="تعهد بشأن الكوارث", lead=staff.organisation)
    assert (first.slug, second.slug) == ("t-hd-bshn-lhjr", "t-hd-bshn-lkwrth")


def test_an_undated_report_stays_undated_when_its_organisation_edits_it(client, make):
    staff = make.staff()
    pledge = make.pledge_in_progress(author=staff)
    action = make.action(pledge, author=staff, summary="Report of 2019.")
    action.date = None  # as an import leaves a report its source does not date
    db.session.commit()
    _login(client, staff)
    form = client.get(f"/pledges/{pledge.slug}/actions/{action.id}/edit").get_data(as_text=True)
    assert "Its source does not date it: leave this empty to keep “Date not stated”." in form
    saved = client.post(
        f"/pledges/{pledge.slug}/actions/{action.id}/edit",
        data={"version": str(action.version), "date": "", "summary": "Report of 2019, corrected.",
              "organisations": [str(staff.organisation_id)], "text_format": "plain", "language": ""},
    )  # fmt: skip
    assert saved.status_code == 302
    assert (action.date, action.summary) == (None, "Report of 2019, corrected.")
    page = client.get(f"/pledges/{pledge.slug}").get_data(as_text=True)
    assert '<span class="date-not-stated">Date not stated</span>' in page
    # A new action still needs its date: staff record what they did, when they did it.
    refused = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data={"date": "", "summary": "x", "organisations": [str(staff.organisation_id)]},
    )
    assert refused.status_code == 422
