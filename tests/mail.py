"""A real SMTP server for the tests (aiosmtpd), and what they read in the messages it got.

`smtp_server` starts one on a free port of 127.0.0.1 and points the app at it; a test
reads `server.messages` (parsed with the `email` package), makes it refuse (`answer =
"451 …"`), or stops and starts it again (an outage).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import socket
import threading
from html.parser import HTMLParser

from aiosmtpd.controller import Controller

from tracker.notifications import delivery


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collector:
    """The server's handler: keeps every message it accepts; answers `answer` instead when set."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.answer: str | None = None
        self.delay = 0.0  # seconds the server takes over each message (a slower server)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answer:
            return self.answer
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = _Collector()
        self._controller: Controller | None = None

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def answer(self):
        return self.handler.answer

    @answer.setter
    def answer(self, value):
        self.handler.answer = value

    def start(self):
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def configure(self, app):
        """Point `app` (and its Flask-Mailman state) at this server."""
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=self.port, MAIL_TIMEOUT=5)
        delivery.init_app(app)

    def environment(self) -> dict[str, str]:
        """The same, for a `flask` process."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.port)}


# --- reading messages ------------------------------------------------------------------------


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def text_links(message) -> list[str]:
    return re.findall(r"https?://[^\s<>\"]+", text_of(message))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._text).split()), self._href))
            self._href = None


def html_links(message) -> dict[str, str]:
    """{link text: address} of the HTML part."""
    parser = _Links()
    parser.feed(html_of(message))
    return dict(parser.links)


def path_of(url: str, base: str) -> str:
    assert url.startswith(base), (url, base)
    return "/" + url[len(base) :].lstrip("/")
