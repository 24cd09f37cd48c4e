"""Signing in to the dashboard and out of it: the login throttle, the password check, the
server-side session.

Anyone may try to sign in, so there is no actor and no row of the permission table here: what
guards a login is the throttle (models.writes.users.LoginThrottle, one allowance per name shared by
every server process). The password is checked in a read session (argon2 is slow on purpose, and
on SQLite a write transaction held meanwhile would stall every other writer); what a login writes
goes through `start` afterwards, in one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from models.reads.users import authenticate, upgraded_hash
from models.storage.db import read_session, write_session
from models.storage.tables import User
from models.writes import users as accounts
from models.writes.users import LoginThrottle

__all__ = ["Checked", "LoginThrottle", "check", "end", "start"]


@dataclass(frozen=True)
class Checked:
    """A login attempt checked: the account (None: wrong name or password, or refused unchecked),
    the seconds to wait when the throttle refused it, and the upgraded hash to store at `start`."""

    user: User | None
    wait: int = 0
    new_hash: str | None = None


def check(engine: Engine, throttle: LoginThrottle, name: str, password: str) -> Checked:
    """Reserve an attempt for `name` (refused unchecked while the name is locked), then check the
    password; the throttle counts a failure or releases the reservation."""
    # Reserved before the password is checked: concurrent guesses (on every server process) cannot
    # get more checks than the allowance.
    wait = throttle.reserve(name)
    if wait:
        return Checked(None, wait=wait)
    with read_session(engine) as session:
        user = authenticate(session, name, password)
    if user is None:
        throttle.failed(name)
        return Checked(None)
    throttle.succeeded(name)
    return Checked(user, new_hash=upgraded_hash(user, password))


def start(engine: Engine, checked: Checked, sid: str, *, hours: int) -> None:
    """Record the signed-in session `sid` of a checked login (and its upgraded password hash)."""
    assert checked.user is not None
    with write_session(engine) as session:
        accounts.start_login(session, checked.user, sid, hours=hours, new_hash=checked.new_hash)


def end(engine: Engine, sid: str) -> None:
    """End a signed-in session on the server: a copy of its cookie is worth nothing after it."""
    with write_session(engine) as session:
        accounts.end_session(session, sid)
