"""A recommendation's follow-through reaches exactly the people who act on it, read from a
real SMTP server: agreed, sent back (with the reason) and verified reach the staff of its
owner organisations; marked done reaches the co-chairs of its roundtable. Never a co-chair
of another roundtable, staff of an organisation that does not own it, the deactivated, the
person who acted, nor — by e-mail — someone who turned that kind off; and nothing a
recipient may not read on the site."""

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import session_id, take_transition
from tracker.accounts import operations as accounts
from tracker.accounts.models import OrganisationKind
from tracker.core.changes import TransitionRefused
from tracker.core.extensions import db
from tracker.notifications import digest
from tracker.notifications.models import EmailChoice, MailStatus, Notification, OutgoingMail
from tracker.notifications.operations import set_email_choice
from tracker.roundtables import mails
from tracker.roundtables.operations import create_recommendation, edit_recommendation

from .mail import html_links, html_of, text_links, text_of

BASE = "https://pledges.example.org/"
TEXT = "Formalise national coordination mechanisms against trafficking in persons."
REASON = "The report names no budget line.\nAdd the ministry's allocation, please."


@dataclasses.dataclass
class World:
    recommendation: object
    co_chair: object  # of the roundtable: agrees, verifies, sends back
    other_co_chair: object  # of the same government: hears of "done" too
    government_staff: object  # staff of the co-chairing government: not a co-chair
    elsewhere_co_chair: object  # co-chair of another roundtable
    owner: object  # staff of the lead owner: marks it done
    owner_colleague: object
    co_owner: object  # staff of the other owner organisation
    deactivated_owner: object
    outsider: object  # staff of an organisation that owns nothing


@pytest.fixture
def world(make):
    government = make.organisation("Government of Indonesia", kind=OrganisationKind.GOVERNMENT)
    elsewhere = make.organisation("Government of Elsewhere", kind=OrganisationKind.GOVERNMENT)
    owner_org, co_owner_org = make.organisation("Australian Red Cross"), make.organisation("Philippine Red Cross")
    roundtable = make.roundtable(co_chairs=[government], title="Bali Process Roundtable", is_public=False)
    make.roundtable(co_chairs=[elsewhere], title="Another roundtable")
    people = World(
        recommendation=None,
        co_chair=make.co_chair(organisation=government, name="Co-chair Indonesia"),
        other_co_chair=make.co_chair(organisation=government, name="Second co-chair"),
        government_staff=make.staff(organisation=government, name="Ministry staff"),
        elsewhere_co_chair=make.co_chair(organisation=elsewhere, name="Elsewhere co-chair"),
        owner=make.staff(organisation=owner_org, name="Owner staff"),
        owner_colleague=make.staff(organisation=owner_org, name="Owner colleague"),
        co_owner=make.staff(organisation=co_owner_org, name="Co-owner staff"),
        deactivated_owner=make.staff(organisation=owner_org, name="Gone staff", active=False),
        outsider=make.staff(organisation=make.organisation("Tonga Red Cross Society"), name="Outsider"),
    )
    people.recommendation = create_recommendation(
        roundtable,
        people.co_chair,
        text=TEXT,
        owners=[owner_org, co_owner_org],
        due_date=dt.date(2030, 1, 1),
        contact_name="Private Contact",
        contact_email="private.contact@example.org",
    )
    db.session.commit()
    return people


def _to(smtp_server) -> list[str]:
    return sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages)


def _emails(*people) -> list[str]:
    return sorted(person.email for person in people)


def _notified(kind) -> list[str]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Notification).where(Notification.kind == kind)).all()
    return sorted(row.user.email for row in rows)


def _agree(world):
    take_transition(world.recommendation, "agree", world.co_chair)
    db.session.commit()


def _complete(world, by=None):
    take_transition(world.recommendation, "complete", by or world.owner, what_was_done="Decree 12/2029 signed.")
    db.session.commit()


def _no_private_words(message):
    for part in (text_of(message), html_of(message)):
        assert "private.contact@example.org" not in part and "Private Contact" not in part


def test_agreed_reaches_the_owners_staff_only(world, smtp_server, deliver):
    _agree(world)

    assert deliver().sent == 3
    owners = _emails(world.owner, world.owner_colleague, world.co_owner)
    assert _to(smtp_server) == owners
    assert _notified(mails.AGREED) == owners  # and each has it in the app
    message = smtp_server.messages[0]
    assert message["Subject"] == "Pledge Tracker: a recommendation your organisation owns was agreed"
    link = BASE + f"recommendations/{world.recommendation.id}"
    assert html_links(message)["Open the recommendation"] == link and link in text_links(message)
    text = text_of(message)
    assert TEXT in text and "Bali Process Roundtable" in text and "1 January 2030" in text
    assert "Co-chair Indonesia of Government of Indonesia agreed this recommendation" in text
    assert "You receive this because your organisation owns this recommendation" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    _no_private_words(message)


