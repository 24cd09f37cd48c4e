"""Local accounts of the dashboard: argon2-hashed passwords, a role, and for unit users their unit.

Roles: admin and office may do everything; unit users see everything and change only their own
unit's tasks; leaders only read. Who may do what is the table of models.rules.permissions, asked by
the use cases (workflows/use_cases); `may_update` here asks it for a page deciding what to show.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import threading
import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from models import units as registry
from models.errors import BadInput, Conflict, NotFound
from models.rules.permissions import Action, Grant, allowed, grant
from models.tables import Assignment, Task, User, UserRole, WebSession, utcnow

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the name is unknown, so a login takes as long either way and
    does not tell which accounts exist. Made on first use, not at import: hashing costs ~0.1 s, and
    every CLI command imports this module."""
    return _hasher.hash("not a password")


MIN_PASSWORD = 8


def add_user(session: Session, name: str, *, role: str, password: str, unit: str | None = None) -> User:
    name = name.strip()
    if not name:
        raise BadInput("a user needs a name")
    if role not in {r.value for r in UserRole}:
        raise BadInput(f"unknown role {role!r}: one of {', '.join(r.value for r in UserRole)}")
    if role == UserRole.UNIT.value and not unit:
        raise BadInput("a unit user needs --unit (the unit whose tasks they update)")
    if role != UserRole.UNIT.value and unit:
        raise BadInput(f"only unit users belong to a unit, not {role} users")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password must have at least {MIN_PASSWORD} characters")
    if session.exec(select(User).where(User.name == name)).first() is not None:
        raise Conflict(f"a user named {name!r} exists already")
    unit_id = registry.get(session, unit).id if unit else None
    user = User(name=name, role=role, unit_id=unit_id, password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(f"no user {name!r}")
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"the password must have at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)
    session.add(user)
    # A new password is often set because the old one leaked: whoever used it is signed out too.
    end_user_sessions(session, user)
    session.flush()
    return user


def set_active(session: Session, name: str, active: bool) -> User:
    """Allow or refuse an account's logins; deactivating also ends its open sessions."""
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound(f"no user {name!r}")
    user.active = active
    session.add(user)
    if not active:
        end_user_sessions(session, user)
    session.flush()
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way).

    Only reads: call it in a read session. Verifying takes a deliberate tenth of a second or so, and
    on SQLite a write transaction held meanwhile would stall every other writer (the scheduler, other
    users' saves); what a login writes goes through `start_login` afterwards, in a short transaction.
    """
    user = session.exec(select(User).where(User.name == name.strip())).first()
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    return user


def upgraded_hash(user: User, password: str) -> str | None:
    """A new hash of the password just verified when the stored one uses older argon2 parameters,
    else None. Hashing is as slow as verifying, so it is done before the write transaction opens."""
    return _hasher.hash(password) if _hasher.check_needs_rehash(user.password_hash) else None


def start_login(
    session: Session, user: User, sid: str, *, hours: int, new_hash: str | None = None
) -> WebSession:
    """The writes of a login, in one short transaction: the upgraded hash (unless the password was
    changed since it was verified) and the server-side session."""
    if new_hash is not None:
        session.execute(
            update(User)
            .where(col(User.id) == user.id, col(User.password_hash) == user.password_hash)
            .values(password_hash=new_hash)
        )
    return start_session(session, user, sid, hours=hours)


def list_users(session: Session) -> list[tuple[User, str]]:
    from models.tables import Unit

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


def _session_key(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(
    session: Session, user: User, sid: str, *, hours: int, now: dt.datetime | None = None
) -> WebSession:
    """Record a signed-in session (the cookie's id): valid until `hours` from now or until ended."""
    assert user.id is not None  # a stored account
    now = now or utcnow()
    # Expired rows of anyone are cleared here, at a login, so the table never grows without bound.
    session.execute(delete(WebSession).where(col(WebSession.expires_at) <= now))
    row = WebSession(
        sid=_session_key(sid), user_id=user.id, created_at=now, expires_at=now + dt.timedelta(hours=hours)
    )
    session.add(row)
    session.flush()
    return row


def session_user(session: Session, sid: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user of a live session, in one query: None once it expired, was ended or the account
    was deactivated."""
    query = (
        select(User)
        .join(WebSession, col(WebSession.user_id) == User.id)
        .where(
            WebSession.sid == _session_key(sid),
            col(WebSession.expires_at) > (now or utcnow()),
            col(User.active).is_(True),
        )
    )
    return session.exec(query).first()


def end_session(session: Session, sid: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.sid) == _session_key(sid)))


def end_user_sessions(session: Session, user: User) -> None:
    session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))


# --- Login throttling -----------------------------------------------------------------------------

MAX_FAILURES = 5  # failed logins for one name …
FAILURE_WINDOW = 15 * 60  # … within this many seconds …
LOCKOUT = 15 * 60  # … refuse that name for this many seconds, the right password included
_TRACKED_NAMES = 10_000  # past this, names with no recent failure are forgotten (memory stays bounded)


class LoginThrottle:
    """Failed logins per name, to stop guessing a password online.

    Kept in memory, per process: the dashboard is one process (`duban serve`, a single uvicorn
    worker), so one throttle sees every attempt; a restart forgets it, which costs an attacker a
    restart they cannot cause. Behind several processes each would count on its own, allowing
    MAX_FAILURES per process. Unknown names are counted like real ones, so the answer tells nothing
    about which accounts exist. The clock is passed in, so tests move time instead of waiting.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # login requests run in the thread pool, concurrently
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    def wait_seconds(self, name: str) -> int:
        """Seconds until `name` may try again; 0 when it may now."""
        with self._lock:
            until = self._locked_until.get(name.strip(), 0.0)
            return max(0, math.ceil(until - self._clock()))

    def failed(self, name: str) -> None:
        key, now = name.strip(), self._clock()
        with self._lock:
            recent = [at for at in self._failures.get(key, []) if now - at < FAILURE_WINDOW]
            recent.append(now)
            if len(recent) >= MAX_FAILURES:
                self._locked_until[key] = now + LOCKOUT
                recent = []  # once the lockout ends, the name gets its full allowance again
            self._failures[key] = recent
            if len(self._failures) > _TRACKED_NAMES:
                self._forget_stale(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.strip(), None)

    def _forget_stale(self, now: float) -> None:
        self._failures = {
            key: times for key, times in self._failures.items() if times and now - times[-1] < FAILURE_WINDOW
        }
        self._locked_until = {key: until for key, until in self._locked_until.items() if until > now}
