"""Following a published pledge by e-mail, read from a real SMTP server: anyone asks on the
pledge's page, confirms with the link e-mailed to them (double opt-in), then gets a digest
of its new actions from `remind`, each with a one-click unsubscribe; the page answers the
same whether or not the address follows; addresses appear nowhere public."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from tracker.core.extensions import db
from tracker.notifications.models import OutgoingMail
from tracker.pledges import followers
from tracker.pledges.models import PledgeFollower
from tracker.pledges.operations import withdraw_action

from .mail import html_links, html_of, path_of, text_links, text_of

BASE = "https://pledges.example.org/"
FOLLOWER = "lena.hartmann@example.net"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def published(make):
    """A pledge in progress, as the Australian Red Cross wrote it at the 33rd International
    Conference, and one of its staff."""
    organisation = make.organisation("Australian Red Cross")
    staff = make.staff(organisation=organisation, name="Jo Bloggs")
    pledge = make.pledge_in_progress(
        author=staff, title="Restoring Family Links: tracing services for migrants along the Asia-Pacific routes"
    )
    db.session.commit()
    return pledge, staff


@pytest.fixture
def remind(app, runner, smtp_server, deliver):
    """Run `flask --app wsgi notifications remind`, deliver; the follow digests that arrived."""

    def run():
        db.session.commit()
        deliver()
        before = len(smtp_server.messages)
        with app.app_context():  # the command ends its own session, not the test's
            result = runner.invoke(args=["notifications", "remind"])
        assert result.exit_code == 0, result.output
        deliver()
        return [m for m in smtp_server.messages[before:] if "new action" in str(m["Subject"])]

    return run


def _subject(message) -> str:
    """As a mail client shows it: a long subject is folded, and unfolds with a leading space."""
    return str(message["Subject"]).strip()


def _ask(client, pledge, email=FOLLOWER):
    return client.post(f"/pledges/{pledge.slug}/follow", data={"email": email})


def _confirmation(smtp_server, deliver):
    deliver()
    confirmations = [m for m in smtp_server.messages if "confirm that you want to follow" in str(m["Subject"])]
    assert len(confirmations) == 1, [str(m["Subject"]) for m in smtp_server.messages]
    message = confirmations[0]
    link = html_links(message)["Confirm and follow the pledge"]
    assert link in text_links(message) and link.startswith(BASE + "pledges/following/confirm/")
    return message, path_of(link, BASE)


def _follow(client, pledge, smtp_server, deliver, email=FOLLOWER):
    assert _ask(client, pledge, email).status_code == 200
    _message, link = _confirmation(smtp_server, deliver)
    assert client.post(link).status_code == 200
    return link


def test_follow_confirm_get_a_digest_of_new_actions_and_unsubscribe_in_one_click(
    client, make, published, smtp_server, deliver, remind
):
    pledge, staff = published
    page = _text(client.get(f"/pledges/{pledge.slug}"))
    assert f'href="/pledges/{pledge.slug}/follow">by e-mail</a>' in page
    assert client.get(f"/pledges/{pledge.slug}/follow").status_code == 200

    asked = _ask(client, pledge, email=" Lena.Hartmann@Example.net ")
    assert asked.status_code == 200 and "Check your inbox" in _text(asked)
    message, link = _confirmation(smtp_server, deliver)
    assert message["To"] == FOLLOWER and "List-Unsubscribe" not in message
    assert "If it was you, confirm with this link (it works for 7 days)" in text_of(message)

    make.action(pledge, author=staff, summary="Before confirming: not in the digest.")
    shown = client.get(link)  # a link checker's GET confirms nothing
    assert shown.status_code == 200 and "Yes, follow this pledge" in _text(shown)
    assert remind() == []
    assert client.post(link).status_code == 200
    assert "You follow" in _text(client.get(link))

    make.action(pledge, author=staff, date=dt.date(2026, 11, 20), summary="Opened a tracing desk in Darwin.")
    make.action(
        pledge, author=staff, date=dt.date(2026, 11, 24), summary="Trained 40 volunteers in Restoring Family Links."
    )
    [digest] = remind()
    assert digest["To"] == FOLLOWER
    assert _subject(digest) == f"Pledge Tracker: 2 new actions on “{pledge.title}”"
    text = text_of(digest)
    assert "Opened a tracing desk in Darwin." in text and "Trained 40 volunteers" in text
    assert "Before confirming" not in text
    assert f"You receive this because you follow the pledge “{pledge.title}” by e-mail, as {FOLLOWER}." in text
    assert BASE + f"pledges/{pledge.slug}#action-" in html_of(digest)
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"\s*<(\S+)>", str(digest["List-Unsubscribe"])).group(1)
    assert unsubscribe.startswith(BASE + "pledges/following/stop/")
    assert html_links(digest)["Stop e-mails about this pledge"] == unsubscribe

    assert remind() == []  # nothing new: nothing sent

    one_click = client.post(path_of(unsubscribe, BASE), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "You no longer follow this pledge" in _text(one_click)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PledgeFollower)) == 0  # the address is forgotten
    make.action(pledge, author=staff, summary="After unsubscribing.")
    assert remind() == []


def test_an_address_that_never_confirms_gets_nothing_more(client, make, published, smtp_server, deliver, remind):
    pledge, staff = published
    _ask(client, pledge)
    _confirmation(smtp_server, deliver)
    make.action(pledge, author=staff)
    assert remind() == []


def test_asking_again_within_the_hour_sends_no_second_link(client, published, smtp_server, deliver):
    pledge, _staff = published
    _ask(client, pledge)
    _ask(client, pledge)
    _confirmation(smtp_server, deliver)  # exactly one
    follower = db.session.scalar(sa.select(PledgeFollower))
    follower.asked_at -= dt.timedelta(minutes=61)
    db.session.commit()
    _ask(client, pledge)
    deliver()
    assert len(smtp_server.messages) == 2


def _without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", page)


def test_the_answer_is_the_same_whether_or_not_the_address_already_follows(client, published, smtp_server, deliver):
    pledge, _staff = published
    _follow(client, pledge, smtp_server, deliver)
    already = _without_tokens(_text(_ask(client, pledge)))
    stranger = _without_tokens(_text(_ask(client, pledge, email="lena.hartmann@example.org")))
    assert already == stranger.replace("lena.hartmann@example.org", FOLLOWER)
    deliver()
    assert len(smtp_server.messages) == 2  # the followed address got no second link


def test_a_draft_cannot_be_followed_even_by_its_staff(client, auth, make):
    staff = make.staff()
    draft = make.pledge(author=staff)
    db.session.commit()
    assert client.get(f"/pledges/{draft.slug}/follow").status_code == 404
    auth.login(staff.email)
    assert client.get(f"/pledges/{draft.slug}").status_code == 200
    assert client.post(f"/pledges/{draft.slug}/follow", data={"email": FOLLOWER}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PledgeFollower)) == 0


def test_a_withdrawn_action_is_not_in_the_digest(client, make, published, smtp_server, deliver, remind):
    pledge, staff = published
    _follow(client, pledge, smtp_server, deliver)
    kept = make.action(pledge, author=staff, summary="Reunited 12 families.")
    mistaken = make.action(pledge, author=staff, summary="Recorded on the wrong pledge.")
    withdraw_action(mistaken, staff, reason="Recorded on the wrong pledge.")
    [digest] = remind()
    assert kept.summary in text_of(digest) and "wrong pledge" not in text_of(digest)
    assert _subject(digest).startswith("Pledge Tracker: 1 new action on")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("", "Give your e-mail address."), ("lena at example", "Invalid email address."), ("a@b" * 100, "at most 254")],
)
def test_a_bad_address_is_refused_and_kept(client, published, typed, problem):
    pledge, _staff = published
    refused = _ask(client, pledge, email=typed)
    assert refused.status_code == 422 and problem in _text(refused)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PledgeFollower)) == 0


def test_following_is_throttled_per_client_address(app, client, published):
    pledge, _staff = published
    app.config["FOLLOW_LIMIT_PER_ADDRESS"] = "3 per hour"
    for n in range(3):
        assert _ask(client, pledge, email=f"person{n}@example.net").status_code == 200
    assert _ask(client, pledge, email="person9@example.net").status_code == 429


def test_addresses_appear_nowhere_public(client, make, published, smtp_server, deliver):
    pledge, staff = published
    _follow(client, pledge, smtp_server, deliver)
    make.action(pledge, author=staff)
    db.session.commit()
    for path in (
        f"/pledges/{pledge.slug}",
        f"/pledges/{pledge.slug}/actions.atom",
        f"/api/v1/pledges/{pledge.slug}",
        "/pledges.csv",
        "/actions.csv",
        "/actions.atom",
        "/pledges",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "lena.hartmann" not in _text(response), path


def test_a_bad_or_stale_link_is_a_clear_404(client, published, smtp_server, deliver):
    pledge, _staff = published
    link = _follow(client, pledge, smtp_server, deliver)
    assert client.get(link + "x").status_code == 404
    assert client.get("/pledges/following/stop/not-a-token").status_code == 404
    follower = db.session.scalar(sa.select(PledgeFollower))
    db.session.delete(follower)
    db.session.commit()
    gone = client.get(link)
    assert gone.status_code == 404 and "has expired, or the pledge is no longer published" in _text(gone)


def test_a_digest_queued_before_unsubscribing_is_not_sent(client, make, published, smtp_server, deliver, runner, app):
    pledge, staff = published
    _follow(client, pledge, smtp_server, deliver)
    make.action(pledge, author=staff, summary="Reunited 12 families.")
    db.session.commit()
    with app.app_context():
        assert runner.invoke(args=["notifications", "remind"]).exit_code == 0  # queued, not yet sent …
    follower = db.session.scalar(sa.select(PledgeFollower))
    unsubscribe = f"/pledges/following/stop/{followers.unfollow_token(follower)}"
    assert client.post(unsubscribe).status_code == 200  # … and the person stops following
    tally = deliver()
    assert (tally.sent, tally.failed) == (0, 1)
    assert not [m for m in smtp_server.messages if "new action" in str(m["Subject"])]
    answer = db.session.scalar(sa.select(OutgoingMail.last_answer).where(OutgoingMail.kind == "follow_digest"))
    assert answer == "Not sent: the address no longer follows this pledge."


def test_the_links_do_not_give_the_address_away(client, published, smtp_server, deliver):
    """A link is signed, not encrypted: it names the address by a fingerprint only, so a
    forwarded e-mail or a copied link does not show who follows."""
    import base64

    pledge, _staff = published
    _ask(client, pledge)
    _message, link = _confirmation(smtp_server, deliver)
    follower = db.session.scalar(sa.select(PledgeFollower))
    for token in (link.rsplit("/", 1)[1], followers.unfollow_token(follower)):
        payload = token.split(".")[0]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        assert b"lena" not in decoded and b"example" not in decoded


def test_someone_who_follows_from_a_french_page_gets_french_digests(
    client, app, runner, make, published, smtp_server, deliver
):
    """(Issue 21: follow digests were queued by a command, so always in English.)"""
    pledge, staff = published
    asked = client.post(f"/pledges/{pledge.slug}/follow?lang=fr", data={"email": FOLLOWER})
    assert asked.status_code == 200
    deliver()
    [confirmation] = [m for m in smtp_server.messages if m["To"] == FOLLOWER]
    assert "confirmez que vous souhaitez suivre" in _subject(confirmation)  # (already in French)
    link = path_of(re.search(r"https://\S+/pledges/following/confirm/\S+", text_of(confirmation)).group(0), BASE)
    assert client.post(link).status_code == 200
    make.action(pledge, author=staff, summary="Ouvert un bureau de recherche à Darwin.")
    db.session.commit()
    before = len(smtp_server.messages)
    with app.app_context():
        assert runner.invoke(args=["notifications", "remind"]).exit_code == 0
    deliver()
    [digest] = [m for m in smtp_server.messages[before:] if m["To"] == FOLLOWER]
    assert (
        _subject(digest).replace("\u00a0", " ") == f"Pledge Tracker : 1 nouvelle mesure au titre de « {pledge.title} »"
    )
    assert '<html lang="fr"' in html_of(digest)
