"""A person's own password: changing it, and setting it with a one-time link."""

import re

import pytest
import sqlalchemy as sa

from tracker.accounts import operations as accounts
from tracker.accounts import passwords
from tracker.accounts.models import Role
from tracker.accounts.passwords import LOGIN_EVENTS
from tracker.core.changes import OperationRefused
from tracker.core.extensions import db
from tracker.core.history import HistoryEntry

NEW_PASSWORD = "a long new password"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def change(client, current="demo-password", new=NEW_PASSWORD, again=None):
    return client.post(
        "/auth/password",
        data={"current_password": current, "new_password": new, "confirm": new if again is None else again},
    )


# --- changing one's password --------------------------------------------------------------------


def test_changing_the_password_needs_a_login(client):
    response = client.get("/auth/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_the_change_password_form_tells_password_managers_what_it_is(client, auth, make):
    auth.login(make.staff().email)
    page = text_of(client.get("/auth/password"))
    assert page.count("<h1") == 1
    assert re.search(r'<input[^>]*autocomplete="current-password"[^>]*id="current_password"', page)
    assert len(re.findall(r'autocomplete="new-password"', page)) == 2


def test_a_changed_password_is_the_one_that_logs_in_afterwards(client, auth, make):
    staff = make.staff(email="officer@redcross.example")
    db.session.commit()
    auth.login(staff.email)
    response = change(client)
    assert response.status_code == 302
    assert "Your password has been changed." in text_of(client.get(response.headers["Location"]))
    auth.logout()
    assert auth.login(staff.email).status_code == 422
    assert auth.login(staff.email, NEW_PASSWORD).status_code == 302
    [entry] = db.session.scalars(sa.select(HistoryEntry).where(HistoryEntry.event == "password_changed")).all()
    assert (entry.actor_id, entry.record_type, entry.record_id) == (staff.id, "user", staff.id)


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("not-my-password", NEW_PASSWORD, None, "current_password", "Your current password is not right."),
        ("demo-password", "too short", None, "new_password", "Use at least 12 characters."),
        ("demo-password", "x" * 1001, None, "new_password", "Use at most 1000 characters."),
        ("demo-password", NEW_PASSWORD, "a long new passwort", "confirm", "The two new passwords are not the same."),
    ],
    ids=["wrong current password", "too short", "too long", "typed differently twice"],
)
def test_a_refused_change_says_why_and_changes_nothing(client, auth, make, current, new, again, field, message):
    staff = make.staff()
    db.session.commit()
    hash_before = staff.password_hash
    auth.login(staff.email)
    response = change(client, current=current, new=new, again=again)
    page = text_of(response)
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error"[^>]*>{re.escape(message)}', page)
    assert new not in page and current not in page  # passwords are never sent back
    db.session.refresh(staff)
    assert staff.password_hash == hash_before
    assert (
        db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)).where(HistoryEntry.event.not_in(LOGIN_EVENTS))) == 0
    )
    auth.logout()
    assert auth.login(staff.email).status_code == 302


STRONG_12 = "vq7-tulip-zx"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        (STRONG_12[:11], "Use at least 12 characters."),
        (STRONG_12, None),
        (STRONG_12 + "y" * 988, None),
        (STRONG_12 + "y" * 989, "Use at most 1000 characters."),
        (
            "password1234",
            "This password is too easy to guess: this is a very common password. Add a few more unrelated words.",
        ),
        (
            "Password123!",
            "This password is too easy to guess: this is similar to a commonly used password. Add a few more unrelated words.",
        ),
        (
            "qwertyuiop12",
            "This password is too easy to guess: this is similar to a commonly used password. Add a few more unrelated words.",
        ),
        (
            "aaaaaaaaaaaa",
            'This password is too easy to guess: repeats like "aaa" are easy to guess. Add a few more unrelated words.',
        ),
    ],
)
def test_the_password_policy_wants_twelve_characters_and_refuses_common_passwords(password, problem):
    assert passwords.password_problem(password) == problem


def test_a_password_made_of_ones_own_name_is_refused(client, auth, make):
    staff = make.staff(name="Maria Santos", email="maria.santos@example.org")
    db.session.commit()
    auth.login(staff.email)
    response = change(client, new="maria santos 1")
    assert response.status_code == 422
    assert "This password is too easy to guess" in text_of(response)
    assert passwords.password_problem("maria santos 1") is None  # only because it is hers


def test_new_passwords_are_hashed_with_scrypt(make):
    staff = make.staff()
    staff.set_password(STRONG_12)
    assert staff.password_hash.startswith("scrypt:")
    assert staff.check_password(STRONG_12) and not staff.check_password(STRONG_12.upper())


# --- setting it with a link ------------------------------------------------------------------------


@pytest.fixture
def invited(make):
    """A person an admin has just invited, and the token of their link."""
    admin = make.admin()
    user, token = accounts.invite_user(
        admin, email="maria@example.org", name="Maria Santos", role=Role.STAFF, organisation=make.organisation()
    )
    db.session.commit()
    return user, token


def test_an_invited_user_cannot_log_in_before_setting_a_password(auth, invited):
    user, _ = invited
    for password in ("", "demo-password", "None"):
        assert auth.login(user.email, password).status_code == 422


def test_the_link_sets_the_password_once(client, auth, invited):
    user, token = invited
    page = text_of(client.get(f"/auth/set-password/{token}"))
    assert "maria@example.org" in page and page.count("<h1") == 1
    assert len(re.findall(r'autocomplete="new-password"', page)) == 2

    response = client.post(f"/auth/set-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Your password is set." in text_of(client.get(response.headers["Location"]))
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    auth.logout()

    for method in ("get", "post"):
        again = getattr(client, method)(f"/auth/set-password/{token}", data={"password": "x" * 20, "confirm": "x" * 20})
        assert again.status_code == 404
        assert passwords.LINK_NOT_VALID in text_of(again)
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302


def test_a_refused_new_password_keeps_the_link_working(client, auth, invited):
    user, token = invited
    response = client.post(f"/auth/set-password/{token}", data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 12 characters." in text_of(response)
    db.session.refresh(user)
    assert user.password_hash is None
    assert client.get(f"/auth/set-password/{token}").status_code == 200


def test_an_expired_link_is_refused(app, client, invited):
    user, token = invited
    app.config["SET_PASSWORD_LINK_MAX_AGE"] = -1  # every link is older than this
    response = client.post(f"/auth/set-password/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert "expired or has already been used" in text_of(response)
    db.session.refresh(user)
    assert user.password_hash is None
    with pytest.raises(OperationRefused):
        passwords.set_password_from_token(token, NEW_PASSWORD, max_age=-1)


@pytest.mark.parametrize("tamper", ["truncated", "other secret", "garbage"])
def test_a_forged_or_damaged_link_is_refused(app, client, invited, tamper):
    user, token = invited
    if tamper == "truncated":
        token = token[:-3]
    elif tamper == "other secret":
        from itsdangerous import URLSafeTimedSerializer

        token = URLSafeTimedSerializer("not-the-secret", salt="set-password").dumps([user.id, ""])
    else:
        token = "garbage"
    assert client.get(f"/auth/set-password/{token}").status_code == 404
    assert passwords.user_for_set_password_token(token) is None


def test_a_link_stops_working_when_the_account_is_deactivated(make, invited):
    user, token = invited
    user.active = False
    db.session.commit()
    assert passwords.user_for_set_password_token(token) is None


def test_the_set_password_page_keeps_its_address_out_of_referers_and_caches(client, invited):
    _, token = invited
    response = client.get(f"/auth/set-password/{token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
