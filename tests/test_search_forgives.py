"""Search forgives accents and case, in every script, the same on SQLite and PostgreSQL
(issue 18): the suite runs these on both. The words are real: pledges and reports of the
tracker's corpus (tests/data/corpus/), in French, Spanish and Vietnamese, and Arabic."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_api import walk
from tracker.core.extensions import db
from tracker.core.search import fold
from tracker.pledges.models import Pledge
from tracker.pledges.operations import edit_pledge, withdraw_action
from tracker.pledges.search import document_matches


def found(client, q: str, path: str = "/pledges") -> str:
    return client.get(path, query_string={"q": q}).get_data(as_text=True)


@pytest.fixture
def pledges(make):
    staff = make.staff()
    french = make.pledge_in_progress(
        author=staff,
        title="Engagement pour les années 2016 à 2019",
        text="Les autorités françaises et la Croix-Rouge française, convaincues de l’importance d’établir une coopération",
        language="fr",
    )
    spanish = make.pledge_in_progress(
        author=staff, title="Promesa en materia de salud", text="Asistencia de salud en peligro", language="es"
    )
    arabic = make.pledge_in_progress(author=staff, title="تعهد الجمعية الوطنية", text="في المَدِينَة", language="ar")
    vietnamese = make.pledge_in_progress(author=staff, title="Cam kết của Hội Chữ thập đỏ Việt Nam", language="vi")
    make.action(spanish, author=staff, summary="Formación del Cuerpo Militar de Sanidad.")
    db.session.commit()
    return {"fr": french, "es": spanish, "ar": arabic, "vi": vietnamese}


@pytest.mark.parametrize(
    "q, language",
    [
        ("autorites", "fr"),
        ("AUTORITÉS françaises", "fr"),
        ("Autorites Francaises", "fr"),
        ("annees 2016", "fr"),
        ("formacion", "es"),  # in an action's summary
        ("CUERPO militar", "es"),
        ("مدينة", "ar"),  # without its harakat
        ("hoi chu thap do", "vi"),
        ("Việt Nam", "vi"),
    ],
)
def test_a_word_is_found_whatever_its_accents_and_case(client, pledges, q, language):
    page = found(client, q)
    assert f'href="/pledges/{pledges[language].slug}"' in page
    others = [p for lang, p in pledges.items() if lang != language]
    assert not any(f'href="/pledges/{p.slug}"' in page for p in others)


def test_a_word_not_there_is_not_found_and_percent_is_a_character(client, pledges):
    for q in ("autoritarian", "100%", "a_b"):
        page = found(client, q)
        assert not any(f'href="/pledges/{p.slug}"' in page for p in pledges.values()), q


def test_an_edited_title_is_found_by_its_new_words_and_no_longer_by_its_old_ones(client, pledges, make):
    pledge = pledges["es"]
    staff = pledge.signatories[0].organisation
    author = make.staff(organisation=staff)
    edit_pledge(pledge, author, title="Compromiso sobre la protección")
    db.session.commit()
    assert f'href="/pledges/{pledge.slug}"' in found(client, "proteccion")
    assert f'href="/pledges/{pledge.slug}"' not in found(client, "promesa")


def test_a_withdrawn_action_is_not_found_by_its_words(client, pledges, make):
    pledge = pledges["es"]
    author = make.staff(organisation=pledge.signatories[0].organisation)
    action = make.action(pledge, author=author, summary="Taller único en Cochabamba.")
    db.session.commit()
    assert f'href="/pledges/{pledge.slug}"' in found(client, "unico cochabamba")
    withdraw_action(action, author)
    db.session.commit()
    assert f'href="/pledges/{pledge.slug}"' not in found(client, "cochabamba")


def test_roundtables_are_found_whatever_the_accents(client, make):
    make.roundtable(title="Table ronde régionale", place="Nouméa", slug="table-ronde")
    db.session.commit()
    assert 'href="/roundtables/table-ronde"' in found(client, "noumea REGIONALE", "/roundtables")


@pytest.mark.parametrize(
    "text, folded",
    [("Autorités", "autorites"), ("ÉTÉ", "ete"), ("مَدِينَة", "مدينة"), ("Łódź", "lodz"), ("Straße", "strasse"),
     ("ﬁnancement", "financement"), ("  two\n lines ", "two lines")],
)  # fmt: skip
def test_fold(text, folded):
    assert fold(text) == folded


def test_a_word_finds_the_words_it_begins_and_a_term_of_several_words_finds_them_side_by_side(client, pledges):
    """The register's full-text search: "autor" finds "autorités"; "croix-rouge", a quoted
    phrase and "annees 2016" find their words one after the other, never apart or reversed."""
    french = f'href="/pledges/{pledges["fr"].slug}"'
    for q in ("autor", "croix-rouge", "CROIX ROUGE", '"autorites francaises"', "l’importance", "engagement 2016"):
        assert french in found(client, q), q
    for q in ('"francaises autorites"', "rouge-croix", "importancex", "engagement-2016"):
        assert french not in found(client, q), q


def test_an_arabic_word_is_found_with_or_without_its_article(client, pledges):
    arabic = f'href="/pledges/{pledges["ar"].slug}"'
    for q in ("مدينة", "المدينة", "بالمدينة", "جمعية", "الوطنية"):
        assert arabic in found(client, q), q


# The texts of the tracker's test corpus (tests/data/corpus/, real pledges and reports in
# English, French, Spanish and Arabic, with their sources).
CORPUS = Path(__file__).parent / "data" / "corpus"


def _corpus_texts() -> list[str]:
    texts = []
    for name, columns in (("pledges.csv", ("title", "text")), ("actions.csv", ("summary", "details"))):
        with open(CORPUS / name, newline="", encoding="utf-8") as file:
            texts += [row[column] for row in csv.DictReader(file) for column in columns if row[column].strip()]
    return texts


def _index_words() -> set[str]:
    """The words the database's full-text index holds, as its own engine read them."""
    if db.session.get_bind().dialect.name == "postgresql":
        stat = "SELECT word FROM ts_stat('SELECT search_vector FROM pledges')"
        return set(db.session.scalars(sa.text(stat)))
    db.session.execute(sa.text("CREATE VIRTUAL TABLE temp.search_words USING fts5vocab(main, pledges_search, 'row')"))
    return set(db.session.scalars(sa.text("SELECT term FROM temp.search_words")))


