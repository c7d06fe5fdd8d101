"""The worker's half that needs the web framework: rendering each message from its kind's
templates (with absolute links from PUBLIC_BASE_URL) and handing it to the mail server
through Flask-Mailman. `outbox` keeps the books; `cli` runs passes of `deliver_due`.

Every message has a plain-text part and an HTML part, the site's name, a link to the page
it concerns and why the person receives it; a notification (not an account mail) also has
a one-click unsubscribe (`List-Unsubscribe` with an https link, `List-Unsubscribe-Post`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, url_for
from flask_babel import refresh
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends import console

from ..core import i18n
from ..core.columns import utcnow
from ..core.extensions import db
from ..core.i18n import _l
from ..core.web.i18n import CHOSEN_LANGUAGE
from . import kinds, outbox
from .models import OutgoingMail
from .operations import unsubscribe_token

log = logging.getLogger(__name__)

mail = Mail()

BATCH = 100


class MailNotConfigured(RuntimeError):
    """The worker cannot write absolute links without PUBLIC_BASE_URL."""


def deliver_due(now: dt.datetime | None = None, limit: int = BATCH) -> outbox.Tally:
    """One pass: claim what is due, send it, record each answer. Returns what happened."""
    now = now or utcnow()
    base_url = _base_url()
    outbox.requeue_interrupted(now)
    claimed = outbox.claim_due(outbox.new_claim(), now, limit)
    db.session.commit()
    tally = outbox.Tally()
    if not claimed:
        return tally
    connection = mail.get_connection()
    try:
        _send_all(claimed, connection, now, base_url, tally)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return tally


def _send_all(claimed: list[OutgoingMail], connection: Any, now: dt.datetime, base_url: str, tally: outbox.Tally):
    unreachable: str | None = None
    for message in claimed:
        if unreachable is not None:  # the server is down: the rest wait too, untried
            outbox.record_failure(message, now, unreachable, permanent=False, tally=tally)
        else:
            unreachable = _send_one(message, connection, now, base_url, tally)
        db.session.commit()


def _send_one(message: OutgoingMail, connection: Any, now: dt.datetime, base_url: str, tally: outbox.Tally):
    """Send one message and record the outcome; the server's trouble if it cannot be reached."""
    try:
        email = render(message, base_url)
    except kinds.NotDeliverable as reason:
        outbox.record_failure(message, now, str(_l("Not sent: %(reason)s", reason=reason)), permanent=True, tally=tally)
        return None
    except Exception as error:  # a template's mistake must not stop the others
        log.exception("Could not render outgoing mail %s", message.id)
        written = str(_l("Could not be written: %(error)s", error=repr(error)))
        outbox.record_failure(message, now, written, permanent=True, tally=tally)
        return None
    try:
        connection.send_messages([email])
    except smtplib.SMTPResponseException as refusal:
        outbox.record_failure(
            message,
            now,
            _answer(refusal.smtp_code, refusal.smtp_error),
            permanent=refusal.smtp_code >= 500,
            tally=tally,
        )
    except smtplib.SMTPRecipientsRefused as refusal:
        code, text = next(iter(refusal.recipients.values()))
        outbox.record_failure(message, now, _answer(code, text), permanent=code >= 500, tally=tally)
    except (OSError, smtplib.SMTPException) as trouble:
        answer = str(_l("The mail server could not be reached: %(trouble)s", trouble=str(trouble))).rstrip(": ")
        outbox.record_failure(message, now, answer, permanent=False, tally=tally)
        _drop(connection)
        return answer
    else:
        outbox.record_sent(message, now, str(_l("Accepted by the mail server.")))
        tally.sent += 1
    return None


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {words}"


def _drop(connection: Any) -> None:
    """Forget a broken connection, so that the next pass opens a new one."""
    try:
        connection.close()
    except (OSError, smtplib.SMTPException):
        connection.connection = None


# --- rendering ------------------------------------------------------------------------------


def render(message: OutgoingMail, base_url: str) -> EmailMultiAlternatives:
    """The e-mail `message` becomes: its kind's templates, with links under `base_url`."""
    kind = kinds.get(message.kind)
    context: dict[str, Any] = dict(message.context)
    if kind.check is not None and message.user_id is not None:
        kind.check(message.user_id, context)  # may they still read it? NotDeliverable if not
    site_name = current_app.config.get("SITE_NAME", "Pledge Tracker")
    headers = {"Message-ID": _message_id(message, base_url), "Auto-Submitted": "auto-generated"}
    # Written in the recipient's language (`message.language`): the page language the
    # templates, dates and numbers follow (tracker/core/web/i18n.py) is set for this render.
    language = i18n.known(message.language) or i18n.DEFAULT
    with current_app.test_request_context("/", base_url=base_url, environ_overrides={CHOSEN_LANGUAGE: language}):
        refresh()  # not the language of the previous message rendered in this app context
        if kind.prepare is not None:  # (in the recipient's language: what it words, it words for them)
            context.update(kind.prepare(context))
        context.update(kinds.days_in_readers_words(context))
        unsubscribe = None
        if kind.notification and kind.public and kind.unsubscribe_page is not None:
            arguments = {name: context[name] for name in kind.unsubscribe_args}
            unsubscribe = url_for(kind.unsubscribe_page, **arguments, _external=True)
        elif kind.notification and message.user_id is not None:
            token = unsubscribe_token(message.user_id, kind.name)
            unsubscribe = url_for("notifications.unsubscribe", token=token, _external=True)
        if unsubscribe is not None:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        subject = kind.subject_of(context | {"site_name": site_name})
        values = context | {"site_name": site_name, "subject": subject, "unsubscribe_url": unsubscribe,
                            "recipient_name": message.to_name, "kind": kind}  # fmt: skip
        text_template, html_template = kind.templates
        text, html = render_template(text_template, **values), render_template(html_template, **values)
    email = EmailMultiAlternatives(
        subject=subject, body=text, to=[formataddr((message.to_name or "", message.to_address))], headers=headers
    )
    email.attach_alternative(html, "text/html")
    return email


def _message_id(message: OutgoingMail, base_url: str) -> str:
    """One Message-ID per outbox row, whatever the attempt: a receiver can tell a repeat."""
    host = urlsplit(base_url).hostname or "localhost"
    return f"<outbox-{message.id}-{message.created_at:%Y%m%d%H%M%S}@{host}>"


def _base_url() -> str:
    base_url = current_app.config.get("PUBLIC_BASE_URL")
    if not base_url:
        raise MailNotConfigured(
            _l("Set PUBLIC_BASE_URL (e.g. https://pledges.example.org): e-mails link to the site with it.")
        )
    return str(base_url).rstrip("/") + "/"


def init_app(app: Flask) -> None:
    mail.init_app(app)


class ConsoleEmailBackend(console.EmailBackend):
    """Without MAIL_SERVER (`make run`): each message written to the console as its reader
    would read it — to whom, its subject and its text, links included — not its MIME source
    (a dozen demo messages would otherwise bury the server's address)."""

    def write_message(self, message: Any) -> None:
        self.stream.write(
            f"== E-mail, not sent (no MAIL_SERVER) ==\nTo: {', '.join(message.to)}\n"
            f"Subject: {message.subject}\n\n{message.body.rstrip()}\n{'-' * 79}\n"
        )
