"""The public register: the pledge list (search, filters with counts, sorts, keyset
pages), the pledge page's meta data, the roundtable list, the home page, the Atom feeds,
HTTP caching — and that no public output ever shows what is not public."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.extensions import db
from tracker.core.text import slugify
from tracker.pledges.models import Pledge
from tracker.pledges.operations import edit_pledge, withdraw_action
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

from .test_views import _queries_for, text_of

ATOM = "{http://www.w3.org/2005/Atom}"


def titles_on(response) -> list[str]:
    """The pledge titles a list page shows, in order."""
    return re.findall(
        r'<h2 class="h5 mb-1"><a href="/pledges/[^"]+"><bdi[^>]*>([^<]+)</bdi></a>', response.get_data(as_text=True)
    )


def theme(name):
    record = Theme(name=name, slug=slugify(name))
    db.session.add(record)
    db.session.flush()
    return record


def forum(name):
    record = Forum(name=name, kind=ForumKind.CONFERENCE)
    db.session.add(record)
    db.session.flush()
    return record


def country(name, iso_code=None):
    record = Country(name=name, iso_code=iso_code)
    db.session.add(record)
    db.session.flush()
    return record


# --- the pledge list ---------------------------------------------------------------------


def test_the_list_shows_published_pledges_only_even_to_their_own_staff(client, auth, make):
    make.pledge_in_progress(title="Regional Protection")
    done = make.pledge_in_progress(title="Finished work")
    make.action(done)
    take_transition(done, "complete", make.staff(organisation=done.lead_signatory))
    draft = make.pledge(title="Unpublished plan")
    assert sorted(titles_on(client.get("/pledges"))) == ["Finished work", "Regional Protection"]
    auth.login(make.staff(organisation=draft.lead_signatory).email)
    assert "Unpublished plan" not in titles_on(client.get("/pledges"))  # their drafts are in /pledges/mine
    assert "Unpublished plan" in text_of(client.get("/pledges/mine"))


def test_search_finds_words_in_the_title_the_text_and_current_actions(client, make):
    make.pledge_in_progress(title="Counter Trafficking", text="Work on borders.")
    make.pledge_in_progress(title="Regional Protection", text="Protect migrants from TRAFFICKING networks.")
    by_action = make.pledge_in_progress(title="Human rights dialogue", text="Dialogue.")
    make.action(by_action, summary="Workshop on trafficking in persons.")
    withdrawn = make.pledge_in_progress(title="Legal reform", text="Reform.")
    action = make.action(withdrawn, summary="A trafficking seminar, later withdrawn.")
    withdraw_action(action, make.staff(organisation=withdrawn.lead_signatory))
    make.pledge_in_progress(title="Unrelated", text="Nothing to see.")

    found = titles_on(client.get("/pledges?q=trafficking"))
    assert sorted(found) == ["Counter Trafficking", "Human rights dialogue", "Regional Protection"]
    assert "Showing 1–3 of 3 pledges for “trafficking”" in text_of(client.get("/pledges?q=trafficking"))


def test_every_search_word_must_be_found_and_quotes_keep_a_phrase(client, make):
    make.pledge_in_progress(title="Regional protection of migrants", text="Text.")
    make.pledge_in_progress(title="Protection of children", text="Text.")
    assert titles_on(client.get("/pledges?q=protection+migrants")) == ["Regional protection of migrants"]
    assert titles_on(client.get('/pledges?q="protection+of+children"')) == ["Protection of children"]
    assert titles_on(client.get("/pledges?q=%25")) == []  # % is a character, not "anything"
    assert titles_on(client.get("/pledges?q=_")) == []


@pytest.fixture
def register(make):
    """Pledges across themes, forums, countries and signatories."""
    migration, children = theme("Migration"), theme("Children's rights")
    conference = forum("33rd International Conference")
    australia, lao = country("Australia", "AU"), country("Lao PDR", "LA")
    red_cross = make.organisation("Australian Red Cross")
    dfat = make.organisation("Department of Foreign Affairs and Trade")
    staff = make.staff(organisation=red_cross)
    make.pledge_in_progress(
        author=staff, title="Alpha", themes=[migration], countries=[australia], forum_id=conference.id
    )
    make.pledge_in_progress(
        author=staff, title="Bravo", themes=[migration, children], countries=[lao], co_signatories=[dfat]
    )
    c = make.pledge_in_progress(
        lead=dfat, title="Charlie", themes=[children], countries=[australia, lao], forum_id=conference.id
    )
    make.action(c)
    take_transition(c, "complete", make.staff(organisation=dfat))
    make.pledge(lead=dfat, title="Draft Delta", themes=[migration], forum_id=conference.id)  # never counted
    return {
        "migration": migration,
        "children": children,
        "conference": conference,
        "australia": australia,
        "lao": lao,
        "red_cross": red_cross,
        "dfat": dfat,
    }


@pytest.mark.parametrize(
    "args, expected",
    [
        ("state=in_progress", ["Alpha", "Bravo"]),
        ("state=done", ["Charlie"]),
        ("theme=migration", ["Alpha", "Bravo"]),
        ("theme=children-s-rights", ["Bravo", "Charlie"]),
        ("organisation={dfat}", ["Bravo", "Charlie"]),
        ("organisation={red_cross}", ["Alpha", "Bravo"]),
        ("forum={conference}", ["Alpha", "Charlie"]),
        ("country={lao}", ["Bravo", "Charlie"]),
        ("theme=migration&country={lao}", ["Bravo"]),
        ("region=009", ["Alpha", "Charlie"]),  # Oceania: Australia
        ("region=142", ["Bravo", "Charlie"]),  # Asia: Lao PDR
        ("region=002&state=in_progress", []),
        ("region=zzz", []),
        ("theme=migration&state=done", []),
        ("theme=no-such-theme", []),
        ("organisation=not-a-number", []),
    ],
)
def test_each_filter_gives_the_pledges_it_names(client, register, args, expected):
    url = "/pledges?sort=title&" + args.format(**{k: v.id for k, v in register.items()})
    assert titles_on(client.get(url)) == expected


def _option_counts(page: str, param: str) -> dict[str, int]:
    select = re.search(rf'<select[^>]*name="{param}">(.*?)</select>', page, re.S).group(1)
    return {
        value: int(count)
        for value, count in re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', select)
    }


def test_filter_counts_say_how_many_pledges_each_value_leaves(client, register):
    page = text_of(client.get("/pledges"))
    assert _option_counts(page, "theme") == {"children-s-rights": 2, "migration": 2}  # the draft is not counted
    assert _option_counts(page, "state") == {"in_progress": 2, "done": 1}
    assert _option_counts(page, "country") == {str(register["australia"].id): 2, str(register["lao"].id): 2}
    assert _option_counts(page, "region") == {"142": 2, "009": 2}  # Asia, Oceania: M49's order
    # With a theme chosen, the other filters count within it; the theme's own counts do not narrow.
    page = text_of(client.get("/pledges?theme=migration"))
    assert _option_counts(page, "state") == {"in_progress": 2}
    assert _option_counts(page, "theme") == {"children-s-rights": 2, "migration": 2}
    # Every count is what choosing that value gives.
    for param in ("theme", "organisation", "forum", "region", "country", "state"):
        for value, count in _option_counts(page, param).items():
            chosen = (
                text_of(client.get(f"/pledges?theme=migration&{param}={value}"))
                if param != "theme"
                else text_of(client.get(f"/pledges?theme={value}"))
            )
            assert f"of {count} {'pledge' if count == 1 else 'pledges'}" in chosen, (param, value)


def _counted(client, url: str) -> tuple[str, int]:
    """The page at `url`, and how many statements counted its filters."""
    db.session.commit()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return text_of(response), sum("UNION ALL" in statement for statement in statements)


def test_the_filters_counts_are_kept_until_a_change_they_count(app, client, register, make):
    """Without a search, the register's counts are kept: recording an action (the commonest
    write) leaves them, and every change they count shows on the very next request."""
    app.extensions["render_cache"].enabled = False  # every page rendered
    alpha = db.session.scalar(sa.select(Pledge).where(Pledge.title == "Alpha"))
    staff = make.staff(organisation=register["red_cross"])
    first, counted = _counted(client, "/pledges")
    assert counted == 1 and _option_counts(first, "state") == {"in_progress": 2, "done": 1}

    make.action(alpha, author=staff, summary="Trained forty volunteers.", date=dt.date(2026, 3, 2))
    page, counted = _counted(client, "/pledges")
    assert counted == 0 and page != first and "2 March 2026" in page  # the list moved; its counts did not
    page, counted = _counted(client, "/pledges?q=volunteers")
    assert counted == 1  # a search's counts are always counted

    australia, lao = str(register["australia"].id), str(register["lao"].id)
    changes = {
        "state": (lambda: take_transition(alpha, "complete", staff), {"in_progress": 1, "done": 2}),
        "theme": (lambda: edit_pledge(alpha, staff, themes=[register["children"]]), {"children-s-rights": 3, "migration": 1}),
        "country": (lambda: edit_pledge(alpha, staff, countries=[register["lao"]]), {australia: 1, lao: 3}),
        "forum": (lambda: edit_pledge(alpha, staff, forum_id=None), {str(register["conference"].id): 1}),
        "organisation": (  # invited: not yet a signatory, but counted again
            lambda: edit_pledge(alpha, staff, co_signatories=[register["dfat"]]),
            {str(register["dfat"].id): 2, str(register["red_cross"].id): 2},
        ),
    }  # fmt: skip
    for param, (change, expected) in changes.items():
        change()
        page, counted = _counted(client, "/pledges")
        assert counted == 1 and _option_counts(page, param) == expected, param

    register["migration"].name = "Migration and displacement"  # beyond pledges: the whole site moves
    make.pledge_in_progress(lead=register["dfat"], title="Echo", themes=[register["migration"]])
    page, counted = _counted(client, "/pledges")
    assert "Migration and displacement (2)" in page and _option_counts(page, "state") == {"in_progress": 2, "done": 2}


def test_a_pledge_counts_once_in_its_region_of_the_world_named_in_the_readers_language(client, register, make):
    """(Issue 19, "by region".) A country's region of the world follows from its ISO code
    (UN M49); a pledge for two countries of one region counts once there; the region's
    name is CLDR's in the page's language; a region no pledge is for is not offered."""
    assert (register["australia"].region, register["lao"].region) == ("009", "142")
    make.pledge_in_progress(title="Echo", countries=[register["lao"], country("Viet Nam", "VN")])
    page = text_of(client.get("/pledges"))
    assert _option_counts(page, "region") == {"142": 3, "009": 2}
    assert re.search(r'<option value="142"[^>]*>Asia \(3\)</option>', page)
    assert "Showing 1–3 of 3 pledges" in text_of(client.get("/pledges?region=142"))
    chosen = text_of(client.get("/pledges?region=002"))  # Africa: chosen, though no pledge is for it
    assert '<option value="002" selected>Africa (0)</option>' in chosen
    assert "no such region of the world" in text_of(client.get("/pledges?region=zzz"))
    assert re.search(r'<option value="142"[^>]*>Asie \(3\)</option>', text_of(client.get("/pledges?lang=fr")))


def test_the_filters_are_in_the_url_and_each_can_be_removed(client, register):
    page = text_of(client.get("/pledges?q=a&theme=migration&sort=title"))
    assert re.search(r'<option value="migration" selected>', page)
    assert 'value="a"' in page
    # The chip removing the theme keeps the search and the sort.
    assert 'href="/pledges?q=a&amp;sort=title">Theme: <bdi>Migration</bdi>' in page
    assert 'href="/pledges.csv?q=a&amp;theme=migration&amp;sort=title"' in page  # downloads take the same filters


def test_the_register_charts_the_pledges_it_lists_each_bar_its_list(client, register):
    """(Issue 19.) Under the filters in force, each bar of the register's charts gives the
    pledges its link lists."""
    page = text_of(client.get("/pledges?theme=migration"))
    charts = re.search(r'<details class="register-charts.*?</details>', page, re.S).group(0)
    rows = re.findall(r'<a href="([^"]+)">.*?</a>.*?<td class="text-end chart-count">(\d+)</td>', charts, re.S)
    assert len(rows) >= 5
    for url, count in rows:
        url = url.replace("&amp;", "&")
        assert "theme=" in url, url
        assert f"of {count} {'pledge' if count == '1' else 'pledges'}" in text_of(client.get(url)), url


def test_a_chart_of_many_values_shows_the_largest_and_the_filter_offers_every_one(client, make):
    """A register with pledges in fourteen countries charts the twelve with most pledges (at a
    glance, and a page a phone can load); the filter still offers all fourteen."""
    countries = [country(f"Country {letter}") for letter in "ABCDEFGHIJKLMN"]
    staff = make.staff()
    for number, place in enumerate(countries):
        for _ in range(2 if number in (12, 13) else 1):  # the last two alphabetically have two each
            make.pledge_in_progress(author=staff, countries=[place])
    page = text_of(client.get("/pledges"))
    chart = re.search(r'<figure class="chart" id="chart-country".*?</figure>', page, re.S).group(0)
    charted = re.findall(r"<bdi>(Country \w)</bdi>", chart)
    assert len(charted) == 12 and charted[:2] == ["Country M", "Country N"]
    assert "The 12 largest of 14: the filter above offers every one." in chart
    assert len(_option_counts(page, "country")) == 14


def test_a_chosen_filter_reads_as_its_label_and_an_unknown_one_says_so(client, register):
    """(Issue 19.) A value no listed pledge has is named by its label, never its code; a value
    that is none of the filter's is "no such …", and not offered as an option."""
    page = text_of(client.get("/pledges?theme=migration&state=done"))
    assert ">State: <bdi>Done</bdi>" in page and ">State: <bdi>done</bdi>" not in page
    assert '<option value="done" selected>Done (0)</option>' in page
    unknown = text_of(client.get("/pledges?state=zzz&theme=no-such-theme"))
    assert ">State: <bdi>no such state “zzz”</bdi>" in unknown
    assert ">Theme: <bdi>no such theme “no-such-theme”</bdi>" in unknown
    assert 'value="zzz"' not in unknown and 'value="no-such-theme"' not in unknown
    assert "No pledges match" in unknown


