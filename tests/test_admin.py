"""The admin pages as an admin uses them: organisations (and the ones staff propose),
users (invitations, roles, deactivation), forums and themes — and nobody else gets in."""

import logging
import re

import pytest
import sqlalchemy as sa
from flask import url_for

from tracker.accounts import logins
from tracker.accounts import operations as accounts
from tracker.accounts.models import Organisation, OrganisationKind, Role, User, UserLogin
from tracker.accounts.passwords import LOGIN_EVENTS
from tracker.core.access import PermissionDenied
from tracker.core.changes import InvalidField, OperationRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry, timeline_query
from tracker.taxonomy import operations as taxonomy
from tracker.taxonomy.models import Country, Forum, ForumKind, Theme

NEW_PASSWORD = "a long new password"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def history_of(record) -> list[HistoryEntry]:
    """The record's changes (log-ins, also in its history, are not changes)."""
    return db.session.scalars(timeline_query(record).where(HistoryEntry.event.not_in(LOGIN_EVENTS))).all()


def set_password_link(page: str) -> str:
    match = re.search(r'value="(http://localhost/auth/set-password/[^"]+)"', page)
    assert match, "the page shows no set-password link"
    return match.group(1).removeprefix("http://localhost")


class OtherBrowser:
    """Someone else's browser. Each of its requests runs in an app context of its own, as
    on a server: the test's one app context would share `g`, and with it Flask-Login's
    cached user, between two browsers."""

    def __init__(self, app):
        self._app = app
        self._client = app.test_client()

    def get(self, *args, **kwargs):
        with self._app.app_context():
            return self._client.get(*args, **kwargs)

    def post(self, *args, **kwargs):
        with self._app.app_context():
            return self._client.post(*args, **kwargs)


@pytest.fixture
def admin(make, auth):
    """Ada, an admin, logged in (committed: a refused change rolls the session back)."""
    admin = make.admin(name="Ada Admin")
    db.session.commit()
    auth.login(admin.email)
    return admin


# --- who may come in -------------------------------------------------------------------------


@pytest.fixture
def records(make):
    """One of each kind of record an admin URL can name, and what a valid POST would send."""
    organisation = make.organisation(name="Australian Red Cross")
    user = make.staff(organisation=organisation)
    forum = Forum(name="Bali Process", kind=ForumKind.PROCESS)
    theme = Theme(name="Migration", slug="migration")
    country = Country(name="Fiji", iso_code="FJ")
    db.session.add_all([forum, theme, country])
    db.session.commit()
    return {
        "organisation_id": organisation.id, "user_id": user.id, "forum_id": forum.id, "theme_id": theme.id,
        "country_id": country.id,
    }  # fmt: skip


ADMIN_URLS = [
    ("GET", "admin.index", None),
    ("GET", "admin.organisations", None),
    ("GET", "admin.new_organisation", None),
    ("POST", "admin.new_organisation", None),
    ("GET", "admin.edit_organisation", "organisation_id"),
    ("POST", "admin.edit_organisation", "organisation_id"),
    ("GET", "admin.users", None),
    ("GET", "admin.new_user", None),
    ("POST", "admin.new_user", None),
    ("GET", "admin.edit_user", "user_id"),
    ("POST", "admin.edit_user", "user_id"),
    ("POST", "admin.user_active", "user_id"),
    ("POST", "admin.user_set_password_link", "user_id"),
    ("GET", "admin.forums", None),
    ("GET", "admin.new_forum", None),
    ("POST", "admin.new_forum", None),
    ("GET", "admin.edit_forum", "forum_id"),
    ("POST", "admin.edit_forum", "forum_id"),
    ("GET", "admin.themes", None),
    ("GET", "admin.new_theme", None),
    ("POST", "admin.new_theme", None),
    ("GET", "admin.edit_theme", "theme_id"),
    ("POST", "admin.edit_theme", "theme_id"),
    ("GET", "admin.countries", None),
    ("GET", "admin.new_country", None),
    ("POST", "admin.new_country", None),
    ("GET", "admin.edit_country", "country_id"),
    ("POST", "admin.edit_country", "country_id"),
    ("GET", "admin.audit", None),
]
# What an intruder would send: valid for an admin, so only the access check can stop it.
INTRUDER_DATA = {
    "name": "Intruder",
    "email": "intruder@example.org",
    "kind": "other",
    "role": "admin",
    "organisation_id": "",
    "active": "no",
}


def _url(app, endpoint, id_name, records) -> str:
    with app.test_request_context():
        return url_for(endpoint, **({id_name: records[id_name]} if id_name else {}))


def test_the_access_checks_below_cover_every_admin_url(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, _ in ADMIN_URLS}


def _nothing_changed(records) -> None:
    db.session.rollback()
    for model in (Organisation, User, Forum, Theme):
        assert db.session.scalar(sa.select(sa.func.count()).where(model.name == "Intruder")) == 0
    assert db.session.get(User, records["user_id"]).active
    assert (
        db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)).where(HistoryEntry.event.not_in(LOGIN_EVENTS))) == 0
    )


