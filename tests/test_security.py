"""Session and request security: what protects an organisation's account and its drafts.

CSRF on every state-changing request, the security headers on every response, throttled
log-ins that do not reveal which accounts exist, sessions that end when the password
changes, redirects that stay on this site, and a friendly refusal of oversized requests.
"""

import datetime as dt
import importlib.util
import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from config import Config, ProductionConfig
from tracker import create_app
from tracker.accounts.passwords import LOGIN_EVENTS
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.core.web.security import LOGIN_THROTTLED

from .factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

NEW_PASSWORD = "a long new password"


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app):
    """The app with CSRF protection on, as in production (the test config turns it off)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _state_changing_rules(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            yield rule, method


def _url_for_rule(rule) -> str:
    """The rule's address with 1 (or "x") for every argument: CSRF is checked before the
    view loads anything, so the record need not exist."""

    def value(converter):
        if isinstance(converter, IntegerConverter):
            return 1
        return sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "x"

    return url_for(rule.endpoint, **{name: value(c) for name, c in rule._converters.items()})


# The POSTs that take no CSRF token: an e-mail's one-click unsubscribe (a person's, or a
# pledge follower's), which mail providers POST ("List-Unsubscribe=One-Click", RFC 8058) with
# no cookie and no token. Its signed link is the credential, and it can only turn e-mails off.
WITHOUT_CSRF_TOKEN = {"notifications.unsubscribe", "pledges.unfollow"}


def test_every_state_changing_request_without_a_csrf_token_is_refused(csrf_app, client, auth, make):
    """Every POST (PUT, PATCH, DELETE) route, logged in as an admin so that only the
    missing token can be the reason for the refusal; nothing is written."""
    admin = make.admin()
    db.session.commit()
    login_page = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(login_page)).group(1)
    assert (
        client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code
        == 302
    )
    entries_before = db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)))

    checked = []
    with csrf_app.test_request_context():
        targets = [(rule, method, _url_for_rule(rule)) for rule, method in _state_changing_rules(csrf_app)]
    for rule, method, url in targets:
        response = client.open(url, method=method, data={"title": "Forged", "name": "Forged"})
        if rule.endpoint in WITHOUT_CSRF_TOKEN:
            assert response.status_code == 404, rule.endpoint  # the signed link is the credential
            continue
        assert response.status_code == 400, (rule.endpoint, method, response.status_code)
        assert "The form had expired" in text_of(response) or response.is_json, rule.endpoint
        checked.append(rule.endpoint)

    assert len(checked) >= 20  # every form of the site, not an empty loop
    assert db.session.scalar(sa.select(sa.func.count(HistoryEntry.id))) == entries_before
    assert client.get("/admin/").status_code == 200  # still logged in: the refusal logged no one out


def test_a_form_with_its_csrf_token_is_accepted(csrf_app, client, make):
    staff = make.staff()
    db.session.commit()
    page = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text_of(page)).group(1)
    response = client.post("/auth/login", data={"email": staff.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


# --- cookies and headers -----------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite_lax(client, auth, make):
    staff = make.staff()
    db.session.commit()
    response = auth.login(staff.email)
    cookie = next(value for name, value in response.headers.items() if name == "Set-Cookie" and "session=" in value)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_only(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not Config.__dict__.get("SESSION_COOKIE_SECURE")  # plain http://127.0.0.1 works in development


@pytest.fixture
def production_app(monkeypatch, schema_url):
    """The production configuration, as deployed (only the database is the test run's)."""
    monkeypatch.setenv("SECRET_KEY", "k" * 40)

    class Deployed(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = schema_url

    app = create_app(Deployed)
    yield app
    with app.app_context():
        db.engine.dispose()  # its connections closed now, not whenever they are collected


# The limits as README.md's Security section documents them.
DOCUMENTED_LIMITS = {
    "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "30 per 15 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "100 per hour",
    "PASSWORD_CHECK_LIMIT": "5 per 15 minutes",
    "PASSWORD_RESET_LIMIT_PER_ACCOUNT": "3 per hour",
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": "10 per hour",
    "FOLLOW_LIMIT_PER_ADDRESS": "10 per hour",
}


def test_production_refuses_a_form_without_its_csrf_token(production_app):
    response = production_app.test_client().post("/auth/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400 and "The form had expired" in text_of(response)


def test_production_throttles_with_the_documented_limits(production_app):
    readme = (ROOT / "README.md").read_text()
    for name, limit in DOCUMENTED_LIMITS.items():
        assert production_app.config[name] == limit, name
        assert f"`{name}`" in readme and limit in readme, name
    assert production_app.config.get("RATELIMIT_ENABLED", True)


def test_production_tells_browsers_to_use_https_only(production_app, client):
    response = production_app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/").headers  # development: plain http works


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pledges",
        "/auth/login",
        "/no-such-page",
        "/api/v1/pledges",
        "/api/v1/docs",
        "/pledges.csv",
        "/actions.atom",
    ],
)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    script_src = re.search(r"script-src ([^;]+)", policy).group(1)
    assert script_src.split() == ["'self'"]  # no inline script, no eval, no other site
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_page_holds_an_inline_script_or_event_handler(client, make):
    """The policy would block them; this catches a template that adds one."""
    make.pledge_in_progress()
    db.session.commit()
    for path in ["/", "/pledges", "/roundtables", "/open-data", "/auth/login", "/api/v1/docs"]:
        page = text_of(client.get(path))
        for script in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in script, (path, script)
        assert not re.search(r"\son[a-z]+\s*=", page), path
        assert "javascript:" not in page, path


# --- log-in throttling --------------------------------------------------------------------------


@pytest.fixture
def strict_limits(app):
    """Low limits so the test need not type many wrong passwords; fresh counters."""
    from tracker.core.web.security import limiter

    app.config.update(
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="3 per 15 minutes",
        LOGIN_LIMIT_PER_ADDRESS="6 per 15 minutes",
        LOGIN_LIMIT_PER_ACCOUNT="6 per 15 minutes",
        PASSWORD_CHECK_LIMIT="3 per 15 minutes",
    )
    limiter.reset()
    yield
    limiter.reset()


def test_failed_logins_on_one_account_are_throttled_and_then_even_the_right_password_waits(
    client, auth, make, strict_limits
):
    staff = make.staff()
    db.session.commit()
    for _ in range(3):
        assert auth.login(staff.email, "not the password").status_code == 422
    refused = auth.login(staff.email)
    assert refused.status_code == 429
    assert LOGIN_THROTTLED in text_of(refused)
    assert int(refused.headers["Retry-After"]) > 0
    assert "/auth/password" not in text_of(refused)  # the error page, not a logged-in one


def test_the_throttle_message_is_the_same_whether_or_not_the_account_exists(client, auth, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    pages = []
    for email in (staff.email, "nobody@example.org"):
        for _ in range(3):
            auth.login(email, "not the password")
        response = auth.login(email, "not the password")
        assert response.status_code == 429
        pages.append(re.sub(r"<input[^>]*>", "", text_of(response)))
    assert pages[0] == pages[1]


def test_failed_logins_from_one_address_are_throttled_across_accounts(client, auth, make, strict_limits):
    people = [make.staff() for _ in range(3)]
    db.session.commit()
    for person in people:
        for _ in range(2):
            assert auth.login(person.email, "not the password").status_code == 422
    assert auth.login(make.staff().email).status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, auth, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    for _ in range(8):
        assert auth.login(staff.email).status_code == 302
        auth.logout()


STRANGER, OWNER = "203.0.113.5", "192.0.2.10"


def _attempt(client, email, password, address):
    return client.post(
        "/auth/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_a_strangers_failed_logins_do_not_lock_the_owner_out(client, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    for _ in range(3):
        assert _attempt(client, staff.email, "not the password", STRANGER).status_code == 422
    assert _attempt(client, staff.email, PASSWORD, STRANGER).status_code == 429  # the stranger waits
    assert _attempt(client, staff.email, PASSWORD, OWNER).status_code == 302  # the owner does not


def test_failures_on_one_account_from_many_addresses_meet_a_slower_limit_on_the_account(client, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    for n in range(6):
        assert _attempt(client, staff.email, "not the password", f"198.51.100.{n}").status_code == 422
    assert _attempt(client, staff.email, "not the password", "198.51.100.99").status_code == 429


def test_wrong_current_passwords_on_the_password_page_are_throttled(client, auth, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    auth.login(staff.email)
    change = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(3):
        assert client.post("/auth/password", data={"current_password": "a guess", **change}).status_code == 422
    refused = client.post("/auth/password", data={"current_password": PASSWORD, **change})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_a_weak_new_password_is_not_counted_as_a_guess(client, auth, make, strict_limits):
    staff = make.staff()
    db.session.commit()
    auth.login(staff.email)
    for _ in range(4):
        weak = client.post(
            "/auth/password", data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"}
        )
        assert weak.status_code == 422
    done = client.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert done.status_code == 302


def test_the_limiter_keeps_its_counters_in_redis_when_redis_is_configured(schema_url):
    from limits.storage import MemoryStorage, RedisStorage

    from tracker.core.web.security import limiter

    create_app({"SQLALCHEMY_DATABASE_URI": schema_url, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    assert isinstance(limiter._storage, RedisStorage)
    create_app({"SQLALCHEMY_DATABASE_URI": schema_url})
    assert isinstance(limiter._storage, MemoryStorage)


# --- sessions -----------------------------------------------------------------------------------


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(app, make):
    staff = make.staff()
    db.session.commit()
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        browser.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
        assert browser.get("/auth/password").status_code == 200

    response = laptop.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert laptop.get("/auth/password").status_code == 200  # this browser carries on
    on_phone = phone.get("/auth/password")
    assert on_phone.status_code == 302 and "/auth/login" in on_phone.headers["Location"]


def test_a_keep_me_logged_in_cookie_stops_working_after_a_password_change(app, make):
    staff = make.staff()
    db.session.commit()
    old = app.test_client()
    old.post("/auth/login", data={"email": staff.email, "password": PASSWORD, "remember_me": "y"})
    remember = old.get_cookie("remember_token")
    assert remember is not None

    other = app.test_client()
    other.post("/auth/login", data={"email": staff.email, "password": PASSWORD})
    other.post(
        "/auth/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )

    stolen = app.test_client()  # only the old keep-me-logged-in cookie, no session
    stolen.set_cookie("remember_token", remember.value)
    assert stolen.get("/auth/password").status_code == 302


def _login(app, email, *, remember=False, address="192.0.2.10"):
    browser = app.test_client()
    data = {"email": email, "password": PASSWORD} | ({"remember_me": "y"} if remember else {})
    assert browser.post("/auth/login", data=data, environ_base={"REMOTE_ADDR": address}).status_code == 302
    return browser


def _with_cookie(app, name, cookie):
    """A browser that has only this one cookie, as someone who copied it would."""
    browser = app.test_client()
    browser.set_cookie(name, cookie.value)
    return browser


def _logged_in(browser) -> bool:
    return browser.get("/auth/password").status_code == 200


def test_a_session_cookie_copied_before_logout_no_longer_logs_in_after_it(app, make):
    staff = make.staff()
    db.session.commit()
    browser = _login(app, staff.email)
    copied = browser.get_cookie("session")
    assert _logged_in(_with_cookie(app, "session", copied))  # (the copy works while the session lasts)
    browser.post("/auth/logout")
    assert not _logged_in(browser)
    assert not _logged_in(_with_cookie(app, "session", copied))


def test_a_keep_me_logged_in_cookie_copied_before_logout_no_longer_logs_in_after_it(app, make):
    staff = make.staff()
    db.session.commit()
    browser = _login(app, staff.email, remember=True)
    remember = browser.get_cookie("remember_token")
    assert _logged_in(_with_cookie(app, "remember_token", remember))
    browser.post("/auth/logout")
    assert not _logged_in(_with_cookie(app, "remember_token", remember))


def test_logging_out_in_one_browser_leaves_the_others_logged_in(app, make):
    staff = make.staff()
    db.session.commit()
    laptop, phone = _login(app, staff.email), _login(app, staff.email)
    laptop.post("/auth/logout")
    assert not _logged_in(laptop) and _logged_in(phone)


def test_deactivating_an_account_ends_its_sessions_for_good_even_once_reactivated(app, make):
    staff, admin = make.staff(), make.admin()
    db.session.commit()
    browser = _login(app, staff.email, remember=True)
    session_cookie, remember = browser.get_cookie("session"), browser.get_cookie("remember_token")
    by_admin = _login(app, admin.email)
    for active in ("no", "yes"):
        by_admin.post(f"/admin/users/{staff.id}/active", data={"active": active})
    assert not _logged_in(_with_cookie(app, "session", session_cookie))
    assert not _logged_in(_with_cookie(app, "remember_token", remember))
    assert _logged_in(_login(app, staff.email))  # the person logs in again


def test_the_keep_me_logged_in_cookie_is_samesite_and_lasts_the_configured_days(app, make):
    staff = make.staff()
    db.session.commit()
    response = app.test_client().post(
        "/auth/login", data={"email": staff.email, "password": PASSWORD, "remember_me": "y"}
    )
    cookie = next(
        value for name, value in response.headers.items() if name == "Set-Cookie" and "remember_token=" in value
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    lasts = expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=14) - dt.timedelta(minutes=1) < lasts <= dt.timedelta(days=14)


def test_an_admin_sets_how_long_keep_me_logged_in_lasts(monkeypatch):
    monkeypatch.setenv("REMEMBER_COOKIE_DAYS", "3")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    # config.py reads the environment when it is imported: read a fresh copy of it, under a
    # name of its own, rather than reloading the module every other test has imported.
    spec = importlib.util.spec_from_file_location("config_as_deployed", ROOT / "config.py")
    deployed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(deployed)
    app = create_app(deployed.ProductionConfig)
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 3


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "http:evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "https:/evil.example",
    ],
)
def test_next_redirects_only_to_this_site(client, make, target):
    staff = make.staff()
    db.session.commit()
    response = client.post(f"/auth/login?next={quote(target)}", data={"email": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "evil.example" not in location


def test_next_to_a_page_of_this_site_is_followed(client, make):
    staff = make.staff()
    db.session.commit()
    response = client.post("/auth/login?next=/pledges?q=water", data={"email": staff.email, "password": PASSWORD})
    assert response.headers["Location"] == "/pledges?q=water"


# --- size limit ---------------------------------------------------------------------------------


def test_an_oversized_request_gets_a_friendly_413_and_writes_nothing(client, auth, make):
    staff = make.staff()
    db.session.commit()
    auth.login(staff.email)
    response = client.post("/pledges/new", data={"title": "Huge", "text": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = text_of(response)
    assert "Too large" in page and "Pledge Tracker" in page
    # How much was too much: what was sent, and the most a form may send.
    assert "A form may send at most 1.0 MB. What you sent was 2.0 MB; nothing was saved." in page
    assert (
        db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)).where(HistoryEntry.event.not_in(LOGIN_EVENTS))) == 0
    )


# --- audit --------------------------------------------------------------------------------------


def test_logins_and_failed_logins_are_in_the_accounts_history_with_time_and_address(client, auth, make):
    staff = make.staff()
    db.session.commit()
    auth.login(staff.email, "not the password")
    auth.login(staff.email)
    entries = db.session.scalars(
        sa.select(HistoryEntry)
        .where(HistoryEntry.record_type == "user", HistoryEntry.record_id == staff.id)
        .order_by(HistoryEntry.id)
    ).all()
    assert [(e.event, e.actor_id) for e in entries] == [("login_failed", None), ("logged_in", staff.id)]
    assert all(e.changes == {"address": "127.0.0.1"} and e.occurred_at is not None for e in entries)


def test_a_failed_login_for_an_unknown_email_is_logged_without_a_record(client, auth, caplog):
    with caplog.at_level("WARNING", logger="tracker.audit"):
        assert auth.login("nobody@example.org", "whatever").status_code == 422
    assert "Failed log-in for an unknown e-mail from 127.0.0.1" in caplog.text
    assert db.session.scalar(sa.select(sa.func.count(HistoryEntry.id))) == 0


def test_the_admin_audit_shows_logins_role_changes_and_admin_changes_with_actor_and_time(client, auth, make):
    admin = make.admin(name="Ada Admin")
    staff = make.staff(name="Sam Staff")
    db.session.commit()
    auth.login(staff.email, "not the password")
    auth.login(staff.email)
    auth.logout()
    auth.login(admin.email)
    response = client.post(
        f"/admin/users/{staff.id}",
        data={
            "email": staff.email,
            "name": staff.name,
            "role": "co_chair",
            "organisation_id": str(staff.organisation_id),
        },
    )
    assert response.status_code == 302

    page = text_of(client.get("/admin/audit"))
    rows = _audit_rows(page)
    assert [(who, what) for _, who, what in rows] == [
        ("Ada Admin", "Changed"),
        ("Ada Admin", "Logged in"),
        ("Sam Staff", "Logged in"),
        ("—", "Failed log-in (wrong password or deactivated)"),
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", when) for when, _, _ in rows)
    assert "Role: Staff → Co-chair" in page and "From 127.0.0.1" in page

    failed_only = text_of(client.get("/admin/audit?show=failed"))
    assert "Failed log-in" in failed_only and "Logged in" not in failed_only.split("<tbody>")[1]
    of_staff = text_of(client.get(f"/admin/audit?user={staff.id}"))
    assert "Audit of Sam Staff" in of_staff and ("Ada Admin", "Logged in") not in [
        (who, what) for _, who, what in _audit_rows(of_staff)
    ]


def _audit_rows(page: str) -> list[tuple[str, str, str]]:
    """(when, who, what) of each row of the audit's table."""
    return re.findall(
        r"<tr>\s*<td[^>]*><time datetime=\"([^\"]+)\".*?</td>\s*<td[^>]*><bdi>([^<]*)</bdi></td>\s*<td[^>]*>([^<]*)</td>",
        page,
        re.S,
    )


def test_the_audit_is_for_admins_only(client, auth, make):
    for person in (make.staff(), make.co_chair()):
        db.session.commit()
        auth.login(person.email)
        assert client.get("/admin/audit").status_code == 403
        auth.logout()
    assert client.get("/admin/audit").status_code == 302