def test_filter_values_are_listed_a_to_z_whatever_their_case(client, make):
    """(Found by a fresh-clone trial: "Belgian Red Cross" came before "Belgian authorities".)"""
    for name in ("Belgian Red Cross", "Belgian authorities", "belgian Civil Protection"):
        make.pledge_in_progress(lead=make.organisation(name), title=f"Pledge of {name}")
    page = text_of(client.get("/pledges"))
    select = re.search(r'<select[^>]*name="organisation".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option value=\"\d+\">([^(<]+) \(", select) == [
        "Belgian authorities", "belgian Civil Protection", "Belgian Red Cross",
    ]  # fmt: skip


def test_sorts(client, make):
    staff = make.staff()
    old = make.pledge_in_progress(author=staff, title="Bravo")
    make.action(old, date=dt.date(2021, 3, 1))
    new = make.pledge_in_progress(author=staff, title="Alpha")
    make.action(new, date=dt.date(2019, 1, 1))
    quiet = make.pledge_in_progress(author=staff, title="Charlie")  # no action: last in "latest action first"
    old.published_at, new.published_at, quiet.published_at = (
        dt.datetime(2020, 1, 1),
        dt.datetime(2022, 1, 1),
        dt.datetime(2021, 1, 1),
    )
    assert titles_on(client.get("/pledges?sort=title")) == ["Alpha", "Bravo", "Charlie"]
    assert titles_on(client.get("/pledges?sort=newest")) == ["Alpha", "Charlie", "Bravo"]
    assert titles_on(client.get("/pledges?sort=last_action")) == ["Bravo", "Alpha", "Charlie"]
    assert titles_on(client.get("/pledges")) == ["Bravo", "Alpha", "Charlie"]  # the default
    assert titles_on(client.get("/pledges?sort=nonsense")) == ["Bravo", "Alpha", "Charlie"]