@pytest.mark.parametrize(("method", "endpoint", "id_name"), ADMIN_URLS)
def test_the_public_is_sent_to_log_in_from_every_admin_url(app, client, records, method, endpoint, id_name):
    response = client.open(_url(app, endpoint, id_name, records), method=method, data=INTRUDER_DATA)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
    _nothing_changed(records)


@pytest.mark.parametrize(("method", "endpoint", "id_name"), ADMIN_URLS)
def test_staff_and_co_chairs_are_refused_every_admin_url(app, client, auth, make, records, method, endpoint, id_name):
    people = [make.staff(), make.co_chair()]
    db.session.commit()
    for person in people:
        auth.login(person.email)
        response = client.open(_url(app, endpoint, id_name, records), method=method, data=INTRUDER_DATA)
        assert response.status_code == 403, person.role
        assert "Only an admin can do this." in text_of(response)
        auth.logout()
    _nothing_changed(records)


@pytest.mark.parametrize(("endpoint", "id_name"), [(e, i) for method, e, i in ADMIN_URLS if method == "GET"])
def test_every_admin_page_opens_for_an_admin_with_one_heading(app, client, admin, records, endpoint, id_name):
    response = client.get(_url(app, endpoint, id_name, records))
    assert response.status_code == 200
    assert text_of(response).count("<h1") == 1


def test_admin_home_links_the_four_sections_and_counts_proposed_organisations(client, admin, make):
    staff = make.staff()
    accounts.propose_organisation(staff, "Migrant Forum Asia")
    accounts.propose_organisation(staff, "Caritas Philippines")
    db.session.commit()
    page = text_of(client.get("/admin/"))
    for section in ("organisations", "users", "forums", "themes"):
        assert f'href="/admin/{section}"' in page
    assert "2 organisations proposed by staff are awaiting confirmation." in page


# --- organisations -----------------------------------------------------------------------------


def test_admin_adds_an_organisation(client, admin):
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": " Philippine Red Cross ",
            "short_name": "PRC",
            "kind": "national_society",
            "country": "Philippines",
        },
    )
    assert response.status_code == 302
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Philippine Red Cross"))
    assert (organisation.short_name, organisation.kind, organisation.country, organisation.confirmed) == (
        "PRC", OrganisationKind.NATIONAL_SOCIETY, "Philippines", True
    )  # fmt: skip
    [entry] = history_of(organisation)
    assert (entry.event, entry.actor_id) == ("created", admin.id)
    assert "Added Philippine Red Cross." in text_of(client.get(response.headers["Location"]))


def test_admin_edits_an_organisation_and_history_keeps_old_and_new(client, admin, make):
    organisation = make.organisation(name="Australian Red Cross", country=None)
    db.session.commit()
    response = client.post(
        f"/admin/organisations/{organisation.id}",
        data={"name": "Australian Red Cross", "short_name": "ARC", "kind": "national_society", "country": "Australia"},
    )
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert (organisation.short_name, organisation.country) == ("ARC", "Australia")
    [entry] = history_of(organisation)
    assert entry.event == "edited" and entry.actor_id == admin.id
    assert entry.changes == {"short_name": [None, "ARC"], "country": [None, "Australia"]}


def test_a_proposed_organisation_is_listed_first_and_confirmed_by_editing_it(client, admin, make):
    make.organisation(name="Australian Red Cross")
    staff = make.staff()
    proposed = accounts.propose_organisation(staff, "  Migrant Forum Asia ")
    db.session.commit()
    assert (proposed.name, proposed.kind, proposed.confirmed) == ("Migrant Forum Asia", OrganisationKind.OTHER, False)

    page = text_of(client.get("/admin/organisations"))
    assert page.index("Migrant Forum Asia") < page.index("Australian Red Cross")
    assert "Proposed, awaiting confirmation" in page

    form = text_of(client.get(f"/admin/organisations/{proposed.id}"))
    assert "Confirm organisation" in form
    response = client.post(
        f"/admin/organisations/{proposed.id}",
        data={"name": "Migrant Forum in Asia", "kind": "civil_society", "country": "Philippines"},
    )
    assert response.status_code == 302
    db.session.refresh(proposed)
    assert (proposed.name, proposed.kind, proposed.confirmed) == (
        "Migrant Forum in Asia",
        OrganisationKind.CIVIL_SOCIETY,
        True,
    )
    proposal, confirmation = history_of(proposed)
    assert (proposal.event, proposal.actor_id) == ("proposed", staff.id)
    assert (confirmation.event, confirmation.actor_id) == ("confirmed", admin.id)
    assert confirmation.changes["confirmed"] == [False, True]
    assert "Proposed, awaiting confirmation" not in text_of(client.get("/admin/organisations"))


def test_proposing_a_name_that_exists_in_any_case_gives_that_organisation(make):
    existing = make.organisation(name="Australian Red Cross")
    staff = make.staff()
    assert accounts.propose_organisation(staff, "australian red cross") is existing
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id)).where(Organisation.confirmed.is_(False))) == 0


def test_only_people_who_write_pledges_may_propose_an_organisation(make):
    with pytest.raises(PermissionDenied):
        accounts.propose_organisation(None, "Migrant Forum Asia")


