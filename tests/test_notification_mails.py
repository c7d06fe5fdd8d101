"""Notifications by e-mail, read from a real SMTP server: an organisation invited to sign a
pledge hears of it (its active members, and no one else), and every such message carries a
one-click unsubscribe that turns that kind off for that person alone."""

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from tracker.core import settings
from tracker.core.changes import OperationRefused
from tracker.core.extensions import db
from tracker.notifications import operations as notifications
from tracker.notifications.models import EmailChoice, NotificationSetting, OutgoingMail
from tracker.pledges.operations import create_pledge

from .mail import html_links, html_of, path_of, text_links, text_of

BASE = "https://pledges.example.org/"


def _address(header) -> str:
    """The one address of a List-Unsubscribe header (<https://…>, perhaps folded)."""
    value = " ".join(str(header).split())
    assert value.startswith("<https://") and value.endswith(">"), value
    return value[1:-1]


def _invite(author, *organisations, title="Restoring Family Links"):
    pledge = create_pledge(
        author, title=title, lead=author.organisation, co_signatories=list(organisations), text="Reunite families."
    )
    db.session.commit()
    return pledge


def test_an_invitation_to_sign_reaches_the_invited_organisations_members_only(make, smtp_server, deliver):
    author = make.staff(organisation=make.organisation("Australian Red Cross"))
    colleague = make.staff(organisation=author.organisation)
    invited = make.organisation("Philippine Red Cross")
    members = [make.staff(organisation=invited, name=f"Member {n}") for n in range(2)]
    make.staff(organisation=invited, active=False)  # deactivated: no mail
    outsider = make.staff()
    db.session.commit()

    _invite(author, invited)
    assert deliver().sent == 2

    received = {str(m["To"]) for m in smtp_server.messages}
    assert received == {f"{m.name} <{m.email}>" for m in members}
    assert not {author.email, colleague.email, outsider.email} & {
        m["To"].addresses[0].addr_spec for m in smtp_server.messages
    }
    message = smtp_server.messages[0]
    assert message["Subject"] == "Pledge Tracker: Australian Red Cross invites Philippine Red Cross to sign a pledge"
    text, html = text_of(message), html_of(message)
    assert (
        "“Restoring Family Links”" in text
        and "You receive this because you are a member of Philippine Red Cross" in text
    )
    assert html_links(message)["Answer the invitation to sign"] == BASE + "pledges/invitations"
    assert BASE + "pledges/invitations" in text_links(message)
    assert '<html lang="en" dir="ltr">' in html


def test_every_notification_has_a_one_click_unsubscribe(make, smtp_server, deliver):
    author = make.staff()
    member = make.staff(organisation=make.organisation("Tonga Red Cross Society"))
    db.session.commit()
    _invite(author, member.organisation)
    deliver()
    [message] = smtp_server.messages

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = _address(message["List-Unsubscribe"])
    assert unsubscribe.startswith(BASE + "notifications/unsubscribe/")
    assert html_links(message)["Stop e-mails when your organisation is invited to sign a pledge"] == unsubscribe
    assert unsubscribe in text_links(message)


def _unsubscribe_link(smtp_server) -> str:
    return path_of(_address(smtp_server.messages[-1]["List-Unsubscribe"]), BASE)


def test_one_click_turns_that_kind_off_for_that_person_without_logging_in(client, make, smtp_server, deliver):
    author = make.staff()
    invited = make.organisation("Fiji Red Cross Society")
    leaving, staying = make.staff(organisation=invited), make.staff(organisation=invited)
    db.session.commit()
    _invite(author, invited, title="First pledge")
    deliver()
    link = next(
        path_of(_address(m["List-Unsubscribe"]), BASE) for m in smtp_server.messages if leaving.email in str(m["To"])
    )

    # What a mail provider sends for one click: a POST with this body, no cookie, no CSRF token.
    answer = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and "You will no longer receive e-mails when your organisation" in answer.get_data(
        as_text=True
    )

    _invite(author, invited, title="Second pledge")
    deliver()
    second = [str(m["To"]) for m in smtp_server.messages[2:]]
    assert second == [f"{staying.name} <{staying.email}>"]


def test_opening_the_unsubscribe_link_asks_before_turning_anything_off(client, make, smtp_server, deliver):
    author = make.staff()
    member = make.staff(organisation=make.organisation("Samoa Red Cross Society"))
    db.session.commit()
    _invite(author, member.organisation, title="First pledge")
    deliver()
    page = client.get(_unsubscribe_link(smtp_server))
    assert page.status_code == 200 and "Stop these e-mails" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"

    _invite(author, member.organisation, title="Second pledge")  # link checkers and previews only GET
    assert deliver().sent == 1