def test_both_databases_index_exactly_the_words_the_app_cuts_and_find_the_same_pledges(make):
    """PostgreSQL's parser and SQLite's unicode61 would cut "redcross.fr", "€" or "l’Etat" each
    their own way: the index holds the app's words only, so a search finds, on either, the
    pledges whose words begin with it — checked on every text of the corpus."""
    staff = make.staff()
    texts = _corpus_texts()
    pledges = [make.pledge_in_progress(author=staff, title=f"Corpus {n}", text=text) for n, text in enumerate(texts)]
    db.session.commit()
    expected = {word for pledge in pledges for word in pledge.search_document.split()}
    assert _index_words() == expected and len(expected) > 2000
    some_words = sorted(expected)[:: len(expected) // 40]
    for word in (*some_words, *(word[:3] for word in some_words)):
        wanted = {p.id for p in pledges if any(w.startswith(word) for w in p.search_document.split())}
        assert set(db.session.scalars(sa.select(Pledge.id).where(document_matches(word)))) == wanted, word


def test_best_match_puts_the_title_first_then_the_text_then_the_actions_on_every_page(client, make):
    """Sorted by best match, a search lists the pledges whose title holds its words, then
    those whose text does, then those found through an action — each tier by latest action —
    and the pages, a pledge at a time, follow that order to the end (the API, then the page)."""
    staff = make.staff()
    in_actions = make.pledge_in_progress(author=staff, title="Restoring family links", text="Tracing services.")
    make.action(
        in_actions, author=staff, summary="Emergency water trucking for 3,000 families.", date=dt.date(2024, 5, 1)
    )
    in_text = make.pledge_in_progress(author=staff, title="Health in danger", text="Safe water and sanitation.")
    make.action(in_text, author=staff, summary="Trained 40 nurses.", date=dt.date(2023, 1, 1))
    in_title = make.pledge_in_progress(author=staff, title="Water for Gaza's hospitals", text="Generators.")
    old_title = make.pledge_in_progress(author=staff, title="Clean water in schools", text="Latrines.")
    make.action(in_title, author=staff, summary="Delivered filters.", date=dt.date(2022, 3, 1))
    make.action(old_title, author=staff, summary="Built latrines.", date=dt.date(2020, 3, 1))
    db.session.commit()
    walked = walk(client, "/api/v1/pledges?q=WATER&sort=best_match&per_page=1")
    expected = [in_title.slug, old_title.slug, in_text.slug, in_actions.slug]
    assert [item["slug"] for item in walked] == expected
    page = client.get("/pledges", query_string={"q": "water", "sort": "best_match"}).get_data(as_text=True)
    assert [page.index(f'href="/pledges/{slug}"') for slug in expected] == sorted(
        page.index(f'href="/pledges/{slug}"') for slug in expected
    )
    assert '<option value="best_match"' in page and '<option value="best_match"' not in found(client, "")