@pytest.mark.parametrize(
    "typed",
    [
        "Аustralian Red Cross",  # a Cyrillic А
        "Australian Red\u200b Cross",  # a zero-width space
        "Australian  Red   Cross",  # spacing
        "Australian Red Cross\u202e",  # a stray right-to-left override
        "AUSTRALIAN RED CROSS",
        "Australian Red-Cross",
    ],
)
def test_a_name_that_only_looks_different_is_refused_naming_the_existing_one(client, admin, make, typed):
    make.organisation(name="Australian Red Cross")
    db.session.commit()
    response = client.post("/admin/organisations/new", data={"name": typed, "kind": "other"})
    assert response.status_code == 422
    assert "An organisation with this name already exists: “Australian Red Cross”." in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1


def test_staff_proposing_a_look_alike_of_a_listed_organisation_get_the_listed_one(make):
    staff = make.staff(organisation=make.organisation(name="Australian Red Cross"))
    existing = make.organisation(name="Philippine Red Cross")
    assert accounts.propose_organisation(staff, "Philippine\u00a0Red Crоss") is existing  # no-break space, Cyrillic о


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/admin/organisations/new",
            {"name": "australian RED cross", "short_name": "ARC2", "kind": "other", "country": "Fiji"},
            "An organisation with this name already exists: “Australian Red Cross”.",
        ),
        (
            "/admin/forums/new",
            {"name": "bali process", "short_name": "BP2", "kind": "process", "year": "2002", "description": "Typed"},
            "A forum with this name already exists: “Bali Process”.",
        ),
        ("/admin/themes/new", {"name": "MIGRATION"}, "A theme with this name already exists: “Migration”."),
    ],
)
def test_a_duplicate_name_in_any_case_is_refused_and_what_was_typed_is_kept(client, admin, make, url, data, message):
    make.organisation(name="Australian Red Cross")
    db.session.add_all([Forum(name="Bali Process", kind=ForumKind.PROCESS), Theme(name="Migration", slug="migration")])
    db.session.commit()
    response = client.post(url, data=data)
    page = text_of(response)
    assert response.status_code == 422
    assert re.search(rf'id="name-error"[^>]*>{re.escape(message)}', page)
    for name, value in data.items():
        if name not in ("kind",):
            assert value in page, name
    assert (
        db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)).where(HistoryEntry.event.not_in(LOGIN_EVENTS))) == 0
    )


def test_renaming_to_another_organisations_name_is_refused(client, admin, make):
    make.organisation(name="Australian Red Cross")
    other = make.organisation(name="Philippine Red Cross")
    db.session.commit()
    response = client.post(
        f"/admin/organisations/{other.id}", data={"name": "Australian Red Cross", "kind": "national_society"}
    )
    assert response.status_code == 422
    assert "An organisation with this name already exists: “Australian Red Cross”." in text_of(response)
    db.session.refresh(other)
    assert other.name == "Philippine Red Cross"


def test_saving_an_organisation_unchanged_keeps_its_own_name(client, admin, make):
    organisation = make.organisation(name="Australian Red Cross")
    db.session.commit()
    response = client.post(
        f"/admin/organisations/{organisation.id}", data={"name": "Australian Red Cross", "kind": "national_society"}
    )
    assert response.status_code == 302
    assert history_of(organisation) == []  # nothing changed, nothing to record


def test_organisation_list_paginates_and_searches_by_name(client, admin, make):
    for n in range(25):
        make.organisation(name=f"Red Cross branch {n:02d}")
    make.organisation(name="Department of Foreign Affairs and Trade", short_name="DFAT")
    db.session.commit()
    names = lambda page: set(re.findall(r"Red Cross branch \d\d|Department of Foreign", page))  # noqa: E731
    first, second = text_of(client.get("/admin/organisations")), text_of(client.get("/admin/organisations?page=2"))
    assert len(names(first)) == 20 and len(names(second)) == 6
    assert "Showing 21–26 of 26 organisations" in second

    found = text_of(client.get("/admin/organisations?q=dfat"))
    assert names(found) == {"Department of Foreign"}
    assert 'value="dfat"' in found
    assert "No organisations match “100%_”." in text_of(client.get("/admin/organisations?q=100%25_"))


def _names_in_order(page: str, names) -> list[str]:
    """Which of `names` the list's table shows, top to bottom."""
    body = page[page.index("<tbody>") :]
    return sorted((name for name in names if name in body), key=body.index)


