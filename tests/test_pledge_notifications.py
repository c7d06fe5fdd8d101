"""A pledge's partners hear of each other, read from a real SMTP server: an invitation to sign
accepted or declined reaches the staff of the pledge's other signatories; an action a partner
records on a joint pledge reaches the staff of the other signatories; a pledge in progress
with no action for 6 months reminds its signatories' staff (`remind`, once per quiet spell).
Never the person who acted, their own organisation's colleagues for their own act, an
organisation only invited (or one that declined), staff of an organisation that does not
sign it, nor the deactivated."""

import datetime as dt

import pytest
import sqlalchemy as sa

from tests.factories import take_transition
from tracker.core.dates import DatePrecision
from tracker.core.extensions import db
from tracker.notifications.models import Notification
from tracker.pledges import signatures
from tracker.pledges.operations import record_action

from .mail import html_links, text_of

BASE = "https://pledges.example.org/"


@pytest.fixture
def joint(make):
    """A pledge led by the Australian Red Cross (two staff and a deactivated one), signed by
    the Philippine Red Cross (two staff), to which the Fiji Red Cross Society (one staff) and
    the Tonga Red Cross Society (one staff) are invited; and an outsider."""
    arc, prc = make.organisation("Australian Red Cross"), make.organisation("Philippine Red Cross")
    fiji, tonga = make.organisation("Fiji Red Cross Society"), make.organisation("Tonga Red Cross Society")
    people = {
        "arc": make.staff(organisation=arc, name="ARC staff"),
        "arc_colleague": make.staff(organisation=arc, name="ARC colleague"),
        "arc_gone": make.staff(organisation=arc, active=False),
        "prc": make.staff(organisation=prc, name="PRC staff"),
        "prc_colleague": make.staff(organisation=prc, name="PRC colleague"),
        "fiji": make.staff(organisation=fiji, name="Fiji staff"),
        "tonga": make.staff(organisation=tonga, name="Tonga staff"),
        "outsider": make.staff(),
    }
    pledge = make.pledge(author=people["arc"], co_signatories=[prc], title="Restoring Family Links")
    signatures.name_signatories(pledge, people["arc"], arc, [prc, fiji, tonga])
    db.session.commit()
    return pledge, people


def _delivered(smtp_server, deliver) -> int:
    """How many messages the server has, once the outbox is empty."""
    deliver()
    return len(smtp_server.messages)


def _inbox(smtp_server, deliver, before):
    """{address: message} of what arrived after the first `before` messages."""
    deliver()
    received = {}
    for message in smtp_server.messages[before:]:
        address = message["To"].addresses[0].addr_spec
        assert address not in received, f"{address} received two messages"
        received[address] = message
    return received


def _emails(people, *names):
    return {people[name].email for name in names}


def test_an_accepted_invitation_reaches_the_other_signatories_staff(joint, smtp_server, deliver):
    pledge, people = joint
    before = _delivered(smtp_server, deliver)  # (the invitations)

    signatures.accept_invitation(pledge, people["fiji"])
    db.session.commit()

    received = _inbox(smtp_server, deliver, before)
    assert set(received) == _emails(people, "arc", "arc_colleague", "prc", "prc_colleague")
    message = received[people["prc"].email]
    assert message["Subject"] == "Pledge Tracker: Fiji Red Cross Society accepted the invitation to sign a pledge"
    assert html_links(message)["Open the pledge"] == BASE + f"pledges/{pledge.slug}"
    text = text_of(message)
    assert (
        "Fiji staff of Fiji Red Cross Society accepted the invitation to sign the pledge “Restoring Family Links”"
        in text
    )
    assert "You receive this because your organisation signs the pledge" in text


def test_a_declined_invitation_reaches_them_with_the_decliners_word(joint, smtp_server, deliver):
    pledge, people = joint
    before = _delivered(smtp_server, deliver)

    signatures.decline_invitation(pledge, people["tonga"], "Our board meets in March.")
    db.session.commit()

    received = _inbox(smtp_server, deliver, before)
    assert set(received) == _emails(people, "arc", "arc_colleague", "prc", "prc_colleague")
    message = received[people["arc"].email]
    assert message["Subject"] == "Pledge Tracker: Tonga Red Cross Society declined the invitation to sign a pledge"
    assert "Our board meets in March." in text_of(message)


