"""The public pages in real Chromium, as an anonymous visitor meets them on the demo data:
the home page's search leading to the pledge list, its filters, a pledge's page and the CSV
of the very pledges listed; the list's Previous/Next pages; axe and a 375 px phone on every
public page type; a pledge page on paper; and search, filters and pages without JavaScript.
"""

import csv
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlalchemy.orm import selectinload

from tracker.core.extensions import db

from .test_pledge_pages import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_data")]

SEARCH_LABEL = "Search pledges and their actions taken"
ROUNDTABLE_SLUG = "bali-process-government-civil-society-roundtable-2018"
ROUNDTABLE_TITLE = "Bali Process Government and Civil Society Roundtable"
EVIDENCE_PLEDGE = "asean-australia-counter-trafficking"  # the demo pledge with an evidence link
DRAFT_ON_TRAFFICKING = "prc-national-coordination-on-trafficking"  # never to be listed
PHONE = 375

# "Showing 21–40 of 45 pledges for “first aid”."
COUNT_LINE = re.compile(r"^Showing (\d+)–(\d+) of (\d+) pledges?\b")

# The pledges added for the pager: a title shared by several of them (ties in the title
# order), action dates shared by many (ties in the default order), some with no action.
EXTRA_PLEDGES = 45
EXTRA_WORDS = "first aid"
EXTRA_THEME = ("migration", "Migration")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def search_box(page: Page):
    """The search box on the home page or the pledge list (both say what they search)."""
    return page.get_by_role("search").get_by_label(SEARCH_LABEL)


def listed(page: Page) -> list[str]:
    """The slugs of the pledges on this page of the list, in order."""
    hrefs = page.locator(".pledge-list > li h2 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith("/pledges/") for href in hrefs), hrefs
    return [href.removeprefix("/pledges/") for href in hrefs]


def count_line(page: Page) -> tuple[int, int, int]:
    """(first, last, total) from "Showing first–last of total pledges"."""
    text = page.locator(".list-summary p").first.inner_text().strip()
    found = COUNT_LINE.match(text)
    assert found, text
    return tuple(int(n) for n in found.groups())


def settled(page: Page) -> None:
    """Wait for the page's load event. Its words can be checked as soon as they arrive, but
    sizes and colours only once its stylesheets are in: unstyled, the filter menus are as
    wide as their longest option."""
    page.wait_for_load_state("load")


def pager(page: Page):
    return page.get_by_role("navigation", name="Pledge list pages")


def follow(page: Page, link) -> None:
    """Click a link and wait until its page is there."""
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(lambda url: url.endswith(href))
    settled(page)


def published_pledges(live_app) -> dict[str, dict]:
    """What the public may see, read from the database, with the words a search looks in
    (title, text and the actions not withdrawn): the oracle for the list pages."""
    from tracker.pledges.models import Pledge

    with live_app.app_context():
        pledges = db.session.scalars(
            sa.select(Pledge).options(selectinload(Pledge.themes), selectinload(Pledge.actions))
        )
        found = {}
        for pledge in pledges:
            if not pledge.is_published:
                continue
            actions = [action for action in pledge.actions if action.withdrawn_at is None]
            words = [pledge.title, pledge.text or ""]
            words += [part or "" for action in actions for part in (action.summary, action.details, action.heading)]
            found[pledge.slug] = {
                "title": pledge.title,
                "last_action": pledge.last_action_on,
                "published_at": pledge.published_at,
                "themes": {theme.slug for theme in pledge.themes},
                "searchable": "\n".join(words).casefold(),
            }
        db.session.remove()
    return found


def matching(pledges: dict[str, dict], word: str, theme: str | None = None) -> set[str]:
    return {
        slug
        for slug, pledge in pledges.items()
        if word.casefold() in pledge["searchable"] and (theme is None or theme in pledge["themes"])
    }


@pytest.fixture(scope="module")
def many_pledges(live_app, demo_data):
    """45 more published pledges, so that the list has three pages (20 a page). Written
    through `operations` as the Australian Red Cross's staff would; the demo fixture empties
    every table at the end of this module, these with the rest."""
    from tests.factories import take_transition
    from tracker.accounts.models import User
    from tracker.data import demo
    from tracker.pledges.operations import create_pledge, record_action
    from tracker.taxonomy.models import Theme

    with live_app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == demo.ARC_STAFF))
        theme = db.session.scalar(sa.select(Theme).where(Theme.slug == EXTRA_THEME[0]))
        slugs = []
        for n in range(1, EXTRA_PLEDGES + 1):
            pledge = create_pledge(
                author,
                title="Community first aid" if n % 5 == 0 else f"Community first aid, district {n:02d}",
                lead=author.organisation,
                themes=[theme],
                text=f"Train volunteers in community first aid in district {n}.",
            )
            take_transition(pledge, "start", author)
            if n % 3:
                record_action(
                    pledge,
                    author,
                    date=dt.date(2015, 1 + n % 4, 1),
                    summary=f"Trained 20 volunteers in district {n}.",
                    organisations=[author.organisation],
                )
            slugs.append(pledge.slug)
        db.session.commit()
        db.session.remove()
    assert len(set(slugs)) == EXTRA_PLEDGES
    return slugs