def test_admin_lists_sort_as_chosen_and_keep_the_sort_across_pages(client, admin, make):
    """Every admin list has a "Sort by" beside its search; the chosen order is the table's,
    its caption says so, the pager keeps it, and an order it does not know is the usual one."""
    lower = make.organisation(name="aquarius Society", kind=OrganisationKind.CIVIL_SOCIETY)
    upper = make.organisation(name="Zenith Red Cross", kind=OrganisationKind.NATIONAL_SOCIETY)
    proposed = make.organisation(name="Middle Proposed", confirmed=False)
    make.staff(name="Bea Zed", email="a@example.org", organisation=upper)
    make.staff(name="Al Young", email="z@example.org", organisation=lower)
    db.session.commit()
    names = [lower.name, upper.name, proposed.name]

    usual = text_of(client.get("/admin/organisations"))
    assert _names_in_order(usual, names) == ["Middle Proposed", "aquarius Society", "Zenith Red Cross"]
    by_name = text_of(client.get("/admin/organisations?sort=name"))
    # Alphabetical on both databases, whatever the case ("a" before "M" before "Z").
    assert _names_in_order(by_name, names) == ["aquarius Society", "Middle Proposed", "Zenith Red Cross"]
    assert "Organisations, by name</caption>" in by_name
    assert '<option value="name" selected>Name</option>' in by_name
    newest = text_of(client.get("/admin/organisations?sort=newest"))
    assert _names_in_order(newest, names) == ["Middle Proposed", "Zenith Red Cross", "aquarius Society"]
    assert _names_in_order(text_of(client.get("/admin/organisations?sort=zzz")), names) == _names_in_order(usual, names)

    people = ["Bea Zed", "Al Young"]
    assert _names_in_order(text_of(client.get("/admin/users")), people) == ["Al Young", "Bea Zed"]
    assert _names_in_order(text_of(client.get("/admin/users?sort=email")), people) == ["Bea Zed", "Al Young"]
    by_organisation = text_of(client.get("/admin/users?sort=organisation&q=e"))
    assert _names_in_order(by_organisation, people) == ["Al Young", "Bea Zed"]  # aquarius, then Zenith
    assert 'value="e"' in by_organisation and "matching “e”, by organisation, then name" in by_organisation


def test_the_pager_keeps_the_chosen_sort(client, admin, make):
    for n in range(25):
        db.session.add(Theme(name=f"Theme {n:02d}", slug=f"theme-{n:02d}"))
        db.session.flush()  # one at a time: the newest is the last added
    db.session.commit()
    first = text_of(client.get("/admin/themes?sort=newest"))
    assert "Theme 24" in first and "Theme 00" not in first
    assert re.search(
        r'href="/admin/themes\?sort=newest&amp;page=2"|href="/admin/themes\?page=2&amp;sort=newest"', first
    )
    second = text_of(client.get("/admin/themes?sort=newest&page=2"))
    assert "Theme 00" in second and "Theme 24" not in second


# --- users -----------------------------------------------------------------------------------


def test_admin_invites_a_user_who_sets_a_password_once_with_the_link(client, app, auth, admin, make, caplog):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    organisation = make.organisation(name="Philippine Red Cross")
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Maria Santos",
            "email": "Maria.Santos@RedCross.example",
            "role": "staff",
            "organisation_id": organisation.id,
        },
        follow_redirects=True,
    )
    page = text_of(response)
    user = db.session.scalar(sa.select(User).where(User.email == "maria.santos@redcross.example"))
    assert (user.name, user.role, user.organisation_id, user.password_hash) == (
        "Maria Santos",
        Role.STAFF,
        organisation.id,
        None,
    )
    assert "Invited: no password set yet" in page
    assert "Copy this link and send it to the person; it works once, for\n      7 days." in page
    link = set_password_link(page)
    assert link in caplog.text
    assert "/auth/set-password/" not in text_of(client.get(f"/admin/users/{user.id}"))  # shown once only
    [invited] = history_of(user)
    assert (invited.event, invited.actor_id) == ("invited", admin.id)

    auth.logout()
    assert "maria.santos@redcross.example" in text_of(client.get(link))
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.headers["Location"] == "/auth/login"
    assert auth.login("maria.santos@redcross.example", NEW_PASSWORD).status_code == 302  # logged in

    auth.logout()
    used_again = client.post(link, data={"password": "another long password", "confirm": "another long password"})
    assert used_again.status_code == 404
    assert "expired or has already been used" in text_of(used_again)
    assert auth.login("maria.santos@redcross.example", NEW_PASSWORD).status_code == 302


def test_an_admin_may_have_no_organisation_but_staff_must(client, admin):
    refused = client.post(
        "/admin/users/new",
        data={"name": "Sam Staff", "email": "sam@example.org", "role": "staff", "organisation_id": ""},
    )
    assert refused.status_code == 422
    assert re.search(r'id="organisation_id-error"[^>]*>Staff and co-chairs belong to an organisation', text_of(refused))
    assert 'value="sam@example.org"' in text_of(refused)
    accepted = client.post(
        "/admin/users/new",
        data={"name": "Ana Admin", "email": "ana@example.org", "role": "admin", "organisation_id": ""},
    )
    assert accepted.status_code == 302


def test_an_e_mail_already_in_use_in_any_case_is_refused(client, admin, make):
    organisation = make.organisation()
    make.staff(email="officer@redcross.example", organisation=organisation)
    db.session.commit()
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Second Officer",
            "email": "Officer@RedCross.example",
            "role": "co_chair",
            "organisation_id": organisation.id,
        },
    )
    page = text_of(response)
    assert response.status_code == 422
    assert re.search(r'id="email-error"[^>]*>Another user has this e-mail address.', page)
    assert 'value="Second Officer"' in page and 'value="Officer@RedCross.example"' in page
    assert re.search(r'<option selected value="co_chair">', page)


