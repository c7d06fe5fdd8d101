"""Follow-through as co-chairs and owners rely on it: overdue and stale are computed against
an injectable today, and every figure of the dashboard is the length of the list it links
to — checked on the seed-003 demo roundtable by following each figure's link."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.extensions import db
from tracker.data.demo import BALI_ROUNDTABLE_SLUG, load_demo
from tracker.roundtables import follow_through
from tracker.roundtables.models import Recommendation, Roundtable
from tracker.roundtables.operations import post_progress_update

TODAY = dt.date(2026, 11, 22)
DASHBOARD = f"/roundtables/{BALI_ROUNDTABLE_SLUG}/follow-through"


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


@pytest.fixture
def demo(app, today):
    load_demo(today=today)
    db.session.commit()


def bali() -> Roundtable:
    return db.session.scalar(sa.select(Roundtable).where(Roundtable.slug == BALI_ROUNDTABLE_SLUG))


# --- the rules, against an injected today ----------------------------------------------------


@pytest.fixture
def agreed(make, today):
    """An agreed recommendation due in 10 days, agreed 100 days ago, with its owner's staff."""
    owner = make.organisation(name="Australian Red Cross")
    recommendation = make.recommendation(owners=[owner], due_date=today + dt.timedelta(days=10))
    co_chair = make.co_chair(organisation=recommendation.roundtable.co_chairs[0])
    take_transition(recommendation, "agree", co_chair, today=today - dt.timedelta(days=100))
    return recommendation, make.staff(organisation=owner), co_chair


def _matches(condition, recommendation) -> bool:
    db.session.flush()
    db.session.expire(recommendation)
    return db.session.scalar(sa.select(sa.func.count()).where(Recommendation.id == recommendation.id, condition)) == 1


def test_overdue_is_past_due_and_not_done_counted_from_the_injected_today(agreed, today):
    recommendation, owner_staff, _co_chair = agreed
    due = recommendation.due_date
    for day, expected in ((due, False), (due + dt.timedelta(days=1), True)):
        assert follow_through.is_overdue(recommendation, day) is expected
        assert _matches(follow_through.overdue_condition(day), recommendation) is expected
    take_transition(recommendation, "complete", owner_staff, what_was_done="Done it.")
    late = due + dt.timedelta(days=30)
    assert not follow_through.is_overdue(recommendation, late)
    assert not _matches(follow_through.overdue_condition(late), recommendation)


def test_a_draft_past_its_due_date_is_not_overdue(make, today):
    draft = make.recommendation(due_date=today - dt.timedelta(days=5))
    assert not follow_through.is_overdue(draft, today)
    assert not _matches(follow_through.overdue_condition(today), draft)


def test_stale_counts_from_the_latest_update_or_else_the_agreement(agreed, today):
    recommendation, owner_staff, _ = agreed
    # Agreed 100 days ago, nothing since: stale.
    assert follow_through.is_stale(recommendation, today)
    assert _matches(follow_through.stale_condition(today), recommendation)
    post_progress_update(
        recommendation, owner_staff, text="Met the coordination body.", date=today - dt.timedelta(days=89)
    )
    assert not _matches(follow_through.stale_condition(today), recommendation)
    assert not follow_through.is_stale(recommendation, today)
    later = today + dt.timedelta(days=2)  # 91 days after that update
    assert _matches(follow_through.stale_condition(later), recommendation)
    assert follow_through.is_stale(recommendation, later)


def test_due_soon_means_within_thirty_days(agreed, today):
    recommendation, _, _ = agreed  # due in 10 days
    assert follow_through.is_due_soon(recommendation, today)
    assert not follow_through.is_due_soon(recommendation, today - dt.timedelta(days=21))
    assert _matches(follow_through.due_soon_condition(today), recommendation)


