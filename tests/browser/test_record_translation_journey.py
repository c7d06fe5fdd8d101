"""Records in several languages (issue 21, item 5), in real Chromium with the demo data: an
English reader of the demo's French pledge reads its English translation and reaches the
original in one click; a member of staff translates their own pledge into French beside the
original, and a French reader then reads it in French with the English original one click
away — axe clean throughout, on a phone too."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .test_languages_journey import _in, _log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

BELGIAN = "/pledges/soins-de-sante-en-danger-renforcer-le-cadre-normatif-national"
FRENCH_TITLE = "Soins de santé en danger – Renforcer le cadre normatif national"
ENGLISH_TITLE = "Health care in danger – Strengthening the national normative framework"
LAO = "/pledges/lao-pdr-australia-2017-21-hrtcp"


def _axe_clean(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def reader(browser, base_url):
    contexts = []

    def open_as(code: str, **options) -> Page:
        context = browser.new_context(
            base_url=base_url, locale=code, extra_http_headers={"Accept-Language": code}, **options
        )
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def test_an_english_reader_reads_the_translation_and_the_original_is_one_click_away(reader):
    page = reader("en")
    page.goto(BELGIAN)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(ENGLISH_TITLE)
    expect(heading).to_have_attribute("lang", "en")
    expect(page.locator(".translation-note").first).to_contain_text("Translated from the original in French")
    _axe_clean(page)
    page.get_by_role("link", name="read the original").first.click()
    expect(heading).to_have_text(FRENCH_TITLE)
    expect(heading).to_have_attribute("lang", "fr")
    expect(page.locator(".pledge-text")).to_contain_text("Se référant à la résolution")
    page.get_by_role("link", name="read the translation").click()
    expect(heading).to_have_text(ENGLISH_TITLE)


def test_staff_translate_their_pledge_beside_the_original_and_a_french_reader_reads_it(reader):
    t = _in("en")
    page = reader("en", viewport={"width": 375, "height": 812})
    _log_in(page, t, "staff.ahrc@example.org")
    page.goto(LAO)
    original_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Translations").click()
    page.get_by_label("Translate into").select_option("fr")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Translation into French")
    expect(page.locator(".translation-original").first).to_have_text(original_title)
    _axe_clean(page)
    french_title = "Programme de coopération technique Laos-Australie 2017–2021 en matière de droits humains"
    page.get_by_label("Title in French").fill(french_title)
    page.get_by_role("button", name="Save the translation").click()
    expect(page.get_by_role("status").first).to_contain_text("Translation saved.")

    french = reader("fr")
    french.goto(LAO)
    heading = french.get_by_role("heading", level=1)
    expect(heading).to_have_text(french_title)
    expect(heading).to_have_attribute("lang", "fr")
    expect(french.locator(".translation-note").first).to_contain_text("Traduction de l’original en anglais")
    _axe_clean(french)
    french.get_by_role("link", name="lire l’original").first.click()
    expect(heading).to_have_text(original_title)