def test_a_role_change_appears_in_history_with_the_admin_and_the_time(client, admin, make):
    staff = make.staff(name="Lee Staff")
    government = make.organisation(name="Government of Australia", kind=OrganisationKind.GOVERNMENT)
    db.session.commit()
    response = client.post(
        f"/admin/users/{staff.id}",
        data={"name": "Lee Staff", "email": staff.email, "role": "co_chair", "organisation_id": government.id},
    )
    assert response.status_code == 302
    db.session.refresh(staff)
    assert (staff.role, staff.organisation_id) == (Role.CO_CHAIR, government.id)
    [entry] = history_of(staff)
    assert (entry.event, entry.actor_id) == ("edited", admin.id)
    assert entry.changes["role"] == ["staff", "co_chair"]
    assert entry.changes["organisation"][1] == "Government of Australia"
    assert entry.occurred_at is not None
    page = text_of(client.get(response.headers["Location"]))
    assert "Role: Staff → Co-chair" in page and "Ada Admin" in page


def test_deactivating_a_user_ends_their_session_and_stops_them_logging_in(app, client, admin, make):
    staff = make.staff(name="Lee Staff")
    db.session.commit()
    their_browser = OtherBrowser(app)
    their_browser.post("/auth/login", data={"email": staff.email, "password": "demo-password"})
    assert "Log out" in text_of(their_browser.get("/"))

    response = client.post(f"/admin/users/{staff.id}/active", data={"active": "no"}, follow_redirects=True)
    assert "Lee Staff is deactivated and can no longer log in." in text_of(response)
    assert "Deactivated" in text_of(response)

    assert "Log out" not in text_of(their_browser.get("/"))  # the open session has ended
    refused = their_browser.post("/auth/login", data={"email": staff.email, "password": "demo-password"})
    assert refused.status_code == 422
    [entry] = history_of(staff)
    assert (entry.event, entry.actor_id) == ("deactivated", admin.id)

    client.post(f"/admin/users/{staff.id}/active", data={"active": "yes"})
    assert (
        their_browser.post("/auth/login", data={"email": staff.email, "password": "demo-password"}).status_code == 302
    )
    assert [e.event for e in history_of(staff)] == ["deactivated", "reactivated"]


def test_pressing_deactivate_twice_deactivates_once(client, admin, make):
    staff = make.staff()
    db.session.commit()
    for _ in range(2):
        client.post(f"/admin/users/{staff.id}/active", data={"active": "no"})
    db.session.refresh(staff)
    assert not staff.active
    assert [e.event for e in history_of(staff)] == ["deactivated"]


def test_the_deactivate_button_is_a_csrf_protected_post(app, client, admin, make):
    staff = make.staff()
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/admin/users/{staff.id}/active", data={"active": "no"}).status_code == 400
    page = text_of(client.get(f"/admin/users/{staff.id}"))
    form = re.search(r'<form method="post" action="/admin/users/\d+/active".*?</form>', page, re.S).group(0)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert set(data) == {"csrf_token", "active"}
    assert client.post(f"/admin/users/{staff.id}/active", data=data).status_code == 302
    db.session.refresh(staff)
    assert not staff.active
    assert page.count('id="csrf_token"') <= 1  # several forms, no repeated id


def test_an_admin_cannot_deactivate_themselves(client, admin):
    page = text_of(client.get(f"/admin/users/{admin.id}"))
    assert "You cannot deactivate your own account." in page
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "no"})
    assert response.status_code == 422
    assert "You cannot deactivate your own account. Ask another admin to do it." in text_of(response)
    db.session.refresh(admin)
    assert admin.active
    assert "Log out" in text_of(client.get("/"))


def test_an_admin_cannot_remove_their_own_admin_role(client, admin, make):
    organisation = make.organisation()
    db.session.commit()
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"name": admin.name, "email": admin.email, "role": "staff", "organisation_id": organisation.id},
    )
    assert response.status_code == 422
    assert re.search(r'id="role-error"[^>]*>You cannot remove your own admin role', text_of(response))
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN
    assert history_of(admin) == []


def test_another_admin_can_remove_an_admins_role(client, admin, make):
    other_admin = make.admin()
    organisation = make.organisation()
    db.session.commit()
    client.post(
        f"/admin/users/{other_admin.id}",
        data={
            "name": other_admin.name,
            "email": other_admin.email,
            "role": "staff",
            "organisation_id": organisation.id,
        },
    )
    db.session.refresh(other_admin)
    assert other_admin.role is Role.STAFF


def test_a_new_set_password_link_resets_a_forgotten_password(app, client, admin, make):
    staff = make.staff(email="officer@redcross.example")
    db.session.commit()
    page = text_of(client.post(f"/admin/users/{staff.id}/set-password-link", follow_redirects=True))
    link = set_password_link(page)
    [entry] = history_of(staff)
    assert (entry.event, entry.actor_id) == ("set_password_link_issued", admin.id)

    their_browser = OtherBrowser(app)
    login = lambda password: their_browser.post(  # noqa: E731
        "/auth/login", data={"email": "officer@redcross.example", "password": password}
    )
    assert login("demo-password").status_code == 302  # the old password works until the link is used
    their_browser.post("/auth/logout")
    their_browser.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert login("demo-password").status_code == 422
    assert login(NEW_PASSWORD).status_code == 302


def test_no_set_password_link_for_a_deactivated_account(client, admin, make):
    staff = make.staff(active=False)
    db.session.commit()
    response = client.post(f"/admin/users/{staff.id}/set-password-link")
    assert response.status_code == 422
    assert "Reactivate it before sending a set-password link." in text_of(response)


