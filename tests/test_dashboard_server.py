"""The dashboard as it is served: a real `duban serve` (tests/live_server.py) spoken to over raw
sockets and HTTP, and the ASGI app called directly where the test must see what the app reads.

No browser is needed. The server's request-size limit is lowered (plans.max_document_bytes) so the
oversized requests stay small enough to send quickly.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tomli_w
from dashboard_client import dashboard_settings
from live_server import LiveServer, server_env, serving, write_config
from workflow_ledger import seed

from dashboard.app import create_app
from models.storage.db import open_ledger

MAX_DOCUMENT = 100_000
LIMIT = MAX_DOCUMENT + 1_000_000  # dashboard.app: a document plus the form around it
CHUNK = 64 * 1024
# A multipart upload: Starlette caps a plain form field at 1 MB itself, but spools a file part of
# any size to disk, which is what the limit must stop.
BOUNDARY = "duban-test-boundary"
PART_HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="document"; filename="plan.txt"\r\n'
    "Content-Type: text/plain\r\n\r\n"
).encode()
PART_END = f"\r\n--{BOUNDARY}--\r\n".encode()
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("served")
    config = write_config(folder)
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    data["plans"]["max_document_bytes"] = MAX_DOCUMENT
    config.write_text(tomli_w.dumps(data), encoding="utf-8")
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    engine = open_ledger(url)
    seed(engine)
    engine.dispose()
    live = LiveServer(url="", folder=folder, env=server_env(folder, url), log=folder / "serve.log")
    live.add_user("office", "office")
    with serving(live):
        yield live


def chunks(total: int) -> Iterator[bytes]:
    """A multipart form whose one file part holds about `total` bytes, in pieces."""
    yield PART_HEAD
    for _ in range(total // CHUNK):
        yield b"a" * CHUNK
    yield PART_END


def post_chunked(url: str, path: str, *, total: int) -> int:
    """POST a form with a file of `total` bytes with Transfer-Encoding: chunked (no Content-Length)
    and return the status. The body is sent from a thread while the answer is read, because a server that stops
    reading would otherwise leave the sender blocked on a full socket buffer."""
    where = urlsplit(url)
    sock = socket.create_connection((where.hostname, where.port), timeout=60)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {where.netloc}\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\nTransfer-Encoding: chunked\r\n\r\n"
    )

    def send_body() -> None:
        try:
            sock.sendall(head.encode())
            for piece in chunks(total):
                sock.sendall(b"%x\r\n" % len(piece) + piece + b"\r\n")
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed without reading the rest: what the test wants

    sender = threading.Thread(target=send_body, daemon=True)
    sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    finally:
        sock.close()
        sender.join(timeout=60)
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def test_a_chunked_upload_over_the_limit_is_refused_by_the_served_app(server):
    # Anonymous, to /login: before any sign-in the server must not read (and spool) a huge body.
    assert post_chunked(server.url, "/login", total=8 * LIMIT) == 413
    assert post_chunked(server.url, "/login", total=CHUNK) == 403  # a small form: read, no CSRF token


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_sent(server):
    where = urlsplit(server.url)
    with socket.create_connection((where.hostname, where.port), timeout=60) as sock:
        sock.sendall(
            f"POST /login HTTP/1.1\r\nHost: {where.netloc}\r\nContent-Type: {CONTENT_TYPE}\r\n"
            f"Content-Length: {10 * LIMIT}\r\n\r\n".encode()
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")  # answered with no byte of the body sent


def test_a_chunked_body_is_read_no_further_than_the_limit(tmp_path: Path):
    settings = dashboard_settings(tmp_path, f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    settings = settings.model_copy(
        update={"plans": settings.plans.model_copy(update={"max_document_bytes": MAX_DOCUMENT})}
    )
    app = create_app(settings)
    body, pulled, sent = list(chunks(3 * LIMIT)), 0, []

    async def receive() -> dict:
        nonlocal pulled
        piece = body.pop(0)
        pulled += len(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(body)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", CONTENT_TYPE.encode()),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    try:
        asyncio.run(app(scope, receive, send))
    finally:
        app.state.engine.dispose()
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert pulled <= LIMIT + CHUNK  # reading stopped at the limit, not at the end of the body
    answer = b"".join(message.get("body", b"") for message in sent[1:])
    assert "请求过大".encode() in answer


def test_several_server_processes_share_one_key_and_every_session(tmp_path: Path):
    # `duban serve --workers 2`: both processes start at once with no key yet; a session made by one
    # must be accepted by the other, whichever answers.
    import httpx
    from dashboard_client import csrf_of
    from live_server import PASSWORD

    folder = tmp_path / "served"
    folder.mkdir()
    write_config(folder)
    url = f"sqlite:///{folder / 'ledger.sqlite3'}"
    engine = open_ledger(url)
    seed(engine)
    engine.dispose()
    live = LiveServer(url="", folder=folder, env=server_env(folder, url), log=folder / "serve.log")
    live.add_user("office", "office")
    with serving(live, args=("--workers", "2")), httpx.Client(base_url=live.url, timeout=30) as client:
        page = client.get("/login")
        client.post(
            "/login",
            data={"name": "office", "password": PASSWORD, "csrf": csrf_of(page.text), "next": "/"},
        )
        statuses = [client.get("/tasks", follow_redirects=False).status_code for _ in range(40)]
    assert statuses == [200] * 40
    assert [p.name for p in folder.iterdir() if "secret" in p.name] == ["dashboard.secret"]


def test_processes_creating_the_key_at_once_all_get_the_same_one(tmp_path: Path):
    import multiprocessing

    from dashboard.sessions import load_secret

    path = tmp_path / "keys" / "dashboard.secret"
    with multiprocessing.get_context("fork").Pool(6) as pool:
        keys = pool.map(load_secret, [path] * 24)
    assert len(set(keys)) == 1 and keys[0] == path.read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == ["dashboard.secret"]
