"""The notification centre, as a person uses it: one `notify` writes a notification in the
app for every recipient and sends its e-mail as each chose (immediately, in the day's
digest, or not at all); the bell counts what is unread; the list shows every notification,
newest first, a page at a time, each linking to its page; mark read and mark all read are
theirs alone; the Notifications settings page chooses, kind by kind; the daily digest
gathers what was kept for it and goes once a day."""

import dataclasses
import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa

from tracker.core.extensions import db
from tracker.notifications import delivery, digest, kinds
from tracker.notifications.models import EmailChoice, Notification, OutgoingMail
from tracker.notifications.operations import email_choice, notify, set_email_choice
from tracker.pledges.mails import SIGNATURE_INVITATION
from tracker.roundtables import mails as recommendation_mails

from .factories import session_id
from .mail import html_links, text_links, text_of

BASE = "https://pledges.example.org/"
TODAY = dt.date(2026, 12, 3)


def _log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = session_id(user)


def _tell(people, number=1, kind=SIGNATURE_INVITATION):
    """`number` invitations to sign, one after the other, for each of `people`."""
    made = []
    for n in range(number):
        context = {
            "pledge_title": f"Pledge {n + 1}",
            "organisation": "Fiji Red Cross Society",
            "inviting": "Australian Red Cross",
            "invited_by": "Staff member",
        }
        made += notify(kind, people, context)
    db.session.commit()
    return made


def _bell(html: str) -> str:
    """The words a screen reader says for the menu's bell link."""
    link = re.search(r'<a class="btn btn-outline-light btn-sm bell"[^>]*>(.*?)</a>', html, re.S)
    assert link is not None, "no bell in the menu"
    return " ".join(unescape(re.sub(r"<[^>]+>", "", link.group(1))).split())