def test_history_never_holds_a_password_or_its_hash(client, auth, admin, make):
    organisation = make.organisation()
    db.session.commit()
    page = text_of(
        client.post(
            "/admin/users/new",
            data={"name": "Maria", "email": "maria@example.org", "role": "staff", "organisation_id": organisation.id},
            follow_redirects=True,
        )
    )
    auth.logout()
    client.post(set_password_link(page), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    auth.login("maria@example.org", NEW_PASSWORD)
    client.post(
        "/auth/password",
        data={
            "current_password": NEW_PASSWORD,
            "new_password": "yet another password",
            "confirm": "yet another password",
        },
    )
    user = db.session.scalar(sa.select(User).where(User.email == "maria@example.org"))
    assert [e.event for e in history_of(user)] == ["invited", "password_set", "password_changed"]
    stored = str([(e.changes, e.comment) for e in db.session.scalars(sa.select(HistoryEntry))])
    for secret in ("password_hash", user.password_hash, NEW_PASSWORD, "yet another password"):
        assert secret not in stored


def test_user_list_shows_role_organisation_and_status_in_words(client, admin, make):
    organisation = make.organisation(name="Philippine Red Cross")
    make.staff(name="Active Staff", organisation=organisation)
    make.staff(name="Gone Staff", active=False)
    _invited, _ = accounts.invite_user(
        admin, email="new@example.org", name="New Person", role=Role.CO_CHAIR, organisation=organisation
    )
    db.session.commit()
    page = text_of(client.get("/admin/users"))
    row = lambda name: re.search(rf"{name}.*?</tr>", page, re.S).group(0)  # noqa: E731
    assert "Active" in row("Active Staff") and "Philippine Red Cross" in row("Active Staff")
    assert "Deactivated" in row("Gone Staff")
    assert "Invited: no password set yet" in row("New Person") and "Co-chair" in row("New Person")
    assert "new@example.org" in text_of(client.get("/admin/users?q=NEW@"))
    assert "Active Staff" not in text_of(client.get("/admin/users?q=NEW@"))


# --- forums and themes -------------------------------------------------------------------------


def test_admin_adds_and_edits_a_forum(client, admin):
    response = client.post(
        "/admin/forums/new",
        data={"name": "Bali Process", "short_name": "", "kind": "process", "year": "2002", "description": "Regional."},
    )
    assert response.status_code == 302
    forum = db.session.scalar(sa.select(Forum).where(Forum.name == "Bali Process"))
    assert (forum.short_name, forum.kind, forum.year, forum.description) == (None, ForumKind.PROCESS, 2002, "Regional.")
    assert "Intergovernmental process" in text_of(client.get("/admin/forums"))

    client.post(
        f"/admin/forums/{forum.id}",
        data={"name": "Bali Process on People Smuggling", "kind": "process", "year": "", "description": ""},
    )
    db.session.refresh(forum)
    assert (forum.name, forum.year, forum.description) == ("Bali Process on People Smuggling", None, "")
    assert [e.event for e in history_of(forum)] == ["created", "edited"]


def test_a_forum_year_must_be_a_year(client, admin):
    response = client.post("/admin/forums/new", data={"name": "Bali Process", "kind": "process", "year": "20022"})
    assert response.status_code == 422
    assert "Enter a year from 1900 to 2100, such as 2019." in text_of(response)


def test_admin_adds_a_theme_with_a_slug_from_its_name_and_renames_it(client, admin):
    db.session.add(Theme(name="Other", slug="human-trafficking"))
    db.session.commit()
    client.post("/admin/themes/new", data={"name": "Human Trafficking"})
    theme = db.session.scalar(sa.select(Theme).where(Theme.name == "Human Trafficking"))
    assert theme.slug == "human-trafficking-2"

    client.post(f"/admin/themes/{theme.id}", data={"name": "Human trafficking"})
    db.session.refresh(theme)
    assert (theme.name, theme.slug) == ("Human trafficking", "human-trafficking-2")  # same words: same address

    client.post(f"/admin/themes/{theme.id}", data={"name": "Trafficking in persons"})
    db.session.refresh(theme)
    assert theme.slug == "trafficking-in-persons"
    assert [e.event for e in history_of(theme)] == ["created", "edited", "edited"]


# --- the operations every way in calls (the forms, imports and scripts) ----------------------------


def test_an_organisation_added_by_any_way_in_needs_a_kind_and_known_fields(make):
    admin = make.admin()
    for fields in ({"name": "Tonga Red Cross Society"}, {"name": "Tonga Red Cross Society", "kind": "red cross"}):
        with pytest.raises(InvalidField) as refused:
            accounts.create_organisation(admin, **fields)
        assert (refused.value.field, str(refused.value)) == ("kind", "Choose what kind of organisation this is.")
    with pytest.raises(TypeError, match=r"^unknown organisation fields: colour$"):
        accounts.create_organisation(
            admin, name="Tonga Red Cross Society", kind=OrganisationKind.NATIONAL_SOCIETY, colour="red"
        )
    assert db.session.scalar(sa.select(Organisation).where(Organisation.name.like("Tonga%"))) is None

    tonga = accounts.create_organisation(admin, name="Tonga Red Cross Society", kind=OrganisationKind.NATIONAL_SOCIETY)
    accounts.update_organisation(tonga, admin, short_name="TRCS")  # the kind it has stands
    assert (tonga.short_name, tonga.kind) == ("TRCS", OrganisationKind.NATIONAL_SOCIETY)
    with pytest.raises(InvalidField, match="Choose what kind"):
        accounts.update_organisation(tonga, admin, kind=None)
    assert tonga.kind == OrganisationKind.NATIONAL_SOCIETY


def test_the_history_of_an_added_or_proposed_organisation_says_what_it_was_given(make):
    admin, staff = make.admin(), make.staff()
    tonga = accounts.create_organisation(
        admin, name="Tonga Red Cross Society", kind=OrganisationKind.NATIONAL_SOCIETY, country="Tonga"
    )
    proposed = accounts.propose_organisation(staff, " Migrant Forum Asia ")
    db.session.commit()
    (created,) = history_of(tonga)
    assert (created.event, created.actor_id) == ("created", admin.id)
    assert created.changes["name"] == [None, "Tonga Red Cross Society"]
    assert created.changes["country"] == [None, "Tonga"]
    (proposal,) = history_of(proposed)
    assert (proposal.event, proposal.actor_id, proposal.changes) == (
        "proposed",
        staff.id,
        {"name": [None, "Migrant Forum Asia"]},
    )


def test_a_proposed_name_that_cannot_be_kept_is_refused_beside_the_name(make):
    staff = make.staff()
    with pytest.raises(InvalidField) as refused:
        accounts.propose_organisation(staff, "Migrant Forum Asia\nand friends")
    assert (refused.value.field, str(refused.value)) == (
        "name",
        "Write this on one line: line breaks and tabs are not kept here.",
    )


def test_an_admin_edits_their_own_account_without_giving_up_the_admin_role(make):
    admin = make.admin()
    accounts.update_user(admin, admin, name="Ana Reyes")
    assert (admin.name, admin.role) == ("Ana Reyes", Role.ADMIN)
    with pytest.raises(InvalidField) as refused:
        accounts.update_user(admin, admin, role=Role.STAFF, organisation=make.organisation())
    assert (refused.value.field, str(refused.value)) == (
        "role",
        "You cannot remove your own admin role. Ask another admin to do it.",
    )
    assert admin.role == Role.ADMIN


def test_deactivating_ends_every_login_and_history_records_each_change(make):
    admin, staff = make.admin(), make.staff()
    logins.start(staff, remembered=True)
    logins.start(staff, remembered=False)
    count = sa.select(sa.func.count(UserLogin.id)).where(UserLogin.user_id == staff.id)
    assert db.session.scalar(count) == 2

    accounts.set_active(staff, admin, False)
    assert db.session.scalar(count) == 0
    accounts.set_active(staff, admin, True)
    deactivated, reactivated = history_of(staff)[-2:]
    assert (deactivated.event, deactivated.actor_id, deactivated.changes) == (
        "deactivated",
        admin.id,
        {"active": [True, False]},
    )
    assert (reactivated.event, reactivated.changes) == ("reactivated", {"active": [False, True]})

    with pytest.raises(OperationRefused) as refused:
        accounts.set_active(admin, admin, False)
    assert str(refused.value) == "You cannot deactivate your own account. Ask another admin to do it."
    assert admin.active


def test_an_edited_forum_or_theme_records_who_changed_what(make):
    admin = make.admin()
    forum = taxonomy.create_forum(admin, name="Bali Process", kind=ForumKind.PROCESS)
    theme = taxonomy.create_theme(admin, name="Migration")
    editor = make.admin()
    taxonomy.update_forum(forum, editor, year=2002)
    taxonomy.update_theme(theme, editor, name="Migration and displacement")
    forum_edit, theme_edit = history_of(forum)[-1], history_of(theme)[-1]
    assert (forum_edit.event, forum_edit.actor_id, forum_edit.changes) == ("edited", editor.id, {"year": [None, 2002]})
    assert (theme_edit.actor_id, theme_edit.changes["name"]) == (editor.id, ["Migration", "Migration and displacement"])


def test_a_theme_added_by_any_way_in_is_recorded_and_a_bad_name_refused_beside_the_name(make):
    admin = make.admin()
    theme = taxonomy.create_theme(admin, name="Migration")
    (created,) = history_of(theme)
    assert (created.actor_id, created.changes) == (admin.id, {"name": [None, "Migration"], "slug": [None, "migration"]})
    with pytest.raises(InvalidField) as refused:
        taxonomy.create_theme(admin, name="Migration\tand displacement")
    assert (refused.value.field, str(refused.value)) == (
        "name",
        "Write this on one line: line breaks and tabs are not kept here.",
    )
    with pytest.raises(TypeError) as unknown:
        taxonomy.create_forum(admin, name="Bali Process", kind=ForumKind.PROCESS, colour="blue")
    assert str(unknown.value) == "unknown forum fields: colour"


def test_a_forum_by_any_way_in_needs_a_name_a_kind_and_a_year_in_range(make):
    admin = make.admin()
    for fields, field, message in [
        ({"name": "Bali Process"}, "kind", "Choose what kind of forum this is."),
        ({"kind": ForumKind.PROCESS}, "name", None),
        ({"name": "Bali Process", "kind": ForumKind.PROCESS, "year": 1800}, "year", "Enter a year from 1900 to 2100"),
    ]:
        with pytest.raises(InvalidField) as refused:
            taxonomy.create_forum(admin, **fields)
        assert refused.value.field == field
        assert message is None or str(refused.value).startswith(message)
    assert db.session.scalar(sa.select(sa.func.count(Forum.id))) == 0

    forum = taxonomy.create_forum(admin, name="Bali Process", kind=ForumKind.PROCESS, year=2002)
    (created,) = history_of(forum)
    assert (created.actor_id, created.changes["name"], created.changes["year"]) == (
        admin.id,
        [None, "Bali Process"],
        [None, 2002],
    )
    taxonomy.update_forum(forum, admin, description="The regional consultative process.")  # kind and name stand
    assert (forum.name, forum.kind) == ("Bali Process", ForumKind.PROCESS)
    with pytest.raises(InvalidField) as refused:
        taxonomy.update_forum(forum, admin, kind=None)
    assert (refused.value.field, str(refused.value)) == ("kind", "Choose what kind of forum this is.")
    with pytest.raises(InvalidField) as refused:
        taxonomy.update_forum(forum, admin, year=2101)
    assert refused.value.field == "year"
    assert (forum.kind, forum.year) == (ForumKind.PROCESS, 2002)


def test_an_account_invited_by_any_way_in_needs_an_address_and_a_role_and_is_recorded(make):
    admin, arc = make.admin(), make.organisation("Australian Red Cross")
    for email in ("ana@", "@example.org", "ana at example.org"):
        with pytest.raises(InvalidField) as refused:
            accounts.invite_user(admin, email=email, name="Ana Reyes", role=Role.STAFF, organisation=arc)
        assert (refused.value.field, str(refused.value)) == ("email", "This is not an e-mail address.")
    with pytest.raises(InvalidField) as refused:
        accounts.invite_user(admin, email="ana@example.org", name="Ana Reyes", role=None, organisation=arc)
    assert (refused.value.field, str(refused.value)) == ("role", "Choose a role.")
    with pytest.raises(TypeError) as unknown:
        accounts.update_user(admin, admin, colour="red")
    assert str(unknown.value) == "unknown user fields: colour"

    ana, _ = accounts.invite_user(
        admin, email="Ana@Example.org", name="  Ana Reyes  ", role=Role.STAFF, organisation=arc
    )
    assert (ana.email, ana.name, ana.active, ana.password_hash) == ("ana@example.org", "Ana Reyes", True, None)
    (invited,) = history_of(ana)
    assert (invited.event, invited.actor_id) == ("invited", admin.id)
    assert invited.changes["email"] == [None, "ana@example.org"]

    accounts.update_user(ana, admin, email="ana.reyes@example.org")  # the role and organisation she has stand
    assert (ana.email, ana.role, ana.organisation) == ("ana.reyes@example.org", Role.STAFF, arc)


@pytest.mark.parametrize(
    ("name", "problem"),
    [("R" * 201, "at most 200"), ("   ", "Give the organisation's name."), ("Red\nCross", "line break")],
)
def test_an_organisation_added_by_any_way_in_meets_the_forms_limits(make, name, problem):
    """The operation the API, the import and scripts call refuses what the form refuses."""
    admin = make.admin()
    with pytest.raises(InvalidField) as refused:
        accounts.create_organisation(admin, name=name, kind=OrganisationKind.NATIONAL_SOCIETY)
    assert refused.value.field == "name" and problem in str(refused.value)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(Organisation.name == name)) == 0


