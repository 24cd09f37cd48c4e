"""Real peers on loopback for the notification tests: an SMTP server and an HTTP server.

The channels are tested against servers that speak the real protocols, not against mocks of
apprise or of sockets: what a mock would accept (a subject apprise never encoded, a payload it never
posted) a server does not. Both bind to 127.0.0.1 on a free port and record what they receive.

Import the fixtures into a test module: `from peers import http_peer, smtp_peer`. (pytest puts
tests/ on sys.path, both for `pytest` and `python -m pytest`; `tests.peers` would work only for the
latter.)
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on right now (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


# ---- SMTP ------------------------------------------------------------------------------------


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    subject: str  # decoded (RFC 2047 words turned back into Chinese)
    text: str  # the text/plain part, "" if none
    html: str  # the text/html part, "" if none
    content_types: list[str]  # of every part, e.g. ["multipart/alternative", "text/plain", "text/html"]
    raw: bytes


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        parts = {"text/plain": "", "text/html": ""}
        for part in parsed.walk():
            kind = part.get_content_type()
            if kind in parts and not parts[kind]:
                parts[kind] = part.get_content()
        mail = Mail(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            subject=str(parsed["subject"] or ""),
            text=parts["text/plain"],
            html=parts["text/html"],
            content_types=[part.get_content_type() for part in parsed.walk()],
            raw=raw,
        )
        with self.lock:
            self.messages.append(mail)
        return "250 Message accepted for delivery"


@dataclass
class SmtpPeer:
    port: int
    inbox: _Inbox

    @property
    def messages(self) -> list[Mail]:
        with self.inbox.lock:
            return list(self.inbox.messages)

    def mailto(
        self, to: str = "zhangsan@example.org", sender: str = "duban@example.org", **params: str
    ) -> str:
        """An apprise URL that delivers here in plain SMTP (mode=insecure: no STARTTLS, no SSL)."""
        query = {"from": sender, "to": to, "mode": "insecure", **params}
        encoded = "&".join(f"{key}={quote(value, safe='@')}" for key, value in query.items())
        return f"mailto://{LOOPBACK}:{self.port}/?{encoded}"


@pytest.fixture
def smtp_peer() -> Iterator[SmtpPeer]:
    inbox = _Inbox()
    for _ in range(5):  # the port found free may be taken before the server binds it
        port = free_port()
        controller = Controller(inbox, hostname=LOOPBACK, port=port, ready_timeout=5.0)
        try:
            controller.start()
        except Exception:
            continue
        break
    else:
        pytest.fail("could not start the SMTP peer on a free port")
    try:
        yield SmtpPeer(port=port, inbox=inbox)
    finally:
        controller.stop()


# ---- HTTP ------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class HttpPeer:
    port: int
    requests: list[Request] = field(default_factory=list)
    # Statuses to answer the next requests with, in order; once used up, every request gets 200.
    planned: list[int] = field(default_factory=list)
    always: int | None = None  # when set, every request gets this status
    delay: float = 0.0  # seconds to wait before answering (after recording): a slow service
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def json_url(self, path: str = "/notify", **params: str) -> str:
        """An apprise json:// URL that posts here."""
        query = "&".join(f"{key}={quote(value)}" for key, value in params.items())
        return f"json://{LOOPBACK}:{self.port}{path}" + (f"?{query}" if query else "")

    def fail_next(self, count: int, status: int = 500) -> None:
        with self.lock:
            self.planned.extend([status] * count)

    def status_for_next(self) -> int:
        with self.lock:
            if self.always is not None:
                return self.always
            return self.planned.pop(0) if self.planned else 200

    def received(self) -> list[Request]:
        with self.lock:
            return list(self.requests)


def _handler(peer: HttpPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with peer.lock:
                peer.requests.append(Request(self.command, self.path, dict(self.headers.items()), body))
            status = peer.status_for_next()
            if peer.delay:
                time.sleep(peer.delay)
            reply = json.dumps({"status": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_POST = do_GET = do_PUT = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


@pytest.fixture
def http_peer() -> Iterator[HttpPeer]:
    server = ThreadingHTTPServer((LOOPBACK, 0), BaseHTTPRequestHandler)
    peer = HttpPeer(port=server.server_address[1])
    server.RequestHandlerClass = _handler(peer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
