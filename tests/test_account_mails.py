"""The accounts' e-mails, read from a real SMTP server: an invitation's link sets a
password; "Forgot password?" sends a link that works once, for an hour, ends the other
logins and logs the person in; the page answers the same whether or not an account has the
address; asking is throttled."""

import re

import pytest
import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner

from tracker.accounts.models import Role, User
from tracker.core.extensions import db
from tracker.notifications.models import MailStatus, OutgoingMail

from .conftest import CommittingClient
from .mail import html_links, html_of, path_of, text_links, text_of

BASE = "https://pledges.example.org/"
NEW_PASSWORD = "kestrel harbour lantern 1987"


def _only_message(smtp_server):
    assert len(smtp_server.messages) == 1, [m["Subject"] for m in smtp_server.messages]
    return smtp_server.messages[0]


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_an_invitation_emails_a_link_that_sets_the_password(client, auth, make, smtp_server, deliver):
    admin = make.admin(name="Ada Admin")
    organisation = make.organisation("Tonga Red Cross Society")
    db.session.commit()
    auth.login(admin.email)
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new.person@example.org",
            "name": "Sione Vea",
            "role": "staff",
            "organisation_id": organisation.id,
        },
    )
    assert response.status_code == 302
    assert "set-password" in _text(client.get(response.headers["Location"]))  # still shown once, as a fallback

    assert deliver().sent == 1
    message = _only_message(smtp_server)
    assert message["To"] == "Sione Vea <new.person@example.org>"
    assert "Pledge Tracker" in message["Subject"]
    assert "List-Unsubscribe" not in message  # an account mail always arrives
    text, html = text_of(message), html_of(message)
    assert "Ada Admin made you an account on Pledge Tracker, for Tonga Red Cross Society" in text
    assert "You receive this because an admin of Pledge Tracker invited new.person@example.org" in text
    assert '<html lang="en" dir="ltr">' in html and "<h1" in html
    links = html_links(message)
    link = links["Set your password"]
    assert link in text_links(message) and link.startswith(BASE + "auth/set-password/")

    auth.logout()
    page = client.get(path_of(link, BASE))
    assert page.status_code == 200 and "new.person@example.org" in _text(page)
    done = client.post(path_of(link, BASE), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert auth.login("new.person@example.org", NEW_PASSWORD).status_code == 302
    assert client.get(path_of(link, BASE)).status_code == 404  # used once


def test_an_invitation_refused_by_the_form_queues_nothing(client, auth, make, smtp_server, deliver):
    admin = make.admin()
    taken = make.staff(email="taken@example.org")
    db.session.commit()
    auth.login(admin.email)
    response = client.post(
        "/admin/users/new",
        data={"email": taken.email, "name": "Someone Else", "role": "staff", "organisation_id": taken.organisation_id},
    )
    assert response.status_code == 422
    assert deliver().handled == 0 and smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


# --- "Forgot password?" --------------------------------------------------------------------------


def _ask_for_a_link(client, email):
    return client.post("/auth/forgot-password", data={"email": email})


def _reset_link(smtp_server) -> str:
    message = _only_message(smtp_server)
    link = html_links(message)["Choose a new password"]
    assert link in text_links(message) and link.startswith(BASE + "auth/reset-password/")
    return link


def test_the_log_in_page_offers_forgot_password(client):
    assert 'href="/auth/forgot-password"' in _text(client.get("/auth/login"))


def test_a_reset_link_sets_a_new_password_logs_in_and_ends_the_other_logins(app, client, make, smtp_server, deliver):
    staff = make.staff(email="amina@example.org", name="Amina Yusuf")
    db.session.commit()
    elsewhere = app.test_client()  # the same person, logged in on another computer
    assert elsewhere.post("/auth/login", data={"email": staff.email, "password": "demo-password"}).status_code == 302

    answer = _ask_for_a_link(client, "Amina@Example.org ")
    assert answer.status_code == 200 and "If an account has the address you typed" in _text(answer)
    assert deliver().sent == 1
    message = _only_message(smtp_server)
    assert message["To"] == "Amina Yusuf <amina@example.org>" and "List-Unsubscribe" not in message
    assert "works once, for 60 minutes" in text_of(message)
    assert "You receive this because a password reset was asked for amina@example.org" in text_of(message)
    link = path_of(_reset_link(smtp_server), BASE)

    assert client.get(link).status_code == 200
    done = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/pledges/mine"
    assert client.get("/auth/password").status_code == 200  # logged in, in this browser
    assert elsewhere.get("/auth/password").status_code == 302  # …and no longer on the other one
    assert (
        CommittingClient(app).post("/auth/login", data={"email": staff.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_reset_link_works_once(client, make, smtp_server, deliver):
    staff = make.staff()
    db.session.commit()
    _ask_for_a_link(client, staff.email)
    deliver()
    link = path_of(_reset_link(smtp_server), BASE)
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    client.post("/auth/logout")

    again = client.post(link, data={"password": "another long passphrase 42", "confirm": "another long passphrase 42"})
    assert again.status_code == 404 and "has expired or has already been used" in _text(again)
    db.session.expire_all()
    assert db.session.get(User, staff.id).check_password(NEW_PASSWORD)


def test_a_reset_link_expires_after_an_hour(client, make, smtp_server, deliver, monkeypatch):
    staff = make.staff()
    db.session.commit()
    _ask_for_a_link(client, staff.email)
    deliver()
    link = path_of(_reset_link(smtp_server), BASE)
    made = TimestampSigner.get_timestamp

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: made(self) + 59 * 60)
    assert client.get(link).status_code == 200  # 59 minutes later: still good
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: made(self) + 61 * 60)
    late = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert late.status_code == 404 and "has expired" in _text(late)
    db.session.expire_all()
    assert not db.session.get(User, staff.id).check_password(NEW_PASSWORD)


def test_a_set_password_link_is_no_reset_link_and_the_reverse(client, make, smtp_server, deliver):
    """Each has its own lifetime: a 7-day invitation token must not open the 1-hour page."""
    from tracker.accounts import passwords

    staff = make.staff()
    db.session.commit()
    assert client.get(f"/auth/reset-password/{passwords.set_password_token(staff)}").status_code == 404
    assert client.get(f"/auth/set-password/{passwords.reset_password_token(staff)}").status_code == 404


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(client, make, smtp_server, deliver):
    staff = make.staff(email="known@example.org")
    make.staff(email="gone@example.org", active=False)
    db.session.commit()
    answers = [
        _ask_for_a_link(client, email) for email in ("known@example.org", "nobody@example.org", "gone@example.org")
    ]

    assert {response.status_code for response in answers} == {200}
    assert len({_without_tokens(_text(response)) for response in answers}) == 1
    deliver()
    assert [m["To"] for m in smtp_server.messages] == [f"{staff.name} <known@example.org>"]


def test_asking_for_reset_links_is_throttled(app, client, make, smtp_server, deliver):
    from tracker.core.web.security import PASSWORD_RESET_THROTTLED, limiter

    app.config.update(PASSWORD_RESET_LIMIT_PER_ACCOUNT="2 per hour", PASSWORD_RESET_LIMIT_PER_ADDRESS="4 per hour")
    limiter.reset()
    staff = make.staff()
    db.session.commit()
    try:
        assert [_ask_for_a_link(client, staff.email).status_code for _ in range(3)] == [200, 200, 429]
        refused = _ask_for_a_link(client, staff.email)
        assert PASSWORD_RESET_THROTTLED in _text(refused)
        # Unknown addresses count the same, and one address cannot ask for everyone's.
        assert [_ask_for_a_link(client, "nobody@example.org").status_code for _ in range(3)] == [200, 200, 429]
        assert deliver().sent == 2
    finally:
        limiter.reset()


def test_a_deactivated_account_gets_no_reset_mail_even_if_queued_before(client, make, smtp_server, deliver):
    from tracker.accounts import operations as accounts

    admin = make.admin()
    staff = make.staff()
    db.session.commit()
    _ask_for_a_link(client, staff.email)
    accounts.set_active(staff, admin, False)
    db.session.commit()

    deliver()
    assert smtp_server.messages == []
    mail = db.session.scalar(sa.select(OutgoingMail))
    assert mail.status is MailStatus.FAILED and "deactivated" in mail.last_answer


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_reset_pages_are_never_cached_nor_leak_the_token(client, make, smtp_server, deliver, role):
    person = make.user(role=role)
    db.session.commit()
    _ask_for_a_link(client, person.email)
    deliver()
    page = client.get(path_of(_reset_link(smtp_server), BASE))
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