def test_overdue_on_the_page_follows_the_configured_today(client, auth, agreed, app):
    recommendation, owner_staff, _ = agreed
    auth.login(owner_staff.email)
    page = text_of(client.get(f"/recommendations/{recommendation.id}"))
    assert ">Overdue<" not in page and ">Due soon<" in page
    app.config["TODAY"] = recommendation.due_date + dt.timedelta(days=1)
    page = text_of(client.get(f"/recommendations/{recommendation.id}"))
    assert ">Overdue<" in page


# --- the dashboard's figures agree with its list ------------------------------------------------


class _FigureLinks(HTMLParser):
    """Each `a.figure-link` of a page: (the number it shows, where it links)."""

    def __init__(self):
        super().__init__()
        self.figures: list[tuple[int, str]] = []
        self._href = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "figure-link" in (attrs.get("class") or "").split():
            self._href = attrs["href"]

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.figures.append((int(data.strip()), self._href.replace("&amp;", "&")))
            self._href = None


def figure_links(html: str) -> list[tuple[int, str]]:
    parser = _FigureLinks()
    parser.feed(html)
    return parser.figures


def listed(client, url: str) -> int:
    """How many recommendations the list at `url` holds (its "Showing 1–n of N")."""
    page = text_of(client.get(url))
    match = re.search(r"Showing \d+–\d+ of (\d+) recommendations", page)
    if match:
        return int(match.group(1))
    assert "No recommendations" in page, url
    return 0


@pytest.mark.parametrize("dashboard", [DASHBOARD, "/roundtables/follow-through"])
def test_every_dashboard_figure_equals_the_list_it_links_to_on_the_seed_roundtable(client, auth, demo, dashboard):
    auth.login("cochair.au@example.org")
    figures = figure_links(text_of(client.get(dashboard)))
    # At a glance (4 + the total), by state (4), by owner (5 per owner), and for the
    # across-roundtables view one row per roundtable (5).
    assert len(figures) >= 9 + 5 * 3
    for count, url in figures:
        assert listed(client, url) == count, url


def test_the_seed_roundtable_dashboard_shows_what_the_demo_holds(client, auth, demo):
    auth.login("cochair.id@example.org")
    summary = follow_through.summarise([bali().id], TODAY)
    assert summary.by_state == {"draft": 1, "in_progress": 4, "done": 1, "verified": 1}
    assert (summary.overdue, summary.stale, summary.agreed) == (1, 1, 6)
    assert summary.verified_percent == 17  # 1 of 6 agreed, rounded
    owners = {row.organisation.short_name or row.organisation.name: row for row in summary.owners}
    assert owners["ARC"].flag == follow_through.Flag.RED  # its overdue recommendation
    assert owners["DFAT"].flag == follow_through.Flag.GREEN  # verified, nothing open
    assert owners["PRC"].flag == follow_through.Flag.AMBER and owners["PRC"].flag_reason == "1 sent back"
    page = text_of(client.get(DASHBOARD))
    assert "17%" in page and "Red" in page and "Green" in page
    # The states' shares of all seven add up to 100 (each rounded alone, 14 + 57 + 14 + 14 = 99).
    assert summary.shares == {"draft": 15, "in_progress": 57, "done": 14, "verified": 14}
    assert sum(summary.shares.values()) == 100


def test_dashboard_filters_narrow_the_list(client, auth, demo):
    auth.login("cochair.au@example.org")
    roundtable = bali()
    arc = next(o for r in roundtable.recommendations for o in r.owner_organisations if o.short_name == "ARC")
    group = roundtable.outcome_groups[0]
    expected = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Recommendation)
        .where(Recommendation.group_id == group.id, Recommendation.owners.any(organisation_id=arc.id))
    )
    assert listed(client, f"{DASHBOARD}?owner={arc.id}&heading={group.id}") == expected
    assert listed(client, f"{DASHBOARD}?state=in_progress&overdue=y") == 1


