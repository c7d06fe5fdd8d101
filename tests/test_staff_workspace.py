"""The staff workspace as its users rely on it: my organisation's pledges, the pledge
editor (and its conflict page), recording, editing and withdrawing actions, the workflow
buttons and the history. (CSRF is off here; the browser tests run with it on.)"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.accounts.models import Organisation
from tracker.core.changes import ConcurrentChange, InvalidField, OperationRefused
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.pledges import signatures
from tracker.pledges.models import ActionTaken, Pledge
from tracker.pledges.operations import edit_action, edit_pledge, withdraw_action
from tracker.taxonomy.models import Forum, ForumKind, Theme


def text_of(response) -> str:
    return response.get_data(as_text=True)


def completion(html: str) -> str:
    match = re.search(r"Implementation completion:?\s*(?:<[^>]+>\s*)*(Yes|No)\b", html)
    assert match, "the page has no 'Implementation completion: Yes/No' line"
    return match.group(1)


def pledge_form(lead, **overrides):
    data = {
        "title": "Safe migration in the Pacific",
        "text": "We will support **safe migration**.",
        "lead": str(lead.id),
        "forum": "",
        "region": "",
        "period_start": "",
        "period_end": "",
        "budget_amount": "",
        "budget_currency": "",
    }
    data.update(overrides)
    return data


def action_form(org, **overrides):
    data = {
        "date": "14 May 2020",
        "summary": "Trained volunteers in restoring family links.",
        "details": "",
        "organisations": [str(org.id)],
        "figures-0-label": "",
        "figures-0-value": "",
        "links-0-url": "",
        "links-0-title": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def arc(make):
    """Australian Red Cross, with a staff member logged in."""
    return make.organisation("Australian Red Cross")


@pytest.fixture
def arc_staff(make, arc, auth):
    staff = make.staff(organisation=arc, name="Amira Haddad")
    auth.login(staff.email)
    return staff


# --- my organisation's pledges ------------------------------------------------------


def test_staff_land_on_their_organisations_pledges_after_logging_in(client, make, arc):
    staff = make.staff(organisation=arc)
    response = client.post("/auth/login", data={"email": staff.email, "password": "demo-password"})
    assert response.headers["Location"] == "/pledges/mine"


def test_my_pledges_lists_every_pledge_my_organisation_signs_and_no_other(client, make, arc, arc_staff):
    make.pledge(lead=arc, title="Our own draft")
    make.pledge_in_progress(co_signatories=[arc], title="Joint pledge led by others")
    make.pledge_in_progress(title="Somebody else's pledge")
    page = text_of(client.get("/pledges/mine"))
    assert "Our own draft" in page and "Joint pledge led by others" in page
    assert "Somebody else&#39;s pledge" not in page and "Somebody else's pledge" not in page
    assert "Lead signatory" in page and "Co-signatory" in page


def test_my_pledges_shows_state_last_action_and_number_of_actions(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc, title="Regional Protection")
    make.action(pledge, date=dt.date(2020, 5, 14))
    make.action(pledge, date=dt.date(2021, 3, 1))
    withdrawn = make.action(pledge, date=dt.date(2022, 1, 1))
    withdraw_action(withdrawn, make.staff(organisation=arc))
    page = text_of(client.get("/pledges/mine"))
    row = page[page.index("Regional Protection") :]
    row = row[: row.index("</tr>")]
    assert "In progress" in row
    assert "1 March 2021" in row  # the withdrawn action's date is not the latest
    assert re.search(r">\s*2\s*</td>", row)


def test_my_pledges_counts_pledges_by_state(client, make, arc, arc_staff):
    make.pledge(lead=arc)
    make.pledge(lead=arc)
    make.pledge_in_progress(lead=arc)
    page = text_of(client.get("/pledges/mine"))
    assert re.search(r"<strong>3</strong> in all", page)
    assert re.search(r"<strong>2</strong> draft", page)
    assert re.search(r"<strong>1</strong> in progress", page)
    assert re.search(r"<strong>0</strong> done", page)


def test_my_pledges_filters_by_state_and_forum(client, make, arc, arc_staff):
    conference = Forum(name="33rd International Conference", kind=ForumKind.CONFERENCE)
    db.session.add(conference)
    db.session.flush()
    make.pledge(lead=arc, title="Draft at the conference", forum_id=conference.id)
    make.pledge_in_progress(lead=arc, title="Started at the conference", forum_id=conference.id)
    make.pledge_in_progress(lead=arc, title="Started elsewhere")
    page = text_of(client.get(f"/pledges/mine?state=in_progress&forum={conference.id}"))
    assert "Started at the conference" in page
    assert "Draft at the conference" not in page and "Started elsewhere" not in page


@pytest.mark.parametrize("query", ["state=nonsense", "forum=abc", "forum=999999", "page=-1"])
def test_my_pledges_survives_any_filter_a_visitor_types(client, make, arc, arc_staff, query):
    make.pledge(lead=arc, title="Our own draft")
    assert client.get(f"/pledges/mine?{query}").status_code == 200


def test_a_pledge_in_progress_without_action_for_six_months_gets_a_reminder(app, client, make, arc, arc_staff):
    app.config["TODAY"] = dt.date(2026, 11, 22)
    quiet = make.pledge_in_progress(lead=arc, title="Quiet pledge")
    make.action(quiet, date=dt.date(2026, 5, 21))
    busy = make.pledge_in_progress(lead=arc, title="Busy pledge")
    make.action(busy, date=dt.date(2026, 5, 23))
    page = text_of(client.get("/pledges/mine"))
    quiet_row = page[page.index("Quiet pledge") :].split("</tr>")[0]
    busy_row = page[page.index("Busy pledge") :].split("</tr>")[0]
    assert "no action recorded for over 6 months" in quiet_row
    assert "no action recorded for over 6 months" not in busy_row


def test_my_pledges_paginates(app, client, make, arc, arc_staff):
    app.config["ITEMS_PER_PAGE"] = 2
    for n in range(5):
        make.pledge(lead=arc, title=f"Pledge number {n}")
    first, last = text_of(client.get("/pledges/mine")), text_of(client.get("/pledges/mine?page=3"))
    assert "Showing 1–2 of 5 pledges" in first
    assert "Showing 5–5 of 5 pledges" in last


def test_my_pledges_needs_a_login(client):
    response = client.get("/pledges/mine")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- the pledge editor ------------------------------------------------------------------


def test_staff_write_a_draft_pledge_naming_another_organisation_which_is_only_invited(client, make, arc, arc_staff):
    prc = make.organisation("Philippine Red Cross")
    theme = Theme(name="Migration", slug="migration")
    db.session.add(theme)
    db.session.flush()
    response = client.post(
        "/pledges/new",
        data=pledge_form(
            arc, co_signatories=[str(prc.id)], themes=[str(theme.id)], budget_amount="80,000,000", budget_currency="aud"
        ),
    )
    assert response.status_code == 302
    pledge = db.session.scalar(sa.select(Pledge).where(Pledge.title == "Safe migration in the Pacific"))
    assert response.headers["Location"] == f"/pledges/{pledge.slug}"
    assert pledge.slug == "safe-migration-in-the-pacific"
    assert pledge.status == "draft"
    # The writer's organisation signs; the other is asked, and signs only when its staff accept.
    assert [o.name for o in pledge.signatory_organisations] == ["Australian Red Cross"]
    assert [o.name for o in pledge.invited_organisations] == ["Philippine Red Cross"]
    assert pledge.lead_signatory == arc
    assert [t.name for t in pledge.themes] == ["Migration"]
    assert (pledge.budget_amount, pledge.budget_currency) == (80_000_000, "AUD")


def test_a_refused_pledge_form_keeps_everything_typed_and_says_what_to_fix(client, make, arc, arc_staff):
    response = client.post(
        "/pledges/new",
        data=pledge_form(
            arc,
            title="",
            text="Every word of this must survive.",
            period_start="2023",
            period_end="2019",
            budget_amount="500",
        ),
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "Give the pledge a title." in page
    assert "The last year cannot be before the first year." in page
    assert "Say which currency the budget is in" in page
    assert "Every word of this must survive." in page
    assert 'value="2023"' in page and 'value="500"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0


def test_staff_can_propose_a_signatory_not_in_the_list(client, make, arc, arc_staff):
    client.post("/pledges/new", data=pledge_form(arc, proposed_organisation="Tonga Red Cross Society"))
    pledge = db.session.scalar(sa.select(Pledge))
    proposed = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Tonga Red Cross Society"))
    assert proposed is not None and not proposed.confirmed
    # Invited like any other organisation: proposing it is not signing in its name.
    assert proposed in pledge.invited_organisations
    assert proposed not in pledge.signatory_organisations


def test_staff_cannot_write_a_pledge_their_organisation_does_not_sign(client, make, arc, arc_staff):
    other = make.organisation("Somebody Else")
    response = client.post("/pledges/new", data=pledge_form(other))
    assert response.status_code == 422
    assert "Your organisation must be a signatory" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Pledge)) == 0


def test_the_slug_is_readable_and_stays_when_the_title_changes(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc, title="Régional Protection: 2019–2023")
    assert pledge.slug == "regional-protection-2019-2023"
    client.post(
        f"/pledges/{pledge.slug}/edit", data=pledge_form(arc, title="A better title", version=str(pledge.version))
    )
    db.session.refresh(pledge)
    assert (pledge.title, pledge.slug) == ("A better title", "regional-protection-2019-2023")


def test_a_pledge_titled_like_a_workspace_page_gets_its_own_address(make):
    assert make.pledge(title="New").slug == "new-2"
    assert make.pledge(title="Mine").slug == "mine-2"


def test_editing_a_pledge_saves_and_records_what_changed_in_history(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc, title="Regional Protection")
    response = client.post(
        f"/pledges/{pledge.slug}/edit",
        data=pledge_form(
            arc,
            title="Regional Protection",
            text="New text",
            version=str(pledge.version),
            change_note="Clearer wording",
        ),
    )
    assert response.status_code == 302
    entry = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "edited")).one()
    assert entry.changes["text"][1] == "New text"
    assert entry.comment == "Clearer wording"
    assert entry.actor == arc_staff


def test_a_stale_form_gives_the_conflict_page_and_keeps_the_typed_text(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc, title="Regional Protection", text="Original text")
    opened_at = pledge.version
    colleague = make.staff(organisation=arc, name="Ben Colleague")
    edit_pledge(pledge, colleague, text="The colleague's text")
    db.session.commit()
    response = client.post(
        f"/pledges/{pledge.slug}/edit",
        data=pledge_form(arc, title="Regional Protection", text="My own careful wording", version=str(opened_at)),
    )
    page = text_of(response)
    assert response.status_code == 409
    assert "Someone else saved this pledge after you opened the form" in page
    assert "Ben Colleague" in page
    assert "My own careful wording" in page  # in the form and the comparison
    assert "The colleague&#39;s text" in page or "The colleague's text" in page
    db.session.refresh(pledge)
    assert pledge.text == "The colleague's text"  # nothing overwritten
    # The conflict page's form carries the new version: saving it again is deliberate.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', page) or re.search(
        r'name="version"[^>]*value="(\d+)"', page
    )
    assert int(new_version.group(1)) == pledge.version
    again = client.post(
        f"/pledges/{pledge.slug}/edit",
        data=pledge_form(arc, title="Regional Protection", text="My own careful wording", version=new_version.group(1)),
    )
    assert again.status_code == 302
    db.session.refresh(pledge)
    assert pledge.text == "My own careful wording"


def test_changing_only_the_themes_still_makes_other_open_forms_stale(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc)
    theme = Theme(name="Trafficking", slug="trafficking")
    db.session.add(theme)
    db.session.flush()
    opened_at = pledge.version
    edit_pledge(pledge, make.staff(organisation=arc), themes=[theme])
    db.session.commit()
    assert pledge.version == opened_at + 1
    response = client.post(
        f"/pledges/{pledge.slug}/edit", data=pledge_form(arc, title=pledge.title, version=str(opened_at))
    )
    assert response.status_code == 409


@pytest.mark.parametrize("url", ["/edit", "/actions/new", "/history"])
def test_another_organisations_staff_cannot_find_a_draft_workspace(client, auth, make, url):
    pledge = make.pledge(title="Unpublished plan")
    auth.login(make.staff().email)
    response = client.get(f"/pledges/{pledge.slug}{url}")
    assert response.status_code == 404
    assert "Unpublished plan" not in text_of(response)


@pytest.mark.parametrize(
    "method, url",
    [("get", "/edit"), ("post", "/edit"), ("get", "/actions/new"), ("post", "/actions/new"),
     ("post", "/transitions/complete"), ("get", "/history")],
)  # fmt: skip
def test_another_organisations_staff_get_403_on_a_published_pledge(client, auth, make, method, url):
    pledge = make.pledge_in_progress(title="Regional Protection")
    make.action(pledge)
    auth.login(make.staff().email)
    response = getattr(client, method)(f"/pledges/{pledge.slug}{url}", data={"title": "Hijacked"})
    assert response.status_code == 403
    db.session.refresh(pledge)
    assert (pledge.title, pledge.status) == ("Regional Protection", "in_progress")


@pytest.mark.parametrize("url", ["/edit", "/actions/new", "/history", "/transitions/start"])
def test_the_public_is_sent_to_log_in(client, make, url):
    pledge = make.pledge_in_progress()
    method = client.post if "transitions" in url else client.get
    response = method(f"/pledges/{pledge.slug}{url}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_signatory_cannot_drop_its_own_organisation(client, make, arc, arc_staff):
    prc = make.organisation("Philippine Red Cross")
    pledge = make.pledge(lead=arc, co_signatories=[prc])
    response = client.post(
        f"/pledges/{pledge.slug}/edit", data=pledge_form(prc, title=pledge.title, version=str(pledge.version))
    )
    assert response.status_code == 422
    assert "Your organisation must stay a signatory" in text_of(response)


def test_a_signatory_with_recorded_actions_cannot_be_removed(client, make, arc, arc_staff):
    prc = make.organisation("Philippine Red Cross")
    pledge = make.pledge_in_progress(lead=arc, co_signatories=[prc])
    make.action(pledge, author=make.staff(organisation=prc), organisations=[prc])
    response = client.post(
        f"/pledges/{pledge.slug}/edit", data=pledge_form(arc, title=pledge.title, version=str(pledge.version))
    )
    assert response.status_code == 422
    assert "Philippine Red Cross recorded actions taken on this pledge" in text_of(response)


def test_the_lead_signatory_can_be_handed_to_a_co_signatory_which_takes_it_on_accepting(client, make, arc, arc_staff):
    prc = make.organisation("Philippine Red Cross")
    pledge = make.pledge(lead=arc, co_signatories=[prc])
    response = client.post(
        f"/pledges/{pledge.slug}/edit",
        data=pledge_form(prc, title=pledge.title, co_signatories=[str(arc.id)], version=str(pledge.version)),
    )
    assert response.status_code == 302
    db.session.refresh(pledge)
    assert pledge.lead_signatory == arc and pledge.pending_lead == prc
    signatures.accept_invitation(pledge, make.staff(organisation=prc))
    assert pledge.lead_signatory == prc and pledge.pending_lead is None
    assert [o.name for o in pledge.signatory_organisations] == ["Philippine Red Cross", "Australian Red Cross"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[click me](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
    ],
)
def test_hostile_markdown_renders_inert(client, make, arc, arc_staff, hostile):
    client.post("/pledges/new", data=pledge_form(arc, text=f"Our pledge.\n\n{hostile}"))
    pledge = db.session.scalar(sa.select(Pledge))
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    body = page[page.index('class="pledge-text"') :]
    tags = TagCollector()
    tags.feed(body[: body.index("</section>")])
    assert "script" not in [tag for tag, _ in tags.found]
    for tag, attributes in tags.found:
        for name, value in attributes:
            assert not name.startswith("on"), f"<{tag} {name}=…> survived"
            assert not (value or "").strip().lower().startswith("javascript:"), f"<{tag} {name}={value}> survived"


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


# --- actions taken --------------------------------------------------------------------------


def test_staff_record_an_action_with_a_figure_and_an_evidence_link(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    response = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data=action_form(
            arc,
            date="May 2020",
            **{"figures-0-label": "people trained", "figures-0-value": "2,037", "figures-0-unit": "people", "figures-0-year": "2020",
               "links-0-url": "https://example.org/report", "links-0-title": "Annual report"},
        ),
    )  # fmt: skip
    assert response.status_code == 302
    action = db.session.scalar(sa.select(ActionTaken))
    assert (action.date, action.date_precision.value) == (dt.date(2020, 5, 1), "month")
    assert action.attributed_to == arc
    public = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert "Trained volunteers in restoring family links." in public
    assert '<time datetime="2020-05">May 2020</time>' in public
    assert "<bdi>people trained</bdi>: <strong>2,037</strong> <bdi>people</bdi> (<bdi>2020</bdi>)" in public
    assert 'href="https://example.org/report"' in public


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("date", "05/06/2020", "could be read two ways"),
        ("date", "", "Enter the date of the action"),
        ("date", "next Tuesday", "Write the date as a day, a month or a year"),
        ("links-0-url", "javascript:alert(1)", "Enter a full web address starting with https://"),
        ("links-0-url", "www.example.org", "Enter a full web address starting with https://"),
        ("figures-0-value", "lots", "Enter a number"),
        ("figures-0-label", "people trained", "Enter the number."),
        ("summary", "", "Say in a sentence or two what was done."),
        ("organisations", [], "Choose at least one organisation involved."),
    ],
)
def test_a_refused_action_says_what_to_fix_and_keeps_what_was_typed(
    client, make, arc, arc_staff, field, value, message
):
    pledge = make.pledge_in_progress(lead=arc)
    data = action_form(arc, details="Long details that must not be lost.")
    data[field] = value
    response = client.post(f"/pledges/{pledge.slug}/actions/new", data=data)
    page = text_of(response)
    assert response.status_code == 422
    assert message in page
    assert "Long details that must not be lost." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionTaken)) == 0


def test_an_action_cannot_be_dated_in_the_future(app, client, make, arc, arc_staff):
    app.config["TODAY"] = dt.date(2026, 11, 22)
    pledge = make.pledge_in_progress(lead=arc)
    response = client.post(f"/pledges/{pledge.slug}/actions/new", data=action_form(arc, date="1 December 2026"))
    assert response.status_code == 422
    assert "cannot be dated in the future" in text_of(response)


def test_add_another_figure_adds_a_row_and_keeps_the_form(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    response = client.post(
        f"/pledges/{pledge.slug}/actions/new",
        data=action_form(
            arc, summary="Half-typed summary", add_figure="Add another figure", **{"figures-0-label": "volunteers"}
        ),
    )
    page = text_of(response)
    assert response.status_code == 200
    assert 'name="figures-1-label"' in page
    assert "Half-typed summary" in page and 'value="volunteers"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionTaken)) == 0


def test_each_signatory_records_its_own_actions(client, auth, make, arc):
    prc = make.organisation("Philippine Red Cross")
    pledge = make.pledge_in_progress(lead=arc, co_signatories=[prc])
    prc_staff = make.staff(organisation=prc)
    auth.login(prc_staff.email)
    response = client.post(
        f"/pledges/{pledge.slug}/actions/new", data=action_form(prc, summary="PRC trained 40 volunteers.")
    )
    assert response.status_code == 302
    action = db.session.scalar(sa.select(ActionTaken))
    assert action.attributed_to == prc
    assert [o.name for o in action.organisations] == ["Philippine Red Cross"]


def test_staff_edit_their_organisations_action_and_history_keeps_the_old_words(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, summary="Old words")
    response = client.post(
        f"/pledges/{pledge.slug}/actions/{action.id}/edit",
        data=action_form(arc, summary="New words", version=str(action.version)),
    )
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.summary == "New words"
    entry = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "action_edited")).one()
    assert entry.changes["summary"] == ["Old words", "New words"]
    assert entry.changes["date"] == ["1 June 2019", "14 May 2020"]
    assert entry.actor_id == arc_staff.id


def test_the_action_editor_shows_the_action_as_saved(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(
        pledge, author=arc_staff, date=dt.date(2019, 1, 1), date_precision=None,
        figures=[{"label": "people trained", "value": 2037, "unit": "people", "year": 2020}],
    )  # fmt: skip
    page = text_of(client.get(f"/pledges/{pledge.slug}/actions/{action.id}/edit"))
    assert 'value="1 January 2019"' in page
    assert 'value="people trained"' in page and 'value="2,037"' in page


def test_a_signatory_cannot_edit_or_withdraw_another_signatorys_action(client, auth, make, arc):
    prc = make.organisation("Philippine Red Cross")
    pledge = make.pledge_in_progress(lead=arc, co_signatories=[prc])
    action = make.action(pledge, author=make.staff(organisation=arc), summary="ARC's own action")
    auth.login(make.staff(organisation=prc).email)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert f"/actions/{action.id}/edit" not in page
    for url in (f"/actions/{action.id}/edit", f"/actions/{action.id}/withdraw"):
        assert client.get(f"/pledges/{pledge.slug}{url}").status_code == 403
        assert client.post(f"/pledges/{pledge.slug}{url}", data=action_form(prc, summary="Changed")).status_code == 403
    db.session.refresh(action)
    assert (action.summary, action.withdrawn_at) == ("ARC's own action", None)


def test_a_withdrawn_action_leaves_the_public_page_and_stays_in_history(client, auth, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, summary="Recorded on the wrong pledge")
    response = client.post(f"/pledges/{pledge.slug}/actions/{action.id}/withdraw", data={"reason": "Wrong pledge"})
    assert response.status_code == 302
    history = text_of(client.get(f"/pledges/{pledge.slug}/history"))
    assert "Action withdrawn" in history and "Wrong pledge" in history
    assert "Recorded on the wrong pledge" in history
    auth.logout()
    assert "Recorded on the wrong pledge" not in text_of(client.get(f"/pledges/{pledge.slug}"))
    # Withdrawn is final: it cannot be edited or withdrawn again.
    auth.login(arc_staff.email)
    assert client.get(f"/pledges/{pledge.slug}/actions/{action.id}/edit").status_code == 404


def test_an_action_of_another_pledge_is_not_found_here(client, make, arc, arc_staff):
    pledge, other = make.pledge_in_progress(lead=arc), make.pledge_in_progress(lead=arc)
    action = make.action(other, author=arc_staff)
    assert client.get(f"/pledges/{pledge.slug}/actions/{action.id}/edit").status_code == 404


# --- workflow buttons ---------------------------------------------------------------------------


def buttons_on(page: str) -> list[str]:
    return re.findall(r'action="/pledges/[^/"]+/transitions/(\w+)"', page)


def test_a_draft_shows_its_signatory_only_the_start_button(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc)
    assert buttons_on(text_of(client.get(f"/pledges/{pledge.slug}"))) == ["start"]


def test_the_public_and_other_organisations_see_no_workflow_buttons(client, auth, make):
    pledge = make.pledge_in_progress()
    assert buttons_on(text_of(client.get(f"/pledges/{pledge.slug}"))) == []
    auth.login(make.staff().email)
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert buttons_on(page) == [] and "Edit the pledge" not in page


def test_start_complete_and_reopen_through_the_buttons(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc)
    assert (
        client.post(f"/pledges/{pledge.slug}/transitions/start", data={"start-comment": "Launched"}).status_code == 302
    )
    make.action(pledge, author=arc_staff)
    db.session.commit()
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert buttons_on(page) == ["complete"]
    assert completion(page) == "No"
    assert client.post(f"/pledges/{pledge.slug}/transitions/complete").status_code == 302
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert completion(page) == "Yes"
    assert buttons_on(page) == ["reopen"]
    assert (
        client.post(f"/pledges/{pledge.slug}/transitions/reopen", data={"reopen-comment": "More to do"}).status_code
        == 302
    )
    db.session.refresh(pledge)
    assert pledge.status == "in_progress"
    comments = db.session.scalars(
        sa.select(HistoryEntry.comment).where(HistoryEntry.event.in_(["start", "reopen"])).order_by(HistoryEntry.id)
    )
    assert list(comments) == ["Launched", "More to do"]


def test_completing_without_an_action_is_refused_with_the_reason(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    response = client.post(f"/pledges/{pledge.slug}/transitions/complete", data={"complete-comment": "All done"})
    page = text_of(response)
    assert response.status_code == 422
    assert "Record at least one action taken before marking this pledge done." in page
    assert "All done" in page  # the typed comment is kept
    db.session.refresh(pledge)
    assert pledge.status == "in_progress"


def test_reopening_needs_a_reason(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    make.action(pledge, author=arc_staff)
    take_transition(pledge, "complete", arc_staff)
    db.session.commit()
    response = client.post(f"/pledges/{pledge.slug}/transitions/reopen", data={"reopen-comment": "  "})
    assert response.status_code == 422
    assert "Give a reason for reopening this pledge." in text_of(response)
    db.session.refresh(pledge)
    assert pledge.status == "done"


def test_a_transition_not_possible_from_here_says_why(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc)
    response = client.post(f"/pledges/{pledge.slug}/transitions/reopen", data={"reopen-comment": "Why not"})
    assert response.status_code == 422
    assert "This pledge is still a draft, so it cannot be reopened." in text_of(response)


def test_an_unknown_transition_is_not_found(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc)
    assert client.post(f"/pledges/{pledge.slug}/transitions/destroy").status_code == 404
    # A button's address reloaded (or shared) is not an error: it leads to the pledge.
    reloaded = client.get(f"/pledges/{pledge.slug}/transitions/start")
    assert (reloaded.status_code, reloaded.headers["Location"]) == (303, f"/pledges/{pledge.slug}")


# --- history -------------------------------------------------------------------------------------


def test_history_shows_who_when_what_changed_and_the_comment(client, make, arc, arc_staff):
    pledge = make.pledge(lead=arc, title="Regional Protection", author=arc_staff)
    edit_pledge(pledge, arc_staff, comment="Typo", title="Regional Protection 2019")
    take_transition(pledge, "start", arc_staff, comment="Published at the conference")
    db.session.commit()
    page = text_of(client.get(f"/pledges/{pledge.slug}/history"))
    assert page.count("Amira Haddad") >= 3
    assert "Created" in page and "Edited" in page and "Started and published" in page
    assert "Regional Protection 2019" in page and "Typo" in page
    assert "Published at the conference" in page
    assert page.index("Started and published") < page.index("Created")  # newest first


def test_admins_read_any_pledges_history(client, auth, make):
    pledge = make.pledge()
    auth.login(make.admin().email)
    assert client.get(f"/pledges/{pledge.slug}/history").status_code == 200


def test_history_paginates(app, client, make, arc, arc_staff):
    app.config["ITEMS_PER_PAGE"] = 3
    pledge = make.pledge(lead=arc, author=arc_staff)
    for n in range(5):
        edit_pledge(pledge, arc_staff, title=f"Title {n}")
    db.session.commit()
    assert "Showing 1–3 of 6 changes" in text_of(client.get(f"/pledges/{pledge.slug}/history"))


# --- the number of queries does not grow with the rows ---------------------------------------


def test_workspace_pages_queries_do_not_grow_with_the_rows(client, make, arc, arc_staff):
    from tests.test_views import _queries_for

    pledge = make.pledge_in_progress(lead=arc, author=arc_staff)
    make.action(
        pledge, author=arc_staff, figures=[{"label": "people", "value": 1}], links=[{"url": "https://example.org"}]
    )
    urls = [
        "/pledges/mine",
        f"/pledges/{pledge.slug}",
        f"/pledges/{pledge.slug}/history",
        f"/pledges/{pledge.slug}/edit",
    ]
    few = {url: _queries_for(client, url) for url in urls}
    for n in range(6):
        other = make.pledge_in_progress(lead=arc, author=arc_staff, co_signatories=[make.organisation()])
        make.action(other, author=arc_staff)
        make.action(pledge, author=arc_staff, organisations=[arc], figures=[{"label": "people", "value": n}])
        edit_pledge(pledge, arc_staff, title=f"Regional Protection {n}")
    assert {url: _queries_for(client, url) for url in urls} == few


# --- what a new user tried -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [("1e400", "Enter a number from 0 to"), ("99999999999999999999", "Enter a number from 0 to"),
     ("0.001", "at most two decimal places"), ("-5", "Enter a number from 0 to")],
)  # fmt: skip
def test_a_figure_the_database_cannot_hold_is_refused_with_the_form_kept(client, make, arc, arc_staff, value, message):
    pledge = make.pledge_in_progress(lead=arc)
    data = action_form(arc, **{"figures-0-label": "people trained", "figures-0-value": value})
    response = client.post(f"/pledges/{pledge.slug}/actions/new", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert f'value="{value}"' in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionTaken)) == 0


def test_a_budget_the_database_cannot_hold_is_refused(client, make, arc, arc_staff):
    response = client.post(
        "/pledges/new", data=pledge_form(arc, budget_amount="1000000000000000", budget_currency="AUD")
    )
    assert response.status_code == 422
    assert "Enter an amount from 0 to 99,999,999,999,999." in text_of(response)


def test_operations_refuse_amounts_the_database_cannot_hold(make, arc):
    staff = make.staff(organisation=arc)
    with pytest.raises(OperationRefused, match="from 0 to"):
        make.pledge(author=staff, lead=arc, budget_amount=10**15, budget_currency="AUD")
    pledge = make.pledge_in_progress(lead=arc)
    with pytest.raises(OperationRefused, match="from 0 to"):
        make.action(pledge, author=staff, figures=[{"label": "people", "value": 10**17}])


def test_saving_the_editor_unchanged_but_one_field_records_only_that_field(client, make, arc, arc_staff):
    lao, prc = make.organisation("Lao Red Cross Society"), make.organisation("Philippine Red Cross")
    pledge = make.pledge(lead=arc, co_signatories=[prc, lao])  # not in alphabetical order
    version = pledge.version
    form = pledge_form(
        arc,
        title=pledge.title,
        text=pledge.text,
        co_signatories=[str(lao.id), str(prc.id)],
        region="Pacific",
        version=str(version),
    )
    assert client.post(f"/pledges/{pledge.slug}/edit", data=form).status_code == 302
    entry = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "edited")).one()
    assert set(entry.changes) == {"region"}
    db.session.refresh(pledge)
    assert pledge.version == version + 1  # one save, one version
    assert [o.name for o in pledge.signatory_organisations] == [
        "Australian Red Cross",
        "Philippine Red Cross",
        "Lao Red Cross Society",
    ]


def test_saving_an_action_unchanged_records_no_change(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(
        pledge, author=arc_staff, figures=[{"label": "people trained", "value": 2037, "unit": "people", "year": 2020}]
    )
    data = action_form(arc, date="1 June 2019", summary=action.summary, version=str(action.version),
                       **{"figures-0-label": "people trained", "figures-0-value": "2,037", "figures-0-unit": "people", "figures-0-year": "2020"})  # fmt: skip
    assert client.post(f"/pledges/{pledge.slug}/actions/{action.id}/edit", data=data).status_code == 302
    assert db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "action_edited")).all() == []


@pytest.mark.parametrize(
    "typed, message",
    [
        ("31 February 2020", "There is no such day as 31 February 2020"),
        ("1066", "Use a date from 1900 to 2100"),
        ("2150", "Use a date from 1900 to 2100"),
    ],
)
def test_an_impossible_date_says_what_is_wrong(client, make, arc, arc_staff, typed, message):
    pledge = make.pledge_in_progress(lead=arc)
    response = client.post(f"/pledges/{pledge.slug}/actions/new", data=action_form(arc, date=typed))
    assert response.status_code == 422
    assert message in text_of(response)


def test_a_stale_action_form_is_refused_keeping_the_text_and_can_then_be_saved(client, make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, summary="First words")
    opened_at = action.version
    edit_action(
        action, make.staff(organisation=arc), date=action.date, summary="A colleague's words", organisations=[arc]
    )
    stale = action_form(arc, date="1 June 2019", summary="My words", version=str(opened_at))
    response = client.post(f"/pledges/{pledge.slug}/actions/{action.id}/edit", data=stale)
    page = text_of(response)
    assert response.status_code == 409
    assert "Someone else saved this action after you opened the form" in page and "My words" in page
    db.session.refresh(action)
    assert action.summary == "A colleague's words"
    current = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert (
        client.post(f"/pledges/{pledge.slug}/actions/{action.id}/edit", data={**stale, "version": current}).status_code
        == 302
    )
    db.session.refresh(action)
    assert action.summary == "My words"


# --- the operations every way in calls (the API, imports and scripts as well as the forms) ---------


def test_a_pledge_is_filed_under_a_forum_by_its_id_and_taken_out_of_it_again(make, arc, arc_staff):
    conference = Forum(name="33rd International Conference", kind=ForumKind.CONFERENCE)
    db.session.add(conference)
    db.session.flush()
    pledge = make.pledge(lead=arc, author=arc_staff)
    entry = edit_pledge(pledge, arc_staff, forum_id=conference.id)
    assert pledge.forum == conference
    assert entry.changes["forum"] == [None, "33rd International Conference"]
    edit_pledge(pledge, arc_staff, forum_id=None)
    assert pledge.forum is None


def test_an_action_edit_keeps_in_history_everything_the_action_said_before(make, arc, arc_staff):
    partner = make.organisation("Philippine Red Cross")
    pledge = make.pledge_in_progress(lead=arc, co_signatories=[partner])
    action = make.action(
        pledge, author=arc_staff, heading="Training", details="In Suva.", organisations=[arc],
        figures=[{"label": "people trained", "value": 2037, "unit": "people", "year": 2020}],
        links=[{"url": "https://example.org/report", "title": "Report"}],
    )  # fmt: skip
    entry = edit_action(
        action, arc_staff, date=dt.date(2020, 5, 14), summary=action.summary, heading="Joint training",
        details="In Suva and Nadi.", organisations=[arc, partner],
        figures=[{"label": "people trained", "value": 2100, "unit": "people", "year": 2021}],
        links=[{"url": "https://example.org/report-2021", "title": "Report"}],
    )  # fmt: skip
    assert entry.actor_id == arc_staff.id
    assert entry.changes == {
        "date": ["1 June 2019", "14 May 2020"],
        "heading": ["Training", "Joint training"],
        "details": ["In Suva.", "In Suva and Nadi."],
        "organisations": [["Australian Red Cross"], ["Australian Red Cross", "Philippine Red Cross"]],
        "figures": [["people trained: 2,037 people 2020"], ["people trained: 2,100 people 2021"]],
        "links": [["https://example.org/report"], ["https://example.org/report-2021"]],
    }


def test_a_withdrawn_action_cannot_be_edited_and_says_why(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, summary="Old words")
    withdraw_action(action, arc_staff, reason="Recorded twice.")
    with pytest.raises(OperationRefused) as refused:
        edit_action(action, arc_staff, date=action.date, summary="New words", organisations=[arc])
    assert str(refused.value) == "This action has been withdrawn; it can no longer be changed."
    assert action.summary == "Old words"


def test_an_action_known_only_to_the_month_keeps_its_date_in_history_as_written(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, date=dt.date(2020, 5, 1), date_precision=DatePrecision.MONTH)
    entry = edit_action(action, arc_staff, date=dt.date(2020, 6, 1), summary=action.summary, organisations=[arc])
    assert entry.changes["date"] == ["May 2020", "June 2020"]


def _saved_meanwhile_by_someone_else(action) -> None:
    """Another writer's save lands between this session's read of `action` and its write:
    the row's version moves on, the session's copy does not."""
    db.session.execute(
        sa.update(ActionTaken).where(ActionTaken.id == action.id).values(version=ActionTaken.version + 1),
        execution_options={"synchronize_session": False},
    )


def test_an_action_changed_by_someone_else_at_the_same_moment_is_refused_saying_so(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff)
    _saved_meanwhile_by_someone_else(action)
    with pytest.raises(ConcurrentChange) as refused:
        edit_action(action, arc_staff, date=action.date, summary="Trained 40 volunteers in Suva.", organisations=[arc])
    assert str(refused.value) == (
        "Someone else changed this action at the same moment. Reload the page to see where it stands now."
    )


def test_withdrawing_an_action_records_who_why_and_what_it_said_and_happens_once(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff, summary="Trained 40 volunteers in Suva.")
    colleague = make.staff(organisation=arc)
    entry = withdraw_action(action, colleague, reason="Recorded twice.")
    assert action.withdrawn_by_id == colleague.id
    assert (entry.event, entry.actor_id, entry.changes, entry.comment) == (
        "action_withdrawn",
        colleague.id,
        {"summary": ["Trained 40 volunteers in Suva.", None]},
        "Recorded twice.",
    )
    with pytest.raises(OperationRefused) as refused:
        withdraw_action(action, arc_staff)
    assert str(refused.value) == "This action has already been withdrawn."


def test_a_withdrawal_reason_over_its_limit_is_refused_beside_the_reason(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff)
    with pytest.raises(InvalidField) as refused:
        withdraw_action(action, arc_staff, reason="Recorded twice. " * 400)
    assert (refused.value.field, str(refused.value)) == (
        "reason",
        "Use at most 5,000 characters here (this has 6,400).",
    )
    assert action.withdrawn_at is None


def test_an_action_withdrawn_by_someone_else_at_the_same_moment_is_refused_saying_so(make, arc, arc_staff):
    pledge = make.pledge_in_progress(lead=arc)
    action = make.action(pledge, author=arc_staff)
    _saved_meanwhile_by_someone_else(action)
    with pytest.raises(ConcurrentChange) as refused:
        withdraw_action(action, arc_staff, reason="Recorded twice.")
    assert str(refused.value).startswith("Someone else changed this action at the same moment.")


def test_a_pledges_signatories_change_by_any_way_in_one_list_at_a_time(make, arc, arc_staff):
    prc, trc = make.organisation("Philippine Red Cross"), make.organisation("Tonga Red Cross Society")
    frc = make.organisation("Fiji Red Cross Society")
    pledge = make.pledge(lead=arc, author=arc_staff, co_signatories=[prc, frc], invited=True)
    signatures.decline_invitation(pledge, make.staff(organisation=frc))

    # Only the co-signatories: the lead stays.
    edit_pledge(pledge, arc_staff, co_signatories=[prc, trc])
    assert pledge.lead_signatory == arc
    assert pledge.invited_organisations == [prc, trc]

    # Only the lead: everyone else named stays (not the organisation that declined), and the
    # one asked to lead is invited to, while the writer's organisation leads meanwhile.
    edit_pledge(pledge, arc_staff, lead=trc)
    assert (pledge.lead_signatory, pledge.pending_lead) == (arc, trc)
    assert pledge.invited_organisations == [trc, prc]  # the one asked to lead first
    assert pledge.row_of(frc.id).status == "declined"


def test_a_change_note_over_its_limit_is_refused_beside_the_note(make, arc, arc_staff):
    pledge = make.pledge(lead=arc, author=arc_staff)
    with pytest.raises(InvalidField) as refused:
        edit_pledge(pledge, arc_staff, title="New title", comment="Because. " * 100)
    assert refused.value.field == "change_note"
    assert pledge.title == "Regional Protection"


def test_a_budget_up_to_the_largest_the_database_holds_is_kept_and_the_refusals_say_what_to_fix(make, arc):
    staff = make.staff(organisation=arc)
    largest = Decimal("99999999999999.99") - Decimal("0.99")  # MAX_BUDGET, the largest whole amount allowed
    pledge = make.pledge(author=staff, lead=arc, budget_amount=largest, budget_currency="AUD")
    db.session.commit()
    db.session.refresh(pledge)
    assert pledge.budget_amount == largest
    for amount, message in [
        (largest + 1, "The budget must be a number from 0 to 99,999,999,999,999."),
        (Decimal("1500.005"), "The budget can have at most two decimal places."),
    ]:
        with pytest.raises(OperationRefused) as refused:
            edit_pledge(pledge, staff, budget_amount=amount, budget_currency="AUD")
        assert str(refused.value) == message
    assert pledge.budget_amount == largest


def test_the_contact_person_is_shown_to_its_signatories_only_and_a_drafts_breadcrumb_leads_home(
    client, make, arc, arc_staff, auth
):
    pledge = make.pledge(lead=arc, contact_name="Mere Tuilagi", contact_email="mere@example.org")
    page = text_of(client.get(f"/pledges/{pledge.slug}"))
    assert 'Mere Tuilagi, <a href="mailto:mere@example.org">mere@example.org</a>' in page.replace("<bdi>", "").replace(
        "</bdi>", ""
    )
    # A draft is on no public list: its breadcrumb leads to where its signatories find it.
    assert '<li class="breadcrumb-item"><a href="/pledges/mine">My organisation’s pledges</a></li>' in page
    take_transition(pledge, "start", arc_staff)
    db.session.commit()
    assert '<a href="/pledges">Pledges</a>' in text_of(client.get(f"/pledges/{pledge.slug}"))
    auth.logout()
    assert "mere@example.org" not in text_of(client.get(f"/pledges/{pledge.slug}"))
    outsider = make.staff()
    db.session.commit()
    auth.login(outsider.email)
    assert "mere@example.org" not in text_of(client.get(f"/pledges/{pledge.slug}"))


def test_my_organisations_pledges_are_searched_forgiving_accents_and_sorted(client, make, arc, arc_staff):
    make.pledge(lead=arc, title="Rétablissement des liens familiaux", text="Avec la Croix-Rouge française.")
    make.pledge(lead=arc, title="Abris d'urgence", text="Shelter kits for cyclone season.")
    make.pledge(title="Someone else's rétablissement")  # not signed by ARC: never listed
    db.session.commit()
    found = text_of(client.get("/pledges/mine?q=retablissement+croix"))
    assert "Rétablissement des liens familiaux" in found and "Abris" not in found and "Someone else" not in found
    by_title = text_of(client.get("/pledges/mine?sort=title"))
    assert by_title.index("Abris d&#39;urgence") < by_title.index("Rétablissement des liens familiaux")
    nothing = text_of(client.get("/pledges/mine?q=zzzz"))
    assert "None of your organisation’s pledges match these filters." in nothing