# --- 1. the journey ---------------------------------------------------------------------------


def test_search_filter_read_a_pledge_and_download_the_list(page: Page, live_app, base_url):
    """Home → search "trafficking" → filter by a theme → a pledge's page → back → the CSV of
    exactly the pledges listed."""
    pledges = published_pledges(live_app)
    on_trafficking = matching(pledges, "trafficking")
    assert on_trafficking, "the demo data has pledges about trafficking"

    page.goto("/")
    search_box(page).fill("trafficking")
    page.get_by_role("search").get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/pledges\?(.*&)?q=trafficking(&|$)"))
    expect(heading(page)).to_have_text("Pledges")
    expect(search_box(page)).to_have_value("trafficking")
    assert set(listed(page)) == on_trafficking
    assert len(listed(page)) == len(on_trafficking)
    assert DRAFT_ON_TRAFFICKING not in listed(page)  # a draft about trafficking stays hidden
    assert count_line(page) == (1, len(on_trafficking), len(on_trafficking))
    expect(page.locator(".list-summary p").first).to_contain_text("for “trafficking”")

    # A theme only some of them have: its option says how many it leaves.
    theme_select = page.get_by_label("Theme", exact=True)
    victim_rights = theme_select.locator("option", has_text="Victim rights")
    expect(victim_rights).to_have_count(1)
    with_theme = matching(pledges, "trafficking", theme="victim-rights")
    assert 0 < len(with_theme) < len(on_trafficking), "the theme narrows the list"
    expect(victim_rights).to_have_text(f"Victim rights ({len(with_theme)})")
    theme_select.select_option(label=victim_rights.inner_text())
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"[?&]theme=victim-rights(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]q=trafficking(&|$)"))
    shown = listed(page)
    assert set(shown) == with_theme and len(shown) == len(with_theme)
    assert count_line(page) == (1, len(shown), len(shown))
    chips = page.locator(".filters-in-force li")
    expect(chips).to_have_count(2)
    expect(chips.filter(has_text="Theme: Victim rights")).to_have_count(1)
    expect(chips.filter(has_text="Search: trafficking")).to_have_count(1)
    expect(theme_select).to_have_value("victim-rights")  # the form shows what is in force
    list_url = page.url

    # The pledge's page.
    (slug,) = shown
    assert slug == EVIDENCE_PLEDGE
    title = pledges[slug]["title"]
    page.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(f"{base_url}/pledges/{slug}")
    expect(heading(page)).to_have_text(title)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(title)
    expect(page.locator(".pledge header")).to_contain_text(re.compile(r"Last updated \d{1,2} \w+ \d{4}"))

    lead, *others = signatory_names(live_app, slug)
    signatories = page.locator("dt:text-is('Signatories') + dd li")
    expect(signatories).to_have_count(1 + len(others))
    expect(signatories.first).to_contain_text(lead)
    expect(signatories.first.locator(".badge")).to_have_text("Lead")
    expect(page.locator("dt:text-is('Signatories') + dd .badge")).to_have_count(1)  # one lead only
    for position, name in enumerate(others, start=1):
        expect(signatories.nth(position)).to_contain_text(name)

    actions = page.get_by_role("region", name="Actions taken")
    entries = actions.locator(".timeline > li")
    expect(entries).to_have_count(current_actions(live_app, slug))
    for i in range(entries.count()):
        date = entries.nth(i).locator(".action-date time")
        expect(date).to_have_attribute("datetime", re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$"))
        expect(date).to_have_text(re.compile(r"\d{4}"))
        expect(entries.nth(i).locator(".action-summary")).not_to_be_empty()
    evidence = actions.locator('.timeline a[href^="http"]')
    expect(evidence).not_to_have_count(0)
    expect(evidence.first).to_have_attribute("href", "https://aseanactpartnershiphub.com")
    expect(evidence.first).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(page.locator("dt", has_text="Implementation completion")).to_have_text("Implementation completion:")
    expect(page.locator("dt:has-text('Implementation completion') + dd")).to_have_text("No")

    permalink = f"{base_url}/pledges/{slug}"
    expect(page.locator('meta[name="description"]')).to_have_attribute("content", re.compile(r"\w{3,}"))
    description = page.locator('meta[name="description"]').get_attribute("content")
    first_words = " ".join(description.split()[:4])
    expect(page.locator(".pledge-text")).to_contain_text(first_words)  # it describes this pledge
    expect(page.locator('meta[property="og:title"]')).to_have_attribute("content", title)
    expect(page.locator('meta[property="og:url"]')).to_have_attribute("content", permalink)
    expect(page.locator('link[rel="canonical"]')).to_have_attribute("href", permalink)

    # Back to the list, and its pledges as CSV.
    page.go_back()
    expect(page).to_have_url(list_url)
    assert listed(page) == shown
    with page.expect_download() as download_info:
        page.get_by_role("link", name="pledges (CSV)", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["slug"] for row in rows] == shown
    assert [row["title"] for row in rows] == [pledges[s]["title"] for s in shown]


def signatory_names(live_app, slug: str) -> list[str]:
    """The pledge's signatories as its page should name them: the lead first."""
    from tracker.pledges.models import Pledge

    with live_app.app_context():
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == slug))
        ordered = sorted(pledge.signatories, key=lambda s: (not s.is_lead, s.position))
        names = [s.organisation.name for s in ordered]
        db.session.remove()
    return names


