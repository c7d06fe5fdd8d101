"""The first pages as a visitor meets them: logging in and out, the pledge list, the
pledge page. (TestConfig turns CSRF off here; the browser tests run with it on.)"""

import datetime as dt
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.columns import utcnow
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

LOGIN_REFUSED = "E-mail or password is not right, or the account is not active."


def completion(html: str) -> str:
    """The Yes/No after "Implementation completion", whatever the markup between."""
    match = re.search(r"Implementation completion:?\s*(?:<[^>]+>\s*)*(Yes|No)\b", html)
    assert match, "the page has no 'Implementation completion: Yes/No' line"
    return match.group(1)


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- logging in and out ---------------------------------------------------------------


def test_login_with_the_right_password_logs_in(client, auth, make):
    staff = make.staff(name="Amira Haddad")
    response = auth.login(staff.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/pledges/mine"  # staff land on their own work
    home = text_of(client.get("/"))
    assert "Logged in as Amira Haddad." in home
    assert "Log out" in home


def test_login_accepts_the_e_mail_in_any_case(client, auth, make):
    make.staff(email="officer@redcross.example")
    assert auth.login("  Officer@RedCross.example ").status_code == 302


@pytest.mark.parametrize("who", ["wrong password", "unknown e-mail"])
def test_a_refused_login_says_one_thing_and_keeps_the_e_mail(client, make, who):
    staff = make.staff(email="officer@redcross.example")
    email = staff.email if who == "wrong password" else "nobody@redcross.example"
    response = client.post("/auth/login", data={"email": email, "password": "not-the-password"})
    page = text_of(response)
    assert response.status_code == 422
    assert LOGIN_REFUSED in page
    assert f'value="{email}"' in page  # what was typed is kept …
    assert "not-the-password" not in page  # … except the password
    assert "Log out" not in page


def test_a_deactivated_user_cannot_log_in(client, auth, make):
    staff = make.staff(active=False)
    response = auth.login(staff.email)
    assert response.status_code == 422
    assert LOGIN_REFUSED in text_of(response)
    assert "Log out" not in text_of(client.get("/"))


def test_a_user_deactivated_while_logged_in_is_logged_out(client, auth, make):
    staff = make.staff()
    auth.login(staff.email)
    staff.active = False
    db.session.flush()
    assert "Log out" not in text_of(client.get("/"))


def test_an_incomplete_login_form_marks_the_field_and_says_what_to_fix(client):
    response = client.post("/auth/login", data={"email": "", "password": "x"})
    page = text_of(response)
    assert response.status_code == 422
    email_input = re.search(r"<input[^>]*id=\"email\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in email_input
    assert 'aria-describedby="email-error"' in email_input
    assert re.search(r'id="email-error"[^>]*>This field is required', page)


def test_login_follows_next_within_the_site(client, make):
    staff = make.staff()
    response = client.post(
        "/auth/login?next=/pledges/regional-protection", data={"email": staff.email, "password": "demo-password"}
    )
    assert response.headers["Location"] == "/pledges/regional-protection"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/pledges",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_never_redirects_off_the_site(client, make, target):
    staff = make.staff()
    response = client.post(
        "/auth/login", query_string={"next": target}, data={"email": staff.email, "password": "demo-password"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/pledges/mine"  # their home, not the target


def test_logout_requires_post(client, auth, make):
    staff = make.staff()
    auth.login(staff.email)
    response = client.get("/auth/logout")
    assert (response.status_code, response.headers["Location"]) == (303, "/")  # the home page, not logged out
    assert "Log out" in text_of(client.get("/"))  # still logged in

    response = auth.logout()
    assert response.status_code == 302
    page = text_of(client.get("/"))
    assert "You are logged out." in page
    assert "Log out" not in page


def test_login_page_sends_a_logged_in_user_home(client, auth, make):
    auth.login(make.staff().email)
    assert client.get("/auth/login").status_code == 302


# --- the pledge list --------------------------------------------------------------------


def test_the_pledge_list_shows_published_pledges_to_the_public_and_not_drafts(client, make):
    make.pledge_in_progress(title="Regional Protection")
    make.pledge(title="Unpublished plan")
    page = text_of(client.get("/pledges"))
    assert "Regional Protection" in page
    assert "Unpublished plan" not in page


def test_the_pledge_list_shows_lead_signatory_forum_state_and_last_action(client, make):
    forum = Forum(name="33rd International Conference, 2019", kind=ForumKind.CONFERENCE, year=2019)
    db.session.add(forum)
    db.session.flush()
    lead = make.organisation("Australian Red Cross")
    pledge = make.pledge_in_progress(title="Regional Protection", lead=lead, forum_id=forum.id)
    make.action(pledge, date=dt.date(2018, 5, 14))
    make.action(pledge, date=dt.date(2019, 6, 1), date_precision=DatePrecision.MONTH)
    page = text_of(client.get("/pledges"))
    assert "Australian Red Cross" in page
    assert "33rd International Conference, 2019" in page
    assert "In progress" in page
    assert "2 actions, the latest" in page and "June 2019" in page


def test_staff_see_their_organisations_drafts_marked_draft_in_their_workspace(client, auth, make):
    staff = make.staff()
    make.pledge(author=staff, title="Our unpublished plan")
    auth.login(staff.email)
    page = text_of(client.get("/pledges/mine"))
    assert "Our unpublished plan" in page
    assert re.search(r'class="badge state state-draft"><svg[^>]*>.*?</svg>Draft<', page)


def test_staff_do_not_see_another_organisations_drafts(client, auth, make):
    make.pledge(title="Their unpublished plan")
    auth.login(make.staff().email)
    assert "Their unpublished plan" not in text_of(client.get("/pledges"))
    assert "Their unpublished plan" not in text_of(client.get("/pledges/mine"))


def test_numbered_pages_paginate(client, auth, make):
    author = make.staff()
    for n in range(25):
        make.pledge_in_progress(author=author, title=f"Pledge number {n:02d}")
    auth.login(author.email)
    first = text_of(client.get("/pledges/mine"))
    second = text_of(client.get("/pledges/mine?page=2"))
    titles = lambda page: set(re.findall(r"Pledge number \d\d", page))  # noqa: E731
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert titles(first).isdisjoint(titles(second))
    assert 'href="/pledges/mine?page=2"' in first
    assert 'href="/pledges/mine?page=1"' in second


def test_a_page_past_the_end_says_so(client, auth, make):
    pledge = make.pledge_in_progress()
    auth.login(make.staff(organisation=pledge.lead_signatory).email)
    response = client.get("/pledges/mine?page=9")
    assert response.status_code == 200
    assert "There is no page 9" in text_of(response)


def _count_queries():
    statements = []

    def count(*_args, **_kwargs):
        statements.append(1)

    return statements, count


def _queries_for(client, url) -> int:
    db.session.commit()  # count the page's queries, not the saving of the test's records
    statements, count = _count_queries()
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("url", ["/", "/pledges", "/actions.atom", "/roundtables"])
def test_public_list_queries_do_not_grow_with_the_number_of_pledges(client, make, url):
    author = make.staff()
    for _ in range(2):
        make.action(make.pledge_in_progress(author=author))
        make.roundtable(co_chairs=[make.organisation()])
    few = _queries_for(client, url)
    for _ in range(8):
        make.action(make.pledge_in_progress(author=author, co_signatories=[make.organisation()]))
        make.roundtable(co_chairs=[make.organisation(), make.organisation()])
    assert _queries_for(client, url) == few


def test_pledge_page_queries_do_not_grow_with_the_number_of_actions(client, make):
    pledge = make.pledge_in_progress()
    figure = {"label": "People trained", "value": Decimal(10), "unit": "people"}
    link = {"url": "https://example.org/report", "title": "Report"}
    make.action(pledge, figures=[figure], links=[link])
    few = _queries_for(client, f"/pledges/{pledge.slug}")
    for _ in range(6):
        make.action(pledge, figures=[figure, figure], links=[link])
    assert _queries_for(client, f"/pledges/{pledge.slug}") == few


# --- the pledge page --------------------------------------------------------------------


def test_staff_of_the_signatory_can_open_their_draft(client, auth, make):
    staff = make.staff()
    pledge = make.pledge(author=staff, title="Our unpublished plan")
    auth.login(staff.email)
    response = client.get(f"/pledges/{pledge.slug}")
    assert response.status_code == 200
    assert "Our unpublished plan" in text_of(response)
    assert "Draft" in text_of(response)


def test_staff_of_a_co_signatory_can_open_the_draft(client, auth, make):
    co_signatory = make.organisation()
    pledge = make.pledge(co_signatories=[co_signatory])
    auth.login(make.staff(organisation=co_signatory).email)
    assert client.get(f"/pledges/{pledge.slug}").status_code == 200


@pytest.mark.parametrize("visitor", ["public", "staff of another organisation", "co-chair"])
def test_a_draft_is_not_found_by_anyone_outside_its_signatories(client, auth, make, visitor):
    pledge = make.pledge(title="Unpublished plan")
    if visitor == "staff of another organisation":
        auth.login(make.staff().email)
    elif visitor == "co-chair":
        auth.login(make.co_chair().email)
    response = client.get(f"/pledges/{pledge.slug}")
    assert response.status_code == 404
    assert "Unpublished plan" not in text_of(response)


def test_an_unknown_pledge_is_a_404_in_the_sites_layout(client):
    response = client.get("/pledges/no-such-pledge")
    page = text_of(response)
    assert response.status_code == 404
    assert "Page not found" in page
    assert "<main" in page and "Skip to main content" in page


def test_pledge_page_reads_like_the_seed_page(client, make):
    forum = Forum(
        name="33rd International Conference of the Red Cross and Red Crescent, 2019",
        kind=ForumKind.CONFERENCE,
        year=2019,
    )
    migration, trafficking = Theme(name="Migration", slug="migration"), Theme(name="Trafficking", slug="trafficking")
    australia, indonesia = Country(name="Australia", iso_code="AU"), Country(name="Indonesia", iso_code="ID")
    db.session.add_all([forum, migration, trafficking, australia, indonesia])
    db.session.flush()
    lead = make.organisation("Australian Red Cross")
    dfat = make.organisation("Department of Foreign Affairs and Trade", short_name="DFAT")
    pledge = make.pledge_in_progress(
        title="Regional Protection",
        lead=lead,
        co_signatories=[dfat],
        text="We will **strengthen** regional protection for vulnerable migrants.",
        text_format="markdown",
        forum_id=forum.id,
        themes=[migration, trafficking],
        countries=[australia, indonesia],
        region="Asia Pacific",
        period_start=2019,
        period_end=2023,
        budget_amount=Decimal("80000000"),
        budget_currency="AUD",
        budget_note="approximately, over four years",
        actions_intro="Joint progress towards this pledge includes:",
    )
    staff = make.staff(organisation=lead)
    make.action(
        pledge,
        author=staff,
        date=dt.date(2018, 5, 14),
        summary="Organised three roundtables on regional protection.",
        organisations=[lead, dfat],
        figures=[{"label": "People trained", "value": Decimal("2037"), "unit": "people", "year": 2020}],
        links=[{"url": "https://example.org/roundtables", "title": "Roundtable report"}],
    )
    make.action(
        pledge,
        author=staff,
        heading="Collaboration has been particularly strengthened with regard to the Bali Process, including:",
        date=dt.date(2019, 6, 1),
        date_precision=DatePrecision.MONTH,
        summary="Attended the Bali Process Symposium on Supply Chain Transparency in Jakarta.",
    )
    make.action(
        pledge,
        author=staff,
        heading="Collaboration has been particularly strengthened with regard to the Bali Process, including:",
        date=dt.date(2019, 1, 1),
        date_precision=DatePrecision.YEAR,
        summary="Supported a study visit.",
    )
    # Read as a person reads it: each typed text's isolation (<bdi>) is markup, not words.
    page = text_of(client.get(f"/pledges/{pledge.slug}")).replace("<bdi>", "").replace("</bdi>", "")

    assert '<h1 lang="en" dir="auto">Regional Protection</h1>' in page
    assert "<strong>strengthen</strong>" in page  # Markdown is rendered
    assert forum.name in page
    assert "Migration, Trafficking" in page
    assert "Australia, Indonesia; Asia Pacific" in page
    assert "2019–2023" in page
    assert "AUD 80,000,000" in page and "approximately, over four years" in page
    # the lead first, marked as such
    assert page.index("Australian Red Cross") < page.index("Department of Foreign Affairs and Trade")
    assert re.search(r"Australian Red Cross\s*<span[^>]*>Lead</span>", page)
    # actions taken: intro, headings once, unambiguous dates, figures, evidence
    assert page.index("Actions taken") < page.index("Joint progress towards this pledge includes:")
    assert page.count("particularly strengthened with regard to the Bali Process") == 1
    assert "14 May 2018" in page and "June 2019" in page and ">2019</time>" in page
    assert "People trained: <strong>2,037</strong> people (2020)" in page
    assert 'href="https://example.org/roundtables"' in page
    assert completion(page) == "No"


def test_pledge_page_shows_every_current_action_and_hides_withdrawn_ones(client, make):
    pledge = make.pledge_in_progress()
    make.action(pledge, summary="Organised three roundtables.")
    make.action(pledge, summary="Attended the Bali Process workshop.")
    withdrawn = make.action(pledge, summary="Recorded by mistake.")
    withdrawn.withdrawn_at = utcnow()
    db.session.flush()
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "Organised three roundtables." in page
    assert "Attended the Bali Process workshop." in page
    assert "Recorded by mistake." not in page


def test_implementation_completion_turns_from_no_to_yes(client, make):
    pledge = make.pledge_in_progress()
    make.action(pledge)
    assert completion(text_of(client.get(f"/pledges/{pledge.slug}"))) == "No"
    take_transition(pledge, "complete", make.staff(organisation=pledge.lead_signatory))
    assert completion(text_of(client.get(f"/pledges/{pledge.slug}"))) == "Yes"


@pytest.mark.parametrize("where", ["text", "actions_intro", "summary", "details", "heading"])
def test_a_script_typed_into_a_pledge_is_shown_as_text_never_run(client, make, where):
    script = "<script>alert('pwned')</script>"
    pledge_fields = {where: script} if where in ("text", "actions_intro") else {}
    pledge = make.pledge_in_progress(**pledge_fields)
    action_fields = {where: script} if where in ("summary", "details", "heading") else {}
    make.action(pledge, **action_fields)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_a_stored_javascript_evidence_link_is_not_a_link(client, make):
    """Forms and imports refuse such links; the page does not trust that they did."""
    pledge = make.pledge_in_progress()
    action = make.action(pledge, links=[{"url": "https://example.org/report", "title": "Report"}])
    action.links[0].url = "javascript:alert(1)"
    db.session.flush()
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert 'href="javascript:' not in page


@pytest.mark.parametrize(("visitor", "shown"), [("public", False), ("other staff", False), ("signatory staff", True)])
def test_the_pledge_page_shows_the_contact_to_its_signatories_only(client, auth, make, visitor, shown):
    """(Issue 20: the contact person typed on a pledge appeared nowhere, even to its signatories.)"""
    staff = make.staff()
    pledge = make.pledge_in_progress(
        author=staff, contact_name="Jane Officer", contact_email="jane.officer@redcross.example"
    )
    if visitor != "public":
        auth.login(staff.email if visitor == "signatory staff" else make.staff().email)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert ("jane.officer@redcross.example" in page) is shown
    assert ("Jane Officer" in page) is shown


@pytest.mark.parametrize("page", ["922337203685477580", "99999999999999999999999", "-3", "abc", "0"])
def test_any_page_number_a_visitor_types_gives_a_page_not_an_error(client, auth, make, page):
    pledge = make.pledge_in_progress(title="Regional Protection")
    auth.login(make.staff(organisation=pledge.lead_signatory).email)
    response = client.get(f"/pledges/mine?page={page}")
    assert response.status_code == 200
    assert "Regional Protection" in response.get_data(as_text=True)


def test_error_pages_speak_plainly(client):
    not_found = client.get("/pledges/no-such-pledge").get_data(as_text=True)
    assert "There is no page at this address" in not_found
    wrong_method = client.post("/open-data")
    assert wrong_method.status_code == 405
    assert "use the buttons and links on the site" in wrong_method.get_data(as_text=True)


def test_login_as_people_type_it_leads_to_the_log_in_page(client):
    assert client.get("/login").headers["Location"] == "/auth/login"
    kept = client.get("/login?next=/pledges/mine")
    assert (kept.status_code, kept.headers["Location"]) == (302, "/auth/login?next=/pledges/mine")
    assert "Log in" in text_of(client.get("/login", follow_redirects=True))


def test_a_feed_is_offered_on_a_page_that_says_what_it_is_not_as_raw_xml(client, make):
    """(Issue 20: the Atom feed opened as raw XML.) The site's links lead to a page that
    explains feeds and gives the address to copy; feed readers still read the .atom."""
    pledge = make.pledge_in_progress(title="Restoring family links")
    make.action(pledge, summary="Trained 40 tracing volunteers.")
    draft = make.pledge(title="A draft's feed")
    db.session.commit()
    home = text_of(client.get("/"))
    assert re.search(r'<a href="/feeds">(<svg[^>]*>.*?</svg> )?Follow new actions \(feed\)</a>', home)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert f'<a href="/feeds?pledge={pledge.slug}">in a feed reader</a>' in page
    one = text_of(client.get(f"/feeds?pledge={pledge.slug}"))
    assert f'value="http://localhost/pledges/{pledge.slug}/actions.atom"' in one
    assert "Trained 40 tracing volunteers." in one and "Restoring family links" in one
    every = text_of(client.get(f"/feeds?pledge={draft.slug}"))  # a draft has no feed: the site's
    assert 'value="http://localhost/actions.atom"' in every and "A draft" not in every
    assert client.get("/actions.atom").headers["Content-Type"].startswith("application/atom+xml")
