"""The tracker in French, Spanish and Arabic, in real Chromium with the demo data, as a
visitor whose browser asks for that language meets it: the public register with a filter,
a pledge's page, a staff member recording an action (its date typed in the language's own
words), a co-chair verifying what an owner calls done — every page in the language, Arabic
right to left, axe clean, and a screenshot of each into test-results/languages/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.support import Translations
from playwright.sync_api import Page, expect

from tracker.core import i18n

from .test_pledge_pages import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

SHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "languages"
# A day written as each language writes it, typed into the action's date field.
TYPED_DAY = {"fr": "2 décembre 2026", "es": "2 de diciembre de 2026", "ar": "2 ديسمبر 2026"}


def _in(code: str):
    translations = Translations.load(str(i18n.TRANSLATIONS), [code])

    def t(message: str, **values) -> str:
        translated = translations.gettext(message)
        return translated % values if values else translated

    return t


def _check(page: Page, code: str, name: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", code)
    expect(html).to_have_attribute("dir", "rtl" if code == "ar" else "ltr")
    page.mouse.move(0, 0)
    page.emulate_media(reduced_motion="reduce")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{code}-{name}.png", full_page=True)


@pytest.fixture
def browser_in(browser, base_url):
    contexts = []

    def open_in(code: str) -> Page:
        context = browser.new_context(base_url=base_url, locale=code, extra_http_headers={"Accept-Language": code})
        contexts.append(context)
        return context.new_page()

    yield open_in
    for context in contexts:
        context.close()


def _log_in(page: Page, t, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label(t("E-mail")).fill(email)
    page.get_by_label(t("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in")).click()


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_a_visitor_reads_the_register_and_a_pledge_in_their_language(browser_in, code):
    t = _in(code)
    page = browser_in(code)
    page.goto("/pledges?state=in_progress")
    assert t("Pledges") != "Pledges" and t("In progress") != "In progress"
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Pledges"))
    expect(page.locator(".pledge-list .badge.state").first).to_have_text(t("In progress"))
    _check(page, code, "register")

    page.get_by_role("link", name="Regional Protection", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=t("Actions taken"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", code)
    _check(page, code, "pledge")


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_staff_record_an_action_with_its_date_in_their_own_words(browser_in, code):
    t = _in(code)
    page = browser_in(code)
    _log_in(page, t, "staff.arc@example.org")
    page.goto("/pledges/regional-protection/actions/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Record an action taken"))
    _check(page, code, "action-form")
    summary = f"Roundtable on safe migration ({code})"
    page.get_by_label(t("Date"), exact=True).fill(TYPED_DAY[code])
    page.get_by_label(t("What was done")).fill(summary)
    page.get_by_role("button", name=t("Save action")).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Action recorded."))
    entry = page.locator(".timeline li", has_text=summary)
    expect(entry.locator(".action-date")).to_contain_text("2026")
    _check(page, code, "action-recorded")


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_a_co_chair_reviews_in_their_language(browser_in, code):
    t = _in(code)
    page = browser_in(code)
    _log_in(page, t, "cochair.au@example.org")
    page.goto("/roundtables/review")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Review queue"))
    verify = page.get_by_role("button", name=re.compile("^" + re.escape(t("Verify")) + r"\s*:"))
    expect(verify.first).to_be_visible()
    assert t("Verify") != "Verify"
    _check(page, code, "review-queue")


def _done_awaiting_verification(live_app) -> int:
    """A recommendation of the Australian co-chair's roundtable that an owner has marked done
    (the demo's own, or one its owner's staff mark done now): its id."""
    import sqlalchemy as sa

    from tracker.accounts.models import User
    from tracker.core.extensions import db
    from tracker.roundtables.models import Recommendation
    from tracker.roundtables.operations import take_transition

    with live_app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == "staff.arc@example.org"))
        mine = [r for r in db.session.scalars(sa.select(Recommendation).order_by(Recommendation.id))
                if staff.organisation in r.owner_organisations]  # fmt: skip
        done = next((r for r in mine if r.status == "done"), None)
        if done is None:
            done = next(r for r in mine if r.status == "in_progress")
            take_transition(done, "complete", staff, what_was_done="Shared the contact list with every participant.")
            db.session.commit()
        number = done.id
        db.session.remove()
    return number


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_a_co_chair_verifies_in_their_language(browser_in, live_app, code):
    t = _in(code)
    number = _done_awaiting_verification(live_app)
    page = browser_in(code)
    _log_in(page, t, "cochair.au@example.org")
    page.goto(f"/recommendations/{number}")
    work = page.get_by_role("region", name=t("Work on this recommendation"))
    verify = work.locator("form").filter(has=page.get_by_role("button", name=t("Verify"), exact=True))
    verify.get_by_role("button", name=t("Verify"), exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(t("Verified."))
    expect(page.locator(".recommendation .badge.state").first).to_have_text(t("Done, verified"))
    _check(page, code, "verified")