def current_actions(live_app, slug: str) -> int:
    from tracker.pledges.models import Pledge

    with live_app.app_context():
        pledge = db.session.scalar(sa.select(Pledge).where(Pledge.slug == slug))
        count = len(pledge.current_actions)
        db.session.remove()
    return count


def test_the_csv_of_the_whole_list_has_every_published_pledge(page: Page, live_app, many_pledges):
    page.goto("/pledges")
    expect(page.locator(".downloads")).to_contain_text("Download all pledges")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="pledges (CSV)", exact=True).click()
    with open(download_info.value.path(), encoding="utf-8-sig", newline="") as file:
        slugs = [row["slug"] for row in csv.DictReader(file)]
    assert sorted(slugs) == sorted(published_pledges(live_app))
    assert DRAFT_ON_TRAFFICKING not in slugs


# --- 2. Previous and Next ---------------------------------------------------------------------


def walk(page: Page) -> list[tuple[tuple[int, int, int], list[str]]]:
    """Follow Next from the page shown to the last, then Previous back to the first; the
    pages (count line, pledges) seen going forward, checked against those seen going back."""
    forward = [(count_line(page), listed(page))]
    expect(pager(page).get_by_role("link", name="Previous page")).to_have_count(0)
    while pager(page).get_by_role("link", name="Next page").count():
        follow(page, pager(page).get_by_role("link", name="Next page"))
        forward.append((count_line(page), listed(page)))
    backward = [forward[-1]]
    while pager(page).get_by_role("link", name="Previous page").count():
        follow(page, pager(page).get_by_role("link", name="Previous page"))
        backward.append((count_line(page), listed(page)))
    assert backward[::-1] == forward, "Previous gives back the same pages as Next"
    expect(pager(page).get_by_role("link", name="First page")).to_have_count(0)  # back at the start
    return forward


def check_pages(pages, expected: set[str], per_page: int) -> None:
    seen = [slug for _line, slugs in pages for slug in slugs]
    assert len(seen) == len(set(seen)), "a pledge appeared twice"
    assert set(seen) == expected, "every pledge appears"
    start = 0
    for (first, last, total), slugs in pages:
        assert (first, last, total) == (start + 1, start + len(slugs), len(expected))
        start += len(slugs)
    assert [len(slugs) for _line, slugs in pages[:-1]] == [per_page] * (len(pages) - 1)


# Each sort's key of a pledge, and whether it goes down (the order a visitor chose).
SORTS = {
    "Latest action first": (lambda pledge: pledge["last_action"] or dt.date.min, True),  # none yet: last
    "Newest first": (lambda pledge: pledge["published_at"], True),
    "Title (A–Z)": (lambda pledge: pledge["title"].casefold(), False),
}