def _page(client, url="/notifications"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _listed(page: str) -> list[str]:
    """The pledges named by the invitations a notification list links to, in its order."""
    return re.findall(r'<a href="/pledges/invitations"><bdi>[^<]*to sign “(Pledge \d+)”</bdi></a>', page)


def _unread(user) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


# --- notify: in the app always, by e-mail as each chose ------------------------------------------


def test_notify_keeps_one_notification_each_and_mails_as_each_chose(make):
    now, daily, off = make.staff(), make.staff(), make.staff()
    set_email_choice(daily.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    set_email_choice(off.id, SIGNATURE_INVITATION, EmailChoice.OFF)

    made = _tell([now, daily, off])

    assert sorted(n.user_id for n in made) == sorted([now.id, daily.id, off.id])
    assert {n.user_id: n.kept_for_digest for n in made} == {now.id: False, daily.id: True, off.id: False}
    mails = db.session.scalars(sa.select(OutgoingMail)).all()
    assert [m.to_address for m in mails] == [now.email]


def test_notify_leaves_out_the_deactivated_the_actor_and_repeats(make):
    staff, gone, actor = make.staff(), make.staff(active=False), make.staff()

    made = notify(SIGNATURE_INVITATION, [staff, gone, actor, staff], {"x": 1}, actor=actor)

    assert [n.user_id for n in made] == [staff.id]


def test_notify_refuses_what_is_not_a_kind_of_notification():
    with pytest.raises(ValueError, match="not a kind of notification"):
        notify("password_reset", [], {})
    with pytest.raises(ValueError, match="not a kind of notification"):
        notify(digest.DAILY_DIGEST.name, [], {})


def test_a_kinds_default_is_its_choice_until_the_person_chooses(make):
    staff = make.staff()
    assert email_choice(staff.id, recommendation_mails.AGREED) is EmailChoice.IMMEDIATELY
    assert email_choice(staff.id, recommendation_mails.VERIFIED) is EmailChoice.DAILY
    set_email_choice(staff.id, recommendation_mails.VERIFIED, EmailChoice.IMMEDIATELY)
    assert email_choice(staff.id, recommendation_mails.VERIFIED) is EmailChoice.IMMEDIATELY


# --- the bell and the list -----------------------------------------------------------------------------


def test_the_bell_counts_what_is_unread_in_words_a_screen_reader_says(client, make):
    staff = make.staff()
    _log_in(client, staff)
    assert _bell(_page(client, "/pledges/mine")) == "Notifications"

    _tell([staff], number=3)

    assert _bell(_page(client, "/pledges/mine")) == "Notifications, 3 unread"


def test_the_list_is_newest_first_a_page_at_a_time_each_linking_to_its_page(client, make):
    staff = make.staff()
    _tell([staff], number=25)
    _log_in(client, staff)

    first = _page(client)
    titles = _listed(first)
    assert titles == [f"Pledge {n}" for n in range(25, 5, -1)]
    assert 'href="/pledges/invitations"' in first
    second = _page(client, "/notifications?page=2")
    assert _listed(second) == [f"Pledge {n}" for n in range(5, 0, -1)]


def test_a_recommendations_notification_links_to_the_recommendation(client, make):
    staff = make.staff()
    notify(
        recommendation_mails.AGREED, [staff], {"recommendation_id": 42, "roundtable": "R", "due": "D", "excerpt": "E"}
    )
    db.session.commit()
    _log_in(client, staff)

    assert '<a href="/recommendations/42"><bdi>Agreed at R, due D: “E”</bdi></a>' in _page(client)


def test_the_list_holds_every_notification_whatever_the_email_choice(client, make):
    staff = make.staff()
    set_email_choice(staff.id, SIGNATURE_INVITATION, EmailChoice.OFF)
    _tell([staff], number=2)
    _log_in(client, staff)

    assert _listed(_page(client)) == ["Pledge 2", "Pledge 1"]


def test_mark_read_clears_one_and_mark_all_read_the_rest(client, make):
    staff = make.staff()
    first, *_others = _tell([staff], number=3)
    _log_in(client, staff)

    answer = client.post(f"/notifications/{first.id}/read")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/notifications")
    assert _unread(staff) == 2
    assert _bell(_page(client)) == "Notifications, 2 unread"

    assert client.post("/notifications/read").status_code == 302
    assert _unread(staff) == 0
    page = _page(client)
    assert _bell(page) == "Notifications" and "2 notifications marked read." in page
    assert "Mark all read" not in page  # nothing left to mark


def test_another_person_cannot_mark_your_notification(client, make):
    mine, theirs = make.staff(), make.staff()
    [notification] = _tell([theirs])
    _tell([mine])
    _log_in(client, mine)

    assert client.post(f"/notifications/{notification.id}/read").status_code == 404
    client.post("/notifications/read")  # all of *mine*
    assert _unread(theirs) == 1 and _unread(mine) == 0


def test_someone_elses_notification_is_not_shown_to_you(client, make):
    mine, theirs = make.staff(), make.staff()
    notify(SIGNATURE_INVITATION, [theirs], {"pledge_title": "Their secret draft", "organisation": "O", "inviting": "I"})
    db.session.commit()
    _log_in(client, mine)

    assert "Their secret draft" not in _page(client)


def test_the_notification_pages_ask_the_public_to_log_in(client):
    for method, url in (("get", "/notifications"), ("post", "/notifications/1/read"), ("post", "/notifications/read"),
                        ("get", "/account/notifications")):  # fmt: skip
        answer = getattr(client, method)(url)
        assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"], url


@pytest.mark.parametrize(
    "method, url, status",
    [
        ("get", "/notifications?page=abc", 200),
        ("get", "/notifications?page=-3", 200),
        ("get", "/notifications?page=99999999999999999999", 200),
        ("get", "/notifications?page=7", 200),
        ("post", "/notifications/999999/read", 404),
        ("post", "/notifications/abc/read", 404),
        ("post", "/notifications/99999999999999999999/read", 404),
        ("get", "/notifications/1/read", 303),  # a button's address: to the notifications
        ("post", "/notifications/1/read?page=abc", 404),
    ],
)
def test_bad_input_is_never_a_server_error(client, make, method, url, status):
    _log_in(client, make.staff())
    assert getattr(client, method)(url).status_code == status


def test_a_notification_whose_kind_or_page_is_gone_is_still_listed(client, make):
    staff = make.staff()
    db.session.add(Notification(user_id=staff.id, kind="a_kind_no_longer_declared", context={}))
    notify(recommendation_mails.AGREED, [staff], {"roundtable": "R"})  # no recommendation to link to
    db.session.commit()
    _log_in(client, staff)

    page = _page(client)
    assert "A notification" in page and "when a recommendation your organisation owns is agreed" in page


# --- the settings page -----------------------------------------------------------------------------------


def _choices(page: str) -> dict[str, str]:
    """{kind: the choice checked} of the settings page."""
    chosen = {}
    for tag in re.findall(r"<input [^>]*>", page):
        attributes = dict(re.findall(r'([a-z]+)="([^"]*)"', tag))
        if attributes.get("type") == "radio" and re.search(r"\schecked[\s>]", tag):
            chosen[attributes["name"]] = attributes["value"]
    return chosen


def test_the_settings_page_shows_each_kinds_choice_and_saves_the_persons(client, make):
    staff = make.staff()
    _log_in(client, staff)

    shown = _choices(_page(client, "/account/notifications"))
    assert shown[recommendation_mails.AGREED] == "immediately"
    assert shown[recommendation_mails.VERIFIED] == "daily"
    assert "daily_digest" not in shown and "password_reset" not in shown

    answer = client.post(
        "/account/notifications", data=shown | {SIGNATURE_INVITATION: "off", recommendation_mails.DUE: "daily"}
    )
    assert answer.status_code == 302
    assert email_choice(staff.id, SIGNATURE_INVITATION) is EmailChoice.OFF
    assert email_choice(staff.id, recommendation_mails.DUE) is EmailChoice.DAILY
    assert _choices(_page(client, "/account/notifications"))[SIGNATURE_INVITATION] == "off"


def test_a_kind_missing_from_the_form_is_left_as_it_was(client, make):
    staff = make.staff()
    set_email_choice(staff.id, recommendation_mails.AGREED, EmailChoice.DAILY)
    _log_in(client, staff)
    data = _choices(_page(client, "/account/notifications")) | {SIGNATURE_INVITATION: "off"}
    del data[recommendation_mails.AGREED]

    assert client.post("/account/notifications", data=data).status_code == 302
    assert email_choice(staff.id, recommendation_mails.AGREED) is EmailChoice.DAILY
    assert email_choice(staff.id, SIGNATURE_INVITATION) is EmailChoice.OFF


@pytest.mark.parametrize(
    "broken, status",
    [("never", 422), ("", 422), ("DAILY", 422), ("immediately\x00", 400)],  # (a NUL anywhere: a plain 400)
)
def test_a_settings_form_with_a_choice_that_is_not_one_is_refused_and_changes_nothing(client, make, broken, status):
    staff = make.staff()
    _log_in(client, staff)
    data = _choices(_page(client, "/account/notifications")) | {SIGNATURE_INVITATION: "off"}
    data[recommendation_mails.AGREED] = broken

    answer = client.post("/account/notifications", data=data)

    assert answer.status_code == status
    if status == 422:
        assert "Choose immediately, in a daily digest or off." in answer.get_data(as_text=True)
    assert email_choice(staff.id, SIGNATURE_INVITATION) is EmailChoice.IMMEDIATELY


# --- the daily digest ---------------------------------------------------------------------------------------


def test_the_digest_gathers_what_was_kept_and_goes_once_a_day(make, smtp_server, deliver):
    staff, other = make.staff(name="Digest Reader"), make.staff()
    set_email_choice(staff.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    _tell([staff, other], number=3)
    deliver()
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == [other.email] * 3

    assert digest.send_digests(TODAY) == 1
    assert digest.send_digests(TODAY) == 0
    db.session.commit()
    _tell([staff])  # later the same day: waits for tomorrow's
    assert digest.send_digests(TODAY) == 0
    db.session.commit()
    deliver()

    [message] = [m for m in smtp_server.messages if staff.email in str(m["To"])]
    assert message["Subject"] == "Pledge Tracker: your daily digest (3 notifications)"
    text = text_of(message)
    assert all(f"“Pledge {n}”" in text for n in (1, 2, 3))
    assert html_links(message)["See all your notifications"] == BASE + "notifications"
    assert BASE + "pledges/invitations" in text_links(message)
    assert "because you chose to get these notifications in a daily digest" in text

    assert digest.send_digests(TODAY + dt.timedelta(days=1)) == 1
    db.session.commit()
    deliver()
    tomorrow = [m for m in smtp_server.messages if staff.email in str(m["To"])][1:]
    assert [m["Subject"] for m in tomorrow] == ["Pledge Tracker: your daily digest (1 notification)"]


def test_the_digest_leaves_out_a_kind_turned_off_since_and_the_deactivated(make, smtp_server, deliver):
    changed_mind, gone = make.staff(), make.staff()
    for person in (changed_mind, gone):
        set_email_choice(person.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    _tell([changed_mind, gone])
    set_email_choice(changed_mind.id, SIGNATURE_INVITATION, EmailChoice.OFF)
    gone.active = False
    db.session.commit()

    assert digest.send_digests(TODAY) == 0
    db.session.commit()
    assert deliver().handled == 0


def test_the_digests_one_click_unsubscribe_turns_off_every_kind_it_gathers(client, make, smtp_server, deliver):
    staff = make.staff()
    set_email_choice(staff.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    _tell([staff])
    digest.send_digests(TODAY)
    db.session.commit()
    deliver()
    [message] = smtp_server.messages
    link = " ".join(str(message["List-Unsubscribe"]).split())[1:-1]

    answer = client.post(link[len(BASE) - 1 :], data={"List-Unsubscribe": "One-Click"})

    assert answer.status_code == 200 and "no longer receive e-mails in a daily digest" in answer.get_data(as_text=True)
    assert email_choice(staff.id, SIGNATURE_INVITATION) is EmailChoice.OFF
    assert email_choice(staff.id, recommendation_mails.VERIFIED) is EmailChoice.OFF  # daily by default
    assert email_choice(staff.id, recommendation_mails.AGREED) is EmailChoice.IMMEDIATELY  # never in the digest


def test_the_remind_command_sends_the_digests_too(app, runner, make):
    staff = make.staff()
    set_email_choice(staff.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    _tell([staff])
    app.config["TODAY"] = TODAY

    with app.app_context():
        first = runner.invoke(args=["notifications", "remind"])
        second = runner.invoke(args=["notifications", "digest"])

    assert "Daily digests: 1." in first.output and "Daily digests: 0." in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 1


# --- a kept page shows the bell as it is now ---------------------------------------------------------------


def test_a_co_chairs_kept_dashboard_shows_the_bell_as_it_is_now(client, make):
    co_chair = make.co_chair()
    make.roundtable(co_chairs=[co_chair.organisation])
    _log_in(client, co_chair)
    client.get("/roundtables/follow-through")
    assert _bell(_page(client, "/roundtables/follow-through")) == "Notifications"  # now kept

    _tell([co_chair])  # changes no public page: the data version stays

    assert _bell(_page(client, "/roundtables/follow-through")) == "Notifications, 1 unread"


# --- every kind of notification is a complete e-mail ----------------------------------------------------

_RECOMMENDATION = {"recommendation_id": 7, "excerpt": "Share data.", "roundtable": "Bali Process Roundtable",
                   "due": "1 March 2030", "by": "A Person", "by_organisation": "Government of Indonesia"}  # fmt: skip
_PLEDGE = {"pledge_title": "Restoring Family Links", "slug": "restoring-family-links", "organisation": "Fiji RCS"}
SAMPLES = {
    SIGNATURE_INVITATION: {"pledge_title": "P", "organisation": "O", "inviting": "I", "invited_by": "A Person"},
    "signature_answered": _PLEDGE | {"answer": "declined", "answered_by": "A Person", "note": "Not this year."},
    "partner_action": _PLEDGE | {"recorded_by": "A Person", "excerpt": "Trained 40.", "date": "1 May 2026"},
    "pledge_quiet": _PLEDGE | {"since": "15 January 2026"},
    recommendation_mails.AGREED: _RECOMMENDATION,
    recommendation_mails.SENT_BACK: _RECOMMENDATION | {"reason": "Add the budget."},
    recommendation_mails.MARKED_DONE: _RECOMMENDATION | {"what_was_done": "Signed."},
    recommendation_mails.VERIFIED: _RECOMMENDATION | {"comment": "Well done."},
    recommendation_mails.DUE: _RECOMMENDATION | {"days": -3, "due_on": "2030-03-01"},
    recommendation_mails.AWAITING_VERIFICATION: _RECOMMENDATION | {"days": 9},
    "follow_digest": {"follower_id": 1, "pledge_title": "Restoring Family Links", "slug": "restoring-family-links",
                      "email": "lena@example.net", "count_words": "1 new action", "more": 0, "token": "sample",
                      "actions": [{"id": 3, "date": "1 May 2026", "organisation": "Fiji RCS", "summary": "Trained 40."}]},
    digest.DAILY_DIGEST.name: {
        "items": [{"summary": "Something happened", "endpoint": "pledges.invitations", "values": {}, "date": "3 Dec"}],
        "more": 0, "count": 1, "count_words": "1 notification", "day": "3 December 2026",
    },
}  # fmt: skip


def test_every_kind_of_notification_has_a_sample_here():
    assert {kind.name for kind in kinds.declared() if kind.notification} == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_kind_of_notification_is_a_complete_email(make, monkeypatch, name):
    """Both parts, the site's name, a link to its page, why the person receives it, and the
    one-click unsubscribe of its kind. (Its check, which reads the records the sample only
    names, is left out: the tests of each event check it.)"""
    person = make.staff()
    # (A follower's digest makes its unsubscribe link from the follower's row: the sample has one.)
    monkeypatch.setitem(kinds._KINDS, name, dataclasses.replace(kinds.get(name), check=None, prepare=None))
    mail = OutgoingMail(id=1, kind=name, user_id=person.id, to_address=person.email, to_name=person.name,
                        context=SAMPLES[name], created_at=dt.datetime(2026, 12, 3))  # fmt: skip

    rendered = delivery.render(mail, BASE)

    text = rendered.body
    [(html, _type)] = rendered.alternatives
    unsubscribe = rendered.extra_headers["List-Unsubscribe"][1:-1]
    for part in (text, html):
        assert "Pledge Tracker" in part and "You receive this because" in part and unsubscribe in part
        assert BASE in part.replace(unsubscribe, "")  # a link to its page besides the unsubscribe
    assert '<html lang="en" dir="ltr">' in html and "<h1" in html
    assert rendered.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_is_worded_in_its_readers_language_when_it_is_sent(make, smtp_server, deliver):
    """(Issue 21: its summaries and its count were worded in the language of the command
    that queued it — English — whatever its reader's.)"""
    reader = make.staff(name="Lectrice", language="fr")
    set_email_choice(reader.id, SIGNATURE_INVITATION, EmailChoice.DAILY)
    _tell([reader], number=2)
    assert digest.send_digests(TODAY) == 1
    db.session.commit()
    deliver()
    [message] = [m for m in smtp_server.messages if reader.email in str(m["To"])]
    subject = str(message["Subject"]).strip().replace("\u00a0", " ")
    assert subject == "Pledge Tracker : votre récapitulatif quotidien (2 notifications)"
    text = text_of(message).replace("\u00a0", " ")
    assert "« Pledge 1 »" in text and "invites" not in text and "December" not in text


def test_the_centre_writes_a_notifications_day_in_its_readers_language(client, make):
    """(Issue 21: "No action since 15 January 2026" stayed English on a French page.)"""
    reader = make.staff(language="fr")
    context = {
        "pledge_title": "Restoring Family Links",
        "slug": "rfl",
        "since": "15 January 2026",
        "since_on": "2026-01-15",
    }
    notify("pledge_quiet", [reader], context)
    db.session.commit()
    _log_in(client, reader)
    page = _page(client)
    assert "15 janvier 2026" in page and "January" not in page
