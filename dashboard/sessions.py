"""Session cookies and CSRF tokens.

The session is a signed cookie (itsdangerous) holding a random session id and, once logged in, the
user id; it is HttpOnly and SameSite=Lax, Secure when configured. A signed-in session is valid only
while its row in web_session lives (models.writes.users.start_session writes it,
models.reads.users.session_user reads it): logout, a new password or a deactivated account delete
it. Every visitor gets a session id,
so the login form is CSRF-protected too; logging in issues a new id (no session fixation). The CSRF
token of a form is an HMAC of the session id: nothing to store server-side, and useless with
another session.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "duban_session"


def load_secret(path: Path) -> bytes:
    """The signing key, created on first start (owner-readable only) so restarts keep sessions.

    Several server processes (`duban serve --workers N`) start at once and must agree on one key:
    the key is written whole to a file of this process's own and then hard-linked into place, which
    fails if another process got there first; that one's key is then read. Nobody ever reads a
    half-written key.
    """
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    own = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(own, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(own, path)
    except FileExistsError:
        return path.read_bytes().strip()
    finally:
        own.unlink()
    return key


@dataclass
class SessionData:
    sid: str
    uid: int | None = None
    fresh: bool = False  # to be (re)written to the cookie


class Sessions:
    def __init__(self, secret: bytes, *, max_age_seconds: int, secure: bool) -> None:
        self.secret = secret
        self.serializer = URLSafeTimedSerializer(secret, salt="duban-session")
        self.max_age = max_age_seconds
        self.secure = secure

    def read(self, cookie: str | None) -> SessionData:
        if cookie:
            try:
                data = self.serializer.loads(cookie, max_age=self.max_age)
                return SessionData(sid=str(data["sid"]), uid=data.get("uid"))
            except (BadSignature, KeyError, TypeError):
                pass
        return self.new()

    def new(self, uid: int | None = None) -> SessionData:
        return SessionData(sid=secrets.token_urlsafe(24), uid=uid, fresh=True)

    def dump(self, session: SessionData) -> str:
        return self.serializer.dumps({"sid": session.sid, "uid": session.uid})

    def csrf_token(self, session: SessionData) -> str:
        return hmac.new(self.secret, f"csrf:{session.sid}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: SessionData, token: str | None) -> bool:
        # Compared as bytes: compare_digest refuses a str with non-ASCII characters (a TypeError, a
        # 500), and a forged token may hold any.
        expected = self.csrf_token(session).encode()
        return bool(token) and hmac.compare_digest(expected, (token or "").encode("utf-8", "replace"))