def _next_link(page: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


def _prev_link(page: str) -> str | None:
    found = re.search(r'rel="prev" href="([^"]+)"', page)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("sort", ["title", "newest", "last_action"])
def test_pages_walk_every_pledge_once_forwards_and_back(client, make, sort):
    staff = make.staff()
    for n in range(45):
        pledge = make.pledge_in_progress(author=staff, title=f"Pledge {n:02d}")
        if n % 3 == 0:
            make.action(pledge, date=dt.date(2019, 1, 1) + dt.timedelta(days=n % 7))  # ties broken by id
    url, seen, pages = f"/pledges?sort={sort}&q=pledge", [], []
    while url:
        page = text_of(client.get(url))
        pages.append((url, titles_on(client.get(url))))
        first = len(seen) + 1
        seen += titles_on(client.get(url))
        assert f"Showing {first}–{len(seen)} of 45 pledges" in page
        url = _next_link(page)
    assert len(seen) == 45 and len(set(seen)) == 45
    assert [len(titles) for _, titles in pages] == [20, 20, 5]
    # Previous from the last page gives the middle page again, then the first.
    last = text_of(client.get(pages[-1][0]))
    middle = client.get(_prev_link(last))
    assert titles_on(middle) == pages[1][1]
    assert "Showing 21–40 of 45" in text_of(middle)
    first = client.get(_prev_link(text_of(middle)))
    assert titles_on(first) == pages[0][1]
    assert _prev_link(text_of(first)) is None


def test_a_tampered_cursor_gives_the_first_page_not_an_error(client, make):
    make.pledge_in_progress(title="Alpha")
    for cursor in ["garbage", "W1tdLDBd", "eyJ4IjoxfQ", "W1siMjAxOS0xMy0wMSIsMV0sMCxmYWxzZV0", "A" * 5000]:
        response = client.get(f"/pledges?cursor={cursor}")
        assert response.status_code == 200
        assert titles_on(response) == ["Alpha"]


def test_the_list_costs_the_same_queries_for_3_or_30_pledges(client, make):
    def grow(n):
        for _ in range(n):
            lead = make.organisation()
            pledge = make.pledge_in_progress(
                lead=lead, co_signatories=[make.organisation()], themes=[theme(f"Theme {lead.id}")]
            )
            make.action(pledge)

            db.session.commit()  # measure the page, not the saving of the test's records

    grow(3)
    few = _queries_for(client, "/pledges?q=regional&sort=title")
    grow(27)
    assert _queries_for(client, "/pledges?q=regional&sort=title") == few


# --- the pledge page ------------------------------------------------------------------------


def test_the_pledge_page_has_a_description_open_graph_tags_and_a_permalink(client, make):
    pledge = make.pledge_in_progress(
        title="Regional Protection",
        text="**Australian Red Cross** works on regional protection.",
        text_format="markdown",
    )
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert '<meta name="description" content="Australian Red Cross works on regional protection.">' in page
    assert '<meta property="og:title" content="Regional Protection">' in page
    assert f'<meta property="og:url" content="http://localhost/pledges/{pledge.slug}">' in page
    assert f'<link rel="canonical" href="http://localhost/pledges/{pledge.slug}">' in page
    assert f'href="/pledges/{pledge.slug}/actions.atom"' in page
    assert "Last updated" in page and "Implementation completion:" in page


def test_a_drafts_page_is_not_indexed(client, auth, make):
    draft = make.pledge(title="Unpublished plan")
    auth.login(make.staff(organisation=draft.lead_signatory).email)
    page = text_of(client.get(f"/pledges/{draft.slug}"))
    assert '<meta name="robots" content="noindex">' in page
    assert "og:title" not in page


# --- roundtables ------------------------------------------------------------------------------


def test_the_roundtable_list_searches_and_filters_with_counts(client, make):
    bali = forum("Bali Process")
    australia = make.organisation("Government of Australia")
    make.roundtable(
        title="Roundtable on trafficking", forum_id=bali.id, co_chairs=[australia], start_date=dt.date(2018, 5, 14)
    )
    make.roundtable(title="Roundtable on labour migration", start_date=dt.date(2019, 2, 1), end_date=None)
    make.roundtable(title="A closed meeting", is_public=False)
    page = text_of(client.get("/roundtables"))
    assert "A closed meeting" not in page
    assert _option_counts(page, "year") == {"2019": 1, "2018": 1}
    assert _option_counts(page, "process") == {str(bali.id): 1}
    assert "Roundtable on labour migration" not in text_of(client.get(f"/roundtables?process={bali.id}"))
    assert "Roundtable on trafficking" in text_of(client.get(f"/roundtables?co_chair={australia.id}"))
    found = text_of(client.get("/roundtables?q=labour"))
    assert "Roundtable on labour migration" in found and "Roundtable on trafficking" not in found
    assert "Showing 1–1 of 1 roundtable for “labour”." in found  # (one roundtable, not "1 roundtables")


def test_co_chairs_see_their_private_roundtable_in_the_list(client, auth, make):
    government = make.organisation("Government of Indonesia")
    make.roundtable(title="A closed meeting", is_public=False, co_chairs=[government])
    auth.login(make.co_chair(organisation=government).email)
    assert "A closed meeting" in text_of(client.get("/roundtables"))


# --- home page and feeds ----------------------------------------------------------------------


def test_the_home_page_counts_the_register_and_shows_the_latest_actions(client, make):
    pledge = make.pledge_in_progress(title="Regional Protection")
    make.action(pledge, summary="Organised three roundtables.")
    make.action(make.pledge(title="Unpublished plan"), summary="A draft's action.")
    page = text_of(client.get("/"))
    assert re.search(r"<strong>1</strong> published pledge\b", page)
    assert re.search(r"<strong>1</strong> action taken", page)
    assert "Organised three roundtables." in page
    assert "A draft&#39;s action." not in page and "draft's action" not in page


def _entries(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    return feed, [(e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}id")) for e in feed.findall(f"{ATOM}entry")]


def test_the_home_page_charts_agree_with_the_lists_they_link_to(client, register):
    """(Issue 19.) Each chart's bar is a filter of the pledge list: its figure is what the
    list shows when the link is followed. Drafts are never counted."""
    page = text_of(client.get("/"))
    for chart in ("state", "theme", "forum", "region", "country"):
        figure = re.search(rf'<figure class="chart" id="chart-{chart}".*?</figure>', page, re.S)
        assert figure, chart
        rows = re.findall(
            r'<a href="([^"]+)">.*?</a>.*?<td class="text-end chart-count">(\d+)</td>', figure.group(0), re.S
        )
        assert rows, chart
        assert '<svg class="chart-bar" viewBox="0 0 100 10"' in figure.group(0)
        for url, count in rows:
            listed = text_of(client.get(url.replace("&amp;", "&")))
            assert f"of {count} {'pledge' if count == '1' else 'pledges'}" in listed, (chart, url)
    states = re.search(r'id="chart-state".*?</figure>', page, re.S).group(0)
    assert "<bdi>In progress</bdi></a>" in states and "Draft" not in states  # labels, never codes; no drafts
    # Completion over time: the one done pledge, in the year it was marked done.
    from tracker.pledges.models import Pledge

    year = db.session.scalar(sa.select(Pledge.completed_at).where(Pledge.status == "done")).year
    completed = re.search(r'id="chart-completed".*?</figure>', page, re.S).group(0)
    assert re.findall(r"<bdi>(\d{4})</bdi></th>\s*<td class=\"text-end chart-count\">(\d+)</td>", completed) == [
        (str(year), "1")
    ]


def test_a_forum_page_shows_its_pledges_as_a_whole_each_figure_its_list(client, register, make):
    """(Issue 19.) /forums/<slug>: a conference's published pledges (never its draft) in
    figures and charts, each count a link to the list it counts; linked from the register's
    forum filter and from each pledge of it."""
    conference = register["conference"]
    assert conference.slug == "33rd-international-conference"  # made from its name
    page = " ".join(text_of(client.get(f"/forums/{conference.slug}")).split())
    assert "<strong>2</strong> published pledges" in page  # Alpha and Charlie; not Draft Delta
    assert "<strong>1</strong> completed" in page and "<strong>1</strong> with at least one action taken" in page
    assert "<strong>1</strong> action taken" in page
    for chart in ("state", "theme", "region", "country"):
        figure = re.search(rf'<figure class="chart" id="chart-{chart}".*?</figure>', page).group(0)
        rows = re.findall(r'<a href="([^"]+)">.*?</a>.*?<td class="text-end chart-count">(\d+)</td>', figure)
        assert rows, chart
        for url, count in rows:
            assert f"forum={conference.id}" in url
            listed = text_of(client.get(url.replace("&amp;", "&")))
            assert f"of {count} {'pledge' if count == '1' else 'pledges'}" in listed, (chart, url)
    kinds = re.search(r'id="chart-signatories".*?</figure>', page).group(0)
    assert re.search(r"National Society</bdi></th> <td class=\"text-end chart-count\">2</td>", kinds)
    assert "Draft Delta" not in page and "Organised three roundtables" in page  # Charlie's action
    listed = text_of(client.get(f"/pledges?forum={conference.id}"))
    assert (
        f'<a href="/forums/{conference.slug}"><bdi>33rd International Conference</bdi>: its pledges as a whole</a>'
        in listed
    )
    charlie = text_of(client.get("/pledges/charlie"))
    assert f'<dd><a href="/forums/{conference.slug}"><bdi>33rd International Conference</bdi></a></dd>' in charlie
    assert client.get("/forums/no-such-forum").status_code == 404


def test_the_home_page_lists_the_latest_actions_taken_by_their_dates(client, make):
    """(Issue 19.) Recorded in the order 2011, 2011, 2010, 2019, they are listed by when they
    were taken — the latest first — not by when they were recorded; the feed keeps the
    recording order (it tells what is new)."""
    from tracker.core.dates import DatePrecision

    pledge = make.pledge_in_progress(title="Regional Protection")
    for summary, date, precision in [
        ("First of 2011", dt.date(2011, 1, 1), DatePrecision.YEAR),
        ("March 2011", dt.date(2011, 3, 1), DatePrecision.MONTH),
        ("In 2010", dt.date(2010, 5, 4), DatePrecision.DAY),
        ("In 2019", dt.date(2019, 1, 1), DatePrecision.YEAR),
    ]:
        make.action(pledge, summary=summary, date=date, date_precision=precision)
    page = text_of(client.get("/"))
    listed = re.findall(r": <bdi>([^<]+)</bdi></p>", page)
    assert listed == ["In 2019", "March 2011", "First of 2011", "In 2010"]
    feed = text_of(client.get("/actions.atom"))
    assert [feed.index(s) for s in ("In 2019", "In 2010", "March 2011")] == sorted(
        feed.index(s) for s in ("In 2019", "In 2010", "March 2011")
    )


def test_the_site_feed_has_new_actions_of_published_pledges_newest_first(client, make):
    pledge = make.pledge_in_progress(title="Regional Protection")
    first = make.action(pledge, summary="First action.")
    second = make.action(pledge, summary="Second action.")
    second.created_at = first.created_at + dt.timedelta(minutes=1)
    make.action(make.pledge(title="Unpublished plan"), summary="Draft action.")
    gone = make.action(pledge, summary="Withdrawn action.")
    withdraw_action(gone, make.staff(organisation=pledge.lead_signatory))
    feed, entries = _entries(client.get("/actions.atom"))
    assert feed.findtext(f"{ATOM}title") == "Pledge Tracker: new actions taken"
    assert [title.split(" — ")[-1] for title, _ in entries] == ["Second action.", "First action."]
    assert entries[0][1] == f"http://localhost/pledges/{pledge.slug}#action-{second.id}"


def test_a_pledge_feed_has_that_pledges_actions_and_a_draft_has_none(client, auth, make):
    pledge = make.pledge_in_progress(title="Regional Protection")
    make.action(pledge, summary="Ours.")
    make.action(make.pledge_in_progress(title="Another"), summary="Theirs.")
    _feed, entries = _entries(client.get(f"/pledges/{pledge.slug}/actions.atom"))
    assert [title.split(" — ")[-1] for title, _ in entries] == ["Ours."]
    draft = make.pledge(title="Unpublished plan")
    auth.login(make.staff(organisation=draft.lead_signatory).email)
    assert client.get(f"/pledges/{draft.slug}/actions.atom").status_code == 404  # even for its staff


def test_a_feed_survives_control_characters_in_text(client, make):
    """Text kept from before the forms refused control characters still makes a valid feed."""
    pledge = make.pledge_in_progress(title="Regional Protection")
    action = make.action(pledge, summary="Bell and form feed.")
    pledge.title, action.summary = "Regional\x0b Protection", "Bell \x07 and form feed \x0c."
    _feed, entries = _entries(client.get("/actions.atom"))
    assert entries and "Bell  and form feed ." in entries[0][0]


# --- HTTP caching -------------------------------------------------------------------------------


def _public_urls(pledge, roundtable) -> list[str]:
    return [
        "/",
        "/pledges",
        "/pledges?q=regional&sort=title",
        f"/pledges/{pledge.slug}",
        f"/pledges/{pledge.slug}/actions.atom",
        "/actions.atom",
        "/roundtables",
        f"/roundtables/{roundtable.slug}",
        "/open-data",
    ]


def test_public_pages_answer_a_conditional_request_with_304_until_an_edit(client, make):
    pledge = make.pledge_in_progress(title="Regional Protection")
    roundtable = make.roundtable()
    for url in _public_urls(pledge, roundtable):
        response = client.get(url)
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b""
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304, url

    before = {url: client.get(url).headers["ETag"] for url in _public_urls(pledge, roundtable)}
    make.action(pledge, summary="Something new.")  # committed by the next request
    for url, etag in before.items():
        response = client.get(url, headers={"If-None-Match": etag})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != etag
    assert "Something new." in text_of(client.get(f"/pledges/{pledge.slug}"))


def test_an_edit_by_any_path_moves_the_validator(client, make):
    pledge = make.pledge_in_progress(title="Regional Protection")
    etag = client.get("/pledges").headers["ETag"]
    staff = make.staff(organisation=pledge.lead_signatory)
    edit_pledge(pledge, staff, title="Regional Protection, renamed")
    response = client.get("/pledges", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Regional Protection, renamed" in text_of(response)


def test_a_new_day_moves_the_validator(app, client, make):
    make.pledge_in_progress()
    etag = client.get("/pledges").headers["ETag"]
    app.config["TODAY"] = dt.date.today() + dt.timedelta(days=1)
    assert client.get("/pledges", headers={"If-None-Match": etag}).status_code == 200


def test_logged_in_pages_are_private_and_never_304(client, auth, make):
    pledge = make.pledge_in_progress()
    etag = client.get(f"/pledges/{pledge.slug}").headers["ETag"]
    auth.login(make.staff(organisation=pledge.lead_signatory).email)
    response = client.get(f"/pledges/{pledge.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/pledges?organisation=%C2%B2",  # "²" is a digit to Python, not a number to a database
        "/pledges?country=%D9%A3",  # an Arabic-Indic three
        "/roundtables?year=%C2%B2%C2%B2%C2%B2%C2%B2",
        "/roundtables?co_chair=%C2%B2",
        "/pledges?theme=a%00b",
        "/pledges?q=a%00b",
        "/pledges/a%00b",
        "/roundtables/a%00b",
        "/pledges.csv?theme=%00",
        "/api/v1/pledges?theme=%00",
    ],
)
def test_odd_filter_values_and_addresses_never_fail(client, make, url):
    make.pledge_in_progress(title="Alpha")
    response = client.get(url)
    assert response.status_code in (200, 400, 404, 422), url
    if response.status_code == 200 and url.startswith("/pledges?"):
        assert titles_on(response) == [] or "No pledges match" in text_of(response)
