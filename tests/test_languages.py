"""Which language a page is in, and what says so: `?lang=`, then the account's choice, then
the visitor's cookie, then the browser's Accept-Language, then English; `lang` and `dir` on
the page, Content-Language and Vary on the response, hreflang alternates, the switcher, and
kept renders and validators that never send one language's page to another's reader."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tracker.core import i18n
from tracker.core.dates import format_date, format_date_range
from tracker.core.extensions import db
from tracker.core.text import format_number


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


@pytest.mark.parametrize(
    "query, account, cookie, header, chosen",
    [
        (None, None, None, None, "en"),
        (None, None, None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, None, None, "de-DE,de;q=0.9,es;q=0.5,en;q=0.4", "es"),  # the first we speak
        (None, None, None, "en;q=0.2,ar;q=0.9", "ar"),  # by q-value, not position
        (None, None, None, "fr;q=0", "en"),  # q=0: not wanted
        (None, None, "es", "fr", "es"),  # the visitor's pick beats their browser
        (None, "ar", "es", "fr", "ar"),  # the account beats the cookie
        ("FR", "ar", "es", "en", "fr"),  # ?lang= beats everything, in any case
        ("zz", None, "xx", "zz-ZZ", "en"),  # none we speak: English
    ],
)
def test_the_language_is_chosen_from_the_most_explicit_choice(query, account, cookie, header, chosen):
    assert i18n.choose(query, account, cookie, header) == chosen


def test_the_languages_are_the_catalogues_with_their_own_names_and_directions():
    by_code = {language.code: language for language in i18n.languages()}
    assert set(by_code) == {"en", "fr", "es", "ar"}
    assert by_code["fr"].name == "français" and by_code["es"].name == "español" and by_code["ar"].name == "العربية"
    assert by_code["ar"].direction == "rtl" and by_code["fr"].direction == "ltr"


def test_a_page_says_its_language_in_the_markup_and_the_headers(client):
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert html_tag(french) == '<html lang="fr" dir="ltr">'
    assert french.headers["Content-Language"] == "fr"
    assert {"Accept-Language", "Cookie"} <= {part.strip() for part in french.headers["Vary"].split(",")}
    english = client.get("/")
    assert html_tag(english) == '<html lang="en" dir="ltr">' and english.headers["Content-Language"] == "en"
    arabic = client.get("/?lang=ar")
    assert html_tag(arabic) == '<html lang="ar" dir="rtl">' and arabic.headers["Content-Language"] == "ar"


def test_a_visitors_pick_is_kept_in_a_cookie_and_the_address_stays_the_same(client):
    picked = client.get("/pledges?lang=es")
    assert "lang=es" in picked.headers["Set-Cookie"] and "SameSite=Lax" in picked.headers["Set-Cookie"]
    later = client.get("/pledges", headers={"Accept-Language": "fr"})
    assert html_tag(later).startswith('<html lang="es"')
    assert "Set-Cookie" not in later.headers  # nothing new to keep


def test_an_api_answer_in_a_language_keeps_no_cookie(client):
    """A program asking the API (or a download) once with ?lang= must not get every later
    answer in that language: only a page a person reads keeps their pick."""
    for address in ("/api/v1/pledges?lang=fr", "/api/v1/openapi.json?lang=fr", "/pledges.csv?lang=fr"):
        answer = client.get(address)
        assert answer.status_code == 200 and answer.headers["Content-Language"] == "fr", address
        assert "Set-Cookie" not in answer.headers, address
    assert client.get("/api/v1/pledges?per_page=0").get_json()["errors"]["query"]["per_page"] == [
        "Must be greater than or equal to 1 and less than or equal to 100."
    ]


def test_every_page_names_its_translations_for_search_engines_and_the_switcher(client):
    page = client.get("/pledges?q=trafficking").get_data(as_text=True)
    alternates = {
        code: html.unescape(address)
        for code, address in re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', page)
    }
    assert set(alternates) == {"en", "fr", "es", "ar"}
    assert alternates["fr"] == "http://localhost/pledges?q=trafficking&lang=fr"
    switcher = re.search(r'<nav class="language-switcher.*?</nav>', page, re.S).group(0)
    assert '<a href="/pledges?q=trafficking&amp;lang=ar" hreflang="ar" lang="ar" dir="rtl">العربية</a>' in switcher
    assert 'aria-current="true">English</a>' in switcher


def test_kept_renders_and_validators_are_per_language(app, client):
    """A French reader is never sent the English page kept for someone else, nor told that
    their French copy is current when it is the English one they hold."""
    app.config["RENDER_CACHE"] = True
    english = client.get("/pledges")
    french = client.get("/pledges", headers={"Accept-Language": "fr"})
    assert html_tag(english).startswith('<html lang="en"') and html_tag(french).startswith('<html lang="fr"')
    assert english.headers["ETag"] != french.headers["ETag"]
    again = client.get("/pledges", headers={"Accept-Language": "fr"})
    assert html_tag(again).startswith('<html lang="fr"')
    stale = client.get("/pledges", headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]})
    assert stale.status_code == 200 and html_tag(stale).startswith('<html lang="fr"')
    current = client.get("/pledges", headers={"Accept-Language": "fr", "If-None-Match": french.headers["ETag"]})
    assert current.status_code == 304


def test_a_logged_in_persons_pick_is_kept_in_their_account(client, auth, make):
    staff = make.staff(email="amina@example.org")
    db.session.commit()
    auth.login("amina@example.org")
    page = client.get("/pledges/mine").get_data(as_text=True)
    assert re.search(r'<button type="submit" name="language" value="fr"[^>]*>Français</button>', page)
    response = client.post("/auth/language", data={"language": "fr", "next": "/pledges/mine?state=draft"})
    assert response.status_code == 302 and response.headers["Location"] == "/pledges/mine?state=draft"
    db.session.refresh(staff)
    assert staff.language == "fr"
    assert html_tag(client.get("/pledges/mine", headers={"Accept-Language": "es"})).startswith('<html lang="fr"')
    client.post("/auth/language", data={"language": "", "next": "/"})  # back to the browser's
    db.session.refresh(staff)
    assert staff.language is None


@pytest.mark.parametrize("typed", ["zz", "<script>", "en-US"])
def test_a_language_we_do_not_speak_is_refused_and_nothing_changes(client, auth, make, typed):
    staff = make.staff(email="amina@example.org", language="es")
    db.session.commit()
    auth.login("amina@example.org")
    response = client.post("/auth/language", data={"language": typed, "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/pledges/mine"  # never off-site
    db.session.refresh(staff)
    assert staff.language == "es"


def test_dates_and_numbers_as_each_language_writes_them():
    import datetime as dt

    day = dt.date(2026, 12, 2)
    assert format_date(day) == "2 December 2026"
    assert format_date(day, locale="fr") == "2 décembre 2026"
    assert format_date(day, locale="es") == "2 de diciembre de 2026"
    assert "ديسمبر" in format_date(day, locale="ar")
    assert format_date_range(dt.date(2018, 5, 14), dt.date(2018, 5, 15), locale="es") == "14–15 de mayo de 2018"
    assert format_date_range(dt.date(2018, 5, 30), dt.date(2018, 6, 2), locale="fr") == "30 mai – 2 juin 2018"
    assert format_number(2037) == "2,037"
    assert format_number(2037, locale="fr") == "2\u202f037"
    assert format_number(2037, locale="es") == "2.037"


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_every_page_type_opens_in_each_language_and_says_so(app, client, auth, code):
    """Each kind of page, as who uses it, in French, Spanish and Arabic: it opens (a message
    that does not fill in would fail it), says its language, and its menu is translated."""
    from babel.support import Translations

    from tracker.data.demo import load_demo

    from .browser.test_phone_widths import WHO, demo_addresses

    load_demo()
    db.session.commit()
    addresses = demo_addresses()
    translations = Translations.load(str(i18n.TRANSLATIONS), [code])
    menu_word = translations.gettext("Roundtables")
    assert menu_word != "Roundtables"
    for _who, (email, paths) in WHO.items():
        if email:
            auth.login(email)
        for path in paths:
            address = path.format(**addresses)
            response = client.get(address, headers={"Accept-Language": code})
            assert response.status_code == 200, (code, address, response.status_code)
            page = response.get_data(as_text=True)
            direction = "rtl" if code == "ar" else "ltr"
            assert html_tag(response) == f'<html lang="{code}" dir="{direction}">', address
            assert f">{menu_word}</a>" in page, (code, address, menu_word, page[page.find("nav-link") :][:300])
        if email:
            auth.logout()


def test_e_mails_arrive_in_each_recipients_language(client, make, smtp_server, deliver):
    """Two people ask for a password reset from a French page: one whose account reads
    Spanish gets it in Spanish, one who chose nothing in French, the page's language — sent
    by one pass of the worker, one after the other (the second never in the first's)."""
    from babel.support import Translations

    from .mail import html_of, text_of

    make.staff(email="ana@example.org", name="Ana", language="es")
    make.staff(email="amelie@example.org", name="Amélie")
    db.session.commit()
    for email in ("ana@example.org", "amelie@example.org"):
        client.post("/auth/forgot-password", data={"email": email}, headers={"Accept-Language": "fr"})
    assert deliver().sent == 2

    subject = "Reset your password on %(site_name)s"
    received = {message["To"]: message for message in smtp_server.messages}
    for to, code in (("Ana <ana@example.org>", "es"), ("Amélie <amelie@example.org>", "fr")):
        translations = Translations.load(str(i18n.TRANSLATIONS), [code])
        wanted = translations.gettext(subject) % {"site_name": "Pledge Tracker"}
        assert wanted != subject % {"site_name": "Pledge Tracker"}
        message = received[to]
        assert str(message["Subject"]).strip() == wanted
        assert f'<html lang="{code}" dir="ltr">' in html_of(message)
        body = " ".join(text_of(message).split())
        keeps = "Your current password keeps working until the link is used. Using it logs you out everywhere else."
        assert translations.gettext(keeps) in body and keeps not in body


# --- numbers typed as each language writes them ----------------------------------------------------


@pytest.mark.parametrize(
    "locale, typed, number",
    [
        (None, "2,037", "2037"), (None, "12.5", "12.5"), (None, "80,000,000.50", "80000000.50"),
        ("fr_FR", "12,5", "12.5"), ("fr", "2\u202f037", "2037"), ("fr", "2 037,5", "2037.5"), ("fr", "2,037", "2.037"),
        ("es", "2.037", "2037"), ("es", "1.234,5", "1234.5"), ("es", "12,5", "12.5"),
        ("ar", "١٢٫٥", "12.5"), ("ar", "٢٬٠٣٧", "2037"),
        ("fr", "12.5", "12.5"), (None, "12,5", "12.5"),  # a lone sign before other than three digits: a decimal
    ],
)  # fmt: skip
def test_a_number_is_read_as_its_writer_wrote_it(locale, typed, number):
    from decimal import Decimal

    from tracker.core.text import parse_number

    assert parse_number(typed, locale) == Decimal(number)


def test_a_figure_typed_the_french_way_is_kept_and_shown_the_french_way(client, make, auth):
    """(Issue 21: "12,5" in French was read as 125.)"""
    from tracker.pledges.models import ActionTaken

    from .test_staff_workspace import action_form

    org = make.organisation("Croix-Rouge de Belgique")
    pledge = make.pledge_in_progress(lead=org)
    auth.login(make.staff(organisation=org).email)
    data = action_form(org, date="14 mai 2020", **{"figures-0-label": "tonnes", "figures-0-value": "12,5"})
    assert client.post(f"/pledges/{pledge.slug}/actions/new?lang=fr", data=data).status_code == 302
    assert str(db.session.scalar(db.select(ActionTaken)).figures[0].value) == "12.50"
    refused = client.post(
        f"/pledges/{pledge.slug}/actions/new?lang=fr", data={**data, "figures-0-value": "1,23,456"}
    ).get_data(as_text=True)
    assert "Saisissez un nombre, par exemple 2\u202f037 ou 12,5." in html.unescape(refused)
    assert 'value="1,23,456"' in refused  # what was typed stays


def test_the_scripts_say_what_they_did_in_the_pages_language(client):
    """(Issue 21: copy.js and outcomes.js said "Copied…" and "Moved up." in English.) The
    words are the page's, in data attributes the scripts read."""
    page = html.unescape(client.get("/feeds?lang=fr").get_data(as_text=True))
    assert 'data-copied="Copié\u00a0: collez-le dans votre message."' in page
    scripts = Path(i18n.__file__).resolve().parents[1] / "static" / "js"
    script = (scripts / "copy.js").read_text() + (scripts / "outcomes.js").read_text()
    assert not re.search(r'textContent = "[A-Z]|`Moved', script)  # no English sentence left in a script


def test_a_recommendations_states_agree_with_it_in_french_and_a_pledges_with_it(client, make, auth):
    """(Issue 21: the state words shared by pledges — masculine in French — and
    recommendations — feminine — read "réalisé" for both.)"""
    from tracker.pledges.operations import take_transition as take_pledge_transition
    from tracker.roundtables.operations import take_transition

    recommendation = make.recommendation()
    co_chair = make.co_chair(organisation=recommendation.roundtable.co_chairs[0])
    owner = make.staff(organisation=recommendation.lead_owner)
    take_transition(recommendation, "agree", co_chair)
    take_transition(recommendation, "complete", owner, what_was_done="Fait.")
    pledge = make.pledge_in_progress()
    make.action(pledge)
    take_pledge_transition(pledge, "complete", make.staff(organisation=pledge.lead_signatory))
    admin = make.admin()
    db.session.commit()
    auth.login(admin.email)
    recommendation_history = client.get(f"/recommendations/{recommendation.id}/history?lang=fr").get_data(as_text=True)
    assert "(en cours → réalisée)" in recommendation_history
    pledge_history = client.get(f"/pledges/{pledge.slug}/history?lang=fr").get_data(as_text=True)
    assert "(en cours → réalisé)" in pledge_history


def test_the_api_document_speaks_the_readers_language_and_keeps_its_names(client):
    """(Issue 21: the OpenAPI document's human text was English only.)"""
    english = client.get("/api/v1/openapi.json").get_json()
    french = client.get("/api/v1/openapi.json", headers={"Accept-Language": "fr"}).get_json()
    arabic = client.get("/api/v1/openapi.json?lang=ar").get_json()
    assert english["info"]["description"].startswith("What the Pledge Tracker holds")
    assert french["info"]["description"] != english["info"]["description"]
    assert "engagements" in french["info"]["description"]
    assert arabic["info"]["description"] != english["info"]["description"]
    # Names, paths, types and values are the same in every language.
    assert french["paths"].keys() == english["paths"].keys() == arabic["paths"].keys()
    parameters = english["paths"]["/api/v1/pledges"]["get"]["parameters"]
    in_french = french["paths"]["/api/v1/pledges"]["get"]["parameters"]
    assert [p["name"] for p in in_french] == [p["name"] for p in parameters]
    assert [p["schema"] for p in in_french] == [p["schema"] for p in parameters]
    assert all(f["description"] != e["description"] for f, e in zip(in_french, parameters, strict=True))