def test_a_tampered_unsubscribe_link_is_not_found_and_changes_nothing(client, make, smtp_server, deliver):
    author = make.staff()
    member = make.staff(organisation=make.organisation("Vanuatu Red Cross Society"))
    db.session.commit()
    _invite(author, member.organisation, title="First pledge")
    deliver()
    link = _unsubscribe_link(smtp_server)
    assert client.post(link[:-3] + "xyz").status_code == 404
    assert client.post("/notifications/unsubscribe/not-a-token").status_code == 404
    _invite(author, member.organisation, title="Second pledge")
    assert deliver().sent == 1


def test_an_edit_that_is_rolled_back_invites_no_one_by_mail(make, smtp_server, deliver):
    author = make.staff()
    make.staff(organisation=make.organisation("Cook Islands Red Cross Society"))
    invited = db.session.scalar(
        sa.select(type(author.organisation)).where(type(author.organisation).name == "Cook Islands Red Cross Society")
    )
    db.session.commit()
    create_pledge(author, title="Never saved", lead=author.organisation, co_signatories=[invited], text="Draft.")
    db.session.rollback()
    assert deliver().handled == 0 and smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == 0


def test_each_persons_choice_is_their_own_and_changing_it_again_keeps_one_choice(make):
    ana, ben = make.staff(), make.staff()
    kind = "signature_invitation"
    notifications.set_email_choice(ben.id, kind, EmailChoice.OFF)
    notifications.set_email_choice(ana.id, kind, EmailChoice.OFF)
    notifications.set_email_choice(ana.id, kind, EmailChoice.IMMEDIATELY)
    assert (notifications.wants_email(ana.id, kind), notifications.wants_email(ben.id, kind)) == (True, False)
    rows = sa.select(sa.func.count()).select_from(NotificationSetting).where(NotificationSetting.user_id == ana.id)
    assert db.session.scalar(rows) == 1
    with pytest.raises(OperationRefused) as refused:
        notifications.set_email_choice(ana.id, "password_reset", EmailChoice.OFF)
    assert str(refused.value) == "Account e-mails cannot be turned off."


def test_only_a_signed_unsubscribe_token_for_a_notification_kind_turns_anything_off(client, make):
    member = make.staff()
    db.session.commit()
    kind = "signature_invitation"
    other_purpose = URLSafeSerializer(settings.secret_key(), salt="another-purpose").dumps([member.id, kind])
    unsalted = URLSafeSerializer(settings.secret_key()).dumps([member.id, kind])
    for token in (other_purpose, unsalted):
        assert notifications.read_unsubscribe_token(token) is None
        assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404
    assert notifications.wants_email(member.id, kind)

    sign = notifications._unsubscribe_serializer().dumps
    assert notifications.read_unsubscribe_token(sign([str(member.id), kind])) is None  # not an account's id
    assert notifications.read_unsubscribe_token(sign([member.id, "password_reset"])) is None  # cannot be turned off
    assert notifications.read_unsubscribe_token(sign([member.id, kind]))[0] == member.id


@pytest.mark.parametrize(
    ("choice", "queued"), [(EmailChoice.IMMEDIATELY, 1), (EmailChoice.DAILY, 0), (EmailChoice.OFF, 0)]
)
def test_a_notification_queued_for_a_person_follows_their_choice(make, choice, queued):
    """`queue_mail` of a notification kind to an account: only if they want it now (a daily
    choice is for `notify`, which keeps it for the digest; off is off). Another person's
    choice does not count."""
    member, other = make.staff(), make.staff()
    kind = "signature_invitation"
    notifications.set_email_choice(member.id, kind, choice)
    notifications.set_email_choice(other.id, kind, EmailChoice.IMMEDIATELY)
    made = notifications.queue_mail(kind, member.email, user_id=member.id, context={"pledge_title": "P"})
    assert (made is not None) == bool(queued)
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingMail)) == queued


def test_an_account_mail_is_queued_whatever_the_person_chose_elsewhere(make):
    member = make.staff()
    for kind in ("signature_invitation", "daily_digest"):
        notifications.set_email_choice(member.id, kind, EmailChoice.OFF)
    assert notifications.queue_mail("password_reset", member.email, user_id=member.id, context={}) is not None


def test_the_digest_itself_can_only_be_turned_off(make):
    member = make.staff()
    for choice in (EmailChoice.IMMEDIATELY, EmailChoice.DAILY):
        with pytest.raises(OperationRefused) as refused:
            notifications.set_email_choice(member.id, "daily_digest", choice)
        assert str(refused.value) == "Choose, kind by kind, what comes in the daily digest."


def test_mark_all_read_says_how_many_it_marked(make):
    from tracker.notifications.models import Notification

    member = make.staff()
    assert notifications.mark_all_read(member) == 0
    db.session.add_all(Notification(user_id=member.id, kind="signature_invitation", context={}) for _ in range(3))
    db.session.flush()
    assert notifications.mark_all_read(member) == 3
    assert notifications.mark_all_read(member) == 0