@pytest.mark.parametrize("sort", SORTS)
def test_next_to_the_end_and_previous_back_show_every_pledge_once(page: Page, live_app, many_pledges, sort):
    pledges = published_pledges(live_app)
    page.goto("/pledges")
    page.get_by_label("Sort by").select_option(label=sort)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#sort option:checked")).to_have_text(sort)
    pages = walk(page)
    per_page = live_app.config["ITEMS_PER_PAGE"]
    assert len(pages) == -(-len(pledges) // per_page) > 1
    check_pages(pages, set(pledges), per_page)
    key, descending = SORTS[sort]
    keys = [key(pledges[slug]) for _line, slugs in pages for slug in slugs]
    assert keys == sorted(keys, reverse=descending), "in the order chosen, across the pages"


def test_pages_of_a_search_keep_the_search_and_filter(page: Page, live_app, many_pledges):
    expected = matching(published_pledges(live_app), EXTRA_WORDS, theme=EXTRA_THEME[0])
    assert len(expected) == EXTRA_PLEDGES
    page.goto(f"/pledges?q={EXTRA_WORDS.replace(' ', '+')}&theme={EXTRA_THEME[0]}")
    pages = walk(page)
    check_pages(pages, expected, live_app.config["ITEMS_PER_PAGE"])
    expect(page).to_have_url(re.compile(r"[?&]theme=migration(&|$)"))
    expect(page.locator(".filters-in-force")).to_contain_text(f"Theme: {EXTRA_THEME[1]}")


# --- 3. axe and a phone, on every public page type ---------------------------------------------


def _home(page: Page):
    page.goto("/")
    expect(heading(page)).to_have_text("Pledges and commitments, followed through in the open")


def _pledge_list(page: Page):
    page.goto("/pledges")
    expect(heading(page)).to_have_text("Pledges")
    expect(pager(page)).to_be_visible()  # with the extra pledges it has pages


def _pledge_list_found(page: Page):
    page.goto("/pledges")
    search_box(page).fill("trafficking")
    page.get_by_label("Theme", exact=True).select_option(value="human-trafficking")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".filters-in-force")).to_contain_text("Theme: Human trafficking")
    expect(page.locator(".pledge-list > li")).not_to_have_count(0)
    page.locator(".register-charts summary").click()  # the charts of what is listed, open
    expect(page.get_by_role("figure", name="By state")).to_be_visible()
    settled(page)


def _pledge_list_nothing(page: Page):
    page.goto("/pledges")
    search_box(page).fill("no such words in any pledge")
    page.get_by_label("State", exact=True).select_option(value="done")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Nothing matches.")).to_be_visible()
    expect(page.locator(".pledge-list")).to_have_count(0)
    settled(page)


def _pledge_page(page: Page):
    page.goto(f"/pledges/{EVIDENCE_PLEDGE}")
    expect(heading(page)).to_have_text("ASEAN-Australia Counter Trafficking")


def _roundtable_list(page: Page):
    page.goto("/roundtables")
    expect(heading(page)).to_have_text("Roundtables")
    expect(page.get_by_role("link", name=ROUNDTABLE_TITLE)).to_be_visible()


def _roundtable_page(page: Page):
    page.goto(f"/roundtables/{ROUNDTABLE_SLUG}")
    expect(heading(page)).to_have_text(ROUNDTABLE_TITLE)


def _forum_page(page: Page):
    """A programme's pledges as a whole, reached as a visitor would: from a pledge's forum."""
    page.goto(f"/pledges/{EVIDENCE_PLEDGE}")
    page.locator("dl.facts").get_by_role("link", name="ASEAN-Australia Counter Trafficking 2018–2028").click()
    expect(heading(page)).to_have_text("ASEAN-Australia Counter Trafficking 2018–2028")
    expect(page.get_by_role("figure", name="Pledges by theme")).to_be_visible()


def _open_data(page: Page):
    page.goto("/open-data")
    expect(heading(page)).to_have_text("Open data")


def _api_docs(page: Page):
    assert page.goto("/api/v1/docs").status == 200
    page.wait_for_load_state("networkidle")  # Swagger UI draws the operations from the OpenAPI file
    expect(page.get_by_text("/api/v1/pledges", exact=True).first).to_be_visible()


