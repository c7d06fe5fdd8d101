"""Changing one's e-mail address, read from a real SMTP server: the new address becomes the
account's only when the link e-mailed to it is opened; the old address is told of every
change, a person's own or an admin's; a link works once, for a day, and dies when the
address changes any other way."""

import pytest
import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner

from tracker.accounts.models import User
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry
from tracker.notifications.models import OutgoingMail

from .mail import html_links, path_of, text_links, text_of

BASE = "https://pledges.example.org/"
NEW = "amina.yusuf@redcross.example.org"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _ask(client, email=NEW, password="demo-password"):
    return client.post("/auth/email", data={"email": email, "current_password": password})


def _outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail))


def _confirmation_link(smtp_server) -> str:
    [message] = smtp_server.messages
    link = html_links(message)["Confirm the new address"]
    assert link in text_links(message) and link.startswith(BASE + "auth/email/confirm/")
    return path_of(link, BASE)


@pytest.fixture
def staff(make):
    person = make.staff(email="amina@example.org", name="Amina Yusuf")
    db.session.commit()
    return person


def test_a_new_address_takes_effect_when_its_link_is_opened_and_the_old_one_is_told(
    client, auth, staff, smtp_server, deliver
):
    auth.login(staff.email)
    page = client.get("/auth/email")
    assert page.status_code == 200 and "amina@example.org" in _text(page)
    asked = _ask(client, email="  Amina.Yusuf@RedCross.example.org ")
    assert asked.status_code == 200 and f"We sent a link to <strong><bdi>{NEW}</bdi></strong>" in _text(asked)

    assert deliver().sent == 1
    [message] = smtp_server.messages
    assert message["To"] == f"Amina Yusuf <{NEW}>" and "List-Unsubscribe" not in message
    assert "works once, for 24 hours" in text_of(message)
    assert "Until you confirm it, your account keeps its address, amina@example.org." in text_of(message)
    link = _confirmation_link(smtp_server)
    db.session.expire_all()
    assert db.session.get(User, staff.id).email == "amina@example.org"  # nothing changed yet

    auth.logout()  # the link works from any browser: it proves the new address
    shown = client.get(link)
    assert shown.status_code == 200 and f"Use {NEW}" in _text(shown)
    assert shown.headers["Cache-Control"] == "no-store" and shown.headers["Referrer-Policy"] == "no-referrer"
    db.session.expire_all()
    assert db.session.get(User, staff.id).email == "amina@example.org"  # a GET (a link checker) changes nothing
    done = client.post(link)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, staff.id).email == NEW

    assert deliver().sent == 1
    notice = smtp_server.messages[1]
    assert notice["To"] == "Amina Yusuf <amina@example.org>"
    assert f"it is now {NEW}, no longer amina@example.org" in text_of(notice)
    assert auth.login("amina@example.org").status_code == 422
    assert auth.login(NEW).status_code == 302
    auth.logout()
    assert client.get(link).status_code == 404  # used once
    events = db.session.scalars(
        sa.select(HistoryEntry.event).where(HistoryEntry.record_type == "user", HistoryEntry.record_id == staff.id)
    ).all()
    assert "email_change_requested" in events and "email_changed" in events


def test_a_wrong_password_changes_nothing_and_keeps_what_was_typed(client, auth, staff, smtp_server, deliver):
    auth.login(staff.email)
    refused = _ask(client, password="not my password")
    assert refused.status_code == 422
    assert "Your current password is not right." in _text(refused)
    assert f'value="{NEW}"' in _text(refused)
    assert _outbox_count() == 0


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("amina@example.org", "This is already the address of your account."),
        ("taken@example.org", "Another account has this e-mail address."),
        ("not an address", "Invalid email address."),
    ],
)
def test_an_address_that_cannot_be_the_accounts_is_refused(client, auth, make, staff, typed, problem):
    make.staff(email="taken@example.org")
    db.session.commit()
    auth.login(staff.email)
    refused = _ask(client, email=typed)
    assert refused.status_code == 422 and problem in _text(refused)
    assert _outbox_count() == 0


def test_the_page_needs_a_log_in(client):
    assert client.get("/auth/email").status_code == 302


def test_a_link_expires_after_a_day(client, auth, staff, smtp_server, deliver, monkeypatch):
    auth.login(staff.email)
    _ask(client)
    deliver()
    link = _confirmation_link(smtp_server)
    made = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: made(self) + 23 * 3600)
    assert client.get(link).status_code == 200
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: made(self) + 25 * 3600)
    late = client.post(link)
    assert late.status_code == 404 and "has expired or has already been used" in _text(late)
    db.session.expire_all()
    assert db.session.get(User, staff.id).email == "amina@example.org"


def test_an_address_taken_before_the_link_is_opened_is_refused(client, auth, make, staff, smtp_server, deliver):
    auth.login(staff.email)
    _ask(client)
    deliver()
    link = _confirmation_link(smtp_server)
    make.staff(email=NEW)  # an admin gave the address to another account meanwhile
    db.session.commit()
    refused = client.post(link, follow_redirects=True)
    assert refused.status_code == 409 and "Another account has this e-mail address." in _text(refused)
    db.session.expire_all()
    assert db.session.get(User, staff.id).email == "amina@example.org"


def test_an_admins_change_applies_at_once_tells_the_old_address_and_kills_older_links(
    client, auth, make, staff, smtp_server, deliver
):
    auth.login(staff.email)
    _ask(client)
    deliver()
    link = _confirmation_link(smtp_server)
    auth.logout()

    admin = make.admin(name="Ada Admin")
    db.session.commit()
    auth.login(admin.email)
    edited = client.post(
        f"/admin/users/{staff.id}",
        data={
            "email": "amina.y@example.org",
            "name": staff.name,
            "role": "staff",
            "organisation_id": staff.organisation_id,
        },
    )
    assert edited.status_code == 302
    assert deliver().sent == 1
    notice = smtp_server.messages[1]
    assert notice["To"] == "Amina Yusuf <amina@example.org>"
    assert "Ada Admin, an admin of Pledge Tracker, changed the e-mail address of your account" in text_of(notice)
    assert client.get(link).status_code == 404  # asked for when the address was another


def test_a_queued_link_is_not_sent_once_the_address_changed(client, auth, make, staff, smtp_server, deliver):
    auth.login(staff.email)
    _ask(client)  # queued, not yet sent …
    staff = db.session.get(User, staff.id)
    staff.email = "elsewhere@example.org"  # … and the address changes another way
    db.session.commit()
    assert deliver().failed == 1 and smtp_server.messages == []
