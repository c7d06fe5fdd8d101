"""Search forgives accents and case, in every script, the same on SQLite and PostgreSQL
(issue 18): the suite runs these on both. The words are real: pledges and reports of the
tracker's corpus (tests/data/corpus/), in French, Spanish and Vietnamese, and Arabic."""

from __future__ import annotations

import pytest

from tracker.core.extensions import db
from tracker.core.search import fold
from tracker.pledges.operations import edit_pledge, withdraw_action


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
