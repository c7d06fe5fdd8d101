"""Records in several languages (issue 21, item 5): a pledge's or an action's texts may be
translated by those who may edit them, beside the original; the public page shows the
visitor's language when a translation exists — "Translated from the original in French —
read the original", the original one click away; search finds the record by any of its
translations; the API and the CSV carry `language` and `translations`, and the import takes
them, refused as the editor refuses them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
import sqlalchemy as sa

from tracker.core.access import PermissionDenied
from tracker.core.changes import EditConflict, InvalidField
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.core.translations import shown_in, translate
from tracker.data.demo import load_demo
from tracker.pledges.models import Pledge

from .factories import PASSWORD
from .test_open_data import _action_rows, _import, _pledge_rows, counts, reference  # noqa: F401 (a fixture)

# The Belgian authorities' pledge at the 32nd Conference, as published in French
# (https://rcrcconference.org/pledge/soins-de-sante-en-danger-renforcer-le-cadre-normatif-national,
# tests/data/corpus/SOURCES.md), and the demo's English translation of it.
FRENCH_TITLE = "Soins de santé en danger – Renforcer le cadre normatif national"
ENGLISH_TITLE = "Health care in danger – Strengthening the national normative framework"
SLUG = "soins-de-sante-en-danger-renforcer-le-cadre-normatif-national"


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def french(make):
    """A published pledge written in French, with one action, its staff able to translate."""
    pledge = make.pledge_in_progress(
        title=FRENCH_TITLE,
        text="Les Autorités belges et la Croix-Rouge de Belgique analyseront les recommandations de l’atelier.",
        language="fr",
    )
    staff = make.staff(organisation=pledge.lead_signatory)
    action = make.action(pledge, author=staff, summary="Atelier national sur les emblèmes, Bruxelles.")
    db.session.commit()
    return pledge, action, staff


def _login(client, person):
    assert client.post("/auth/login", data={"email": person.email, "password": PASSWORD}).status_code == 302


# --- the operation -------------------------------------------------------------------------------------


def test_a_translation_is_kept_found_by_search_and_in_history_and_all_blank_removes_it(french):
    pledge, _action, staff = french
    translate(
        pledge, staff, "EN", {"title": ENGLISH_TITLE, "text": "They will analyse the workshop’s recommendations."}
    )
    db.session.commit()
    assert pledge.translations == {
        "en": {"title": ENGLISH_TITLE, "text": "They will analyse the workshop’s recommendations."}
    }
    assert "normative framework" in pledge.search_text and "cadre normatif" in pledge.search_text
    entry = db.session.scalar(sa.select(HistoryEntry).where(HistoryEntry.event == "translated"))
    assert entry.actor_id == staff.id and entry.changes["translation"] == ["en", "en"]
    assert entry.changes["title"] == [None, ENGLISH_TITLE]
    # Shown: the translation to a reader of English (any English), the original otherwise.
    assert shown_in(pledge, "en").translated and shown_in(pledge, "en").title == ENGLISH_TITLE
    assert shown_in(pledge, "en-AU").title == ENGLISH_TITLE
    assert not shown_in(pledge, "fr").translated and shown_in(pledge, "fr").title == FRENCH_TITLE
    assert shown_in(pledge, "es").title == FRENCH_TITLE  # no Spanish translation: the original
    original = shown_in(pledge, "en", original=True)
    assert (original.title, original.language, original.other) == (FRENCH_TITLE, "fr", "en")
    # Every text blank: the translation is gone, and history says so.
    translate(pledge, staff, "en", {"title": " ", "text": ""})
    db.session.commit()
    assert pledge.translations == {} and "normative" not in pledge.search_text
    assert translate(pledge, staff, "en", {"title": "", "text": ""}) is None  # nothing to remove: no entry


@pytest.mark.parametrize(
    "language, texts, field, message",
    [
        ("fr", {"title": "Autre titre"}, "language", "It is written in this language"),
        ("fr-BE", {"title": "Autre titre"}, "language", "It is written in this language"),
        ("zz-nothing", {"title": "A title"}, "language", "is not a language"),
        ("", {"title": "A title"}, "language", "Choose the language of the translation."),
        ("en", {"title": "", "text": "Only the text."}, "title", "Give the pledge a title."),
        ("en", {"title": "x" * 301}, "title", "Use at most 300 characters here (this has 301)."),
        ("en", {"title": "Two\nlines"}, "title", "Write this on one line"),
    ],
)  # fmt: skip
def test_a_translation_obeys_the_originals_limits_and_nothing_is_half_written(french, language, texts, field, message):
    pledge, _action, staff = french
    with pytest.raises(InvalidField) as refused:
        translate(pledge, staff, language, texts)
    assert refused.value.field == field and message in str(refused.value)
    db.session.rollback()
    assert db.session.get(Pledge, pledge.id).translations == {}


def test_only_those_who_may_edit_translate_and_a_stale_form_is_refused(french, make):
    pledge, action, staff = french
    with pytest.raises(PermissionDenied):
        translate(pledge, make.staff(), "en", {"title": "A stranger's title"})
    with pytest.raises(PermissionDenied):  # an action is its signatory's: another's staff cannot
        translate(action, make.staff(), "en", {"summary": "A stranger's summary"})
    opened_at = pledge.version
    translate(pledge, staff, "en", {"title": ENGLISH_TITLE})
    db.session.commit()
    with pytest.raises(EditConflict):
        translate(pledge, staff, "en", {"title": "Mine, from an older form"}, expected_version=opened_at)


# --- the pages --------------------------------------------------------------------------------------------


def test_the_editor_shows_the_original_beside_the_translation_and_keeps_a_refused_one(client, french):
    pledge, _action, staff = french
    _login(client, staff)
    page = text_of(client.get(f"/pledges/{pledge.slug}/translation?language=en"))
    assert "Translation into English" in page
    assert (
        f'<div class="translation-original border rounded p-2 bg-body-tertiary pre-wrap" lang="fr" dir="auto">{FRENCH_TITLE}</div>'
        in page
    )
    assert re.search(r'<input[^>]*id="title"[^>]*lang="en"', page) or re.search(
        r'<input[^>]*lang="en"[^>]*id="title"', page
    )
    assert "Title in English" in page
    # Refused: a text but no title. What was typed stays, with what to fix; nothing is saved.
    refused = client.post(
        f"/pledges/{pledge.slug}/translation",
        data={"language": "en", "version": pledge.version, "title": "", "text": "Typed with care."},
    )
    assert refused.status_code == 422
    kept = refused.get_data(as_text=True)
    assert "Give the pledge a title." in kept and "Typed with care.</textarea>" in kept
    assert db.session.get(Pledge, pledge.id).translations == {}
    saved = client.post(
        f"/pledges/{pledge.slug}/translation",
        data={"language": "en", "version": pledge.version, "title": ENGLISH_TITLE, "text": "Typed with care."},
    )
    assert saved.status_code == 302 and saved.headers["Location"] == f"/pledges/{pledge.slug}"
    assert db.session.get(Pledge, pledge.id).translations["en"]["title"] == ENGLISH_TITLE
    history = text_of(client.get(f"/pledges/{pledge.slug}/history"))
    assert "Translation changed" in history and "English (en)" in history and ENGLISH_TITLE in history
    assert "not a language" in client.get(f"/pledges/{pledge.slug}/translation?language=klingon-x").get_data(
        as_text=True
    )


def test_a_visitor_reads_the_translation_into_their_language_with_the_original_one_click_away(client, french):
    pledge, action, staff = french
    translate(pledge, staff, "en", {"title": ENGLISH_TITLE, "text": "They will analyse the recommendations."})
    translate(action, staff, "en", {"summary": "National workshop on the emblems, Brussels."})
    db.session.commit()
    english = text_of(client.get(f"/pledges/{pledge.slug}", headers={"Accept-Language": "en"}))
    assert f'<h1 lang="en" dir="auto">{ENGLISH_TITLE}</h1>' in english
    assert (
        f'Translated from the original in French — <a href="/pledges/{pledge.slug}?text=original">read the original</a>'
        in english
    )
    assert '<p class="action-summary" lang="en" dir="auto">National workshop on the emblems, Brussels.</p>' in english
    assert f'<a href="/pledges/{pledge.slug}?text=original#action-{action.id}">read the original</a>' in english
    original = text_of(client.get(f"/pledges/{pledge.slug}?text=original", headers={"Accept-Language": "en"}))
    assert f'<h1 lang="fr" dir="auto">{FRENCH_TITLE}</h1>' in original
    assert f'The original, in French — <a href="/pledges/{pledge.slug}">read the translation</a>' in original
    # A French reader reads the original, and is told nothing about translations.
    in_french = text_of(client.get(f"/pledges/{pledge.slug}", headers={"Accept-Language": "fr"}))
    assert f'<h1 lang="fr" dir="auto">{FRENCH_TITLE}</h1>' in in_french and "translation-note" not in in_french
    # The register lists it by its English title for an English reader; search finds it in both.
    for words in ("normative", "normatif"):
        listed = text_of(client.get(f"/pledges?q={words}", headers={"Accept-Language": "en"}))
        assert (
            f'<bdi lang="en">{ENGLISH_TITLE}</bdi></a> <span class="small text-body-secondary fw-normal">(translated from French)</span>'
            in listed
        )
    # An action's translation finds its pledge too.
    assert f'<bdi lang="en">{ENGLISH_TITLE}</bdi>' in text_of(client.get("/pledges?q=emblems&lang=en"))


def test_the_demo_french_pledge_is_french_and_an_english_reader_gets_its_translation(client, app):
    load_demo()
    db.session.commit()
    in_french = text_of(client.get(f"/pledges/{SLUG}?lang=fr"))
    assert f'<h1 lang="fr" dir="auto">{FRENCH_TITLE}</h1>' in in_french
    english = text_of(client.get(f"/pledges/{SLUG}?lang=en"))
    assert f'<h1 lang="en" dir="auto">{ENGLISH_TITLE}</h1>' in english and "read the original" in english


# --- the API, the CSV and the import -------------------------------------------------------------------


def test_the_api_and_the_csv_carry_language_and_translations_and_the_import_takes_them_back(client, french, make):
    pledge, action, staff = french
    translate(pledge, staff, "en", {"title": ENGLISH_TITLE})
    translate(action, staff, "es", {"summary": "Taller nacional sobre los emblemas.", "details": ""})
    db.session.commit()
    body = client.get(f"/api/v1/pledges/{pledge.slug}").get_json()
    assert body["language"] == "fr" and body["translations"] == {"en": {"title": ENGLISH_TITLE}}
    assert body["actions"][0]["translations"] == {"es": {"summary": "Taller nacional sobre los emblemas."}}
    listed = client.get("/api/v1/pledges?q=normative").get_json()
    assert [item["translations"] for item in listed["items"]] == [{"en": {"title": ENGLISH_TITLE}}]
    rows = list(csv.DictReader(io.StringIO(client.get("/pledges.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert json.loads(rows[0]["translations"]) == {"en": {"title": ENGLISH_TITLE}} and rows[0]["language"] == "fr"
    actions = list(csv.DictReader(io.StringIO(client.get("/actions.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert json.loads(actions[0]["translations"]) == {"es": {"summary": "Taller nacional sobre los emblemas."}}


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize(
    "cell, message",
    [
        ('{"en": {"title": "Same language"}}', "It is written in this language"),
        ('{"fr": {"text": "Sans titre."}}', "Give the pledge a title."),
        ('{"fr": {"title": 5}}', "A translation's texts are words"),
        ('{"fr": {"title": "Titre", "summary": "?"}}', "A translation holds title, text only"),
        ('["fr"]', "Give the translations by language"),
        ("fr: Protection régionale", "This is not valid JSON"),
    ],
)
def test_the_import_refuses_a_translation_as_the_editor_does_and_writes_nothing(runner, tmp_path, cell, message):
    pledges = _pledge_rows()
    pledges[0]["translations"] = cell
    before = counts()
    result = _import(runner, tmp_path, pledges, _action_rows())
    assert result.exit_code == 1 and "Row 2, column translations: " + message in result.stderr, result.stderr
    assert counts() == before


@pytest.mark.usefixtures("reference")
def test_the_import_takes_translations(runner, tmp_path):
    pledges, actions = _pledge_rows(), _action_rows()
    pledges[0]["translations"] = json.dumps(
        {"fr": {"title": "Protection régionale", "text": "Renforcer la protection."}}
    )
    actions[0]["translations"] = json.dumps({"es-419": {"summary": "Organizó tres mesas redondas."}})
    result = _import(runner, tmp_path, pledges, actions)
    assert result.exit_code == 0, result.output
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == "regional-protection"))
    assert pledge.translations == {"fr": {"title": "Protection régionale", "text": "Renforcer la protection."}}
    assert pledge.actions[0].translations == {"es-419": {"summary": "Organizó tres mesas redondas."}}
    assert "protection regionale" in pledge.search_text  # (folded: found by "régionale" and "regionale")


def test_a_text_the_translation_leaves_out_is_shown_as_written_in_its_own_language(client, french):
    pledge, _action, staff = french
    translate(pledge, staff, "en", {"title": ENGLISH_TITLE})  # the title only
    db.session.commit()
    shown = shown_in(pledge, "en")
    assert (shown.title, shown.lang("title")) == (ENGLISH_TITLE, "en")
    assert (shown.text, shown.lang("text")) == (pledge.text, "fr")
    page = text_of(client.get(f"/pledges/{pledge.slug}", headers={"Accept-Language": "en"}))
    assert f'<div class="pledge-text" lang="fr" dir="auto"><p>{pledge.text}</p></div>' in page


def test_co_chairs_translate_a_recommendation_and_a_french_reader_reads_it_where_it_is_shown(client, make):
    from tracker.roundtables.operations import take_transition

    recommendation = make.recommendation(text="Formalise national coordination mechanisms.")
    roundtable = recommendation.roundtable
    co_chair = make.co_chair(organisation=roundtable.co_chairs[0])
    take_transition(recommendation, "agree", co_chair)
    db.session.commit()
    with pytest.raises(PermissionDenied):  # an owner's staff post updates; the words are the co-chairs'
        translate(recommendation, make.staff(organisation=recommendation.lead_owner), "fr", {"text": "Non."})
    _login(client, co_chair)
    page = text_of(client.get(f"/recommendations/{recommendation.id}/translation?language=fr"))
    assert "The recommendation in French" in page and "Formalise national coordination mechanisms." in page
    saved = client.post(
        f"/recommendations/{recommendation.id}/translation",
        data={
            "language": "fr",
            "version": recommendation.version,
            "text": "Officialiser les mécanismes de coordination nationaux.",
        },
    )
    assert saved.status_code == 302
    client.post("/auth/logout")
    french = text_of(client.get(f"/recommendations/{recommendation.id}", headers={"Accept-Language": "fr"}))
    assert '<div class="lead recommendation-text" lang="fr" dir="auto"><p>Officialiser les mécanismes' in french
    assert "Traduction de l’original en anglais" in french
    on_roundtable = text_of(client.get(f"/roundtables/{roundtable.slug}", headers={"Accept-Language": "fr"}))
    assert 'lang="fr">Officialiser les mécanismes de coordination nationaux.</a>' in on_roundtable
    english = text_of(client.get(f"/roundtables/{roundtable.slug}", headers={"Accept-Language": "en"}))
    assert "Formalise national coordination mechanisms.</a>" in english and "Officialiser" not in english
    assert client.get(f"/api/v1/roundtables/{roundtable.slug}").get_json()["recommendations"][0]["translations"] == {
        "fr": {"text": "Officialiser les mécanismes de coordination nationaux."}
    }


def test_an_owner_translates_its_progress_update_and_a_french_reader_reads_it(client, make):
    from tracker.roundtables.operations import post_progress_update, take_transition

    recommendation = make.recommendation()
    take_transition(recommendation, "agree", make.co_chair(organisation=recommendation.roundtable.co_chairs[0]))
    owner = make.staff(organisation=recommendation.lead_owner)
    post_progress_update(recommendation, owner, text="Mechanism drafted.", date=dt.date(2026, 11, 1))
    db.session.commit()
    update = recommendation.updates[0]
    with pytest.raises(PermissionDenied):  # another organisation's staff, even a co-chair's
        translate(update, make.co_chair(organisation=recommendation.roundtable.co_chairs[0]), "fr", {"text": "Non."})
    _login(client, owner)
    form = text_of(client.get(f"/recommendations/{recommendation.id}/updates/{update.id}/translation?language=fr"))
    assert "Mechanism drafted." in form and "What has happened in French" in form
    saved = client.post(
        f"/recommendations/{recommendation.id}/updates/{update.id}/translation",
        data={"language": "fr", "text": "Mécanisme rédigé."},
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#update-{update.id}")
    client.post("/auth/logout")
    french = text_of(client.get(f"/recommendations/{recommendation.id}", headers={"Accept-Language": "fr"}))
    assert '<div class="update-text" lang="fr" dir="auto"><p>Mécanisme rédigé.</p></div>' in french
    english = text_of(client.get(f"/recommendations/{recommendation.id}", headers={"Accept-Language": "en"}))
    assert '<div class="update-text" lang="en" dir="auto"><p>Mechanism drafted.</p></div>' in english
