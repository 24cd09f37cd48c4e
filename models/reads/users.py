"""Dashboard accounts as read: a login's password check, the list of accounts, what an account may
do (the permission table of models.rules.permissions, asked for a page deciding what to show), and
the account behind a live session.

Writing them (accounts, passwords, sessions, the login throttle) is models.writes.users; the argon2
hasher lives here because checking a password is a read and both sides need it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, select

from models.rules.permissions import Action, Grant, allowed, grant
from models.storage.tables import Assignment, Task, Unit, User, WebSession, utcnow

hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so a login takes as long either way and
    does not tell which accounts exist. Made on first use, not at import: hashing costs ~0.1 s, and
    every CLI command imports this module."""
    return hasher.hash("not a password")


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way).

    Only reads: call it in a read session. Verifying takes a deliberate tenth of a second or so, and
    on SQLite a write transaction held meanwhile would stall every other writer (the scheduler, other
    users' saves); what a login writes goes through `start_login` afterwards, in a short transaction.
    """
    user = session.exec(select(User).where(User.name == name.strip())).first()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def upgraded_hash(user: User, password: str) -> str | None:
    """A new hash of the password just verified when the stored one uses older argon2 parameters,
    else None. Hashing is as slow as verifying, so it is done before the write transaction opens."""
    return hasher.hash(password) if hasher.check_needs_rehash(user.password_hash) else None


def user_named(session: Session, name: str) -> User | None:
    """The account of exactly this name (active or not), or None."""
    return session.exec(select(User).where(User.name == name)).first()


def list_users(session: Session) -> list[tuple[User, str]]:
    query = select(User, Unit.name).join(Unit, col(Unit.id) == User.unit_id, isouter=True).order_by(User.name)
    return [(user, unit or "") for user, unit in session.execute(query)]


def can_write(user: User) -> bool:
    """Whether the account may change any task at all (the table's update grant, own unit or all)."""
    return allowed(user.role, Action.UPDATE_TASK)


def is_office(user: User) -> bool:
    """Whether the account runs the ledger (imports plans, merges units): the office and admins."""
    return allowed(user.role, Action.IMPORT_PLAN)


def may_update(session: Session, user: User, task: Task) -> bool:
    """The permission table's answer (models.rules.permissions) for this account and task: office
    and admin any task, unit users the tasks their unit leads or supports, leaders none."""
    cell = grant(user.role, Action.UPDATE_TASK)
    if cell is Grant.YES:
        return True
    return cell is Grant.OWN_UNIT and unit_assigned(session, task, user.unit_id)


def unit_assigned(session: Session, task: Task, unit_id: int | None) -> bool:
    """Whether the unit leads or supports the task (what an own-unit grant of the table asks)."""
    if unit_id is None:
        return False
    query = select(Assignment.id).where(Assignment.task_id == task.id, Assignment.unit_id == unit_id)
    return session.exec(query).first() is not None


# --- Dashboard sessions ---------------------------------------------------------------------------


def session_key(sid: str) -> str:
    """The key a session id is stored under: its hash, so a copy of the table opens no session."""
    return hashlib.sha256(sid.encode()).hexdigest()


def session_user(session: Session, sid: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user of a live session, in one query: None once it expired, was ended or the account
    was deactivated."""
    query = (
        select(User)
        .join(WebSession, col(WebSession.user_id) == User.id)
        .where(
            WebSession.sid == session_key(sid),
            col(WebSession.expires_at) > (now or utcnow()),
            col(User.active).is_(True),
        )
    )
    return session.exec(query).first()