def test_the_operator_creates_the_first_admin_who_sets_a_password_and_invites_the_rest(app, client, runner, auth):
    result = runner.invoke(args=["accounts", "create-admin", "Ops.Lead@Example.org", "Amina Diallo"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("https://pledges.example.org/auth/set-password/")
    assert "good for 7 days" in result.output
    admin = db.session.scalar(sa.select(User).where(User.email == "ops.lead@example.org"))
    assert (admin.role, admin.name, admin.organisation) == (Role.ADMIN, "Amina Diallo", None)
    [invited] = history_of(admin)
    assert (invited.event, invited.actor_id) == ("invited", None)

    path = link.removeprefix("https://pledges.example.org")
    assert (
        client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).headers["Location"] == "/auth/login"
    )
    assert auth.login("ops.lead@example.org", NEW_PASSWORD).status_code == 302
    assert client.get("/admin/users/new").status_code == 200  # and invites the others from there

    again = runner.invoke(args=["accounts", "create-admin", "second@example.org", "Someone Else"])
    assert again.exit_code == 1
    assert "This site already has an admin" in again.output
    assert db.session.scalar(sa.select(User).where(User.email == "second@example.org")) is None


@pytest.mark.parametrize(
    ("email", "name", "problem"),
    [("not-an-address", "Amina Diallo", "This is not an e-mail address."), ("ops@example.org", "", "name")],
)
def test_a_first_admin_with_bad_details_is_refused_and_nothing_is_written(runner, email, name, problem):
    result = runner.invoke(args=["accounts", "create-admin", email, name])
    assert result.exit_code == 1
    assert problem in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