@pytest.mark.parametrize(
    "query",
    ["state=nonsense", "owner=abc", "owner=99999", "heading=-1", "overdue=%01", "page=-4", "roundtable=x&stale=1"],
)
def test_any_filter_typed_into_the_address_gives_a_page_not_an_error(client, auth, demo, query):
    auth.login("cochair.au@example.org")
    assert client.get(f"{DASHBOARD}?{query}").status_code == 200
    assert client.get(f"/roundtables/follow-through?{query}").status_code == 200


def test_a_nul_character_in_the_address_is_refused_plainly(client, auth, demo):
    auth.login("cochair.au@example.org")
    response = client.get(f"{DASHBOARD}?overdue=%00")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_the_across_dashboard_covers_only_the_co_chairs_roundtables(client, auth, demo, make):
    other = make.roundtable(title="A roundtable chaired by others")
    make.recommendation(roundtable=other, text="Something only the other co-chairs follow")
    auth.login("cochair.au@example.org")
    page = text_of(client.get("/roundtables/follow-through"))
    assert "Bali Process Government and Civil Society Roundtable" in page
    assert "A roundtable chaired by others" not in page
    assert "Something only the other co-chairs follow" not in page


def test_follow_through_pages_queries_do_not_grow_with_the_number_of_recommendations(client, auth, make, today):
    from tests.test_views import _queries_for

    roundtable = make.roundtable()
    co_chair = make.co_chair(organisation=roundtable.co_chairs[0])

    shared_owner = make.organisation()
    owner_staff = make.staff(organisation=shared_owner)
    first = None

    def add(n):
        nonlocal first
        for i in range(n):
            recommendation = make.recommendation(roundtable=roundtable, owners=[shared_owner, make.organisation()])
            take_transition(recommendation, "agree", co_chair)
            post_progress_update(recommendation, owner_staff, text=f"Update {i}", date=today)
            take_transition(recommendation, "complete", owner_staff, what_was_done="Done.")
            first = first or recommendation
            post_progress_update(first, owner_staff, text=f"More on the first {i}", date=today)

    def counts(person):
        auth.login(person.email)
        urls = {
            co_chair: [f"/roundtables/{roundtable.slug}/follow-through", "/roundtables/follow-through",
                       f"/roundtables/{roundtable.slug}", "/roundtables/review", f"/roundtables/{roundtable.slug}/report",
                       f"/roundtables/{roundtable.slug}/report.csv"],
            owner_staff: ["/recommendations/mine", f"/recommendations/{first.id}"],
        }[person]  # fmt: skip
        found = [_queries_for(client, url) for url in urls]
        auth.logout()
        return found

    add(2)
    few = counts(co_chair), counts(owner_staff)
    add(8)
    db.session.commit()  # (not counted: the client would commit it before the first request)
    assert (counts(co_chair), counts(owner_staff)) == few


def test_the_public_roundtable_page_charts_its_follow_through_and_flags_the_overdue(client, demo):
    """(Issue 19.) The chart's figures are the page's own cards: as many of each state, and
    the overdue one flagged there too (its own page always said so; the roundtable's did not)."""
    page = text_of(client.get(f"/roundtables/{BALI_ROUNDTABLE_SLUG}"))
    chart = re.search(r'<figure class="chart" id="chart-recommendations".*?</figure>', page, re.S).group(0)
    rows = dict(re.findall(r"<bdi>([^<]+)</bdi>.*?<td class=\"text-end chart-count\">(\d+)</td>", chart, re.S))
    cards = re.findall(r'<div class="recommendation-card".*?\n</div>', page, re.S)
    for state in ("In progress", "Done, awaiting verification", "Done, verified"):
        assert int(rows[state]) == sum(f">{state}</span>" in card for card in cards), state
    assert rows["In progress past its due date"] == "1" and "chart-flag" in chart
    overdue = [
        card
        for card in cards
        if re.search(r'<span class="badge flag flag-alert"><svg[^>]*>.*?</svg>Overdue</span>', card)
    ]
    expected = [r for r in bali().recommendations if follow_through.is_overdue(r, TODAY)]
    assert len(overdue) == len(expected) == 1 and f'id="recommendation-{expected[0].id}"' in overdue[0]