def test_sent_back_reaches_the_owners_staff_with_the_reason(world, smtp_server, deliver):
    _agree(world)
    _complete(world)
    deliver()
    before = len(smtp_server.messages)

    take_transition(world.recommendation, "send_back", world.co_chair, reason=REASON)
    db.session.commit()
    deliver()

    sent_back = smtp_server.messages[before:]
    assert sorted(m["To"].addresses[0].addr_spec for m in sent_back) == _emails(
        world.owner, world.owner_colleague, world.co_owner
    )
    message = sent_back[0]
    assert message["Subject"] == "Pledge Tracker: a recommendation was sent back to your organisation"
    assert REASON in text_of(message).replace("\r\n", "\n")
    assert "The report names no budget line." in html_of(message)
    assert _notified(mails.SENT_BACK) == _emails(world.owner, world.owner_colleague, world.co_owner)


def test_marked_done_reaches_the_roundtables_co_chairs_only(world, smtp_server, deliver):
    _agree(world)
    deliver()
    before = len(smtp_server.messages)

    _complete(world, by=world.owner)
    deliver()

    done = smtp_server.messages[before:]
    co_chairs = _emails(world.co_chair, world.other_co_chair)
    assert sorted(m["To"].addresses[0].addr_spec for m in done) == co_chairs
    assert _notified(mails.MARKED_DONE) == co_chairs
    message = done[0]
    assert message["Subject"] == "Pledge Tracker: a recommendation is done and awaits your verification"
    assert "Decree 12/2029 signed." in text_of(message)
    assert "because your organisation co-chairs Bali Process Roundtable" in text_of(message)


def test_verified_reaches_the_owners_in_the_app_and_in_their_daily_digest(world, smtp_server, deliver, app):
    _agree(world)
    _complete(world)
    deliver()
    before = len(smtp_server.messages)

    take_transition(world.recommendation, "verify", world.co_chair, comment="Well documented.")
    db.session.commit()

    assert deliver().sent == 0  # by default, "verified" waits for the day's digest
    owners = _emails(world.owner, world.owner_colleague, world.co_owner)
    assert _notified(mails.VERIFIED) == owners
    assert digest.send_digests(dt.date(2026, 12, 3)) == 3
    db.session.commit()
    deliver()
    digests = smtp_server.messages[before:]
    assert sorted(m["To"].addresses[0].addr_spec for m in digests) == owners
    assert "Verified by Government of Indonesia" in text_of(digests[0])


def test_the_person_who_acted_is_not_told(world, smtp_server, deliver):
    """A co-chair whose government also owns the recommendation agrees it: its other staff
    hear of it, the co-chair does not."""
    edit_recommendation(
        world.recommendation, world.co_chair, owners=[world.co_chair.organisation, world.owner.organisation]
    )
    db.session.commit()
    _agree(world)
    deliver()

    received = _to(smtp_server)
    assert world.co_chair.email not in received
    assert world.other_co_chair.email in received and world.government_staff.email in received


def test_someone_who_turned_the_kind_off_gets_no_email_but_keeps_the_notification(world, smtp_server, deliver):
    set_email_choice(world.owner_colleague.id, mails.AGREED, EmailChoice.OFF)
    db.session.commit()
    _agree(world)
    deliver()

    assert world.owner_colleague.email not in _to(smtp_server)
    assert _to(smtp_server) == _emails(world.owner, world.co_owner)
    assert world.owner_colleague.email in _notified(mails.AGREED)


def test_a_refused_or_rolled_back_transition_tells_no_one(world, smtp_server, deliver):
    take_transition(world.recommendation, "agree", world.co_chair)
    db.session.rollback()
    assert deliver().handled == 0 and _notified(mails.AGREED) == []

    _agree(world)
    _complete(world)
    told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
    with pytest.raises(TransitionRefused, match="Give a reason"):
        take_transition(world.recommendation, "send_back", world.co_chair, reason="")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == told
    assert _notified(mails.SENT_BACK) == []


def test_someone_who_may_no_longer_read_it_when_it_is_sent_is_not_sent_it(make, world, smtp_server, deliver):
    """Queued while they owned it; their organisation stopped owning it before the worker ran."""
    _agree(world)
    edit_recommendation(world.recommendation, world.co_chair, owners=[world.co_owner.organisation])
    accounts.set_active(world.owner_colleague, make.admin(), False)
    db.session.commit()

    assert deliver().sent == 1
    assert _to(smtp_server) == _emails(world.co_owner)
    failed = db.session.scalars(sa.select(OutgoingMail).where(OutgoingMail.status == MailStatus.FAILED)).all()
    assert {m.to_address for m in failed} == {world.owner.email, world.owner_colleague.email}
    assert all(m.last_answer == "Not sent: the person may no longer read this recommendation." for m in failed)


def test_the_co_chairs_button_through_the_web_tells_the_owners(client, world, smtp_server, deliver):
    _agree(world)
    _complete(world)
    deliver()
    before = len(smtp_server.messages)
    with client.session_transaction() as session:
        session["_user_id"] = session_id(world.co_chair)
    response = client.post(
        f"/recommendations/{world.recommendation.id}/transitions/send_back",
        data={"send_back-words": REASON, "send_back-submit": "Send back"},
    )
    assert response.status_code == 302
    deliver()
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages[before:]) == _emails(
        world.owner, world.owner_colleague, world.co_owner
    )