def test_a_partners_action_reaches_the_other_signatories_staff_only(joint, smtp_server, deliver):
    pledge, people = joint
    signatures.decline_invitation(pledge, people["tonga"])
    db.session.commit()
    before = _delivered(smtp_server, deliver)

    record_action(
        pledge, people["prc"], date=dt.date(2026, 5, 1), summary="Trained 40 volunteers in Manila.",
        organisations=[people["prc"].organisation],
    )  # fmt: skip
    db.session.commit()

    received = _inbox(smtp_server, deliver, before)
    # Not the recorder's colleague, nor Fiji (invited), nor Tonga (declined).
    assert set(received) == _emails(people, "arc", "arc_colleague")
    message = received[people["arc"].email]
    assert message["Subject"] == "Pledge Tracker: Philippine Red Cross recorded an action on a pledge you sign together"
    assert "Trained 40 volunteers in Manila." in text_of(message) and "1 May 2026" in text_of(message)


def test_an_action_tells_no_colleague_and_nothing_on_a_pledge_signed_alone(make, smtp_server, deliver):
    author = make.staff()
    colleague = make.staff(organisation=author.organisation)
    alone = make.pledge(author=author)
    db.session.commit()

    make.action(alone, author=author)
    db.session.commit()

    assert deliver().handled == 0
    assert db.session.scalar(sa.select(sa.func.count()).where(Notification.user_id == colleague.id)) == 0


# --- no action for 6 months ------------------------------------------------------------------------

LAST_ACTION = dt.date(2026, 1, 15)


@pytest.fixture
def quiet(app, joint, make):
    """The joint pledge in progress, published long ago, its latest action on LAST_ACTION."""
    pledge, people = joint
    take_transition(pledge, "start", people["arc"])
    pledge.published_at = dt.datetime(2025, 6, 1)
    record_action(
        pledge,
        people["arc"],
        date=LAST_ACTION,
        summary="Opened a tracing desk.",
        organisations=[people["arc"].organisation],
    )
    db.session.commit()
    return pledge, people


@pytest.fixture
def remind(app, runner, smtp_server, deliver):
    def run(day):
        app.config["TODAY"] = day
        db.session.commit()
        before = _delivered(smtp_server, deliver)
        with app.app_context():
            result = runner.invoke(args=["notifications", "remind"])
        assert result.exit_code == 0, result.output
        return {
            address: str(message["Subject"])
            for address, message in _inbox(smtp_server, deliver, before).items()
            if "no action" in str(message["Subject"])
        }

    return run


def test_six_months_without_an_action_reminds_the_signatories_staff_once(quiet, remind):
    _pledge, people = quiet

    assert remind(dt.date(2026, 7, 15)) == {}  # six months to the day: not yet
    received = remind(dt.date(2026, 7, 16))

    assert set(received) == _emails(people, "arc", "arc_colleague", "prc", "prc_colleague")
    assert received[people["prc"].email] == "Pledge Tracker: no action on a pledge in progress since 15 January 2026"
    assert remind(dt.date(2026, 7, 16)) == {}
    assert remind(dt.date(2026, 9, 1)) == {}


def test_a_new_action_starts_a_new_quiet_spell(app, quiet, remind):
    pledge, people = quiet
    remind(dt.date(2026, 7, 16))
    app.config["TODAY"] = dt.date(2026, 8, 1)
    record_action(
        pledge,
        people["prc"],
        date=dt.date(2026, 8, 1),
        summary="A second desk.",
        organisations=[people["prc"].organisation],
    )
    db.session.commit()

    assert remind(dt.date(2027, 2, 1)) == {}
    assert set(remind(dt.date(2027, 2, 2))) == _emails(people, "arc", "arc_colleague", "prc", "prc_colleague")


def test_a_done_or_draft_pledge_is_never_quiet(joint, make, remind):
    pledge, people = joint
    take_transition(pledge, "start", people["arc"])
    make.action(pledge, author=people["arc"], date=LAST_ACTION)
    take_transition(pledge, "complete", people["arc"])
    make.pledge(author=people["arc"], title="A draft")
    db.session.commit()

    assert remind(dt.date(2027, 1, 1)) == {}


def test_a_partners_action_is_dated_in_each_readers_language(joint, smtp_server, deliver):
    """(Issue 21: the day was written in English when the notification was made, and stayed
    so in a French e-mail.) A day known to the month reads as the reader writes months."""
    pledge, people = joint
    people["arc"].language, people["arc_colleague"].language = "fr", "es"
    db.session.commit()
    before = _delivered(smtp_server, deliver)
    record_action(
        pledge, people["prc"], date=dt.date(2026, 5, 1), summary="Trained 40 volunteers in Manila.",
        organisations=[people["prc"].organisation], date_precision=DatePrecision.MONTH,
    )  # fmt: skip
    db.session.commit()
    received = _inbox(smtp_server, deliver, before)
    french, spanish = text_of(received[people["arc"].email]), text_of(received[people["arc_colleague"].email])
    assert "mai 2026" in french and "May 2026" not in french
    assert "mayo de 2026" in spanish and "May 2026" not in spanish