PUBLIC_PAGES = {
    "home": _home,
    "pledge list": _pledge_list,
    "pledge list, searched and filtered": _pledge_list_found,
    "pledge list, nothing found": _pledge_list_nothing,
    "pledge page": _pledge_page,
    "roundtable list": _roundtable_list,
    "roundtable page": _roundtable_page,
    "forum page": _forum_page,
    "open data": _open_data,
    "API docs": _api_docs,
}
WITH_SEARCH = {"home", "pledge list", "pledge list, searched and filtered", "pledge list, nothing found"}


@pytest.mark.parametrize("which", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violations(page: Page, many_pledges, which):
    PUBLIC_PAGES[which](page)
    assert_accessible(page)


@pytest.mark.parametrize("which", PUBLIC_PAGES)
def test_public_page_reads_on_a_375_px_phone(page: Page, many_pledges, which):
    page.set_viewport_size({"width": PHONE, "height": 812})
    PUBLIC_PAGES[which](page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "the page scrolls sideways"
    if which in WITH_SEARCH:
        box = search_box(page)
        button = page.get_by_role("search").get_by_role("button", name="Search")
        for control in (box, button):
            expect(control).to_be_visible()
            bounds = control.bounding_box()
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE, "cut off at the edge"
            assert bounds["width"] >= 44 and bounds["height"] >= 24, "big enough to tap"
        box.fill("trafficking")
        button.click()
        # The search is made (with any filters the list's form had in force).
        expect(page).to_have_url(re.compile(r"/pledges\?(.*&)?q=trafficking(&|$)"))
        expect(search_box(page)).to_have_value("trafficking")
        # The summary names the search, whether it found pledges or not.
        expect(page.locator(".list-summary")).to_contain_text("“trafficking”")
        settled(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE


# --- 4. on paper ------------------------------------------------------------------------------


def test_a_pledge_page_prints_without_the_menus(page: Page):
    _pledge_page(page)
    main_nav = page.get_by_role("navigation", name="Main")
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    for chrome in (main_nav, breadcrumb, page.locator(".site-header"), page.locator(".site-footer")):
        expect(chrome).to_be_visible()

    page.emulate_media(media="print")
    for chrome in (main_nav, breadcrumb, page.locator(".site-header"), page.locator(".site-footer")):
        expect(chrome).to_be_hidden()
    expect(heading(page)).to_be_visible()
    expect(page.get_by_role("region", name="Actions taken").locator(".timeline").first).to_be_visible()
    expect(page.locator(".timeline .action-date").first).to_be_visible()
    expect(page.locator("dt", has_text="Implementation completion")).to_be_visible()
    expect(page.locator("dt:has-text('Implementation completion') + dd")).to_be_visible()
    # A printed link cannot be clicked: the evidence's address is written after it.
    after = page.locator('.timeline a[href^="http"]').first.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://aseanactpartnershiphub.com" in after

    page.emulate_media(media="screen")
    expect(main_nav).to_be_visible()


# --- 5. without JavaScript --------------------------------------------------------------------


def test_search_filters_and_pages_work_without_javascript(new_context, live_app, many_pledges):
    page = new_context(java_script_enabled=False).new_page()
    assert page.goto("/").ok
    expected = matching(published_pledges(live_app), EXTRA_WORDS, theme=EXTRA_THEME[0])

    search_box(page).fill(EXTRA_WORDS)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/pledges\?(.*&)?q=first\+aid(&|$)"))
    page.get_by_label("Theme", exact=True).select_option(value=EXTRA_THEME[0])
    page.get_by_label("Sort by").select_option(label="Title (A–Z)")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]theme=migration(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]sort=title(&|$)"))
    expect(page.locator(".filters-in-force")).to_contain_text(f"Theme: {EXTRA_THEME[1]}")

    pages = walk(page)
    assert len(pages) > 1
    check_pages(pages, expected, live_app.config["ITEMS_PER_PAGE"])
    titles = [published_pledges(live_app)[slug]["title"] for _line, slugs in pages for slug in slugs]
    assert titles == sorted(titles, key=str.casefold)  # A–Z across the pages

    # A chip takes its filter away, again by a plain link.
    page.locator(".filters-in-force").get_by_role("link", name=re.compile("^Theme:")).click()
    expect(page).not_to_have_url(re.compile(r"[?&]theme="))
    assert count_line(page)[2] == len(matching(published_pledges(live_app), EXTRA_WORDS))
